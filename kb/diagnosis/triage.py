"""Triage: run every probe, then reason forward from the facts to the likely trees.

A tree is proposed when one of its check steps, given the probe results, takes a
branch that does not end "resolved". Evidence ranks the proposals: a condition failing
on a real value that the tree branches on by name ("fail database") is the most direct,
a generic failure next, a value merely absent or an unreachable target the least.

A check that fails where no guide branches on it is still a fact: it is reported as
uncovered ("1 check fails that no guide covers: api-latency"), with words to search
for, so that "every check passes" is only ever said when every check passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.checks.runner import ERROR, FAIL, PASS, SKIPPED, ProbeResult
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


def _leads(tree: Tree, results: dict[str, ProbeResult]):
    """(depth, node, result, branch) for each check step a bad result sends onwards."""
    for depth, node in enumerate(tree.nodes):
        result = results.get(node.check or "")
        if node.kind != "check" or result is None or result.outcome not in (FAIL, ERROR):
            continue
        branch = choose_branch(node, result)
        if branch is None or branch.target == END_RESOLVED:
            continue
        yield depth, node, result, branch


def suggest(
    trees: list[Tree], results: dict[str, ProbeResult], titles: dict[str, str]
) -> list[Suggestion]:
    found: list[tuple[float, int, Suggestion]] = []
    for order, tree in enumerate(trees):
        best: tuple[float, Suggestion] | None = None
        for depth, node, result, branch in _leads(tree, results):
            strength = _strength(result, branch.subcheck)
            score = strength - depth * 0.1  # evidence at the first step is the most telling
            reason = f"{titles.get(result.probe, result.probe)}: {result.detail}"
            if best is None or score > best[0]:
                best = (score, Suggestion(tree, strength, reason, node.id))
        if best:
            found.append((best[0], order, best[1]))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [suggestion for _, _, suggestion in found]


def uncovered(trees: list[Tree], results: dict[str, ProbeResult]) -> list[ProbeResult]:
    """Failing or unreachable checks that no guide branches on, in declaration order."""
    covered = {result.probe for tree in trees for _, _, result, _ in _leads(tree, results)}
    return [r for r in results.values() if r.outcome in (FAIL, ERROR) and r.probe not in covered]


def _count(items: list, one: str, many: str) -> str:
    return f"{len(items)} {one if len(items) == 1 else many}"


def summary(
    results: dict[str, ProbeResult], suggestions: list[Suggestion], left: list[ProbeResult]
) -> list[str]:
    """What the run found, in sentences; the first one is the headline."""
    if not results:
        return ["No live checks are declared (content/probes.yaml)."]
    lines = []
    if suggestions:
        lines.append(
            f"{_count(suggestions, 'guide matches', 'guides match')} what the checks found."
        )
    failing = [r.probe for r in left if r.outcome == FAIL]
    erroring = [r.probe for r in left if r.outcome == ERROR]
    if failing:
        verb = "fails" if len(failing) == 1 else "fail"
        lines.append(
            f"{_count(failing, 'check', 'checks')} {verb} that no guide covers: "
            + ", ".join(failing)
        )
    if erroring:
        them = "it" if len(erroring) == 1 else "them"
        lines.append(
            f"{_count(erroring, 'check', 'checks')} could not run and no guide covers {them}: "
            + ", ".join(erroring)
        )
    passed = [r for r in results.values() if r.outcome == PASS]
    skipped = [r.probe for r in results.values() if r.outcome == SKIPPED]
    if len(passed) == len(results):
        lines.append("Every check passes: nothing points to a known issue.")
    elif not lines and len(passed) + len(skipped) == len(results):
        lines.append(
            f"Every check that ran passes; {_count(skipped, 'was', 'were')} skipped "
            f"({', '.join(skipped)}): nothing points to a known issue."
        )
    elif skipped:
        lines.append(f"Skipped: {', '.join(skipped)}.")
    return lines


def search_words(probe: str, title: str) -> str:
    """What to search the runbooks for when no guide covers a failing check: its name's
    words (`api-latency` → `api latency`), which the synonyms widen (latency ~ slow)."""
    words = re.sub(r"[-_]+", " ", probe).strip()
    return words or re.sub(r"\(.*?\)", "", title).strip()


def probe_entry(result: ProbeResult, titles: dict[str, str]) -> dict:
    """One check's result as a run stores and shows it."""
    return {**result.to_dict(), "title": titles.get(result.probe, result.probe)}


def report(results: dict[str, ProbeResult], trees: list[Tree], titles: dict[str, str]) -> dict:
    """Everything a triage run found, as plain data to store, show and serve as JSON."""
    suggestions = suggest(trees, results, titles)
    left = uncovered(trees, results)
    return {
        "summary": summary(results, suggestions, left),
        "probes": [probe_entry(r, titles) for r in results.values()],
        "suggestions": [
            {
                "tree": s.tree.id,
                "title": s.tree.title,
                "reason": s.reason,
                "strength": s.strength,
                "step": s.step,
            }
            for s in suggestions
        ],
        "uncovered": [
            {
                "id": r.probe,
                "title": titles.get(r.probe, r.probe),
                "outcome": r.outcome,
                "detail": r.detail,
                "query": search_words(r.probe, titles.get(r.probe, r.probe)),
            }
            for r in left
        ],
    }
