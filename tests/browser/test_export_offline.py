"""The static export in Chromium, opened from file:// with the network cut off."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from kb import create_app
from kb.content_store import load_content
from kb.static_export.build import build_site
from kb.static_export.search_index import tokens
from kb.web.exports import current_snapshot
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    data = tmp_path_factory.mktemp("export-data")
    app = create_app({"TESTING": True, "KB_CONTENT_DIR": str(CONTENT), "KB_DATA_DIR": str(data)})
    site = tmp_path_factory.mktemp("export") / "site"
    with app.app_context():
        build_site(current_snapshot(), site)
    app.extensions["kb.db"].dispose()
    yield site
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def offline(browser):
    """A browser with no network; any request that is not for a file is refused and kept."""
    context = browser.new_context(offline=True)
    outside: list[str] = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith("file:"), refuse)
    page = context.new_page()
    yield page, outside
    context.close()


def test_search_walk_a_guide_to_an_escalation_and_see_the_contacts(offline, exported):
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


def test_the_script_makes_words_as_the_exporter_does(offline, exported):
    page, _ = offline
    page.goto((exported / "search.html").as_uri())
    library = load_content(CONTENT)
    texts = [
        "Shift won't close",
        "cannot close shift; shifts CLOSING closed",
        "pg_dump DATABASE_URL /health/ready 429 5xx api.alcom.cm",
        "KubePodCrashLooping HTTPServer iOS e-mail __init__",
        "Café’s users’ naïve résumé ŒUVRE ﬁle",
        "don't doesn't user's they'll",
        *(f"{a.title}\n{a.text}\n{a.code}" for a in library.articles.values()),
    ]
    assert page.evaluate("texts => texts.map(t => window.kbTokens(t))", texts) == [
        tokens(t) for t in texts
    ]


def titles(page, query: str) -> list[str]:
    return [r["title"] for r in page.evaluate("q => window.kbSearch(q, 5)", query)]


def test_titles_and_names_rank_first_and_a_word_begun_is_found(offline, exported):
    page, _ = offline
    page.goto((exported / "search.html").as_uri())
    expect(page.locator("#search-needs-script")).to_be_hidden()
    assert titles(page, "restore backup")[0] == "6.3 Restore from Backup"
    assert titles(page, "ShiftCloseFailed")[0] == "Shift Won't Close"  # an alias
    assert titles(page, "memo")[0] == "Memory Usage High"  # the start of a word
    assert titles(page, "emails not sending")[0] == "Emails Not Sending"
    assert titles(page, "devops phone")[0] == "DevOps"  # contacts are found too
    assert titles(page, "how do I") == []
    page.get_by_role("searchbox", name="Search the knowledge base").fill("zzqx")
    expect(page.locator("#search-status")).to_contain_text("Nothing found for “zzqx”")
    expect(page.locator(".result")).to_have_count(0)


def test_without_javascript_search_says_so_and_everything_else_works(browser, exported):
    context = browser.new_context(java_script_enabled=False, offline=True)
    page = context.new_page()
    try:
        page.goto((exported / "search.html").as_uri() + "?q=shift")
        expect(page.locator("#search-needs-script")).to_contain_text("Search needs JavaScript")
        page.get_by_role("link", name="A–Z index").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("A–Z index")
        page.get_by_role("link", name="Issue: Shift Won't Close").click()
        page.get_by_role("link", name="Start the guide").click()
        page.get_by_role("link", name="Everything is filled", exact=True).click()
        expect(page.locator(".current-step h2")).to_contain_text("Step 2")
    finally:
        context.close()
