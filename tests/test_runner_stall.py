"""No target can stall kb: the acceptance run, against `kb serve` (gunicorn, 8 threads).

Two hostile targets on 127.0.0.1, one trickling its headers and one sending a gzip bomb;
nine `POST /api/triage` at once. Each returns within the probe's timeout + 1 s, `/health`
keeps answering within 1 s all along, and the worker's memory grows by less than 10 MB.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import write
from tests.test_runner_hostile import Hostile, answer, gzip_of_zeros, read_request, trickle

pytestmark = pytest.mark.slow
PROBE_TIMEOUT = 2.0
TRIAGES = 9


def slow_headers(conn, stop):
    read_request(conn)
    trickle(
        conn, stop, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: " + b"a" * 200, 0.5
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def served(tmp_path):
    """`kb serve` on its own content: two probes, each at a hostile target."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read the worker's memory")
    bomb = gzip_of_zeros(60 * 1024 * 1024)
    assert len(bomb) < 64 * 1024  # small enough to be read: the decoded bytes are the threat
    trickler = Hostile(slow_headers)
    bomber = Hostile(answer(bomb, "Content-Type: application/json\r\nContent-Encoding: gzip"))
    content = tmp_path / "content"
    write(content, "README.md", "# Probes under attack\n\nNothing to read.\n")
    write(
        content,
        "probes.yaml",
        f"""targets:
  slow: {{url: "{trickler.url}"}}
  bomb: {{url: "{bomber.url}"}}
probes:
  trickle: {{target: slow, path: /, timeout: {PROBE_TIMEOUT}, conditions: ["[STATUS] == 200"]}}
  gzip-bomb: {{target: bomb, path: /, timeout: {PROBE_TIMEOUT}, conditions: ["[BODY].a == 1"]}}
""",
    )
    port = free_port()
    env = {
        **os.environ,
        "KB_CONTENT_DIR": str(content),
        "KB_DATA_DIR": str(tmp_path / "data"),
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'kb.sqlite3'}",
        "KB_PROBE_CACHE_SECONDS": "0",  # every triage reaches the targets
        "KB_PROBE_RATE_PER_MINUTE": "6000",
        "HOME": str(tmp_path),
    }
    env.pop("KB_PROBE_CONCURRENT_REQUESTS", None)
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 — closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail((tmp_path / "serve.log").read_text()[-3000:])
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        trickler.close()
        bomber.close()


def test_hostile_targets_cannot_stall_kb(served):
    client = httpx.Client(base_url=served, timeout=30, trust_env=False)
    pid = client.get("/health/metrics").json()["pid"]
    warm = client.post("/api/triage")  # imports, tables, threads: paid before measuring
    assert warm.status_code == 200, warm.text
    outcomes = {p["id"]: p for p in warm.json()["probes"]}
    assert outcomes["trickle"]["detail"] == f"deadline exceeded ({PROBE_TIMEOUT:g} s)"
    assert "body too large" in outcomes["gzip-bomb"]["detail"]
    before = rss_mb(pid)

    health_times: list[float] = []
    stop = threading.Event()

    def watch_health():
        with httpx.Client(base_url=served, timeout=10, trust_env=False) as own:
            while not stop.is_set():
                started = time.monotonic()
                assert own.get("/health").status_code == 200
                health_times.append(time.monotonic() - started)
                stop.wait(0.1)

    def triage(_):
        with httpx.Client(base_url=served, timeout=30, trust_env=False) as own:
            started = time.monotonic()
            response = own.post("/api/triage")
            return response.status_code, time.monotonic() - started

    watcher = threading.Thread(target=watch_health)
    watcher.start()
    try:
        with ThreadPoolExecutor(TRIAGES) as pool:
            done = list(pool.map(triage, range(TRIAGES)))
    finally:
        stop.set()
        watcher.join(15)
    after = rss_mb(pid)

    codes = [code for code, _ in done]
    assert set(codes) <= {200, 503} and 200 in codes, codes
    assert max(took for _, took in done) < PROBE_TIMEOUT + 1, done
    assert health_times and max(health_times) < 1.0, health_times
    assert after - before < 10, (before, after)
    client.close()
