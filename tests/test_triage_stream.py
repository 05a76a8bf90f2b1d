"""A triage run told as it happens: each check's row as it returns, then the stored run."""

from __future__ import annotations

import json

import pytest

from tests.acme import write_acme
from tests.conftest import form_token


@pytest.fixture
def client(make_app, content_dir, simulator):
    write_acme(content_dir)
    app = make_app(content_dir, KB_PROBE_ENVIRON={"KB_TARGET_SHOP_URL": simulator.url})
    return app.test_client()


def stream(client):
    response = client.post("/triage/stream", data={"csrf_token": form_token(client, "/triage")})
    return response, [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_each_check_arrives_as_a_row_then_the_runs_address(client, simulator):
    simulator.mode("db-down")
    response, lines = stream(client)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert response.headers["X-Accel-Buffering"] == "no"
    checks = {line["check"]: line["html"] for line in lines[:-1]}
    assert set(checks) == {"shop-ready", "shop-up", "mail-up"}
    assert 'class="check-result fail" data-check="shop-ready"' in checks["shop-ready"]
    assert "[STATUS] (503) == 200" in checks["shop-ready"]
    assert 'class="check-result pass" data-check="shop-up"' in checks["shop-up"]
    assert "connection refused" in checks["mail-up"]  # its target is a closed port
    run = client.get(lines[-1]["done"]).get_data(as_text=True)
    assert "Checkout fails" in run  # the guide the failing check points to
    for html in checks.values():
        assert html.strip() in run  # the run page shows the very rows that streamed


def test_the_triage_page_has_a_waiting_row_for_every_check_and_works_without_script(client):
    page = client.get("/triage").get_data(as_text=True)
    assert 'data-stream="/triage/stream"' in page
    for name in ("shop-ready", "shop-up", "mail-up"):
        assert f'class="check-result waiting" data-check="{name}"' in page
    posted = client.post("/triage", data={"csrf_token": form_token(client, "/triage")})
    assert posted.status_code == 303
    run = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert 'data-check="shop-ready"' in run and 'data-check="shop-up"' in run


def test_a_busy_or_limited_stream_answers_as_the_page_does(make_app, content_dir, simulator):
    write_acme(content_dir)
    client = make_app(
        content_dir,
        KB_PROBE_ENVIRON={"KB_TARGET_SHOP_URL": simulator.url},
        KB_PROBE_RATE_PER_MINUTE=1,
    ).test_client()
    assert stream(client)[0].status_code == 200
    limited = client.post("/triage/stream", data={"csrf_token": form_token(client, "/triage")})
    assert limited.status_code == 429 and "Slow down" in limited.get_data(as_text=True)


def test_the_stream_needs_the_forms_csrf_token(client):
    assert client.post("/triage/stream").status_code == 400


def test_a_check_step_says_what_it_runs_while_it_waits(client):
    tree = client.get("/trees/acme/issue-checkout-fails").get_data(as_text=True)
    assert 'data-busy="Running the live check “Shop is ready (GET /health/ready)”; ' in tree
    assert "it gives up after 2 s…" in tree
    found = client.get("/search", query_string={"q": "checkout fails"}).get_data(as_text=True)
    assert 'data-busy="Running the live check “Shop is ready (GET /health/ready)”; ' in found


def test_a_stream_holds_its_place_among_waiting_requests_until_it_is_closed(
    make_app, content_dir, simulator
):
    from kb.checks.admission import Admission

    write_acme(content_dir)
    app = make_app(
        content_dir,
        KB_PROBE_ENVIRON={"KB_TARGET_SHOP_URL": simulator.url},
        KB_PROBE_CACHE_SECONDS=0,
    )
    probes = app.extensions["kb.probes"]
    probes.admission = Admission(1)
    first = probes.stream(["shop-ready"])
    assert first is not None and probes.stream(["shop-up"]) is None
    client = app.test_client()
    busy = client.post("/triage/stream", data={"csrf_token": form_token(client, "/triage")})
    assert busy.status_code == 503 and "Checks are already running" in busy.get_data(as_text=True)
    first.close()  # a page closed mid-run
    second = probes.stream(["shop-up", "no-such-check"])
    assert {name: r.outcome for name, r in second} == {
        "shop-up": "pass",
        "no-such-check": "skipped",
    }
