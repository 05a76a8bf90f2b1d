"""Every page works with JavaScript off on a phone: it loads, reads, and fits the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

PAGES = [
    ("/", "What's broken?"),
    ("/a/troubleshooting/issue-labels-wont-print", "Issue: Labels Won't Print"),
    ("/a/operations/2-backup--restore", "2. Backup & Restore"),
    ("/search?q=rollback", "Search"),
    ("/search?q=zzqqxx", "Search"),
    ("/trees", "Troubleshooting guides"),
    ("/trees/troubleshooting/issue-api-not-ready", "API Not Ready"),
    ("/triage", "Check everything"),
    ("/contacts", "Emergency contacts"),
    ("/contacts/1/history", "History"),
    ("/login", "Log in"),
    ("/gaps", "Content gaps"),
    ("/no/such/page", "Not found"),
]


@pytest.mark.parametrize("path, heading", PAGES)
def test_page_without_javascript_on_a_phone(phone_page, base, path, heading):
    response = phone_page.goto(base + path)
    assert response.status == (404 if path == "/no/such/page" else 200)
    if heading:
        expect(phone_page.locator("h1").first).to_contain_text(heading)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376, f"{path} scrolls sideways on a phone ({width}px)"


def test_a_diagnosis_can_be_walked_without_javascript(phone_page, base, simulator_process):
    simulator_process.mode("healthy")
    phone_page.goto(base + "/trees/troubleshooting/issue-labels-wont-print")
    phone_page.get_by_role("button", name="Start diagnosis").click()
    expect(phone_page.locator(".current-step h2")).to_have_text("Step 1")
    phone_page.get_by_role("button", name="Paper and ribbon are fine").click()
    expect(phone_page.locator(".current-step h2")).to_have_text("Step 2")
    phone_page.wait_for_load_state("load")  # measured with its stylesheets applied
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376
