"""The guide diagram as Chromium draws it: no label on another, whole on a phone, the path lit.

Measured on every guide of the test runbooks and on guides of other teams' runbooks
(an OpenShift alert runbook, a GitLab one, Longhorn's troubleshooting page), at desktop and
phone sizes, with and without JavaScript, light and dark. The shipped runbook's guides are
measured in test_shipped_runbook.py.
"""

from __future__ import annotations

import itertools
import shutil

import pytest
from playwright.sync_api import expect

from kb.content.library import load_library
from tests.browser.conftest import serving
from tests.browser.measure import SIZES, Box, contrast, keep_screenshot, parse_colour
from tests.conftest import FIXTURES, shared_path

CORPUS_FILES = [
    ("openshift-runbooks", "alerts/cluster-logging-operator/CollectorNodeDown.md"),
    ("openshift-runbooks", "alerts/openshift-virtualization-operator/VirtualMachineStuckOnNode.md"),
    ("gitlab-com-runbooks", "docs/monitoring/prometheus-slow-scrapes.md"),
    ("longhorn-kb", "content/docs/1.13.0/troubleshoot/troubleshooting.md"),
]
MEASURE = """svg => Array.from(svg.querySelectorAll("text")).map(text => {
  const box = r => ({x: r.x, y: r.y, width: r.width, height: r.height});
  const own = text.parentNode.querySelector("rect");
  return {text: text.textContent, box: box(text.getBoundingClientRect()),
          own: box(own.getBoundingClientRect()), group: text.parentNode.getAttribute("class")};
})"""


@pytest.fixture(scope="module")
def runbooks(tmp_path_factory, simulator_process):
    environ = {"KB_TARGET_API_URL": simulator_process.url}
    with serving(FIXTURES, tmp_path_factory.mktemp("data"), KB_PROBE_ENVIRON=environ) as served:
        yield served[1], sorted(load_library(FIXTURES).trees)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A few other teams' runbooks, copied from ../shared/corpora into a content folder."""
    content = tmp_path_factory.mktemp("corpus")
    for name, path in CORPUS_FILES:
        target = content / name / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shared_path("corpora", name, path), target)
    trees = sorted(load_library(content).trees)
    assert len(trees) >= 6
    with serving(content, tmp_path_factory.mktemp("data")) as served:
        yield served[1], trees


def assert_diagram_reads(page, viewport: dict) -> None:
    """No text on other text, every text inside its own box, the boxes whole on screen
    and the diagram either fits or scrolls inside its frame (never the page)."""
    page.wait_for_load_state("load")
    svg = page.locator("svg.tree-diagram").first
    texts = page.evaluate(MEASURE, svg.element_handle())
    boxes = [(t["text"], Box.of(t["box"]), Box.of(t["own"])) for t in texts]
    for (one, a, _), (two, b, _) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{one!r} overlaps {two!r}"
    for text, box, own in boxes:
        assert box.inside(own), f"{text!r} spills out of its box"
    steps = page.evaluate(
        "svg => Array.from(svg.querySelectorAll('.node rect')).map(r => r.getBoundingClientRect().right)",
        svg.element_handle(),
    )
    assert max(steps) <= viewport["width"], "a step's box is cut off"
    frame = page.locator(".diagram").first
    fits = svg.bounding_box()["x"] + svg.bounding_box()["width"] <= viewport["width"]
    scrolls = frame.evaluate("f => getComputedStyle(f).overflowX === 'auto'")
    assert fits or scrolls
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_every_test_runbook_guide_diagram_reads_whole(open_page, runbooks, size, js):
    base, trees = runbooks
    page = open_page(SIZES[size], js=js)
    for tree in trees:
        page.goto(f"{base}/trees/{tree}")
        assert_diagram_reads(page, SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_other_teams_guide_diagrams_read_whole(open_page, corpus, size):
    base, trees = corpus
    page = open_page(SIZES[size], scheme="dark")
    for tree in trees:
        page.goto(f"{base}/trees/{tree}")
        assert_diagram_reads(page, SIZES[size])
    page.goto(f"{base}/trees/{next(t for t in trees if 'collectornodedown' in t)}")
    keep_screenshot(page.locator(".diagram"), f"diagram-openshift-{size}-dark")


def _colours(page, selector: str, *properties: str) -> list[str]:
    return page.locator(selector).first.evaluate(
        "(e, ps) => ps.map(p => getComputedStyle(e)[p])", list(properties)
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
def test_a_diagnosis_path_is_lit_and_readable(open_page, runbooks, simulator_process, scheme, size):
    base, _ = runbooks
    page = open_page(SIZES[size], scheme=scheme)
    simulator_process.mode("db-down")
    try:
        page.goto(f"{base}/trees/troubleshooting/issue-api-not-ready")
        page.get_by_role("button", name="Start diagnosis").click()  # the check: step 1 → 2
        page.get_by_role("button", name="It is right").click()  # step 2 → step 5
        expect(page.locator(".current-step h2")).to_have_text("Step 5")
    finally:
        simulator_process.mode("healthy")
    diagram = page.locator(".whole-tree .tree-diagram")
    expect(diagram.locator(".node.current")).to_have_count(1)
    expect(diagram.locator(".node.current .node-kind")).to_have_text("5 · QUESTION")
    expect(diagram.locator(".node.visited")).to_have_count(3)  # steps 1, 2 and 5
    expect(diagram.locator(".edge.taken")).to_have_count(2)  # 1 → 2 and 2 → 5
    expect(diagram.locator(".answer.taken")).to_have_count(2)

    accent = parse_colour(_colours(page, "a", "color")[0])
    taken, plain = page.locator(".edge.taken").first, page.locator(".edge:not(.taken)").first
    assert parse_colour(taken.evaluate("e => getComputedStyle(e).stroke")) == accent
    assert parse_colour(plain.evaluate("e => getComputedStyle(e).stroke")) != accent
    assert parse_colour(_colours(page, ".node.current rect", "stroke")[0]) == accent

    for text, box in [
        (".node:not(.current) .node-text", ".node:not(.current) rect"),
        (".node .node-kind", ".node:not(.current) rect"),
        (".node.current .node-text", ".node.current rect"),
        (".answer.end.resolved text", ".answer.end.resolved rect"),
        (".answer.end.escalate text", ".answer.end.escalate rect"),
        (".answer.jump text", ".answer.jump rect"),
    ]:
        ratio = contrast(_colours(page, text, "fill")[0], _colours(page, box, "fill")[0])
        assert ratio >= 4.5, f"{text} on {box}: {ratio:.1f}"
    assert_diagram_reads(page, SIZES[size])
    if size == "phone":
        diagram.scroll_into_view_if_needed()
        keep_screenshot(page.locator(".whole-tree"), f"diagram-phone-{scheme}")
