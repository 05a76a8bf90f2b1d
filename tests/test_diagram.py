"""The guide diagram: a layered layout in which nothing lands on anything else.

Geometry is checked on every guide of the test runbooks and of other teams' runbooks
(../shared/corpora), the shipped runbook's in test_shipped_runbook.py; the browser tests
measure the same diagrams as Chromium draws them.
"""

from __future__ import annotations

import itertools
from functools import cache

import pytest

from kb.content.library import load_library
from kb.content.parser import parse_file, parse_text
from kb.diagnosis.diagram import render_svg
from kb.diagnosis.layout import BOX_W, PAD, Layout, Rect, layout
from kb.diagnosis.textwidth import clip, text_width, wrap
from tests.conftest import FIXTURES, shared_path

PHONE_CONTENT_WIDTH = 390 - 2 * 16  # a 390 px phone, less the page's padding
CORPORA = ["openshift-runbooks", "gitlab-com-runbooks", "longhorn-kb"]

BRANCHING = """### Issue: API returns 503

**Symptoms:** `/health/ready` shows "error"

**Solution:**

1. **Check:** `api-ready` Is the API ready?
   - pass → resolved: the API reports ready again
   - fail database → step 3
   - fail redis → step 4
   - error → step 2
2. Verify `DATABASE_URL` in Railway.
   - fixed → resolved
   - still failing → step 4
3. Verify `REDIS_URL` in Railway.
   - back to the start → step 1
   - next → step 4
4. Is Railway itself down?
   - yes → escalate to Railway
   - no → escalate
"""


@cache
def _corpus_trees(corpus: str) -> list:
    """The OpenShift alert runbooks whole; of the larger corpora, the files that name
    symptoms (where their guides are), to keep this test to seconds."""
    root = shared_path("corpora", corpus)
    files = sorted(root.rglob("*.md"))
    if corpus != "openshift-runbooks":
        files = [f for f in files if "Symptom" in f.read_text(encoding="utf-8")]
    return [tree for path in files for tree in parse_file(path, root).trees]


def _segments(points):
    return [(a, b) for a, b in itertools.pairwise(points)]


def _crosses(segment, rect: Rect) -> bool:
    """An axis-aligned segment passes through the inside of `rect` (touching its edge is
    how an arrow arrives, so it does not count)."""
    (x1, y1), (x2, y2) = segment
    low_x, high_x, low_y, high_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    return low_x < rect.right and high_x > rect.x and low_y < rect.bottom and high_y > rect.y


def assert_nothing_overlaps(plan: Layout) -> None:
    boxes = {step.node.id: step.rect for step in plan.steps}
    for a, b in itertools.combinations(plan.steps, 2):
        assert not a.rect.overlaps(b.rect), (a.node.id, b.node.id)
    for a, b in itertools.combinations(plan.answers, 2):
        assert not a.rect.overlaps(b.rect), (a.text, b.text)
    for answer in plan.answers:
        own = boxes[answer.node]
        inside = own.x < answer.rect.x and answer.rect.right < own.right
        inside = inside and own.y < answer.rect.y and answer.rect.bottom < own.bottom
        if answer.kind == "next":  # on the arrow between two boxes, clear of both
            assert not any(answer.rect.overlaps(box) for box in boxes.values()), answer.text
        else:
            assert inside, answer.text
    for route in plan.routes:
        for segment in _segments(route.points):
            for answer in plan.answers:
                mine = answer.node == route.node and answer.labels == route.labels
                assert mine or not _crosses(segment, answer.rect), (route, answer.text)
            for node_id, box in boxes.items():
                leaving = node_id == route.node and segment == _segments(route.points)[0]
                assert leaving or not _crosses(segment, box), (route, node_id)


def assert_fits(plan: Layout) -> None:
    for step in plan.steps:
        for line in step.lines:
            assert text_width(line, 13) <= BOX_W - 24, line
    for answer in plan.answers:
        assert text_width(answer.text, 12) + 14 <= answer.rect.w + 0.01, answer.text
        assert answer.rect.right <= PAD + BOX_W
    assert all(
        0 <= x <= plan.width and 0 <= y <= plan.height for r in plan.routes for x, y in r.points
    )


def assert_laid_out_for_a_phone(trees) -> None:
    for tree in trees:
        plan = layout(tree)
        assert_nothing_overlaps(plan)
        assert_fits(plan)
        assert plan.width <= PHONE_CONTENT_WIDTH, tree.id


def test_every_test_runbook_guide_is_laid_out_without_overlaps_and_fits_a_phone():
    trees = list(load_library(FIXTURES).trees.values())
    assert len(trees) == 6
    assert_laid_out_for_a_phone(trees)


@pytest.mark.parametrize("corpus", CORPORA)
def test_other_teams_guides_are_laid_out_without_overlaps_and_fit_a_phone(corpus):
    trees = _corpus_trees(corpus)
    assert len(trees) > 30
    assert_laid_out_for_a_phone(trees)


def test_steps_stand_in_the_runbooks_order_top_to_bottom():
    tree = parse_text(BRANCHING, "t.md").trees[0]
    plan = layout(tree)
    assert [s.node.id for s in plan.steps] == ["step-1", "step-2", "step-3", "step-4"]
    tops = [s.rect.y for s in plan.steps]
    assert tops == sorted(tops) and len(set(tops)) == 4
    assert {s.rect.x for s in plan.steps} == {PAD}


def test_answers_say_where_they_lead():
    tree = parse_text(BRANCHING, "t.md").trees[0]
    texts = {a.text: a.kind for a in layout(tree).answers}
    assert texts["pass → Resolved"] == "end"
    assert texts["fail database → step 3"] == "jump"
    assert texts["error"] == "next"  # on the arrow down to step 2
    assert texts["yes → Escalate"] == "end"
    assert texts["back to the start → step 1"] == "jump"


def test_answers_sharing_the_arrow_down_share_one_label():
    text = BRANCHING.replace("   - error → step 2\n", "   - error → step 2\n   - fail → step 2\n")
    tree = parse_text(text, "t.md").trees[0]
    merged = [a for a in layout(tree).answers if a.node == "step-1" and a.kind == "next"]
    assert [(a.text, a.labels) for a in merged] == [("error · fail", ("error", "fail"))]


def test_jumps_to_one_step_share_a_lane_and_overlapping_jumps_do_not():
    plan = layout(parse_text(BRANCHING, "t.md").trees[0])
    lane_of = {}
    for route in plan.routes:
        if len(route.points) == 4:  # a jump: out, along its lane, in
            lane_of.setdefault(route.target, set()).add(route.points[1][0])
    assert all(len(xs) == 1 for xs in lane_of.values())
    xs = [next(iter(x)) for x in lane_of.values()]
    assert len(set(xs)) == len(xs)  # step-1 (up), step-3, step-4 (down) overlap: three lanes


def test_one_steps_jumps_do_not_cross_each_other():
    """Farther jumps down leave from higher rows, so the outer lane's line never crosses
    the inner lane: fail redis (→ 4) is above fail database (→ 3)."""
    plan = layout(parse_text(BRANCHING, "t.md").trees[0])
    rows = [a.text for a in plan.answers if a.node == "step-1"]
    assert rows.index("fail redis → step 4") < rows.index("fail database → step 3")
    assert rows[0] == "pass → Resolved"


def test_long_text_is_wrapped_and_cut_with_the_whole_of_it_in_the_tooltip():
    long = "word " * 80 + "https://example.com/" + "x" * 80
    text = f"### Issue: Long\n\n**Symptoms:** s\n\n**Solution:**\n\n1. {long}\n"
    tree = parse_text(text, "t.md").trees[0]
    step = layout(tree).steps[0]
    assert len(step.lines) == 3 and step.lines[-1].endswith("…")
    svg = render_svg(tree)
    assert "x" * 80 in svg  # in the <title>


def test_the_path_of_a_diagnosis_is_highlighted():
    tree = parse_text(BRANCHING, "t.md").trees[0]
    visited = ["step-1", "step-3", "step-4", "escalate"]
    taken = {("step-1", "fail database"), ("step-3", "next"), ("step-4", "no")}
    svg = render_svg(tree, visited, taken)
    assert svg.count('class="node question visited"') == 2  # steps 3 and 4
    assert 'class="node check visited"' in svg
    assert svg.count('class="edge taken"') == 2  # the jump to 3, the arrow down to 4
    assert '<g class="answer end escalate taken current"><title>no → Escalate' in svg
    assert 'class="answer end escalate"><title>yes' in svg  # not taken


def test_a_diagnosis_standing_on_a_step_marks_it_current():
    tree = parse_text(BRANCHING, "t.md").trees[0]
    svg = render_svg(tree, ["step-1", "step-2"], {("step-1", "error")})
    assert 'class="node question visited current"' in svg
    assert "current" not in svg.replace('class="node question visited current"', "")


def test_text_is_escaped():
    tree = parse_text(BRANCHING.replace("Is Railway itself down?", "Is x < y & z?"), "t.md")
    svg = render_svg(tree.trees[0])
    assert "x < y" not in svg and "x &lt; y &amp; z?" in svg


@pytest.mark.parametrize(
    ("text", "room", "expected"),
    [
        ("short", 100, "short"),
        ("a rather long label that will not fit", 80, None),
        ("", 50, ""),
    ],
)
def test_clip_fits_its_room(text, room, expected):
    clipped = clip(text, 12, room)
    assert text_width(clipped, 12) <= room
    if expected is not None:
        assert clipped == expected
    else:
        assert clipped.endswith("…") and text.startswith(clipped[:-1])


def test_wrap_breaks_at_words_and_cuts_words_too_long_for_a_line():
    lines = wrap("alpha beta gamma " + "z" * 60, 13, 120, 5)
    assert lines[0].split() == ["alpha", "beta", "gamma"][: len(lines[0].split())]
    assert all(text_width(line, 13) <= 120 for line in lines)
    assert "".join(lines).replace(" ", "").startswith("alphabetagamma")
    assert wrap("", 13, 120, 3) == []
