"""Triage and guided diagnosis against the simulated customer API, over real HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from tests.conftest import form_token

# Guides of the test runbooks (tests/fixtures/content/troubleshooting.md)
TREE_READY = "troubleshooting/issue-api-not-ready"
TREE_429 = "troubleshooting/issue-requests-rejected-with-429"
TREE_MEMORY = "troubleshooting/issue-memory-running-out"


def triage(client):
    response = client.post("/api/triage")
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize(
    "mode, first",
    [
        ("db-down", TREE_READY),
        ("redis-down", TREE_READY),
        ("memory-high", TREE_MEMORY),
        ("rate-limited", TREE_429),
    ],
)
def test_each_failure_mode_points_triage_at_the_right_tree(probe_app, simulator, mode, first):
    simulator.mode(mode)
    data = triage(probe_app().test_client())
    assert data["suggestions"], data["probes"]
    assert data["suggestions"][0]["tree"] == first
    assert data["suggestions"][0]["reason"]


def test_a_healthy_api_suggests_nothing(probe_app, simulator):
    data = triage(probe_app().test_client())
    assert data["suggestions"] == []
    outcomes = {p["id"]: p["outcome"] for p in data["probes"]}
    assert outcomes["api-ready"] == "pass" and outcomes["api-metrics"] == "pass"
    assert outcomes["mailer-key"] == "skipped"  # COURIER_MAILER_KEY is not configured


def test_db_down_outranks_everything_else(probe_app, simulator):
    simulator.mode("db-down")
    data = triage(probe_app().test_client())
    assert [s["tree"] for s in data["suggestions"]] == [TREE_READY]
    assert "database" in data["suggestions"][0]["reason"]


def test_twenty_concurrent_triages_send_one_request_per_probe(probe_app, simulator):
    client_app = probe_app(KB_PROBE_RATE_PER_MINUTE=600)
    simulator.reset()

    def one(_):
        return client_app.test_client().post("/api/triage").status_code

    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(one, range(20)))
    assert codes == [200] * 20
    received = simulator.requests()
    # api-health, api-rate-limit and api-latency share GET /health, but each is one flight
    assert received.get("/health/ready") == 1
    assert received.get("/health/metrics") == 1
    assert received.get("/health") <= 3


def test_request_parameters_never_choose_what_is_fetched(probe_app, simulator):
    app = probe_app()
    client = app.test_client()
    simulator.reset()
    hostile = {
        "url": f"{simulator.url}/__sim/large",
        "target": f"{simulator.url}/__sim/headers",
        "host": "169.254.169.254",
        "path": "/__sim/redirect",
    }
    client.post("/api/triage", query_string=hostile, json=hostile)
    client.post("/api/diagnoses", json={"tree": TREE_READY, **hostile})
    token = form_token(client)
    started = client.post(
        "/diagnoses",
        data={"tree": TREE_READY, "csrf_token": token, **hostile},
        query_string=hostile,
    )
    assert started.status_code == 303
    received = simulator.requests()
    assert set(received) <= {"/health", "/health/ready", "/health/metrics"}


def test_probes_are_rate_limited_per_client(probe_app, simulator):
    app = probe_app(KB_PROBE_RATE_PER_MINUTE=6)
    app.extensions["kb.probe_limit"].clock = lambda: 60.0 * 29_000_000  # one minute's window
    client = app.test_client()
    codes = [client.post("/api/triage").status_code for _ in range(8)]
    assert codes == [200] * 6 + [429] * 2


def test_slow_mode_shows_the_failing_check_no_guide_covers(probe_app, simulator):
    simulator.mode("slow")
    client = probe_app().test_client()
    data = triage(client)
    latency = next(p for p in data["probes"] if p["id"] == "api-latency")
    assert latency["outcome"] == "fail" and latency["detail"].startswith("[RESPONSE_TIME] (")
    assert data["summary"][0] == "1 check fails that no guide covers: api-latency"
    assert not any("Every check" in line for line in data["summary"])
    [uncovered] = data["uncovered"]
    assert uncovered["id"] == "api-latency" and uncovered["query"] == "api latency"
    page = client.get(data["url"]).get_data(as_text=True)
    assert "1 check fails that no guide covers: api-latency" in page
    assert "Every check passes" not in page
    assert "/search?q=api+latency" in page


def test_a_triage_run_has_its_own_page_showing_where_and_when(probe_app, simulator):
    simulator.mode("db-down")
    client = probe_app().test_client()
    posted = client.post("/triage", data={"csrf_token": form_token(client, "/triage")})
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/triage/")
    page = client.get(posted.headers["Location"]).get_data(as_text=True)
    host = simulator.url.removeprefix("http://")
    assert "[BODY].checks.database (error) == ok" in page and host in page
    assert "ran 20" in page and " UTC" in page  # each result says when it ran
    assert "API Not Ready" in page
    again = probe_app().test_client()  # a teammate, later, on the same database
    assert again.get(posted.headers["Location"]).status_code == 200
    assert again.get("/triage/nope").status_code == 404


def test_the_api_says_where_and_when_each_check_ran(probe_app, simulator):
    data = triage(probe_app().test_client())
    assert data["url"] == f"/triage/{data['id']}"
    host = simulator.url.removeprefix("http://")
    ready = next(p for p in data["probes"] if p["id"] == "api-ready")
    assert ready["target"] == host and ready["at"].endswith("+00:00")
    assert "queued_ms" in ready and ready["title"]
    assert data["summary"][-1].startswith("Every check that ran passes; 1 was skipped")


def test_a_busy_kb_answers_at_once_instead_of_queueing(probe_app, simulator):
    app = probe_app(KB_PROBE_CACHE_SECONDS=0)
    client = app.test_client()
    admission = app.extensions["kb.probes"].admission
    with ExitStack() as taken:  # every slot held by requests already waiting on checks
        assert all(taken.enter_context(admission.enter()) for _ in range(admission.limit))
        busy = client.post("/api/triage")
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "3"
        assert busy.get_json()["error"] == "busy"
        page = client.post("/triage", data={"csrf_token": form_token(client, "/triage")})
        assert page.status_code == 503
        assert "try again in a few seconds" in page.get_data(as_text=True)
    assert client.post("/api/triage").status_code == 200
