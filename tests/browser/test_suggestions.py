"""Suggestions as you type open below the box, cover no button, and say what and where each is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.measure import SIZES, Box, keep_screenshot
from tests.conftest import FIXTURES

TREE = "/trees/troubleshooting/issue-api-not-ready"
UNCOVERED = """button => { button.scrollIntoView({block: "center"});
  const r = button.getBoundingClientRect();
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return hit === button || button.contains(hit); }"""


@pytest.fixture(scope="module")
def runbooks(tmp_path_factory):
    with serving(FIXTURES, tmp_path_factory.mktemp("data")) as served:
        yield served[1]


def _type(page, text: str):
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.press_sequentially(text, delay=20)
    return box


@pytest.mark.parametrize("size", SIZES)
def test_home_suggestions_open_below_the_box_and_leave_check_everything_free(
    open_page, runbooks, size
):
    page = open_page(SIZES[size])
    page.goto(runbooks + "/")
    box = _type(page, "restore")
    items = page.locator(".suggest-box li")
    expect(items.nth(2)).to_be_visible()
    first = items.first
    expect(first.locator(".badge")).to_have_text("article")
    expect(first.locator(".suggest-title")).to_have_text("2.1 Restore a nightly dump")
    expect(first.locator(".suggest-crumbs")).to_have_text(
        "Courier operations › 2. Backup & Restore"
    )
    for item in items.all():
        assert item.locator(".badge").inner_text().strip().lower() in ("article", "troubleshooting")
        assert item.locator(".suggest-crumbs").inner_text().strip()

    suggestions = Box.of(page.locator(".suggest-box").bounding_box())
    typed = Box.of(box.bounding_box())
    assert suggestions.y >= typed.y + typed.h - 0.5  # below the box
    check = page.get_by_role("button", name="Check everything")
    assert not suggestions.overlaps(Box.of(check.bounding_box()))
    keep_screenshot(page, f"suggestions-{size}")
    assert check.evaluate(UNCOVERED)


def test_a_guide_shows_its_kind_in_suggestions(open_page, runbooks):
    page = open_page(SIZES["phone"])
    page.goto(runbooks + "/")
    _type(page, "memory")
    guide = page.locator(".suggest-box li", has_text="Memory Running Out").first
    expect(guide.locator(".badge")).to_have_text("troubleshooting")


@pytest.mark.parametrize("size", SIZES)
def test_header_suggestions_leave_the_pages_buttons_free(open_page, runbooks, size):
    page = open_page(SIZES[size])
    page.goto(runbooks + TREE)
    _type(page, "database")
    expect(page.locator(".suggest-box li").first).to_be_visible()
    start = page.get_by_role("button", name="Start diagnosis")
    assert not Box.of(page.locator(".suggest-box").bounding_box()).overlaps(
        Box.of(start.bounding_box())
    )
    assert start.evaluate(UNCOVERED)


@pytest.mark.parametrize("size", SIZES)
def test_without_javascript_search_submits_and_nothing_covers_the_page(open_page, runbooks, size):
    page = open_page(SIZES[size], js=False)
    page.goto(runbooks + "/")
    page.locator("input[name=q]").fill("restore")
    assert page.get_by_role("button", name="Check everything").evaluate(UNCOVERED)
    page.locator("form.search-big button").click()
    expect(page.locator(".result h2 a").first).to_have_text("2.1 Restore a nightly dump")
    expect(page.locator(".suggest-box")).to_have_count(0)
