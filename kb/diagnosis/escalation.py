"""Who to call when a tree ends unresolved: the contacts directory, in escalation order.

On-call first, then DevOps and the lead developer (their `escalation_order`); when the
end names someone ("escalate to Railway"), that contact comes first, with its support
link for a vendor. Missing numbers are shown as missing, so the gap is visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.contacts.model import Contact

FIRST_CALLS = 3  # on-call, DevOps, lead developer in the runbook's directory


@dataclass
class Responder:
    role: str
    name: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    notes: str = ""
    vendor: bool = False


def _responder(contact: Contact) -> Responder:
    return Responder(
        role=contact.role,
        name=contact.name or "",
        phone=contact.phone or "",
        email=contact.email or "",
        url=contact.url or "",
        notes=contact.notes or "",
        vendor=contact.group == "external",
    )


def escalation(contacts: list[Contact], note: str) -> list[Responder]:
    wanted = note.strip().lower()
    named = [c for c in contacts if wanted and c.role.lower() in wanted]
    technical = sorted(
        (c for c in contacts if c.group == "technical" and c not in named),
        key=lambda c: c.escalation_order,
    )
    return [_responder(c) for c in named + technical[:FIRST_CALLS]]
