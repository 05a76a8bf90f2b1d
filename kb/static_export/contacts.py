"""The contacts directory as it stood at the export: a page, and CSV and vCard files made
by the same code as the live app's downloads (kb.contacts.transfer)."""

from __future__ import annotations

from kb.contacts.model import GROUP_TITLES, GROUPS
from kb.contacts.service import status
from kb.contacts.transfer import to_csv, to_vcard
from kb.static_export.paths import CONTACTS, CONTACTS_CSV, CONTACTS_VCARD
from kb.static_export.site import Site


def write_contacts(site: Site) -> None:
    contacts = site.snapshot.contacts
    rows = [(c, status(c, site.snapshot.stale_days)) for c in contacts]
    groups = [(GROUP_TITLES[g], [(c, s) for c, s in rows if c.group == g]) for g in GROUPS]
    site.page(
        CONTACTS,
        "export/contacts.html",
        groups=[(title, items) for title, items in groups if items],
        incomplete=sum(1 for _, s in rows if not s.complete),
    )
    site.write(CONTACTS_CSV, to_csv(contacts))
    site.write(CONTACTS_VCARD, to_vcard(contacts))
