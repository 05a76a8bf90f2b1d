"""Who to call when a tree ends unresolved: the contacts directory, in escalation order.

On-call first, then DevOps and the lead developer (their `escalation_order`); when the
end names someone ("escalate to Railway"), that contact comes first, with its support
link for a vendor. Missing numbers stay missing, so the gap is visible.
"""

from __future__ import annotations

from kb.contacts.model import Contact

FIRST_CALLS = 3  # on-call, DevOps, lead developer in the runbook's directory


def escalation(contacts: list[Contact], note: str) -> list[Contact]:
    wanted = note.strip().lower()
    named = [c for c in contacts if wanted and c.role.lower() in wanted]
    technical = sorted(
        (c for c in contacts if c.group == "technical" and c not in named),
        key=lambda c: c.escalation_order,
    )
    return named + technical[:FIRST_CALLS]
