"""The static export in Chromium, opened from file:// with the network cut off.

The walk from a search to the contacts on the shipped runbook is in test_shipped_runbook.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kb.content_store import load_content
from kb.static_export.search_index import tokens
from tests.browser.conftest import export_site
from tests.conftest import FIXTURES, write


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    yield from export_site(FIXTURES, tmp_path_factory)


def test_the_script_makes_words_as_the_exporter_does(offline, exported):
    page, _ = offline
    page.goto((exported / "search.html").as_uri())
    library = load_content(FIXTURES)
    texts = [
        "Shift won't close",
        "cannot close shift; shifts CLOSING closed",
        "pg_dump DATABASE_URL /health/ready 429 5xx api.alcom.cm",
        "KubePodCrashLooping HTTPServer iOS e-mail __init__",
        "Café’s users’ naïve résumé ŒUVRE ﬁle",
        "don't doesn't user's they'll",
        "HTTP 500s and 5xxs, 404s, the 1990s, 500s_total",
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
    assert titles(page, "restore nightly dump")[0] == "2.1 Restore a nightly dump"
    assert titles(page, "LabelPrintFailed")[0] == "Labels Won't Print"  # an alias
    assert titles(page, "memo")[0] == "Memory Running Out"  # the start of a word
    assert titles(page, "delivery emails not sent")[0] == "Delivery Emails Not Sent"
    assert titles(page, "devops phone")[0] == "DevOps"  # contacts are found too
    assert titles(page, "how do I") == []
    page.get_by_role("searchbox", name="Search the knowledge base").fill("zzqx")
    expect(page.locator("#search-status")).to_contain_text("Nothing found for “zzqx”")
    expect(page.locator(".result")).to_have_count(0)


@pytest.fixture(scope="module")
def exported_alerts(tmp_path_factory):
    content = tmp_path_factory.mktemp("alerts") / "runbooks"
    # The alert's runbook is named only by its file; another page's title has its words.
    write(content, "node/NodeFilesystemSpaceFillingUp.md", "# Disk predicted full\n\nSoon.\n")
    write(
        content,
        "dashboards.md",
        "# Node filesystem space filling up dashboards\n\n## Symptoms\n\n"
        "Node filesystem space filling up: the panels to read.\n",
    )
    yield from export_site(content, tmp_path_factory)


@pytest.mark.parametrize(
    "query", ["NodeFilesystemSpaceFillingUp", "node filesystem space filling up"]
)
def test_a_query_that_is_a_files_name_puts_that_file_first_offline_too(
    offline, exported_alerts, query
):
    page, _ = offline
    page.goto((exported_alerts / "search.html").as_uri())
    assert titles(page, query) == [
        "Disk predicted full",
        "Node filesystem space filling up dashboards",
    ]


def test_without_javascript_search_says_so_and_everything_else_works(browser, exported):
    context = browser.new_context(java_script_enabled=False, offline=True)
    page = context.new_page()
    try:
        page.goto((exported / "search.html").as_uri() + "?q=shift")
        expect(page.locator("#search-needs-script")).to_contain_text("Search needs JavaScript")
        page.get_by_role("link", name="A–Z index").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("A–Z index")
        page.get_by_role("link", name="Issue: Labels Won't Print").click()
        page.get_by_role("link", name="Start the guide").click()
        page.get_by_role("link", name="Paper and ribbon are fine", exact=True).click()
        expect(page.locator(".current-step h2")).to_contain_text("Step 2")
    finally:
        context.close()
