"""Who to reach when a guide ends unresolved: people in escalation order, and the vendors
the guide is about.

The end may name someone ("escalate to Railway"): that contact comes first. Then the
technical people by their `escalation_order` (on-call, DevOps, lead developer in the
runbook's directory). Then every external service the guide mentions by name: a 503
guide that says "Railway" throughout fits Railway whether or not its end names it.
Nothing is hard-coded: teams bring their own runbooks and their own directories.
Missing numbers stay missing, so the gap is visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.contacts.model import Contact

FIRST_CALLS = 3  # on-call, DevOps, lead developer in the runbook's directory
NAMED, IN_LINE, MENTIONED = "named", "next in line", "mentioned in the guide"


@dataclass(frozen=True)
class Reach:
    contact: Contact
    why: str  # NAMED, IN_LINE or MENTIONED


def mentions(text: str, contact: Contact) -> bool:
    """Whether the text names the contact (its role, or its name) as a whole word."""
    names = [n for n in (contact.role, contact.name) if n and n.strip()]
    return any(re.search(rf"(?<!\w){re.escape(n.strip())}(?!\w)", text, re.I) for n in names)


def guide_text(tree, article=None) -> str:
    """What a guide says, as words to find vendors in: its steps and its runbook section."""
    words = [tree.title, tree.symptoms, *(node.text for node in tree.nodes)]
    return "\n".join(words + ([article.text] if article else []))


def escalation(contacts: list[Contact], note: str, guide: str = "") -> list[Reach]:
    """Everyone to reach, in order: whom the end names, the people next in line, then the
    vendors the guide's text (`guide`) mentions."""
    named = [c for c in contacts if note.strip() and mentions(note, c)]
    people = sorted(
        (c for c in contacts if c.group == "technical" and c not in named),
        key=lambda c: c.escalation_order,
    )[:FIRST_CALLS]
    vendors = sorted(
        (c for c in contacts if c.group == "external" and c not in named and mentions(guide, c)),
        key=lambda c: c.escalation_order,
    )
    return (
        [Reach(c, NAMED) for c in named]
        + [Reach(c, IN_LINE) for c in people]
        + [Reach(c, MENTIONED) for c in vendors]
    )
