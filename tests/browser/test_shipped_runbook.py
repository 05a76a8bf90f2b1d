"""The shipped runbook (content/) in the browser: the journeys its users take at 3 a.m.

The only browser tests that read content/: rewording it may break these, nothing else.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kb.content.library import load_library
from tests.browser.conftest import export_site
from tests.browser.measure import SIZES
from tests.browser.test_diagram_view import assert_diagram_reads
from tests.conftest import CONTENT


@pytest.fixture
def served_content():
    return CONTENT


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    yield from export_site(CONTENT, tmp_path_factory)


def test_search_from_home_lands_on_shift_wont_close(page, base):
    page.goto(base + "/")
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.fill("shift won't close")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=shift"))
    first = page.locator(".result h2 a").first
    expect(first).to_have_text("Shift Won't Close")
    first.click()
    expect(page).to_have_url(re.compile(r"/a/alcom-v3-runbook/issue-shift-wont-close"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue: Shift Won't Close")
    expect(page.locator(".prose")).to_contain_text("Check all required fields are filled")


def test_search_503_diagnose_with_db_down_and_escalate(page, base, simulator_process):
    simulator_process.mode("db-down")
    try:
        page.goto(base + "/")
        box = page.get_by_role("searchbox", name="Search the knowledge base")
        box.fill("503")
        box.press("Enter")
        first = page.locator(".result").first
        expect(first.locator("h2 a")).to_have_text('API returns 503 "Service Degraded"')
        first.get_by_role("button", name="Start diagnosis").click()

        expect(page.locator(".why .check-result.fail")).to_contain_text(
            "[BODY].checks.database (error) == ok"
        )
        expect(page.locator(".current-step h2")).to_have_text("Step 3")
        expect(page.locator(".current-step .step")).to_contain_text("DATABASE_URL")

        page.get_by_role("button", name="It is correct").click()
        page.get_by_role("button", name="Nothing conclusive").click()
        page.get_by_role("button", name="Still degraded").click()
        expect(page.locator("h2.end.escalate")).to_be_visible()
        first_contact = page.locator("ol.reach-list > li").first
        expect(first_contact).to_contain_text("On-Call")
        expect(first_contact).to_contain_text("oncall@alcom.cm")
        expect(page.locator(".tree-diagram .end.escalate.current")).to_have_count(1)
    finally:
        simulator_process.mode("healthy")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_every_guide_diagram_reads_whole(open_page, base, size, js):
    trees = sorted(load_library(CONTENT).trees)
    assert len(trees) == 7
    page = open_page(SIZES[size], js=js)
    for tree in trees:
        page.goto(f"{base}/trees/{tree}")
        assert_diagram_reads(page, SIZES[size])


def test_offline_copy_search_walk_a_guide_to_an_escalation_and_see_the_contacts(offline, exported):
    page, outside = offline
    page.goto((exported / "index.html").as_uri())
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.fill("shift won't close")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\.html\?q=shift"))
    first = page.locator(".result").first
    expect(first.locator("h2 a")).to_have_text("Shift Won't Close")
    first.get_by_role("link", name=re.compile("Troubleshooting guide")).click()
    expect(page.locator(".current-step h2")).to_contain_text("Step 1")
    for answer in (
        "Everything is filled",
        "No validation error",
        "Nobody else is editing",
        "No log entry, or no fix",
    ):
        page.get_by_role("link", name=answer, exact=True).click()
    expect(page.locator("h2.end.escalate")).to_have_text("Escalate")
    calls = page.locator("ol.contacts > li")
    expect(calls).to_have_count(3)
    expect(calls.first).to_contain_text("On-Call")
    expect(calls.nth(1)).to_contain_text("devops@alcom.cm")
    page.get_by_role("link", name="All contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency contacts")
    expect(page.locator(".contact-card")).to_have_count(8)
    expect(page.locator(".notice")).to_contain_text("As of")
    assert outside == []
    # The harness does catch a request that tries to leave (about:blank has no CSP to stop it).
    page.goto("about:blank")
    page.evaluate("() => fetch('https://example.com/').then(() => 1, () => 0)")
    assert outside == ["https://example.com/"]
