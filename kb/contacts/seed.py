"""Contacts from the runbook's Emergency Contacts tables: the directory's first content.

Idempotent like the runbook's own production seed: a contact whose group and role
already exist is left alone, so `kb seed` can run on every deploy. Once seeded, the
directory is the one source of truth: article pages show it in place of these tables
(`contact_table_group` says which tables those are).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from sqlmodel import Session, select

from kb.contacts.model import Contact
from kb.contacts.service import create_contact
from kb.contacts.validation import Invalid, read_contact
from kb.content.library import Library

log = logging.getLogger(__name__)
ORDER = {"on-call": 1, "devops": 2, "lead developer": 3}
_URL = re.compile(r"https?://[^\s<>()\[\]`\"']+")


def contact_table_group(title: str, header: list[str]) -> str | None:
    """The directory group a table's rows belong to, or None for any other table: people
    (Role/Phone columns) are technical unless their section says business; vendors
    (Service/Support URL) are external."""
    columns = {h.strip().lower() for h in header}
    if {"role", "phone"} <= columns:
        return "business" if "business" in title.lower() else "technical"
    if {"service", "support url"} <= columns:
        return "external"
    return None


def _person(group: str, row: dict, number: int) -> dict:
    role = row.get("role", "").strip()
    return {
        "group": group,
        "role": role,
        "name": row.get("name"),
        "phone": row.get("phone"),
        "email": row.get("email"),
        "escalation_order": ORDER.get(role.lower(), 10 + number),
    }


def _vendor(row: dict, number: int, links: list[str]) -> dict:
    role = row.get("service", "").strip()
    status = next((v for k, v in row.items() if "status" in k and v.strip()), None)
    return {
        "group": "external",
        "role": role,
        "url": row.get("support url"),
        "status_url": status or status_page(role, row.get("support url") or "", links),
        "notes": row.get("notes"),
        "escalation_order": 20 + number,
    }


def status_page(vendor: str, support_url: str, links: list[str]) -> str | None:
    """A link the runbook gives elsewhere to the vendor's status page: a host with
    "status" in it, on the support site's domain (status.railway.app beside
    help.railway.app) or carrying the vendor's name (cloudflarestatus.com)."""
    host = (urlsplit(support_url).hostname or "").lower()
    domain = ".".join(host.split(".")[-2:]) if host else ""
    name = re.sub(r"[^a-z0-9]", "", vendor.lower())
    for link in links:
        found = (urlsplit(link).hostname or "").lower()
        if "status" not in found:
            continue
        if (domain and (found == domain or found.endswith("." + domain))) or (
            name and name in found.replace("-", "")
        ):
            return link
    return None


def runbook_links(library: Library) -> list[str]:
    """Every web address the runbooks write out, trailing punctuation taken off."""
    found = (
        m.group(0).rstrip(".,;:!?")
        for a in library.articles.values()
        for m in _URL.finditer(a.text)
    )
    return list(dict.fromkeys(found))


def runbook_rows(library: Library) -> list[dict]:
    """Every row of a people table (Role/Name/Phone/Email) or vendor table (Service/Support URL)."""
    rows: list[dict] = []
    links = runbook_links(library)
    for article in library.articles.values():
        for table in article.tables:
            group = contact_table_group(article.title, table[0]) if table else None
            if group is None:
                continue
            header = [h.strip().lower() for h in table[0]]
            for number, cells in enumerate(table[1:], start=1):
                row = dict(zip(header, cells, strict=False))
                if group == "external":
                    rows.append(_vendor(row, number, links))
                else:
                    rows.append(_person(group, row, number))
    return rows


def _usable(row: dict) -> dict | None:
    """A row as the directory can hold it: a value it cannot read (a phone "1") is left
    out, so the contact shows as missing it, rather than stopping kb from starting."""
    try:
        read_contact(row)
        errors = {}
    except Invalid as invalid:
        errors = invalid.errors
    if not (row.get("role") or "").strip() or "role" in errors or "group" in errors:
        return None
    for field in errors:
        log.warning("runbook contact %r: %s %s; left empty", row["role"], field, errors[field])
    return {k: (None if k in errors else v) for k, v in row.items()}


def seed_contacts(*, session: Session, library: Library) -> int:
    """Add the runbook's contacts that are not in the directory yet; returns how many."""
    existing = {(c.group, c.role.lower()) for c in session.exec(select(Contact)).all()}
    added = 0
    for found in runbook_rows(library):
        row = _usable(found)
        if row is None or (row["group"], row["role"].lower()) in existing:
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
