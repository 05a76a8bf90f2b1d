"""Symptom→diagnosis trees: built from numbered steps, branching where the author says so.

Authoring syntax (see README, "Troubleshooting trees"): a step is an item of the numbered
list after `**Solution:**`; a nested bullet list whose every item reads `label → target`
makes the step branch. Targets are `step N`, `next`, `resolved[: note]` and
`escalate[ to WHO]`. A step containing ``**Check:** `probe` `` runs that live check and
branches on `pass`, `fail`, `fail <condition>` and `error`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.content.model import END_ESCALATE, END_RESOLVED, ENDS, Branch, Node, Problem, Tree
from kb.content.structure import BRANCH_ARROW, RawStep

# `step 2`, `go to step 2`, and any note after it (`step 3 and restart the pod`); not
# what names no one step: `step 1.5`, `step 2, then 3`, `step 10-12`, `step 2 or 3`
_STEP = re.compile(
    r"^(?:go\s+to\s+)?step\s+(\d+)\b"
    r"(?!\.\d|\s*,\s*(?:then\s+)?(?:step\s+)?\d|\s*[-–]\s*\d|\s+(?:to|or|and)\s+(?:step\s+)?\d)",
    re.IGNORECASE,
)
_RESOLVED = re.compile(r"^resolved\b\s*[:—–-]?\s*(.*)$", re.IGNORECASE)
_ESCALATE = re.compile(r"^escalate\b\s*(?:to\b|[:—–-])?\s*(.*)$", re.IGNORECASE)
_NEXT = re.compile(r"^(?:next|continue)\b", re.IGNORECASE)
_OUTCOME = re.compile(r"^(pass|fail|error)\b\s*[:(]?\s*([\w.-]*)\s*\)?\s*$", re.IGNORECASE)


def node_id(number: int) -> str:
    return f"step-{number}"


def _target(raw: str, number: int, total: int) -> tuple[str, str] | None:
    """Read a branch target; None when it is not one we know."""
    raw = raw.strip().rstrip(".")
    if match := _STEP.match(raw):
        return node_id(int(match.group(1))), ""
    if match := _RESOLVED.match(raw):
        return END_RESOLVED, match.group(1).strip()
    if match := _ESCALATE.match(raw):
        return END_ESCALATE, match.group(1).strip()
    if _NEXT.match(raw):
        return (node_id(number + 1), "") if number < total else (END_ESCALATE, "")
    return None


def _default_branches(step: RawStep, number: int, total: int, first_fix: int) -> list[Branch]:
    """What a step asks when its author gave no answers, by what the step is for.

    A fix asks whether it helped: yes ends resolved, no goes on (or escalates). A check
    asks what it found: normal goes on, the cause goes to the fixes. Prose that explains
    rather than checks just goes on.
    """
    onward = node_id(number + 1) if number < total else END_ESCALATE
    fixes = node_id(first_fix) if first_fix else END_ESCALATE
    if step.role == "diagnosis":
        normal = onward if number + 1 != first_fix else fixes
        return [
            Branch(label="Looks normal", target=normal),
            Branch(label="Found the cause", target=fixes),
        ]
    if step.role == "information":
        target = fixes if first_fix > number else onward
        # a guide with nothing after its explanation: say where the button goes
        label = "Next: who to call" if target == END_ESCALATE else "Continue"
        return [Branch(label=label, target=target)]
    return [
        Branch(label="Yes, that fixed it", target=END_RESOLVED),
        Branch(label="No, still broken", target=onward),
    ]


def _branch(
    raw: str, kind: str, where: tuple[str, int, int, int], problems: list[Problem]
) -> Branch | None:
    """One `answer → target` item read; None (and a problem) when it cannot be."""
    source, line, number, total = where
    parts = BRANCH_ARROW.split(raw, maxsplit=1)
    label, target_text = (parts[0].strip(), parts[1]) if len(parts) == 2 else ("", raw)
    target = _target(target_text, number, total)
    if target is None:
        problems.append(
            Problem(
                source,
                line,
                f"step {number}: '{raw}' points nowhere known "
                "(use 'step N', 'next', 'resolved' or 'escalate')",
            )
        )
        return None
    branch = Branch(label=label or "Continue", target=target[0], note=target[1], line=line)
    if kind != "check":
        return branch
    outcome = _OUTCOME.match(label)
    if not outcome:
        problems.append(
            Problem(
                source,
                line,
                f"step {number}: check answers must be "
                f"pass, fail, 'fail <condition>' or error, not '{label}'",
            )
        )
        return None
    branch.outcome = outcome.group(1).lower()
    branch.subcheck = outcome.group(2) or None
    return branch


def build_tree(
    *,
    tree_id: str,
    title: str,
    article: str,
    source: str,
    line: int,
    symptoms: str,
    symptoms_html: str,
    steps: list[RawStep],
    step_lines: list[int],
) -> tuple[Tree, list[Problem]]:
    problems: list[Problem] = []
    total = len(steps)
    first_fix = next((n for n, s in enumerate(steps, 1) if s.role == "resolution"), 0)
    nodes = []
    for number, (step, step_line) in enumerate(zip(steps, step_lines, strict=True), start=1):
        kind = "check" if step.check else ("question" if step.branches else "step")
        where = (source, step_line, number, total)
        if step.strays:
            problems.append(
                Problem(
                    source,
                    step_line,
                    f"step {number}: '{step.strays[0]}' has no '→ target', so its list of "
                    "answers is read as text and the step asks the usual questions",
                    severity="warning",
                )
            )
        branches = [
            branch
            for raw in step.branches
            if (branch := _branch(raw, kind, where, problems)) is not None
        ]
        if kind == "step":
            branches = _default_branches(step, number, total, first_fix)
            kind = "step" if step.role == "resolution" else "question"
        nodes.append(
            Node(
                id=node_id(number),
                kind=kind,
                html=step.html,
                text=step.text,
                line=step_line,
                branches=branches,
                check=step.check,
            )
        )
    tree = Tree(
        id=tree_id,
        title=title,
        article=article,
        source=source,
        line=line,
        symptoms=symptoms,
        symptoms_html=symptoms_html,
        nodes=nodes,
    )
    return tree, problems


def validate_tree(tree: Tree, known_checks: Iterable[str] | None = None) -> list[Problem]:
    """Structure problems: no steps, answers pointing nowhere, unreachable, loops, dead ends."""
    problems: list[Problem] = []

    def report(line: int, message: str) -> None:
        problems.append(Problem(tree.source, line, f"tree '{tree.title}': {message}"))

    if not tree.nodes:
        report(tree.line, "has symptoms but no steps")
        return problems
    ids = {node.id for node in tree.nodes}
    checks = set(known_checks) if known_checks is not None else None
    for node in tree.nodes:
        label = node.id.replace("-", " ")
        for branch in node.branches:
            if branch.target not in ids and branch.target not in ENDS:
                report(
                    branch.line,
                    f"{label}: '{branch.label}' points to "
                    f"{branch.target.replace('-', ' ')}, which does not exist",
                )
        if node.kind == "check":
            if checks is not None and node.check not in checks:
                report(node.line, f"{label}: unknown check '{node.check}'")
            outcomes = {b.outcome for b in node.branches}
            for needed in ("pass", "fail"):
                if needed not in outcomes:
                    report(node.line, f"{label}: dead end, no branch for the check's '{needed}'")
        elif not node.branches:
            report(node.line, f"{label}: dead end, no way on")

    edges = {n.id: [b.target for b in n.branches if b.target in ids] for n in tree.nodes}
    reachable = _reachable(tree.start, edges)
    for node in tree.nodes:
        if node.id not in reachable:
            report(node.line, f"{node.id.replace('-', ' ')} is unreachable")
    for cycle in _cycles(tree.start, edges):
        where = tree.node(cycle[0])
        path = " → ".join(c.replace("-", " ") for c in cycle)
        report(where.line if where else tree.line, f"cycle: {path}")
    return problems


def _reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edges.get(current, []))
    return seen


def _cycles(start: str, edges: dict[str, list[str]]) -> list[list[str]]:
    """Each loop once, as the path that closes it; a tree must always move towards an end."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    if start in edges:
        visit(start)
    return found
