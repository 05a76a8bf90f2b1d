"""Live checks over real HTTP against `kb simulate` on 127.0.0.1."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from kb.checks.catalog import load_catalog
from kb.checks.flight import ProbeFlights
from kb.checks.runner import ERROR, FAIL, PASS, SKIPPED, run_probe
from kb.ratelimit import SharedRateLimiter
from tests.conftest import write

PROBES = """
targets:
  api: {url: "https://api.courier.example"}
probes:
  ready:
    target: api
    path: /health/ready
    timeout: 1
    conditions:
      database: "[BODY].checks.database == ok"
      redis: "[BODY].checks.redis == ok"
  large: {target: api, path: /__sim/large, conditions: ["[STATUS] == 200"]}
  moved: {target: api, path: /__sim/redirect, conditions: ["[STATUS] == 200"]}
  not-json: {target: api, path: /nope, conditions: ["[BODY].status == ok"]}
  secret:
    target: api
    path: /__sim/headers
    headers: {Authorization: "Bearer ${KB_TEST_TOKEN}"}
    conditions: ["[STATUS] == 200"]
"""


def catalog(tmp_path):
    write(tmp_path, "probes.yaml", PROBES)
    loaded = load_catalog(tmp_path)
    assert loaded.problems == []
    return loaded


def run(tmp_path, simulator, name, **environ):
    cat = catalog(tmp_path)
    return run_probe(cat.probes[name], cat, {"KB_TARGET_API_URL": simulator.url, **environ})


def test_pass_and_fail_show_each_condition(tmp_path, simulator):
    assert run(tmp_path, simulator, "ready").outcome == PASS
    simulator.mode("db-down")
    result = run(tmp_path, simulator, "ready")
    assert result.outcome == FAIL and result.status == 503
    assert result.failed == ["database"]
    assert result.detail == "[BODY].checks.database (error) == ok"


def test_a_hanging_target_is_cut_at_its_deadline(tmp_path, simulator):
    simulator.mode("hang")
    started = time.monotonic()
    result = run(tmp_path, simulator, "ready")
    took = time.monotonic() - started
    assert result.outcome == ERROR
    assert "deadline exceeded" in result.detail or "timeout" in result.detail
    assert 0.9 <= took < 2.0


def test_a_refused_connection_is_named(tmp_path):
    cat = catalog(tmp_path)
    result = run_probe(cat.probes["ready"], cat, {"KB_TARGET_API_URL": "http://127.0.0.1:9"})
    assert result.outcome == ERROR and result.detail == "connection refused"


def test_bodies_are_capped_redirects_are_results_and_paths_need_json(tmp_path, simulator):
    large = run(tmp_path, simulator, "large")
    assert large.outcome == ERROR and "body too large" in large.detail
    moved = run(tmp_path, simulator, "moved")
    assert moved.outcome == FAIL and moved.status == 302  # not followed to 127.0.0.1:9
    html = run(tmp_path, simulator, "not-json")  # as in Gatus: a path into HTML fails
    assert html.outcome == FAIL and html.detail == "[BODY].status (not JSON) == ok"
    assert html.conditions[0].missing  # an absent value, not evidence of a wrong one


def test_secrets_come_from_the_environment_and_are_never_shown(tmp_path, simulator):
    skipped = run(tmp_path, simulator, "secret")
    assert skipped.outcome == SKIPPED and "KB_TEST_TOKEN" in skipped.detail
    used = run(tmp_path, simulator, "secret", KB_TEST_TOKEN="s3cr3t-value")
    assert used.outcome == PASS
    assert "s3cr3t-value" not in repr(used.to_dict())


def test_single_flight_sends_one_request_for_many_askers():
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "result"

    flights = ProbeFlights(ttl=5)
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: flights.get("p", slow), range(20)))
    assert results == ["result"] * 20 and len(calls) == 1
    assert flights.get("p", slow) == "result" and len(calls) == 1  # cached


def test_rate_limiter_stops_a_runaway_client(tmp_path):
    from sqlmodel import SQLModel, create_engine

    from kb.ratelimit import DatabaseCounter, RateHit

    engine = create_engine(f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    SQLModel.metadata.create_all(engine, tables=[RateHit.__table__])
    now = [600.0]
    limiter = SharedRateLimiter("probes", 5, DatabaseCounter(engine), clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(7)] == [True] * 5 + [False] * 2
    assert limiter.allow("b")  # others are unaffected
    now[0] += 60.0
    assert limiter.allow("a")  # a new minute, a new count


def test_catalog_errors_carry_lines(tmp_path):
    write(
        tmp_path,
        "probes.yaml",
        "targets:\n  api: {url: 'ftp://x'}\n  web: {url: 'https://x.example'}\n"
        "  query: {url: 'http://h/?token=abc'}\n"
        "probes:\n  a:\n    target: web\n    method: POST\n    conditions: ['[STATUS] == 200']\n"
        "  b:\n    target: web\n    conditions:\n      - '[STATUS] = 200'\n",
    )
    messages = [str(p) for p in load_catalog(tmp_path).problems]
    wrong = "url must be http(s)://host[:port][/path], not 'ftp://x'"
    assert f"probes.yaml:2: target 'api': {wrong}" in messages
    query = "probes.yaml:4: target 'query': url must not hold a query"
    assert any(m.startswith(query) for m in messages)
    assert "probes.yaml:6: probe 'a': method must be GET or HEAD, not POST" in messages
    assert any(
        m.startswith("probes.yaml:13: probe 'b': condition 1: no comparison operator")
        for m in messages
    )


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ('"Bad Name": x', "is not a valid header name"),
        ("Host: evil.example", "is set by kb"),
        ("Content-Length: '5'", "is set by kb"),
        ("Transfer-Encoding: chunked", "is set by kb"),
        ("X-List: [a, b]", "must have one text value"),
        ('X-Split: "a\\r\\nX-Injected: 1"', "must be one line of Latin-1 text"),
        ("X-Emoji: 'ok ✅'", "must be one line of Latin-1 text"),
        ("Authorization: 'Bearer ${KB_SECRET_KEY}'", "may not send kb's own setting"),
        ("X-Target: '${KB_TARGET_API_URL}'", "may not send kb's own setting"),
    ],
)
def test_kb_check_refuses_a_header_a_probe_cannot_or_must_not_send(tmp_path, header, why):
    write(
        tmp_path,
        "probes.yaml",
        "targets:\n  api: {url: 'http://127.0.0.1:9'}\nprobes:\n  p:\n    target: api\n"
        f"    headers:\n      {header}\n    conditions: ['[STATUS] == 200']\n",
    )
    catalog = load_catalog(tmp_path)
    assert "p" not in catalog.probes
    assert any(
        "probes.yaml:7: probe 'p': header" in str(m) and why in str(m) for m in catalog.problems
    )


def test_a_probe_or_target_defined_twice_is_an_error_not_a_silent_override(tmp_path):
    write(
        tmp_path,
        "probes.yaml",
        "targets:\n  api: {url: 'http://127.0.0.1:9'}\n  api: {url: 'http://127.0.0.1:10'}\n"
        "probes:\n  p: {target: api, timeout: 1, conditions: ['[STATUS] == 200']}\n"
        "  p: {target: api, timeout: 2, conditions: ['[STATUS] == 201']}\n"
        "  q: {target: api, timeout: 0.000001, conditions: ['[STATUS] == 200']}\n",
    )
    catalog = load_catalog(tmp_path)
    messages = [str(m) for m in catalog.problems]
    assert "probes.yaml:3: target 'api' is defined twice; the first is kept" in messages
    assert "probes.yaml:6: probe 'p' is defined twice; the first is kept" in messages
    assert catalog.probes["p"].timeout == 1 and catalog.targets["api"].url.endswith(":9")
    assert any(m.startswith("probes.yaml:7: probe 'q': timeout must be") for m in messages)
