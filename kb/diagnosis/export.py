"""A diagnosis as a Markdown incident timeline, ready to paste into a postmortem."""

from __future__ import annotations

import re

from kb.content.model import END_ESCALATE, END_RESOLVED
from kb.diagnosis.engine import Walk


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


def timeline_markdown(
    record,
    walk: Walk,
    titles: dict[str, str],
    link: str,
    *,
    alert=None,
    values: dict[str, str] | None = None,
) -> str:
    status = {"active": "in progress", "resolved": "resolved", "escalated": "escalated"}[
        walk.status
    ]
    lines = [
        f"# Diagnosis: {walk.tree.title}",
        "",
        f"- Status: {status}" + (f" ({walk.current.note})" if walk.current.note else ""),
        f"- Started: {_time(walk.visits[0].at)}",
        f"- Link: {link}",
    ]
    if walk.tree.symptoms:
        lines.append(f"- Symptoms: {walk.tree.symptoms}")
    lines += alert_lines(alert) + field_lines(values or {})
    if record.confirmed is not None:
        lines.append(
            f"- Fixed, as confirmed by the responder: {'yes' if record.confirmed else 'no'}"
        )
    lines += ["", "## Timeline", ""]
    for visit in walk.visits:
        if visit.node == END_RESOLVED:
            lines.append(
                f"- {_time(visit.at)} — **Resolved**" + (f": {visit.note}" if visit.note else "")
            )
            continue
        if visit.node == END_ESCALATE:
            lines.append(
                f"- {_time(visit.at)} — **Escalated**" + (f" to {visit.note}" if visit.note else "")
            )
            continue
        node = walk.tree.node(visit.node)
        number = visit.node.removeprefix("step-")
        text = node.text if node else visit.node
        lines.append(f"- {_time(visit.at)} — Step {number}: {text}")
        if visit.check:
            check = visit.check
            title = titles.get(check["id"], check["id"])
            lines.append(
                f"  - Live check {code(check['id'])} ({plain(title)}): "
                f"**{plain(check['outcome'])}**, {check['ms']} ms"
            )
            for condition in check.get("conditions", []):
                mark = "✓" if condition["success"] else "✗"
                lines.append(f"    - {mark} {code(condition['shown'])}")
            if not check.get("conditions"):
                lines.append(f"    - {code(check.get('detail', ''))}")
        if visit.choice:
            who = "the check" if visit.by == "check" else "the responder"
            lines.append(f"  - {_time(visit.left_at)} — {who} chose: {visit.choice}")
    return "\n".join(lines) + "\n"
