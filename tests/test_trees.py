"""Troubleshooting trees: the default linear walk and the branching syntax."""

from __future__ import annotations

from kb.content.model import END_ESCALATE, END_RESOLVED
from kb.content.parser import parse_text

LINEAR = """## 4. Common Issues

### Issue: Scanner Won't Pair

**Symptoms:** "No scanner found" on the packing screen

**Solution:**
1. Check the scanner is charged
2. Forget the scanner on the tablet, then pair it again
3. Look for the pairing error in the tablet's log with its requestId
"""

BRANCHING = """### Issue: API not ready

**Symptoms:** `/health/ready` shows the database or the cache as "error"

**Solution:**

1. **Check:** `api-ready` Is the API ready?
   - pass → resolved: the API reports ready again
   - fail database → step 2
   - fail cache → step 3
   - error → step 4
2. Verify `TRACKER_DB` in the release settings.
   - fixed → resolved
   - still failing → step 4
3. Verify `TRACKER_CACHE` in the release settings.
   - next → step 4
4. Is Hostco itself down?
   - yes → escalate to Hostco
   - no → escalate
"""


def tree_of(text, **kwargs):
    doc = parse_text(text, "t.md", **kwargs)
    assert len(doc.trees) == 1, doc.problems
    return doc.trees[0], doc.problems


def test_issue_with_symptoms_and_solution_becomes_a_linear_tree():
    tree, problems = tree_of(LINEAR)
    assert problems == []
    assert tree.title == "Scanner Won't Pair"
    assert tree.symptoms == '"No scanner found" on the packing screen'
    assert [n.kind for n in tree.nodes] == ["step", "step", "step"]
    first, last = tree.nodes[0], tree.nodes[-1]
    assert [(b.target) for b in first.branches] == [END_RESOLVED, "step-2"]
    assert [(b.target) for b in last.branches] == [END_RESOLVED, END_ESCALATE]
    assert "requestId" in last.text


def test_steps_know_their_source_lines():
    tree, _ = tree_of(LINEAR)
    lines = LINEAR.split("\n")
    assert [lines[n.line - 1][:2] for n in tree.nodes] == ["1.", "2.", "3."]


def test_branching_steps_checks_and_escalations():
    tree, problems = tree_of(BRANCHING, checks={"api-ready"})
    assert problems == []
    check, db, cache, host = tree.nodes
    assert check.kind == "check" and check.check == "api-ready"
    outcomes = [(b.outcome, b.subcheck, b.target) for b in check.branches]
    assert outcomes == [
        ("pass", None, END_RESOLVED),
        ("fail", "database", "step-2"),
        ("fail", "cache", "step-3"),
        ("error", None, "step-4"),
    ]
    assert check.branches[0].note == "the API reports ready again"
    assert db.kind == "question" and [b.label for b in db.branches] == ["fixed", "still failing"]
    assert cache.branches[0].target == "step-4"
    assert [(b.target, b.note) for b in host.branches] == [
        (END_ESCALATE, "Hostco"),
        (END_ESCALATE, ""),
    ]
    assert "pass →" not in check.html  # the branch list is structure, not step text


def messages(text, **kwargs):
    return [p.message for p in parse_text(text, "t.md", **kwargs).problems]


def test_unknown_check_names_are_reported():
    found = messages(BRANCHING, checks={"api-health"})
    assert any("unknown check 'api-ready'" in m for m in found)


def test_answers_pointing_nowhere_are_reported():
    text = BRANCHING.replace("still failing → step 4", "still failing → step 9")
    assert any("points to step 9, which does not exist" in m for m in messages(text))
    text = BRANCHING.replace("still failing → step 4", "still failing → the moon")
    assert any("points nowhere known" in m for m in messages(text))


def test_unreachable_steps_and_cycles_are_reported():
    text = BRANCHING.replace("fail cache → step 3", "fail cache → step 2")
    assert any("step 3 is unreachable" in m for m in messages(text))
    text = BRANCHING.replace("- next → step 4", "- next → step 1")
    assert any("cycle: step 1 → step 3 → step 1" in m for m in messages(text))


def test_checks_without_a_fail_branch_are_dead_ends():
    text = "\n".join(
        line
        for line in BRANCHING.split("\n")
        if "fail database" not in line and "fail cache" not in line
    )
    found = messages(text)
    assert any("dead end, no branch for the check's 'fail'" in m for m in found)


def test_check_answers_must_be_outcomes():
    text = BRANCHING.replace("error → step 4", "maybe → step 4")
    assert any("check answers must be pass, fail" in m for m in messages(text))


def test_symptoms_and_solution_child_sections_make_a_tree():
    text = "# Disk full\n\n## Symptoms\n\nWrites fail.\n\n## Resolution\n\n1. Delete logs\n2. Grow the disk\n"
    tree, _ = tree_of(text)
    assert tree.title == "Disk full" and tree.symptoms == "Writes fail."
    assert [n.text for n in tree.nodes] == ["Delete logs", "Grow the disk"]


def test_every_child_of_common_issues_is_a_tree():
    text = "## Common Issues\n\n### Pods stuck\n\nThey hang.\n\n1. Restart\n\n### Disk slow\n\nCheck IO.\n"
    doc = parse_text(text, "t.md")
    assert [t.title for t in doc.trees] == ["Pods stuck", "Disk slow"]
    assert len(doc.trees[1].nodes) == 1
