"""Who to call when a tree ends unresolved: on-call first, then DevOps and the lead
developer; for a vendor's trouble, that vendor's support too.

Read from the runbook's Emergency Contacts tables (people: Role/Name/Phone/Email;
vendors: Service/Support URL/Notes) until the contacts directory replaces them.
Placeholders such as `[TBD]` and `+237XXXXXXXXX` are shown as missing, not as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.content.library import Library

ORDER = ["on-call", "devops", "lead developer"]
PLACEHOLDER = re.compile(r"^\[?tbd\]?$|x{4,}", re.IGNORECASE)


@dataclass
class Responder:
    role: str
    name: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    notes: str = ""
    vendor: bool = False


def _real(value: str) -> str:
    value = value.strip()
    return "" if not value or PLACEHOLDER.search(value) else value


def runbook_contacts(library: Library) -> tuple[list[Responder], list[Responder]]:
    people: list[Responder] = []
    vendors: list[Responder] = []
    for article in library.articles.values():
        for table in article.tables:
            if not table:
                continue
            header = [h.strip().lower() for h in table[0]]
            rows = [dict(zip(header, row, strict=False)) for row in table[1:]]
            if {"role", "phone"} <= set(header):
                for row in rows:
                    people.append(
                        Responder(
                            role=row.get("role", "").strip(),
                            name=_real(row.get("name", "")),
                            phone=_real(row.get("phone", "")),
                            email=_real(row.get("email", "")),
                        )
                    )
            elif {"service", "support url"} <= set(header):
                for row in rows:
                    vendors.append(
                        Responder(
                            role=row.get("service", "").strip(),
                            url=_real(row.get("support url", "")),
                            notes=row.get("notes", "").strip(),
                            vendor=True,
                        )
                    )
    return people, vendors


def escalation(library: Library, note: str) -> list[Responder]:
    """The people to call for this end, in order; a named vendor comes first when there is one."""
    people, vendors = runbook_contacts(library)
    ranked = sorted(
        (p for p in people if p.role.lower() in ORDER), key=lambda p: ORDER.index(p.role.lower())
    )
    wanted = note.strip().lower()
    named_vendor = [v for v in vendors if wanted and v.role.lower() in wanted]
    named_person = [p for p in people if wanted and p.role.lower() in wanted and p not in ranked]
    return named_vendor + named_person + ranked
