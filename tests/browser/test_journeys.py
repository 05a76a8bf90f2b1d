"""Journeys through the pages, as a responder at 3 a.m. would take them."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_search_from_home_lands_on_the_guide(page, base):
    page.goto(base + "/")
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.fill("labels won't print")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=labels"))
    first = page.locator(".result h2 a").first
    expect(first).to_have_text("Labels Won't Print")
    first.click()
    expect(page).to_have_url(re.compile(r"/a/troubleshooting/issue-labels-wont-print"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue: Labels Won't Print")
    expect(page.locator(".prose")).to_contain_text("Check the printer has paper and ribbon")


def test_slash_focuses_search_and_suggestions_appear(page, base):
    page.goto(base + "/a/operations/1-release")
    page.locator("body").press("/")
    box = page.locator("input[type=search]")
    expect(box).to_be_focused()
    box.press_sequentially("memory", delay=20)
    suggestion = page.locator(".suggest-box a").first
    expect(suggestion.locator(".suggest-title")).to_have_text("Memory Running Out")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"issue-memory-running-out"))


def test_code_blocks_get_copy_buttons(page, base):
    page.goto(base + "/a/operations/31-from-the-command-line")
    expect(page.locator(".code-block .copy").first).to_have_text("Copy")


def test_pages_work_without_javascript_on_a_phone(browser, base):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(base + "/")
        page.locator("input[name=q]").fill("pg_dump")
        page.locator("form.search-big button").click()
        expect(page.locator(".result h2 a").first).to_have_text("2. Backup & Restore")
        page.locator(".result h2 a").first.click()
        expect(page.locator(".prose")).to_contain_text("pg_dump")
        page.wait_for_load_state("load")  # measured with its stylesheets applied
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1  # nothing forces sideways scrolling on a phone
        page.goto(base + "/no/such/page")
        expect(page.locator(".error-page h1")).to_have_text("Not found")
    finally:
        context.close()


def test_search_diagnose_with_the_database_down_and_escalate(page, base, simulator_process):
    simulator_process.mode("db-down")
    try:
        page.goto(base + "/")
        box = page.get_by_role("searchbox", name="Search the knowledge base")
        box.fill("api not ready")
        box.press("Enter")
        first = page.locator(".result").first
        expect(first.locator("h2 a")).to_have_text("API Not Ready")
        first.get_by_role("button", name="Start diagnosis").click()

        expect(page.locator(".why .check-result.fail")).to_contain_text(
            "[BODY].checks.database (error) == ok"
        )
        expect(page.locator(".current-step h2")).to_have_text("Step 2")
        expect(page.locator(".current-step .step")).to_contain_text("TRACKER_DB")

        page.get_by_role("button", name="It is right").click()
        page.get_by_role("button", name="Still not ready").click()
        expect(page.locator("h2.end.escalate")).to_be_visible()
        first_contact = page.locator("ol.reach-list > li").first
        expect(first_contact).to_contain_text("On-Call")
        expect(first_contact).to_contain_text("oncall@courier.example")
        expect(page.locator(".tree-diagram .end.escalate.current")).to_have_count(1)
    finally:
        simulator_process.mode("healthy")


def test_check_everything_from_the_home_page(page, base, simulator_process):
    simulator_process.mode("memory-high")
    try:
        page.goto(base + "/")
        page.get_by_role("button", name="Check everything").first.click()
        expect(page.locator(".suggestions li").first).to_contain_text("Memory Running Out")
        expect(page.locator(".run-results .check-list")).to_contain_text("used_percent (92.4) < 85")
    finally:
        simulator_process.mode("healthy")


def test_login_fill_a_missing_phone_and_see_it_in_history(page, base, live_app):
    from sqlmodel import Session, select

    from kb.auth.model import User
    from kb.auth.service import create_user

    with Session(live_app.extensions["kb.db"]) as session:
        if not session.exec(select(User).where(User.username == "editor")).first():
            create_user(
                session=session, username="editor", password="correct horse battery", role="editor"
            )

    page.goto(base + "/contacts")
    devops = page.locator(".contact-card", has_text="DevOps")
    expect(devops.locator(".missing-flag", has_text="needs a real phone")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()

    page.goto(base + "/contacts")
    devops.get_by_role("link", name="Edit").click()
    page.get_by_label("Name").fill("Bea Ngono")
    page.get_by_label("Phone", exact=True).fill("6 71 23 45 67")
    page.get_by_role("button", name="Save").click()

    devops = page.locator(".contact-card", has_text="DevOps")
    expect(devops).to_contain_text("+237 6 71 23 45 67")
    expect(devops.locator("a[href='tel:+237671234567']")).to_be_visible()
    expect(devops.locator(".missing-flag")).to_have_count(0)

    devops.get_by_role("link", name="History").click()
    expect(page.locator(".history .change").first).to_contain_text("update by editor")
    expect(
        page.locator(".history .change").first.locator("ins", has_text="+237671234567")
    ).to_be_visible()


def test_contacts_filter_as_you_type(page, base):
    page.goto(base + "/contacts")
    page.get_by_label("Filter contacts").press_sequentially("hostco", delay=10)
    expect(page.locator(".contact-card:visible")).to_have_count(1)
    expect(page.locator(".contact-card:visible")).to_contain_text("help.hostco.example")
