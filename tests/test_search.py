"""Search as responders use it: their words, their typos, their hostile input."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, write

# Pages of the test runbooks (tests/fixtures/content)
LABELS = "/a/troubleshooting/issue-labels-wont-print"
READY = "/a/troubleshooting/issue-api-not-ready"
RATE = "/a/troubleshooting/issue-requests-rejected-with-429"
MEMORY = "/a/troubleshooting/issue-memory-running-out"


def first(client, query):
    data = client.get("/api/search", query_string={"q": query}).get_json()
    return data["results"][0]["url"] if data["results"] else None


@pytest.mark.parametrize(
    "query", ["labels won't print", "labels wont print", "cannot print label", "lables wont pirnt"]
)
def test_a_guide_is_found_by_its_symptom_in_a_responders_words(client, query):
    assert first(client, query) == LABELS


def test_the_api_answers_in_the_documented_shape(client):
    data = client.get("/api/search?q=lables+wont+pirnt&limit=3").get_json()
    assert data["query"] == "lables wont pirnt"
    assert data["did_you_mean"] == "labels wont print"
    top = data["results"][0]
    assert set(top) >= {"title", "url", "kind", "snippet", "score"}
    assert top["kind"] == "troubleshooting" and top["title"] == "Labels Won't Print"
    assert "<mark" in top["snippet"]
    assert len(data["results"]) <= 3
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("courier logs --follow", "/a/operations/31-from-the-command-line"),
        ("pg_dump", "/a/operations/2-backup--restore"),
        ("/health/ready", READY),
        ("TRACKER_CACHE", READY),
        ("MAX_REQUESTS_PER_MINUTE", RATE),
        ("429", RATE),
    ],
)
def test_commands_identifiers_and_codes_are_findable(client, query, expected):
    assert first(client, query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("waybill", LABELS),  # the team's synonyms.txt: waybill, airway bill, label
        ("airway bill", LABELS),
        ("oomkilled", MEMORY),  # kb's operations vocabulary: oom, oomkilled, …
        ("throttled", RATE),  # … 429, rate limit, throttled, too many requests
    ],
)
def test_synonyms_find_what_the_runbooks_say_in_other_words(client, query, expected):
    assert first(client, query) == expected


def test_a_teams_synonyms_add_to_the_shipped_operations_vocabulary(make_app, tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURES, content)
    (content / "synonyms.txt").write_text("# no synonyms of our own\n")
    plain = make_app(content_dir=content).test_client()
    # "throttled" is nowhere in the runbooks; the shipped vocabulary knows it is a rate limit
    assert first(plain, "throttled") == RATE
    assert first(plain, "waybill") is None  # only the team's file said it is a label
    assert first(plain, "zorblat") is None
    (content / "synonyms.txt").write_text("zorblat, too many requests\n")
    ours = make_app(content_dir=content).test_client()
    assert first(ours, "zorblat") == RATE


HOSTILE = [
    '"unbalanced',
    "AND",
    "OR",
    "NOT",
    "*",
    "((",
    "))",
    "field:",
    "title:",
    "x" * 5000,
    "label\x00\x01\x1b[31m print",
    "a:b:c:",
    "~~~",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "日本語 テスト",
    "%",
    "",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(client, query):
    page = client.get("/search", query_string={"q": query})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": query})
    assert api.status_code == 200
    assert isinstance(api.get_json()["results"], list)


def test_odd_limits_are_clamped(client):
    for limit in ["-5", "0", "abc", "100000"]:
        response = client.get("/api/search", query_string={"q": "tracker", "limit": limit})
        assert response.status_code == 200
        assert 1 <= len(response.get_json()["results"]) <= 50


def test_results_page_shows_badges_breadcrumbs_and_start_diagnosis(client):
    page = client.get("/search?q=labels+won%27t+print").get_data(as_text=True)
    assert 'class="badge troubleshooting"' in page
    assert '<p class="crumbs">Troubleshooting › Common Issues</p>' in page
    assert "Start diagnosis" in page
    assert "<mark" in page


def test_no_results_suggest_common_issues_and_spelling(client):
    page = client.get("/search?q=zzqqxx").get_data(as_text=True)
    assert "Nothing found" in page and "Common issues" in page
    page = client.get("/search?q=memroy+hgih").get_data(as_text=True)
    assert "Did you mean" in page and "memory" in page


def test_go_links_land_on_the_answer(client):
    guessed = client.get("/go/labels-wont-print").headers["Location"]  # the best match
    assert guessed == LABELS + "?guessed=labels+wont+print"
    assert client.get("/go/LabelPrintFailed").headers["Location"] == LABELS  # an alias
    assert client.get("/go/rollback").headers["Location"] == "/a/operations/12-rollback"
    assert (
        client.get("/go/operations/2-backup--restore").headers["Location"]
        == "/a/operations/2-backup--restore"
    )
    assert client.get("/go/qqqzzz").headers["Location"] == "/search?q=qqqzzz"


def test_a_go_link_that_names_no_page_lands_on_a_guess_that_says_so(client):
    page = client.get("/go/labels-wont-print", follow_redirects=True).get_data(as_text=True)
    assert "No page is called “labels wont print”: this is the closest match." in page
    named = client.get("/go/LabelPrintFailed", follow_redirects=True).get_data(as_text=True)
    assert "closest match" not in named


def test_a_go_link_keeps_its_query_so_alert_labels_fill_the_pages_fields(client):
    location = client.get("/go/LabelPrintFailed?printer=front-desk&x=1").headers["Location"]
    assert location == LABELS + "?printer=front-desk&x=1"


def test_a_go_link_passes_on_no_secret_and_no_notice_of_its_own(client):
    location = client.get(
        "/go/LabelPrintFailed?api_key=s3cret&guessed=Your+session+expired&printer=a"
    ).headers["Location"]
    assert location == LABELS + "?printer=a"


def test_aliases_redirect_from_article_urls_too(client):
    response = client.get("/a/TrackerOutOfMemory")
    assert response.status_code == 301
    assert response.headers["Location"] == MEMORY


def test_aliases_in_front_matter_must_name_real_sections(content_dir):
    from kb.content.library import load_library

    write(content_dir, "a.md", "---\naliases:\n  nope: [X]\n---\n# A\n\n## B\n")
    problems = [str(p) for p in load_library(content_dir).problems]
    assert problems == ["a.md:1: alias for unknown section '#nope'"]


def test_gaps_list_queries_without_results_until_one_is_opened(client):
    client.get("/search?q=kubernetes+pod+eviction")
    client.get("/search?q=kubernetes+pod+eviction")
    page = client.get("/gaps").get_data(as_text=True)
    assert "kubernetes pod eviction" in page
    client.get("/search?q=pg_restore")
    assert "pg_restore" in client.get("/gaps").get_data(as_text=True)
    listing = client.get("/search?q=pg_restore").get_data(as_text=True)
    link = listing.split('class="result"')[1].split('href="')[1].split('"')[0]
    assert "?from=" in link
    client.get(link)
    assert "pg_restore" not in client.get("/gaps").get_data(as_text=True)


@pytest.mark.parametrize(
    "words", [["label", "print", "printer"], ["restor", "dump", "tabl", "nightli"]]
)
def test_scoring_terms_into_an_array_ranks_as_the_union_tree_does(app, words):
    """Queries of three or more terms are retrieved with Whoosh's array union, for speed."""
    from whoosh.query import Or

    from kb.search.query import retrieval_query

    query = retrieval_query(words, [])
    assert query.matcher_type == Or.ARRAY_MATCHER
    searcher = app.extensions["kb.search"]._searcher()
    fast = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=20)]
    query.matcher_type = Or.DEFAULT_MATCHER
    tree = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=20)]
    assert len(fast) >= 3 and fast == tree
