"""Contacts from the runbook's Emergency Contacts tables: the directory's first content.

Idempotent like the runbook's own production seed: a contact whose group and role
already exist is left alone, so `kb seed` can run on every deploy.
"""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from kb.contacts.model import Contact
from kb.contacts.service import create_contact
from kb.contacts.validation import Invalid, read_contact
from kb.content.library import Library

log = logging.getLogger(__name__)
ORDER = {"on-call": 1, "devops": 2, "lead developer": 3}


def runbook_rows(library: Library) -> list[dict]:
    """Every row of a people table (Role/Name/Phone/Email) or vendor table (Service/Support URL)."""
    rows: list[dict] = []
    for article in library.articles.values():
        title = article.title.lower()
        group = "business" if "business" in title else "technical"
        for table in article.tables:
            if not table:
                continue
            header = [h.strip().lower() for h in table[0]]
            for number, cells in enumerate(table[1:], start=1):
                row = dict(zip(header, cells, strict=False))
                if {"role", "phone"} <= set(header):
                    role = row.get("role", "").strip()
                    rows.append(
                        {
                            "group": group,
                            "role": role,
                            "name": row.get("name"),
                            "phone": row.get("phone"),
                            "email": row.get("email"),
                            "escalation_order": ORDER.get(role.lower(), 10 + number),
                        }
                    )
                elif {"service", "support url"} <= set(header):
                    rows.append(
                        {
                            "group": "external",
                            "role": row.get("service", "").strip(),
                            "url": row.get("support url"),
                            "notes": row.get("notes"),
                            "escalation_order": 20 + number,
                        }
                    )
    return rows


def seed_contacts(*, session: Session, library: Library) -> int:
    """Add the runbook's contacts that are not in the directory yet; returns how many."""
    existing = {(c.group, c.role.lower()) for c in session.exec(select(Contact)).all()}
    added = 0
    for row in runbook_rows(library):
        if not row["role"] or (row["group"], row["role"].lower()) in existing:
            continue
        try:
            contact_in = read_contact(row)
        except Invalid as invalid:  # a runbook's odd cell must not stop the app starting
            log.warning("contact %r from the runbook not added: %s", row["role"], invalid.errors)
            continue
        contact = create_contact(session=session, contact_in=contact_in, by="runbook seed")
        # Seeded data was never checked by a person: it starts unverified.
        contact.verified_at = None
        contact.verified_by = None
        session.add(contact)
        session.commit()
        existing.add((row["group"], row["role"].lower()))
        added += 1
    return added
