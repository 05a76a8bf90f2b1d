"""Pages and the articles API, over the test runbooks (tests/fixtures/content)."""

from __future__ import annotations

import re

from tests.conftest import FIXTURES

LABELS = "troubleshooting/issue-labels-wont-print"


def heading_lines(name: str) -> dict[str, int]:
    """H2/H3 titles of a test runbook and their lines, read independently of the parser."""
    found, fenced = {}, False
    for number, line in enumerate((FIXTURES / name).read_text().splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"^#{2,3} ", line):
            found[line.lstrip("#").strip()] = number
    return found


def test_every_section_is_listed_by_the_api_with_where_it_comes_from(client):
    listed = client.get("/api/articles").get_json()
    titles = [a["title"] for a in listed]
    for name in ("operations.md", "troubleshooting.md", "contacts.md"):
        expected = heading_lines(name)
        assert expected and [t for t in expected if t not in titles] == []
    labels = next(a for a in listed if a["title"] == "Issue: Labels Won't Print")
    assert labels == {
        "title": "Issue: Labels Won't Print",
        "url": f"/a/{LABELS}",
        "slug": LABELS,
        "parent": "troubleshooting/common-issues",
        "source": f"troubleshooting.md:{heading_lines('troubleshooting.md')[labels['title']]}",
    }


def test_every_listed_article_has_a_page(client):
    for article in client.get("/api/articles").get_json():
        assert client.get(article["url"]).status_code == 200, article["url"]


def test_a_guides_page_shows_the_runbook_text(client):
    page = client.get(f"/a/{LABELS}").get_data(as_text=True)
    for text in [
        "Issue: Labels Won&#39;t Print",
        "Cannot print label",
        "Check the printer has paper and ribbon",
        "Reprint one label from the parcel's page",
        'href="/a/operations/3-reading-logs"',  # operations.md#3-reading-logs, another file
    ]:
        assert text in page
    assert '<a href="/a/troubleshooting/common-issues">Common Issues</a>' in page  # breadcrumb
    line = heading_lines("troubleshooting.md")["Issue: Labels Won't Print"]
    assert f"troubleshooting.md:{line}" in page  # source


def test_article_page_has_toc_and_prev_next(client):
    page = client.get("/a/operations/1-release").get_data(as_text=True)
    assert 'href="/a/operations/11-check-the-release"' in page
    assert 'rel="prev" href="/a/operations/contents"' in page
    assert 'rel="next" href="/a/operations/11-check-the-release"' in page


def test_code_blocks_are_highlighted_with_their_language(client):
    page = client.get("/a/operations/31-from-the-command-line").get_data(as_text=True)
    assert 'class="language-bash"' in page and '<span class="' in page
    assert "courier logs --follow" in re.sub(r"<[^>]+>", "", page)


def test_table_of_contents_links_land_on_articles(client):
    page = client.get("/a/operations/contents").get_data(as_text=True)
    assert 'href="/a/operations/2-backup--restore"' in page
    assert 'href="/a/operations/3-reading-logs"' in page


def test_home_has_search_common_issues_and_sections(client):
    page = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in page and 'name="q"' in page
    assert "What's wrong?" in page
    assert "Labels Won&#39;t Print" in page and "Memory Running Out" in page
    assert 'href="/a/operations/2-backup--restore"' in page


def test_unknown_urls_get_a_real_404_page(client):
    for url in ["/nope", "/a/operations/nope", "/a/"]:
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
