"""Data functions for contacts: every write checks its version and records its history.

An edit carries the version it was based on; the UPDATE only applies `WHERE version = ?`,
so of two people saving the same contact exactly one wins and the other gets a conflict
with the current values, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kb.contacts.model import (
    EDITABLE,
    GROUPS,
    Contact,
    ContactChange,
    ContactCreate,
    ContactReceipt,
    ContactUpdate,
)
from kb.contacts.validation import Invalid, missing_fields, read_contact

__all__ = ["Invalid"]  # raised by callers reading input, caught beside StaleVersion


class StaleVersion(Exception):
    """The contact changed since the editor loaded it."""

    def __init__(self, current: Contact | None):
        super().__init__("stale version")
        self.current = current


@dataclass
class Status:
    complete: bool
    missing: list[str]
    stale: bool


def snapshot(contact: Contact) -> dict:
    return {field: getattr(contact, field) for field in EDITABLE}


def status(contact: Contact, stale_days: int) -> Status:
    missing = missing_fields(contact)
    verified = contact.verified_at
    if verified is not None and verified.tzinfo is None:
        verified = verified.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
    stale = verified is None or datetime.now(UTC) - verified > timedelta(days=stale_days)
    return Status(complete=not missing, missing=missing, stale=stale)


def list_contacts(*, session: Session) -> list[Contact]:
    contacts = session.exec(select(Contact)).all()
    return sorted(
        contacts, key=lambda c: (GROUPS.index(c.group), c.escalation_order, c.role.lower())
    )


def _record(session: Session, contact_id: int, action: str, by: str, before, after) -> None:
    session.add(
        ContactChange(contact_id=contact_id, action=action, by=by, before=before, after=after)
    )


class Repeated(Exception):
    """This form (or Idempotency-Key) already added a contact: `contact`, if still there."""

    def __init__(self, contact: Contact | None):
        super().__init__("already added")
        self.contact = contact


RECEIPT_DAYS = 1  # how long a form's token is remembered


def create_contact(
    *, session: Session, contact_in: ContactCreate, by: str, once: str | None = None
) -> Contact:
    """A new contact. `once` is the token of the form (or API call) that asks: sent again,
    even at the same instant, it raises Repeated with the contact it made (the token's
    unique key decides, in `_insert`)."""
    contact = Contact(
        **contact_in.model_dump(),
        created_by=by,
        updated_by=by,
        verified_at=datetime.now(UTC),
        verified_by=by,
    )
    return _insert(session, contact, "create", by, once)


def _insert(
    session: Session, contact: Contact, action: str, by: str, once: str | None = None
) -> Contact:
    """Add a contact that was not there (a new one, or one brought back) with its history."""
    wanted = contact.id  # set when a deleted contact comes back under its own id
    session.add(contact)
    try:
        session.flush()
        if once:
            session.add(ContactReceipt(token=once, contact_id=contact.id))
            session.flush()
    except IntegrityError:
        if once:  # the same form landed first: its contact, not a second one
            session.rollback()
            session.expunge_all()
            earlier = session.get(ContactReceipt, once)
            raise Repeated(session.get(Contact, earlier.contact_id) if earlier else None) from None
        if wanted is None:
            raise
        _lost_race(session, wanted)  # that contact was brought back meanwhile
    if once:
        old = datetime.now(UTC) - timedelta(days=RECEIPT_DAYS)
        session.exec(delete(ContactReceipt).where(ContactReceipt.at < old))
    _record(session, contact.id, action, by, None, snapshot(contact))
    session.commit()
    session.refresh(contact)
    return contact


def _apply(
    session: Session, contact: Contact, version: int, values: dict, by: str, action: str
) -> Contact:
    contact_id = contact.id  # read now: after a lost race the row may be gone
    before = snapshot(contact)
    now = datetime.now(UTC)
    changes = {**values, "version": version + 1, "updated_at": now, "updated_by": by}
    if action == "verify" or values:  # an edit by a person is also a verification
        changes.update(verified_at=now, verified_by=by)
    result = session.exec(
        update(Contact)
        .where(Contact.id == contact_id, Contact.version == version)
        .values(**changes)
    )
    if result.rowcount != 1:
        _lost_race(session, contact_id)
    after = {**before, **values}
    _record(session, contact_id, action, by, before, after)
    session.commit()
    session.expire_all()
    return session.get(Contact, contact_id)


def _lost_race(session: Session, contact_id: int) -> NoReturn:
    """Someone else's change (an edit, a deletion, a restore) landed first: nothing of this
    one is written, and the editor sees what the contact is now (None: deleted)."""
    session.rollback()
    session.expunge_all()
    raise StaleVersion(session.get(Contact, contact_id))


def update_contact(
    *, session: Session, contact: Contact, contact_in: ContactUpdate, version: int, by: str
) -> Contact:
    """Apply the fields sent (the rest stay) if nobody saved since `version`."""
    if version != contact.version:
        raise StaleVersion(contact)
    values = contact_in.model_dump(exclude_unset=True)
    return _apply(session, contact, version, values, by, "update")


def verify_contact(*, session: Session, contact: Contact, version: int, by: str) -> Contact:
    """ "Still correct": nothing changes but the date someone last checked it."""
    if version != contact.version:
        raise StaleVersion(contact)
    return _apply(session, contact, version, {}, by, "verify")


def restorable(change: ContactChange) -> dict | None:
    """The values a change can bring back: those before a deletion, else those after."""
    values = change.before if change.action == "delete" else change.after
    return {k: v for k, v in values.items() if k in EDITABLE} if values else None


def restore_contact(
    *,
    session: Session,
    contact: Contact,
    change: ContactChange,
    version: int,
    by: str,
    fields: list[str] | None = None,
) -> Contact:
    """Bring back the values a contact had at an earlier change (itself a change); only
    `fields` when given, so a number added since need not be lost."""
    values = restorable(change) if change.contact_id == contact.id else None
    if values is None:
        raise Invalid({"change": "that change does not belong to this contact"})
    if version != contact.version:
        raise StaleVersion(contact)
    chosen = {k: v for k, v in values.items() if fields is None or k in fields}
    return _apply(session, contact, version, chosen, by, "restore")


def undelete_contact(*, session: Session, change: ContactChange, by: str) -> Contact:
    """A deleted contact back under its own id, so its history reads on unbroken."""
    values = restorable(change)
    if values is None or session.get(Contact, change.contact_id) is not None:
        raise Invalid({"change": "nothing to restore from that change"})
    cleaned = read_contact(values).model_dump()  # raises Invalid
    changes = len(history(session=session, contact_id=change.contact_id))
    now = datetime.now(UTC)
    contact = Contact(
        id=change.contact_id,
        **cleaned,
        version=changes + 1,  # above any version an old form could still carry
        created_by=by,
        updated_by=by,
        updated_at=now,
        verified_at=now,
        verified_by=by,
    )
    return _insert(session, contact, "restore", by)


def deleted(*, session: Session, limit: int = 10) -> list[ContactChange]:
    """The latest deletion of each contact that is still deleted, newest first."""
    existing = set(session.exec(select(Contact.id)).all())
    changes = session.exec(
        select(ContactChange)
        .where(ContactChange.action == "delete")
        .order_by(ContactChange.at.desc(), ContactChange.id.desc())
    ).all()
    found: dict[int, ContactChange] = {}
    for change in changes:
        if change.contact_id not in existing and change.contact_id not in found:
            found[change.contact_id] = change
    return list(found.values())[:limit]


def delete_contact(*, session: Session, contact: Contact, version: int | None, by: str) -> None:
    if version is not None and version != contact.version:
        raise StaleVersion(contact)
    contact_id, seen = contact.id, contact.version
    before = snapshot(contact)
    result = session.exec(delete(Contact).where(Contact.id == contact_id, Contact.version == seen))
    if result.rowcount != 1:
        _lost_race(session, contact_id)
    _record(session, contact_id, "delete", by, before, None)
    session.commit()


def history(*, session: Session, contact_id: int) -> list[ContactChange]:
    return list(
        session.exec(
            select(ContactChange)
            .where(ContactChange.contact_id == contact_id)
            .order_by(ContactChange.at.desc(), ContactChange.id.desc())
        ).all()
    )
