"""A diagnosis as an incident timeline: Markdown for a postmortem, plain text for chat.

Both read the same entries (`entries`), so the two never tell different stories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.content.model import END_ESCALATE, END_RESOLVED
from kb.diagnosis.engine import FIXED, RESOLVED, UNCONFIRMED, Walk

STATUS_WORDS = {
    "active": "in progress",
    RESOLVED: "resolved",
    UNCONFIRMED: "looks fixed, not confirmed yet",
    "escalated": "escalated",
}
CHAT_STEP_LIMIT = 160  # a step's text in a chat message: enough to recognise it


def code(value: str) -> str:
    """A value as a Markdown code span that no backtick in it can end early (CommonMark:
    a fence of more backticks than any run inside, padded when it starts or ends with one);
    line breaks become spaces so the value stays in its list item."""
    value = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def plain(value: str) -> str:
    """Text of kb's own (a check's title or outcome) kept from turning into Markdown."""
    text = " ".join(str(value).split())
    return re.sub(r"([\\`*_\[\]<>!|#])", r"\\\1", text)


def _time(stamp: str | None) -> str:
    return (stamp or "").replace("T", " ").replace("+00:00", " UTC")


def _moment(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def alert_lines(alert) -> list[str]:
    """The alert a diagnosis was opened for (kb.alerts.store.DiagnosisAlert), as list items;
    everything in it came from outside, so it is quoted or escaped, never Markdown."""
    if alert is None:
        return []
    sender = "Grafana" if alert.source == "grafana" else "Alertmanager"
    state = f"firing since {_moment(alert.starts_at)}"
    if alert.status == "resolved":
        state = f"resolved at {_moment(alert.ends_at)} (fired at {_moment(alert.starts_at)})"
    lines = [f"- Alert: {code(alert.name)} from {sender}, {state}"]
    labels = ", ".join(code(f"{k}={v}") for k, v in sorted(alert.labels.items()))
    if labels:
        lines.append(f"  - Labels: {labels}")
    if alert.annotations.get("summary"):
        lines.append(f"  - Summary: {plain(alert.annotations['summary'])}")
    if alert.generator_url.startswith(("https://", "http://")):
        lines.append(f"  - Source: <{alert.generator_url.replace('>', '%3E')}>")
    return lines


def field_lines(values: dict[str, str]) -> list[str]:
    """Fill-in values the responders shared (secret ones are never stored, so never here)."""
    filled = [f"{code(key)} = {code(value)}" for key, value in sorted(values.items()) if value]
    return [f"- Filled in: {', '.join(filled)}"] if filled else []


@dataclass(frozen=True)
class Entry:
    """One visit of the walk as the timeline tells it."""

    at: str
    end: bool  # an end of the guide (told in bold) rather than a step
    label: str  # "Step 3", "Resolved", "Escalated"…
    text: str  # the step's text, or the end's note ("to Railway" for an escalation)
    check: dict | None
    left_at: str | None
    who: str  # "the check" or "the responder", when the visit was answered
    choice: str
    remark: str


def _end_label(visit) -> str:
    if visit.node == END_ESCALATE:
        return "Escalated"
    return {FIXED: "Resolved", None: "Looks fixed, not confirmed yet"}.get(
        visit.choice, "Looked fixed"
    )


def entries(walk: Walk) -> list[Entry]:
    found = []
    for visit in walk.visits:
        end = visit.node in (END_RESOLVED, END_ESCALATE)
        if end:
            label = _end_label(visit)
            joiner = "to " if visit.node == END_ESCALATE else ""
            text = joiner + visit.note if visit.note else ""
        else:
            node = walk.tree.node(visit.node)
            label = f"Step {visit.node.removeprefix('step-')}"
            text = node.text if node else visit.node
        who = "the check" if visit.by == "check" else "the responder"
        found.append(
            Entry(
                visit.at,
                end,
                label,
                text,
                visit.check,
                visit.left_at,
                who,
                visit.choice or "",
                visit.remark,
            )
        )
    return found


def _headline(walk: Walk, link: str) -> list[str]:
    status = STATUS_WORDS[walk.status] + (f" ({walk.current.note})" if walk.current.note else "")
    return [f"Status: {status}", f"Started: {_time(walk.visits[0].at)}", f"Link: {link}"] + (
        [f"Symptoms: {walk.tree.symptoms}"] if walk.tree.symptoms else []
    )


def timeline_markdown(
    record,
    walk: Walk,
    titles: dict[str, str],
    link: str,
    *,
    alert=None,
    values: dict[str, str] | None = None,
) -> str:
    lines = [f"# Diagnosis: {walk.tree.title}", ""]
    lines += [f"- {line}" for line in _headline(walk, link)]
    lines += alert_lines(alert) + field_lines(values or {})
    if record.confirmed is not None:
        lines.append(
            f"- Fixed, as confirmed by the responder: {'yes' if record.confirmed else 'no'}"
        )
    lines += ["", "## Timeline", ""]
    for entry in entries(walk):
        if entry.end:
            joiner = " " if entry.text.startswith("to ") else ": "
            lines.append(
                f"- {_time(entry.at)} — **{entry.label}**"
                + (joiner + entry.text if entry.text else "")
            )
        else:
            lines.append(f"- {_time(entry.at)} — {entry.label}: {entry.text}")
        if entry.check:
            lines += _check_markdown(entry.check, titles)
        if entry.choice:
            lines.append(f"  - {_time(entry.left_at)} — {entry.who} chose: {entry.choice}")
        if entry.remark:
            lines.append(f"  - the responder noted: {plain(entry.remark)}")
    return "\n".join(lines) + "\n"


def _check_markdown(check: dict, titles: dict[str, str]) -> list[str]:
    title = titles.get(check["id"], check["id"])
    lines = [
        f"  - Live check {code(check['id'])} ({plain(title)}): "
        f"**{plain(check['outcome'])}**, {check['ms']} ms"
    ]
    for condition in check.get("conditions", []):
        mark = "✓" if condition["success"] else "✗"
        lines.append(f"    - {mark} {code(condition['shown'])}")
    if not check.get("conditions"):
        lines.append(f"    - {code(check.get('detail', ''))}")
    return lines


def _short(text: str, limit: int = CHAT_STEP_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _check_text(check: dict) -> str:
    failed = [c["shown"] for c in check.get("conditions", []) if not c["success"]]
    detail = "; ".join(failed) or check.get("detail", "")
    return f"check {check['id']}: {check['outcome'].upper()}" + (f" ({detail})" if detail else "")


def timeline_text(record, walk: Walk, link: str) -> str:
    """The timeline as plain text to paste into the incident channel: no Markdown, one
    line per event, times of day only (the start says the date)."""
    lines = [f"Incident: {walk.tree.title}", *_headline(walk, link), ""]
    for entry in entries(walk):
        clock = _time(entry.at)[11:19]
        joiner = " " if entry.end and entry.text.startswith("to ") else ": "
        lines.append(f"{clock} {entry.label}" + (joiner + _short(entry.text) if entry.text else ""))
        if entry.check:
            lines.append(f"         {_check_text(entry.check)}")
        if entry.choice:
            lines.append(f"         → {entry.choice} ({entry.who})")
        if entry.remark:
            lines.append(f"         noted: {entry.remark}")
    return "\n".join(lines) + "\n"
