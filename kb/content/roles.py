"""What a section is for, read from its heading: the shared vocabulary of runbook formats.

Runbooks of every team name their parts alike: `Symptoms` or `Meaning` for what is seen,
`Impact`, `Reason` or `Cause`, `Diagnosis` or `Possible checks` for finding out, and
`Solution`, `Resolution` or `Mitigation` for fixing. A section titled only with such a
word is a *part* of the topic above it (a runbook's "Diagnosis" is not a topic of its
own), which decides both how guides are built and how search groups its results.
"""

from __future__ import annotations

import re

SYMPTOMS, IMPACT, CAUSE, DIAGNOSIS, RESOLUTION, OTHER = (
    "symptoms",
    "impact",
    "cause",
    "diagnosis",
    "resolution",
    "other",
)
ROLES = {
    SYMPTOMS: {"symptoms", "symptom", "meaning", "problem", "description", "signs", "issue"},
    IMPACT: {"impact", "severity", "consequences"},
    CAUSE: {"reason", "reasons", "cause", "causes", "root cause", "root causes", "background"},
    DIAGNOSIS: {
        "diagnosis",
        "diagnose",
        "diagnostics",
        "possible checks",
        "checks",
        "investigation",
        "investigate",
        "troubleshooting",
        "troubleshoot",
        "how to investigate",
        "investigating",
        "diagnosing",
        "debugging",
        "debug",
    },
    RESOLUTION: {
        "solution",
        "solutions",
        "resolution",
        "resolutions",
        "resolve",
        "mitigation",
        "mitigations",
        "fix",
        "fixes",
        "how to fix",
        "remediation",
        "workaround",
        "workarounds",
        "steps",
        "procedure",
        "recovery",
        "resolving",
        "fixing",
        "actions",
    },
    OTHER: {
        "overview",
        "summary",
        "context",
        "details",
        "notes",
        "note",
        "prerequisites",
        "requirements",
        "verification",
        "verify",
        "validation",
        "references",
        "reference",
        "see also",
        "related",
        "related links",
        "links",
        "further reading",
        "resources",
        "applicable versions",
        "applies to",
        "environment",
        "example",
        "examples",
        "next steps",
        "escalation",
        "escalations",
        "dashboards",
        "alerts",
        "runbook",
        "introduction",
        "additional information",
        "more information",
        "faq",
        "prevention",
    },
}
_ROLE_OF = {name: role for role, names in ROLES.items() for name in names}
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[ivx]+\.|step\s+\d+:?)\s+", re.IGNORECASE)
_NAVIGATION = {"table of contents", "contents", "toc", "index", "on this page", "in this page"}


def normalise(title: str) -> str:
    text = _NUMBERING.sub("", title.strip().lower())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


# Words teams add around a role's name without changing it: "Investigation Steps",
# "Alert Description", "Common Causes", "Severity Level", "Potential resolution steps",
# "Investigating the problem", "Diagnosing problems", "How to fix it", "Remediation
# recommendations".
QUALIFIERS = {
    "alert",
    "alerts",
    "steps",
    "step",
    "common",
    "possible",
    "potential",
    "suggested",
    "recommended",
    "level",
    "the",
    "a",
    "of",
    "problem",
    "problems",
    "issue",
    "issues",
    "it",
    "recommendations",
}


def role_of(title: str) -> str | None:
    """The role a heading names (`## Mitigation`, `## Mitigation steps` → resolution), or
    None for a topic."""
    words = normalise(title)
    if words in _ROLE_OF:
        return _ROLE_OF[words]
    bare = " ".join(w for w in words.split() if w not in QUALIFIERS)
    if not bare:  # "The problem": the role word is also a qualifier; keep it
        bare = " ".join(w for w in words.split() if w not in QUALIFIERS or w in _ROLE_OF)
    return _ROLE_OF.get(bare) if bare else None


def is_navigation(title: str) -> bool:
    return normalise(title) in _NAVIGATION
