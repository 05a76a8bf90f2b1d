"""Pages and the articles API over the shipped runbook."""

from __future__ import annotations

import re

from tests.conftest import CONTENT, SHARED

SHIFT_LINE = (CONTENT / "alcom-v3-runbook.md").read_text().splitlines().index(
    "### Issue: Shift Won't Close"
) + 1


def seed_sections() -> list[str]:
    """H2/H3 titles of the customer's runbook, read independently of the parser."""
    path = SHARED / "seed" / "alcom-v3-runbook.md"
    source = path.read_text() if path.exists() else (CONTENT / "alcom-v3-runbook.md").read_text()
    titles, fenced = [], False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"^#{2,3} ", line):
            titles.append(line.lstrip("#").strip())
    return titles


def test_every_runbook_section_is_listed_by_the_api(client):
    listed = client.get("/api/articles").get_json()
    titles = [a["title"] for a in listed]
    expected = seed_sections()
    assert len(expected) == 44
    assert [t for t in expected if t not in titles] == []
    shift = next(a for a in listed if a["title"] == "Issue: Shift Won't Close")
    assert shift == {
        "title": "Issue: Shift Won't Close",
        "url": "/a/alcom-v3-runbook/issue-shift-wont-close",
        "slug": "alcom-v3-runbook/issue-shift-wont-close",
        "parent": "alcom-v3-runbook/7-common-issues--solutions",
        "source": f"alcom-v3-runbook.md:{SHIFT_LINE}",
    }


def test_every_listed_article_has_a_page(client):
    for article in client.get("/api/articles").get_json():
        assert client.get(article["url"]).status_code == 200, article["url"]


def test_shift_wont_close_page_shows_the_runbook_text(client):
    page = client.get("/a/alcom-v3-runbook/issue-shift-wont-close").get_data(as_text=True)
    for text in [
        "Issue: Shift Won&#39;t Close",
        "Cannot close shift",
        "Check all required fields are filled (sales, dips)",
        "Check for concurrent modification (another user editing)",
        "Look for error in API logs with requestId",
    ]:
        assert text in page
    assert "7. Common Issues &amp; Solutions" in page  # breadcrumb
    assert f"alcom-v3-runbook.md:{SHIFT_LINE}" in page  # source


def test_article_page_has_toc_and_prev_next(client):
    page = client.get("/a/alcom-v3-runbook/1-deployment").get_data(as_text=True)
    assert 'href="/a/alcom-v3-runbook/11-standard-deployment-via-git"' in page
    assert 'rel="prev" href="/a/alcom-v3-runbook/table-of-contents"' in page
    assert 'rel="next" href="/a/alcom-v3-runbook/11-standard-deployment-via-git"' in page


def test_code_blocks_are_highlighted_with_their_language(client):
    page = client.get("/a/alcom-v3-runbook/32-railway-cli").get_data(as_text=True)
    assert 'class="language-bash"' in page and '<span class="' in page
    assert "railway logs -f" in re.sub(r"<[^>]+>", "", page)


def test_table_of_contents_links_land_on_articles(client):
    page = client.get("/a/alcom-v3-runbook/table-of-contents").get_data(as_text=True)
    assert 'href="/a/alcom-v3-runbook/6-backup--restore"' in page
    assert 'href="/a/alcom-v3-runbook/7-common-issues--solutions"' in page


def test_home_has_search_common_issues_and_sections(client):
    page = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in page and 'name="q"' in page
    assert "What's wrong?" in page
    assert "Shift Won&#39;t Close" in page and "Memory Usage High" in page
    assert 'href="/a/alcom-v3-runbook/4-database-operations"' in page


def test_unknown_urls_get_a_real_404_page(client):
    for url in ["/nope", "/a/alcom-v3-runbook/nope", "/a/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Not found" in response.get_data(as_text=True)
    api = client.get("/api/nope")
    assert api.status_code == 404 and api.get_json()["status"] == 404


def test_pages_load_no_script_inline_and_follow_dark_mode(client):
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page
    with client.get("/static/kb.css") as response:
        assert "prefers-color-scheme: dark" in response.get_data(as_text=True)


def test_an_error_shows_no_stack_trace(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "secret internals" not in body
