"""Triage: run every probe, then reason forward from the facts to the likely trees.

A tree is proposed when one of its check steps, given the probe results, takes a
branch that does not end "resolved". Evidence ranks the proposals: a condition failing
on a real value that the tree branches on by name ("fail database") is the most direct,
a generic failure next, a value merely absent or an unreachable target the least.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.checks.runner import ERROR, FAIL, ProbeResult
from kb.content.model import END_RESOLVED, Tree
from kb.diagnosis.engine import choose_branch

DIRECT, GENERIC, WEAK, UNREACHABLE = 4, 3, 2, 1


@dataclass
class Suggestion:
    tree: Tree
    strength: int
    reason: str
    step: str


def _strength(result: ProbeResult, subcheck: str | None) -> int:
    if result.outcome == ERROR:
        return UNREACHABLE
    real = [c for c in result.conditions if not c.success and not c.missing]
    if subcheck and any(c.name == subcheck for c in real):
        return DIRECT
    return GENERIC if real else WEAK


def suggest(
    trees: list[Tree], results: dict[str, ProbeResult], titles: dict[str, str]
) -> list[Suggestion]:
    found: list[tuple[float, int, Suggestion]] = []
    for order, tree in enumerate(trees):
        best: tuple[float, Suggestion] | None = None
        for depth, node in enumerate(tree.nodes):
            result = results.get(node.check or "")
            if node.kind != "check" or result is None or result.outcome not in (FAIL, ERROR):
                continue
            branch = choose_branch(node, result)
            if branch is None or branch.target == END_RESOLVED:
                continue
            strength = _strength(result, branch.subcheck)
            score = strength - depth * 0.1  # evidence at the first step is the most telling
            reason = f"{titles.get(result.probe, result.probe)}: {result.detail}"
            if best is None or score > best[0]:
                best = (score, Suggestion(tree, strength, reason, node.id))
        if best:
            found.append((best[0], order, best[1]))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [suggestion for _, _, suggestion in found]
