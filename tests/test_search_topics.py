"""Search on any team's runbooks: names land, results are runbooks, counts are exact."""

from __future__ import annotations

import pytest

from kb.search import spelling
from tests.conftest import write

ALERT = """---
title: Kube Pod Crash Looping
---

# KubePodCrashLooping

## Meaning

A pod's container keeps restarting and never becomes ready.

## Diagnosis

1. Read the previous container's logs with `kubectl logs --previous`.
   - clean → next
   - stack trace → step 2
2. Describe the pod.

## Mitigation

Fix the configuration the logs point at.
"""

BOOK = """# Operations

## Table of Contents

- [Backups](#backups)
- [Certificates](#certificates)

## Backups

Nightly dumps of the database go to the bucket.

## Certificates

Renew the TLS certificate before it expires.

## Vendor status pages

- [Railway status](https://status.railway.app)
- [Resend status](https://resend-status.com)
"""


@pytest.fixture
def client(make_app, tmp_path):
    content = tmp_path / "content"
    write(content, "alerts/KubePodCrashLooping.md", ALERT)
    write(content, "ops.md", BOOK)
    for number in range(25):
        write(content, f"many/page-{number:02d}.md", f"# Widget page {number}\n\nWidget notes.\n")
    return make_app(content_dir=content).test_client()


def search(client, q, **params):
    return client.get("/api/search", query_string={"q": q, **params}).get_json()


@pytest.mark.parametrize(
    "query", ["KubePodCrashLooping", "kubepodcrashlooping", "kube pod crash looping"]
)
def test_an_alert_name_finds_its_runbook_whichever_way_it_is_typed(client, query):
    first = search(client, query)["results"][0]
    assert first["url"] == "/a/alerts/kubepodcrashlooping"
    assert first["title"] == "Kube Pod Crash Looping"


def test_parts_of_a_runbook_are_one_result_with_the_best_part_as_a_sub_link(client):
    answer = search(client, "kubectl logs previous container")
    urls = [r["url"] for r in answer["results"]]
    assert urls == ["/a/alerts/kubepodcrashlooping"]
    assert answer["results"][0]["section"] == {
        "title": "Diagnosis",
        "url": "/a/alerts/kubepodcrashlooping/diagnosis",
    }
    assert all(r["title"] not in ("Meaning", "Diagnosis") for r in answer["results"])


def test_snippets_never_show_guide_syntax(client):
    for q in ("stack trace", "clean next step", "pod restarting"):
        for result in search(client, q)["results"]:
            assert "→" not in result["snippet"] and "step 2" not in result["snippet"]


def test_a_table_of_contents_is_not_a_result(client):
    urls = [r["url"] for r in search(client, "backups certificates")["results"]]
    assert "/a/ops/table-of-contents" not in urls
    assert {"/a/ops/backups", "/a/ops/certificates"} <= set(urls)


def test_counts_are_exact_and_paging_lists_each_result_once(client):
    first = search(client, "widget", limit=10)
    assert first["total"] == 25
    seen = [r["url"] for page in (1, 2, 3) for r in search(client, "widget", page=page)["results"]]
    assert len(seen) == 25 == len(set(seen))
    page = client.get("/search", query_string={"q": "widget", "page": 3}).get_data(as_text=True)
    assert "25 results" in page and "← Previous" in page and "Next →" not in page


def test_ordinary_english_is_never_corrected(client):
    for word in ("went", "slack", "dead"):
        assert search(client, f"pod {word}")["did_you_mean"] is None


def test_a_real_typo_is_corrected(client):
    assert search(client, "widgte")["did_you_mean"] == "widget"


class CountingCorrector:
    calls = 0

    def suggest(self, word, limit, maxdist):
        CountingCorrector.calls += 1
        return []


def test_spelling_work_is_bounded_whatever_is_typed(client, app_search, monkeypatch):
    monkeypatch.setattr(spelling, "corrector_for", lambda searcher: CountingCorrector())
    CountingCorrector.calls = 0
    app_search.search("x" * 5000)
    app_search.search("a" + "b" * 4999 + " " + "q" * 21)
    assert CountingCorrector.calls == 0
    app_search.search("qzxv wqpz zzqx pqqz vvqz xqqz")
    assert 1 <= CountingCorrector.calls <= spelling.MAX_CORRECTIONS


@pytest.fixture
def app_search(client):
    return client.application.extensions["kb.search"]


def test_repeated_answers_are_reused_but_never_across_an_index_change(tmp_path):
    from kb.content.library import load_library
    from kb.search.index import build
    from kb.search.service import SearchService

    content, data = tmp_path / "content", tmp_path / "data"
    write(content, "a.md", "# Alpha\n\nNothing about animals.\n")
    build(data, load_library(content))
    service = SearchService(data, [])
    assert service.search("zebra").total == 0
    first = service.search("alpha")
    again = service.search("alpha")
    assert again == first and again is not first  # a copy: callers cannot spoil the cache
    write(content, "b.md", "# Zebra crossing\n\nStripes.\n")
    build(data, load_library(content))
    assert service.search("zebra").total == 1


def test_a_list_of_outside_links_is_content_not_a_table_of_contents(client):
    urls = [r["url"] for r in search(client, "vendor status pages")["results"]]
    assert urls[0] == "/a/ops/vendor-status-pages"


def test_a_typo_is_corrected_where_it_stands_not_inside_another_word(client):
    assert search(client, "xwidgte widgte")["did_you_mean"] == "xwidgte widget"


def test_pages_follow_one_order_whichever_page_is_asked(make_app, tmp_path):
    import random

    rng = random.Random(5)
    content = tmp_path / "many"
    words = ["alpha", "beta", "gamma", "delta", "omega"]
    for number in range(40):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(3, 30)))
        write(content, f"p{number:02d}.md", f"# Page {number}\n\n{body}\n")
    client = make_app(content_dir=content).test_client()
    whole = [r["url"] for r in search(client, "alpha gamma", limit=30)["results"]]
    paged = [
        r["url"]
        for page in (1, 2, 3)
        for r in search(client, "alpha gamma", limit=10, page=page)["results"]
    ]
    assert paged == whole and len(set(paged)) == len(paged)


LINKED = {
    "alerts/login-failures.md": "# Blocked sign-in attempts are high\n\nMany sign-ins fail.\n",
    "alerts/disk.md": "# Disk filling up\n\nA volume is nearly full.\n",
    "alerts/index.md": (
        "# Alerts\n\nWhat each alert means:\n\n"
        "- [BlockedLoginBurst](login-failures.md): people cannot sign in.\n"
        "- [VolumeSpaceLow](disk.md): a volume fills.\n"
    ),
}


@pytest.fixture
def library_client(make_app, tmp_path):
    """A client over runbooks given as {file name: text}."""

    def serve(files: dict[str, str]):
        content = tmp_path / "content"
        for name, text in files.items():
            write(content, name, text)
        return make_app(content_dir=content).test_client()

    return serve


def test_a_page_is_found_by_what_other_pages_call_it_when_they_link_to_it(library_client):
    client = library_client(LINKED)
    first = search(client, "BlockedLoginBurst")["results"][0]
    assert first["url"] == "/a/alerts/login-failures"


def test_a_name_is_found_by_the_word_its_capitals_split(library_client):
    """`NodeHugePagesExhausted` is about hugepages; people type the word as one."""
    client = library_client(
        {
            "alerts/NodeHugePagesExhausted.md": "# NodeHugePagesExhausted\n\n"
            "No free pages of the large size are left.\n",
            "alerts/NodePagesSwapping.md": "# NodePagesSwapping\n\n"
            "The node swaps pages out; huge delays follow.\n",
        }
    )
    first = search(client, "hugepages")["results"][0]
    assert first["url"] == "/a/alerts/nodehugepagesexhausted"


def test_a_typo_becomes_the_nearest_word_before_the_most_common_one(library_client):
    client = library_client(
        {
            "disk.md": "# Disk\n\nThe volume keeps filling.\n",
            "oom.md": "# Memory\n\n" + "The kernel is killing processes. " * 5 + "\n",
        }
    )
    assert search(client, "volume fillling")["did_you_mean"] == "volume filling"


@pytest.mark.parametrize(
    "title, typed",
    [
        ("KubePod restarts", "KubePod restarts"),
        ("KubePodCrashLooping restarts", "crash looping restarts"),
    ],
)
def test_a_names_parts_stay_next_to_the_word_after_it(title, typed):
    """So typing a title, or the end of its name and what follows, is a phrase match."""
    from kb.search.analysis import terms
    from kb.search.query import contains_phrase

    assert contains_phrase(terms(title), list(dict.fromkeys(terms(typed))))


def test_everyday_words_weigh_less_in_a_small_library_than_in_a_large_one():
    from kb.search.query import term_weights

    small = term_weights("is the new version actually live on postgres", documents=40)
    assert small["postgr"] == 1.0 and small["new"] < 0.7 and small["actual"] < 0.7
    large = term_weights("is the new version actually live on postgres", documents=100_000)
    assert large["new"] > 0.99


def test_a_page_about_the_words_meant_beats_one_repeating_an_everyday_word(library_client):
    client = library_client(
        {
            "ops.md": "# Ops\n\n## Verify the release\n\nCheck which version runs: curl the health URL and "
            "compare its commit with the one you pushed to the main branch after review.\n\n"
            "## Create an admin\n\nA new admin needs a new password and a role.\n"
        }
    )
    first = search(client, "is the new version actually live")["results"][0]
    assert first["url"] == "/a/ops/verify-the-release"


def test_a_page_listing_whom_to_call_answers_someone_wanting_to_reach_a_person(library_client):
    client = library_client(
        {
            "ops.md": "# Ops\n\n## User management\n\nThe manager on duty can reset passwords; a manager "
            "approves new managers.\n\n## Duty roster\n\n| Role | Phone |\n|---|---|\n"
            "| Duty manager | +237 6 71 23 45 67 |\n"
        }
    )
    results = search(client, "need to reach the duty manager")["results"]
    pages = [r["url"] for r in results if r["kind"] != "contact"]  # the card comes first
    assert pages[0] == "/a/ops/duty-roster"


def test_two_words_typed_apart_find_the_word_the_runbooks_write_as_one(library_client):
    client = library_client(
        {
            "fs.md": "# Volume read-only\n\nThe filesystem was remounted read-only.\n",
            "settings.md": "# Settings\n\nA file keeps the system settings.\n",
        }
    )
    answer = search(client, "file system")
    found = {r["url"]: r for r in answer["results"]}
    assert set(found) == {"/a/fs", "/a/settings"} and answer["total"] == 2
    assert "<mark>filesystem</mark>" in found["/a/fs"]["snippet"]


# Alert runbooks mention their neighbours by name: this one names the other alert four
# times in its Meaning (weighted like symptoms), the other names itself only in its H1.
NEIGHBOURS = {
    "node/NodeFilesystemSpaceFillingUp.md": "# NodeFilesystemSpaceFillingUp\n\n## Meaning\n\n"
    "A file system is predicted to run full within hours.\n\n"
    + "Look at what writes to the disk and when it is cleaned up. " * 20
    + "\n",
    "node/NodeFilesystemAlmostOutOfSpace.md": "---\ntitle: Node Filesystem Almost Out Of Space\n"
    "---\n\n# NodeFilesystemAlmostOutOfSpace\n\n## Meaning\n\n"
    "Like NodeFilesystemSpaceFillingUp, but static thresholds. Unlike "
    "NodeFilesystemSpaceFillingUp it does not predict; see NodeFilesystemSpaceFillingUp "
    "and NodeFilesystemSpaceFillingUp.\n\n## Compared with NodeFilesystemSpaceFillingUp\n\n"
    "NodeFilesystemSpaceFillingUp fires earlier than NodeFilesystemAlmostOutOfSpace.\n",
}


@pytest.mark.parametrize(
    "query", ["NodeFilesystemSpaceFillingUp", "node filesystem space filling up"]
)
def test_a_query_that_is_a_files_name_puts_that_file_first(library_client, query):
    """Even where another runbook uses the name more: the name is how an alert asks."""
    client = library_client(NEIGHBOURS)
    results = search(client, query)["results"]
    urls = [r["url"] for r in results]
    assert urls[0] == "/a/node/nodefilesystemspacefillingup"
    assert any(u.startswith("/a/node/nodefilesystemalmostoutofspace") for u in urls[1:])
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)  # the scores shown agree with the order


def test_a_named_file_leads_every_page_of_results_once(library_client):
    """Pinned wherever Whoosh scored it: paging neither repeats nor loses it."""
    files = {f"w/widget-{n:02d}.md": f"# Widget {n}\n\n" + "widget " * (n + 2) for n in range(30)}
    files["w/widget.md"] = "# Widget\n\nA widget.\n"
    client = library_client(files)
    pages = [search(client, "widget", page=p, limit=10)["results"] for p in (1, 2, 3, 4)]
    urls = [r["url"] for page in pages for r in page]
    assert urls[0] == "/a/w/widget"
    assert len(urls) == 31 == len(set(urls)) == search(client, "widget")["total"]


def test_a_status_code_in_the_plural_finds_the_code(library_client):
    client = library_client(
        {
            "sentry.md": "# Sentry is down\n\nsentry.example.net returns HTTP 500.\n",
            "web.md": "# Web\n\nThe web tier serves pages quickly.\n",
        }
    )
    assert search(client, "website throwing 500s")["results"][0]["url"] == "/a/sentry"
    assert search(client, "5xxs everywhere")["total"] == 0  # no page says 5xx: none found


def test_paging_reaches_as_deep_as_it_says_and_past_the_end_is_empty(client, monkeypatch):
    """Results past the listing depth are counted but never offered: no Next link to a
    page that repeats an earlier one, and a client paging until empty stops."""
    import kb.search.service
    import kb.web.search

    monkeypatch.setattr(kb.search.service, "MAX_RESULTS", 20)
    monkeypatch.setattr(kb.web.search, "MAX_RESULTS", 20)
    pages = [search(client, "widget", page=p) for p in (1, 2, 3, 51, 10**9)]
    assert [len(p["results"]) for p in pages] == [10, 10, 0, 0, 0]
    assert {p["total"] for p in pages} == {25} and pages[3]["page"] == 51
    second = client.get("/search", query_string={"q": "widget", "page": 2}).get_data(as_text=True)
    assert "Next →" not in second and "Only the first 20 are listed" in second
    third = client.get("/search", query_string={"q": "widget", "page": 3}).get_data(as_text=True)
    assert "No more results" in third and "Nothing found" not in third


@pytest.mark.parametrize(
    "typed",
    [
        "node/NodeFilesystemSpaceFillingUp",  # the file's path as written
        "node/NodeFilesystemSpaceFillingUp.md",
        "NodeFilesystemSpaceFillingUp.md",
        "elsewhere/NodeFilesystemSpaceFillingUp",  # a folder that moved: the name decides
    ],
)
def test_go_takes_a_files_path_in_any_case_with_or_without_md(library_client, typed):
    client = library_client(NEIGHBOURS)
    location = client.get(f"/go/{typed}").headers["Location"]
    assert location == "/a/node/nodefilesystemspacefillingup"


def test_go_to_an_alert_kept_as_a_section_of_a_file_of_many_lands_without_a_guess(
    library_client,
):
    client = library_client(
        {
            "runbooks.md": "# Mimir runbooks\n\n## Alerts\n\n### MimirIngesterUnhealthy\n\n"
            "An ingester is unhealthy.\n\n### MimirRequestErrors\n\nToo many 5xx.\n\n"
            "## Symptoms\n\nx\n",
            "other.md": "# Other\n\n## Symptoms\n\ny\n",
        }
    )
    for typed in ("MimirRequestErrors", "mimir-request-errors"):
        assert client.get(f"/go/{typed}").headers["Location"] == "/a/runbooks/mimirrequesterrors"
    # a title two sections share names neither: the search's guess says it is one
    assert "guessed=" in client.get("/go/Symptoms").headers["Location"]


def test_go_to_a_folders_index_file_opens_the_folder_page(library_client):
    client = library_client(
        {
            "node/_index.md": "---\ntitle: node\n---\n\nAlerts about nodes.\n",
            "node/NodeDown.md": "# NodeDown\n\nA node is down.\n",
        }
    )
    assert client.get("/go/node/_index").headers["Location"] == "/a/node"
    assert client.get("/go/node/README.md").headers["Location"] == "/a/node"


def test_an_alias_is_not_shadowed_by_a_page_whose_address_is_spelled_alike(library_client):
    client = library_client(
        {
            "db-failover.md": "# Failover drills\n\nPractice.\n",
            "real.md": "---\naliases: [db failover]\n---\n\n# Real failover\n\nDo it.\n",
        }
    )
    assert client.get("/go/db failover").headers["Location"] == "/a/real"


def test_an_alias_that_is_another_pages_address_is_warned_about_and_loses(library_client, tmp_path):
    """Case never changes where /go/ lands: the page at that address wins either way."""
    from kb.content.library import load_library

    files = {
        "general/Flap.md": "# Flap general\n\nOld copy.\n",
        "node/Flap.md": "---\naliases: [/general/flap/]\n---\n\n# Flap\n\nNew.\n",
    }
    client = library_client(files)
    for typed in ("general/flap", "general/Flap", "GENERAL/FLAP.md"):
        assert client.get(f"/go/{typed}").headers["Location"] == "/a/general/flap"
    library = load_library(tmp_path / "content")
    assert [str(p) for p in library.problems] == [
        "node/Flap.md:5: warning: alias 'general/flap' is the address of "
        "general/Flap.md:1, which /go/ and links open instead"
    ]


def test_control_characters_typed_are_not_written_into_the_page(client):
    page = client.get("/search", query_string={"q": "disk\x00full\x1b"}).get_data(as_text=True)
    assert "\x00" not in page and "\x1b" not in page
    assert 'value="disk full"' in page
