"""The real server: `gunicorn -w 2 wsgi:app` from the repository root, with its config."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path, database_url):
    port = _free_port()
    env = {
        **os.environ,
        "KB_CONTENT_DIR": str(FIXTURES),
        "KB_DATA_DIR": str(tmp_path / "data"),
        "KB_DATABASE_URL": database_url,
        "KB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    # A file, not a pipe: a pipe nobody reads fills up and stalls the server.
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (closed after the server stops)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app"], cwd=REPO, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, process, tmp_path / "gunicorn.log")
        yield base, process, tmp_path / "gunicorn.log"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_until_serving(base: str, process: subprocess.Popen, log_path) -> None:
    """Up within 60 s, or the test fails with the server's own output."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(base + "/health", trust_env=False, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")


def test_gunicorn_serves_health_with_request_ids_and_headers(gunicorn):
    base, _, _ = gunicorn
    health = httpx.get(base + "/health", trust_env=False)
    assert health.json()["status"] == "ok"
    ready = httpx.get(
        base + "/health/ready", trust_env=False, headers={"X-Request-Id": "deploy-check-1"}
    )
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "index": "ok"}
    assert ready.headers["X-Request-Id"] == "deploy-check-1"
    page = httpx.get(base + "/", trust_env=False)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert len(page.headers["X-Request-Id"]) == 32


def test_sixteen_clients_times_forty_searches_without_an_error(gunicorn):
    base, _, _ = gunicorn
    queries = [
        "labels won't print",
        "429",
        "pg_dump",
        "rollback",
        "lables wont pirnt",
        "OOM",
        "devops phone",
        "*",
    ]

    def client(number: int) -> list[int]:
        with httpx.Client(base_url=base, trust_env=False, timeout=30) as http:
            return [
                http.get(
                    "/api/search", params={"q": queries[(number + i) % len(queries)]}
                ).status_code
                for i in range(40)
            ]

    with ThreadPoolExecutor(16) as pool:
        codes = [code for batch in pool.map(client, range(16)) for code in batch]
    assert len(codes) == 640 and set(codes) == {200}


def test_oversized_requests_are_refused(gunicorn):
    base, _, _ = gunicorn
    response = httpx.post(
        base + "/api/diagnoses",
        content=b"x" * (2 * 1024 * 1024),
        trust_env=False,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    big_form = httpx.post(
        base + "/login", data={"username": "x" * (2 * 1024 * 1024)}, trust_env=False
    )
    assert big_form.status_code == 413


def test_each_request_is_logged_once_as_json(gunicorn):
    import json

    base, _, log_path = gunicorn
    for number in range(3):
        httpx.get(base + "/health", headers={"X-Request-Id": f"once-{number}"}, trust_env=False)
    time.sleep(0.5)  # let the workers flush their lines
    lines = [line for line in log_path.read_text().splitlines() if "once-" in line]
    assert len(lines) == 3
    assert {json.loads(line)["request_id"] for line in lines} == {"once-0", "once-1", "once-2"}
