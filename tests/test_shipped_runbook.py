"""The shipped runbook (content/, the customer's Alcom V3): valid, complete, and answering.

The only tests, with tests/browser/test_shipped_runbook.py, that read content/. When the
customer rewords a step or a label, these may need the new words; no test of how kb
behaves does (those use tests/fixtures/content), and the last test here checks that
no other test reads content/.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from kb.checks.catalog import load_catalog
from kb.content.library import load_library
from tests.conftest import CONTENT, REPO, SHARED
from tests.test_diagram import assert_laid_out_for_a_phone

RUNBOOK = "alcom-v3-runbook"
TREE_503 = f"{RUNBOOK}/issue-api-returns-503-service-degraded"
TREE_429 = f"{RUNBOOK}/issue-too-many-requests-429"
TREE_MEMORY = f"{RUNBOOK}/issue-memory-usage-high"
TREE_SHIFT = f"{RUNBOOK}/issue-shift-wont-close"


@pytest.fixture
def client(make_app):
    return make_app(CONTENT).test_client()


def test_kb_check_passes_and_every_live_check_it_uses_is_declared():
    result = subprocess.run(
        [sys.executable, "-m", "kb", "check", str(CONTENT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout
    loaded = load_catalog(CONTENT)
    assert loaded.problems == []
    assert {"api-health", "api-ready", "api-metrics", "api-rate-limit", "resend-api-key"} <= set(
        loaded.probes
    )


def seed_sections() -> list[str]:
    """H2/H3 titles of the customer's runbook as they sent it, read without the parser."""
    path = SHARED / "seed" / f"{RUNBOOK}.md"
    source = path.read_text() if path.exists() else (CONTENT / f"{RUNBOOK}.md").read_text()
    titles, fenced = [], False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"^#{2,3} ", line):
            titles.append(line.lstrip("#").strip())
    return titles


def test_every_section_the_customer_wrote_is_listed_and_has_a_page(client):
    listed = client.get("/api/articles").get_json()
    expected = seed_sections()
    assert len(expected) == 44
    assert [t for t in expected if t not in [a["title"] for a in listed]] == []
    for article in listed:
        assert client.get(article["url"]).status_code == 200, article["url"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("shift won't close", TREE_SHIFT),
        ("shift wont close", TREE_SHIFT),
        ("cannot close shift", TREE_SHIFT),
        ("shfit wont clsoe", TREE_SHIFT),
        ("503", TREE_503),
        ("429", TREE_429),
        ("OOM", TREE_MEMORY),
        ("pg_dump", f"{RUNBOOK}/62-manual-backup"),
    ],
)
def test_responders_words_find_the_runbooks_answer_first(client, query, expected):
    results = client.get("/api/search", query_string={"q": query}).get_json()["results"]
    assert results and results[0]["url"] == f"/a/{expected}"


@pytest.mark.parametrize(
    "mode, first",
    [
        ("db-down", TREE_503),
        ("redis-down", TREE_503),
        ("memory-high", TREE_MEMORY),
        ("rate-limited", TREE_429),
    ],
)
def test_each_failure_of_the_customers_api_points_triage_at_its_guide(
    probe_app, simulator, mode, first
):
    simulator.mode(mode)
    data = probe_app(CONTENT).test_client().post("/api/triage").get_json()
    assert data["suggestions"] and data["suggestions"][0]["tree"] == first, data["probes"]


def test_a_healthy_api_points_nowhere(probe_app, simulator):
    data = probe_app(CONTENT).test_client().post("/api/triage").get_json()
    assert data["suggestions"] == [] and data["uncovered"] == []
    outcomes = {p["id"]: p["outcome"] for p in data["probes"]}
    assert outcomes["resend-api-key"] == "skipped"  # RESEND_API_KEY is not configured


def walk(client, tree: str, answers: list[str]) -> dict:
    state = client.post("/api/diagnoses", json={"tree": tree}).get_json()
    for label in answers:
        response = client.post(f"/api/diagnoses/{state['id']}/answer", json={"choice": label})
        assert response.status_code == 200, response.get_json()
        state = response.get_json()
    return state


def test_the_database_down_walks_the_503_guide_to_database_url_then_to_on_call(
    probe_app, simulator
):
    simulator.mode("db-down")
    client = probe_app(CONTENT).test_client()
    state = walk(client, TREE_503, [])
    assert state["path"][0]["choice"] == "fail database"
    assert state["step"]["id"] == "step-3" and "DATABASE_URL" in state["step"]["text"]
    state = walk(client, TREE_503, ["It is correct", "Nothing conclusive", "Still degraded"])
    assert state["status"] == "escalated"
    # The people in calling order, then the vendor the 503 guide names.
    roles = [c["role"] for c in state["step"]["contacts"]]
    assert roles == ["On-Call", "DevOps", "Lead Developer", "Railway"]


def test_shift_wont_close_walks_to_a_fix_or_to_escalation(make_app):
    client = make_app(CONTENT).test_client()
    claimed = walk(client, TREE_SHIFT, ["A field was empty; after filling it the shift closes"])
    assert claimed["status"] == "unconfirmed"  # resolved only once a person says so
    fixed = walk(
        client,
        TREE_SHIFT,
        ["A field was empty; after filling it the shift closes", "Yes, it's fixed"],
    )
    assert fixed["status"] == "resolved"
    assert fixed["path"][-1]["note"] == "missing sales or dips entered"
    answers = [
        "Everything is filled",
        "No validation error",
        "Nobody else is editing",
        "No log entry, or no fix",
    ]
    assert walk(client, TREE_SHIFT, answers)["status"] == "escalated"


def test_a_fresh_start_has_the_runbooks_people_and_vendors(client):
    listed = client.get("/api/contacts").get_json()
    people = [c for c in listed if c["group"] != "external"]
    vendors = [c for c in listed if c["group"] == "external"]
    assert [c["role"] for c in people] == [
        "On-Call",
        "DevOps",
        "Lead Developer",
        "IT Manager",
        "Operations",
    ]
    assert [c["role"] for c in vendors] == ["Railway", "Cloudflare", "Resend"]
    # the runbook's names and phones are all [TBD] and +237XXXXXXXXX: flagged, not stored
    assert all(c["complete"] is False and c["missing"] == ["name", "phone"] for c in people)
    assert next(c for c in people if c["role"] == "DevOps")["email"] == "devops@alcom.cm"
    assert all(c["complete"] for c in vendors)


def test_every_guide_is_laid_out_without_overlaps_and_fits_a_phone():
    trees = list(load_library(CONTENT).trees.values())
    assert len(trees) == 7
    assert_laid_out_for_a_phone(trees)


# How a test could read content/ without CONTENT: the folder by name from the repository.
READS_CONTENT = re.compile(
    r"""\bCONTENT\b|REPO\s*/\s*["']content["']|\(\s*["']content["']\s*[,)]"""
)


def test_no_other_test_reads_the_shipped_runbook_or_names_its_pages():
    """Checked by what a test must write to depend on content/, not by its words: a
    reworded step that happens to say what a test runbook says is no dependency."""
    tests = REPO / "tests"
    ours = {tests / "test_shipped_runbook.py", tests / "browser" / "test_shipped_runbook.py"}
    slugs = [slug for slug in load_library(CONTENT).articles if "/" in slug]  # sections and guides
    assert TREE_SHIFT in slugs
    for path in sorted({*tests.rglob("*.py"), *(tests / "fixtures").rglob("*.*")} - ours):
        name, text = path.relative_to(tests), path.read_text(encoding="utf-8")
        if path.name != "conftest.py":  # conftest.py says what CONTENT is
            assert not READS_CONTENT.search(text), f"{name} reads content/"
        assert [s for s in slugs if s in text] == [], f"{name} names the shipped runbook's pages"
