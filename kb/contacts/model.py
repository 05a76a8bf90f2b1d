"""Contacts and their history, in the SQLModel family pattern (Base → Create/Update/table,
and Public for what the API sends)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field as PydanticField
from pydantic import create_model
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from kb.contacts.fields import (
    GROUP_TITLES,
    GROUPS,
    Email,
    Group,
    Line,
    Notes,
    Order,
    Phone,
    Role,
    Url,
)

__all__ = ["GROUPS", "GROUP_TITLES"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class ContactBase(SQLModel):
    """The fields people edit, in the order forms and CSV columns show them. Each type
    (kb.contacts.fields) validates what is typed; `title` labels the form input and
    `description` is the hint under it. A new field is one line here and a migration."""

    group: Group = Field(default="technical", max_length=20, index=True, title="Group")
    role: Role = Field(
        max_length=120, title="Role or service", description="On-Call, DevOps, Railway…"
    )
    name: Line = Field(default=None, max_length=120, title="Name")
    phone: Phone = Field(
        default=None,
        max_length=32,
        title="Phone",
        description="Cameroon numbers without +237 work: 6 71 23 45 67",
    )
    phone_alt: Phone = Field(default=None, max_length=32, title="Second phone")
    email: Email = Field(default=None, max_length=254, title="Email")
    url: Url = Field(default=None, max_length=500, title="Support URL")
    status_url: Url = Field(
        default=None,
        max_length=500,
        title="Status page",
        description="Where a vendor posts its incidents",
    )
    notes: Notes = Field(default=None, max_length=1000, title="Notes")
    escalation_order: Order = Field(default=100, title="Escalation order (1 is called first)")
    owner: Line = Field(default=None, max_length=120, title="Owner (who keeps this current)")


class ContactCreate(ContactBase):
    """A new contact as sent by a form, the API, a CSV row or the runbook seed."""


ContactUpdate = create_model(
    "ContactUpdate",
    __doc__="Some fields of a contact; the fields not sent stay as they are "
    "(read with `model_dump(exclude_unset=True)`). Same types as ContactBase, so the "
    "same rules; a field sent as null is checked like any other value.",
    **{
        name: (info.rebuild_annotation(), PydanticField(default=None, title=info.title))
        for name, info in ContactBase.model_fields.items()
    },
)


class Contact(ContactBase, table=True):
    # SQLite would otherwise give a new contact a deleted one's id (migration 0006)
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=120)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="system", max_length=120)
    verified_at: datetime | None = None
    verified_by: str | None = Field(default=None, max_length=120)


class ContactChange(SQLModel, table=True):
    """One change to one contact: who, when, and the values before and after."""

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(index=True)
    action: str = Field(max_length=20)  # create, update, delete, verify, restore
    at: datetime = Field(default_factory=utcnow)
    by: str = Field(max_length=120)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))


class ContactReceipt(SQLModel, table=True):
    """The one-time token of a new-contact form (or an API Idempotency-Key) and the contact
    it made: sent again, it adds nothing (the key is unique, so also when both arrive at
    once, on any number of instances)."""

    token: str = Field(primary_key=True, max_length=200)
    contact_id: int
    at: datetime = Field(default_factory=utcnow)


class ContactPublic(ContactBase):
    """A contact as the API sends it: its fields, its version (send it back to edit), and
    whether it is complete and recently verified. Built from stored values, which were
    checked on the way in, with `model_construct`, so nothing is validated twice."""

    id: int
    version: int
    complete: bool
    missing: list[str]
    stale: bool
    verified_at: datetime | None
    updated_at: datetime | None
    updated_by: str


class ContactChangePublic(SQLModel):
    """One entry of a contact's history as the API sends it."""

    id: int
    action: str
    at: datetime
    by: str
    before: dict | None
    after: dict | None


EDITABLE = tuple(ContactBase.model_fields)
