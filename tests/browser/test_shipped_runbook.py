"""The shipped runbook (content/) in the browser: the journeys its users take at 3 a.m.

The only browser tests that read content/: rewording it may break these, nothing else.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import CONTENT


@pytest.fixture
def served_content():
    return CONTENT


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
        first_contact = page.locator("ol.contacts li").first
        expect(first_contact).to_contain_text("On-Call")
        expect(first_contact).to_contain_text("oncall@alcom.cm")
        expect(page.locator(".tree-diagram .end.escalate.current")).to_have_count(1)
    finally:
        simulator_process.mode("healthy")
