"""Triage and guided diagnosis against the simulated customer API, over real HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import form_token

TREE_503 = "alcom-v3-runbook/issue-api-returns-503-service-degraded"
TREE_429 = "alcom-v3-runbook/issue-too-many-requests-429"
TREE_MEMORY = "alcom-v3-runbook/issue-memory-usage-high"


def triage(client):
    response = client.post("/api/triage")
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize(
    "mode, first",
    [
        ("db-down", TREE_503),
        ("redis-down", TREE_503),
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
    assert outcomes["resend-api-key"] == "skipped"  # RESEND_API_KEY is not configured


def test_db_down_outranks_everything_else(probe_app, simulator):
    simulator.mode("db-down")
    data = triage(probe_app().test_client())
    assert [s["tree"] for s in data["suggestions"]] == [TREE_503]
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
    client.post("/api/diagnoses", json={"tree": TREE_503, **hostile})
    token = form_token(client)
    started = client.post(
        "/diagnoses", data={"tree": TREE_503, "csrf_token": token, **hostile}, query_string=hostile
    )
    assert started.status_code == 303
    received = simulator.requests()
    assert set(received) <= {"/health", "/health/ready", "/health/metrics"}


def test_probes_are_rate_limited_per_client(probe_app, simulator):
    client = probe_app(KB_PROBE_RATE_PER_MINUTE=6).test_client()
    codes = [client.post("/api/triage").status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and codes[-1] == 429
