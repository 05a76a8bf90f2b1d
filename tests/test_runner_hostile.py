"""The probe runner against targets that misbehave on purpose, all on 127.0.0.1.

A target that trickles bytes, stalls a TLS handshake or sends a gzip bomb must cost a
probe its timeout (plus at most a second) and a few kilobytes, never more; a response's
values are data, never a crash. Each hostile server accepts a bounded number of
connections and lives a bounded time.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import tracemalloc
import zlib
from concurrent.futures import Future

import pytest

from kb.checks import fetch, workers
from kb.checks.admission import UNBOUNDED_SERVER_LIMIT, Admission, default_limit
from kb.checks.catalog import load_catalog
from kb.checks.flight import ProbeFlights
from kb.checks.runner import ERROR, FAIL, PASS, SKIPPED, ProbeResult, run_probe
from kb.checks.service import ProbeService
from tests.conftest import write

TIMEOUT = 1.0  # every probe here; the acceptance bound is TIMEOUT + 1 s
TEN_MB = 10 * 1024 * 1024


class Hostile:
    """A misbehaving HTTP target on 127.0.0.1: each connection goes to `behave(conn, stop)`.

    At most MAX_CONNECTIONS connections are served, for at most LIFETIME seconds in all;
    `close()` stops every handler."""

    MAX_CONNECTIONS = 32
    LIFETIME = 30.0

    def __init__(self, behave):
        self.behave = behave
        self.stop = threading.Event()
        self.accepted = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._handlers: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    def _accept(self) -> None:
        ends = time.monotonic() + self.LIFETIME
        while not self.stop.is_set() and time.monotonic() < ends:
            if self.accepted >= self.MAX_CONNECTIONS:
                return
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            handler = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            handler.start()
            self._handlers.append(handler)

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # the client hung up: that is its right
            self.behave(conn, self.stop)

    def close(self) -> None:
        self.stop.set()
        self._accepter.join(5)
        for handler in self._handlers:
            handler.join(5)
        self._server.close()


def read_request(conn: socket.socket) -> bytes:
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def trickle(conn, stop, data: bytes, interval: float = 0.2) -> None:
    for byte in data:
        if stop.wait(interval):
            return
        conn.sendall(bytes([byte]))


def trickled_headers(conn, stop):
    """One header byte at a time: every read returns within the read timeout."""
    read_request(conn)
    trickle(conn, stop, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: " + b"a" * 500)


def trickled_body(conn, stop):
    read_request(conn)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
    )
    trickle(conn, stop, b'{"status": "' + b"o" * 480)


def stalled_tls_handshake(conn, stop):
    """A TLS record header announcing 16 KiB, then one byte at a time."""
    conn.settimeout(5)
    conn.recv(4096)  # the ClientHello
    trickle(conn, stop, b"\x16\x03\x03\x40\x00" + b"\x00" * 500)


def gzip_of_zeros(size: int) -> bytes:
    """`size` zero bytes, gzipped, without ever holding them in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    parts = [compressor.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def answer(body: bytes, headers: str = "Content-Type: application/json", status: str = "200 OK"):
    def behave(conn, stop):
        read_request(conn)
        head = f"HTTP/1.1 {status}\r\n{headers}\r\nContent-Length: {len(body)}\r\n\r\n"
        conn.sendall(head.encode() + body)

    return behave


def chunked_flood(conn, stop):
    """No Content-Length: chunk after chunk, far past any cap."""
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    for _ in range(200):
        if stop.is_set():
            return
        conn.sendall(chunk)


@pytest.fixture
def hostile():
    servers: list[Hostile] = []

    def start(behave) -> Hostile:
        server = Hostile(behave)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


PROBES = """
targets:
  api: {url: "http://127.0.0.1:9"}
probes:
  status: {target: api, path: /, timeout: 1, conditions: ["[STATUS] == 200"]}
  body:
    target: api
    path: /
    timeout: 1
    conditions:
      value: "[BODY].v < 5"
      same: "[BODY].v == NaN"
  head: {target: api, path: /, method: HEAD, timeout: 1, conditions: ["[STATUS] == 200"]}
  connected-true: {target: api, path: /, timeout: 1, conditions: ["[CONNECTED] == true"]}
  connected-false: {target: api, path: /, timeout: 1, conditions: ["[CONNECTED] == false"]}
  certificate:
    target: api
    path: /
    timeout: 1
    conditions:
      long: "[CERTIFICATE_EXPIRATION] > 48h"
      short: "[CERTIFICATE_EXPIRATION] < 720h"
"""


@pytest.fixture
def catalog(tmp_path):
    write(tmp_path, "probes.yaml", PROBES)
    loaded = load_catalog(tmp_path)
    assert [p for p in loaded.problems if p.severity == "error"] == []
    return loaded


def probe_at(catalog, url: str, name: str = "status") -> tuple[ProbeResult, float, int]:
    """Run a probe against `url`: its result, its wall time and its peak allocation."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = run_probe(catalog.probes[name], catalog, {"KB_TARGET_API_URL": url})
        took = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, took, peak


@pytest.mark.parametrize(
    "behave", [trickled_headers, trickled_body], ids=["trickled headers", "trickled body"]
)
def test_a_trickling_target_is_cut_at_the_deadline(catalog, hostile, behave):
    target = hostile(behave)
    result, took, _ = probe_at(catalog, target.url)
    assert result.outcome == ERROR and result.detail == "deadline exceeded (1 s)"
    assert took < TIMEOUT + 1


def test_a_stalled_tls_handshake_is_cut_at_the_deadline(catalog, hostile):
    target = hostile(stalled_tls_handshake)
    result, took, _ = probe_at(catalog, f"https://127.0.0.1:{target.port}")
    assert result.outcome == ERROR and "deadline exceeded" in result.detail
    assert took < TIMEOUT + 1


@pytest.mark.parametrize("size", [10 * 1024 * 1024, 67 * 1024 * 1024], ids=["10 MB", "67 MB"])
def test_a_gzip_bomb_costs_kilobytes_not_megabytes(catalog, hostile, size):
    body = gzip_of_zeros(size)
    target = hostile(answer(body, "Content-Type: application/json\r\nContent-Encoding: gzip"))
    result, took, peak = probe_at(catalog, target.url)
    assert result.outcome == ERROR and "body too large" in result.detail
    assert peak < TEN_MB
    assert took < TIMEOUT + 1


def test_a_gzipped_body_within_the_cap_is_read(catalog, hostile):
    body = zlib.compress(b'{"v": 1}', wbits=31)
    target = hostile(answer(body, "Content-Type: application/json\r\nContent-Encoding: gzip"))
    result = run_probe(catalog.probes["body"], catalog, {"KB_TARGET_API_URL": target.url})
    assert result.conditions[0].success and result.conditions[0].shown == "[BODY].v (1) < 5"


def test_an_endless_chunked_body_is_capped(catalog, hostile):
    target = hostile(chunked_flood)
    result, _, peak = probe_at(catalog, target.url)
    assert result.outcome == ERROR and "body too large" in result.detail
    assert peak < TEN_MB


def recording(seen: list[bytes]):
    """A target that answers `ok` and keeps each request it was sent in `seen`."""

    def behave(conn, stop):
        seen.append(read_request(conn))
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    return behave


def test_kb_asks_for_an_uncompressed_body(catalog, hostile):
    seen: list[bytes] = []
    target = hostile(recording(seen))
    assert probe_at(catalog, target.url)[0].outcome == PASS
    assert b"accept-encoding: identity" in seen[0].lower()


@pytest.mark.parametrize(
    "body", [b'{"v": "NaN"}', b'{"v": "sNaN"}', b'{"v": NaN}', b"NaN", b'{"v": "Infinity"}']
)
def test_a_response_value_is_data_never_a_crash(catalog, hostile, body):
    target = hostile(answer(body))
    result = run_probe(catalog.probes["body"], catalog, {"KB_TARGET_API_URL": target.url})
    assert result.outcome in (PASS, FAIL)
    assert all(c.shown.startswith("[BODY].v (") for c in result.conditions)


def test_a_head_of_a_large_resource_passes_its_size_is_no_body(catalog, hostile):
    def large_head(conn, stop):
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n")

    target = hostile(large_head)
    result = run_probe(catalog.probes["head"], catalog, {"KB_TARGET_API_URL": target.url})
    assert result.outcome == PASS, result.detail


def test_a_connection_reset_is_named_in_words(catalog, hostile):
    def reset(conn, stop):
        read_request(conn)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    result = probe_at(catalog, hostile(reset).url)[0]
    assert "ReadError" not in result.detail and "connection" in result.detail


def test_a_charset_that_is_no_text_encoding_reads_as_utf8(catalog, hostile):
    target = hostile(answer(b'{"v": 1}', "Content-Type: application/json; charset=idna"))
    result = run_probe(catalog.probes["body"], catalog, {"KB_TARGET_API_URL": target.url})
    assert result.conditions[0].shown == "[BODY].v (1) < 5" and result.conditions[0].success


def test_connected_makes_a_refused_connection_a_result(catalog):
    environ = {"KB_TARGET_API_URL": "http://127.0.0.1:9"}
    plain = run_probe(catalog.probes["status"], catalog, environ)
    assert plain.outcome == ERROR and plain.detail == "connection refused"
    expects_up = run_probe(catalog.probes["connected-true"], catalog, environ)
    assert expects_up.outcome == FAIL
    assert expects_up.conditions[0].shown == "[CONNECTED] (false) == true"
    assert "connection refused" in expects_up.detail
    expects_down = run_probe(catalog.probes["connected-false"], catalog, environ)
    assert expects_down.outcome == PASS


def test_results_say_where_and_when_they_ran(catalog, hostile):
    target = hostile(answer(b"ok", "Content-Type: text/plain"))
    result = run_probe(catalog.probes["status"], catalog, {"KB_TARGET_API_URL": target.url})
    assert result.target == f"127.0.0.1:{target.port}"
    assert result.at.endswith("+00:00") and result.to_dict()["target"] == result.target
    assert result.queued_ms == 0


def test_certificate_expiration_counts_from_now():
    certificate = {"notAfter": "Jan  3 00:00:00 2030 GMT"}
    now = ssl.cert_time_to_seconds("Jan  1 00:00:00 2030 GMT")
    assert fetch.certificate_expiration_ms(certificate, now) == 2 * 24 * 3600 * 1000
    assert fetch.certificate_expiration_ms(None, now) == 0


@pytest.fixture
def https_target(tmp_path, monkeypatch):
    """An HTTPS target with a 30-day certificate for 127.0.0.1 that kb is made to trust."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    trusting = ssl.create_default_context(cafile=str(cert))
    trusting.sslsocket_class = fetch.tls_context().sslsocket_class
    monkeypatch.setattr(fetch, "tls_context", lambda: trusting)
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(cert, key)

    def behave(conn, stop):
        conn.settimeout(5)
        with serving.wrap_socket(conn, server_side=True) as tls:
            answer(b"ok", "Content-Type: text/plain")(tls, stop)

    server = Hostile(behave)
    yield f"https://127.0.0.1:{server.port}"
    server.close()


def test_certificate_expiration_is_read_from_the_target(catalog, https_target):
    result = run_probe(catalog.probes["certificate"], catalog, {"KB_TARGET_API_URL": https_target})
    assert result.outcome == PASS, result.detail
    shown = result.conditions[0].shown
    assert shown.startswith("[CERTIFICATE_EXPIRATION] (7") and shown.endswith(") > 48h")


# The pieces that bound the runner, with clocks and futures in hand: no sleeping.


def test_queueing_is_measured_apart_from_the_response_time():
    ticks = iter([10.0, 10.25])  # submitted at 10.0, a worker was free at 10.25
    future = workers.submit(lambda queued_ms: queued_ms, clock=lambda: next(ticks))
    assert future.result() == 250


def test_flights_share_one_future_and_cache_its_result():
    now = [0.0]
    flights = ProbeFlights(ttl=5, clock=lambda: now[0])
    started: list[Future] = []

    def submit(compute):
        future: Future = Future()
        started.append(future)
        return future

    first = flights.future("p", lambda: None, submit)
    second = flights.future("p", lambda: None, submit)
    assert first is second and len(started) == 1 and not first.done()
    result = ProbeResult("p", PASS, "ok", 3)
    started[0].set_result(result)
    assert first.result() is result and flights.cached("p") is result
    assert flights.future("p", lambda: None, submit).result() is result and len(started) == 1
    now[0] += 6
    assert flights.cached("p") is None
    flights.future("p", lambda: None, submit)
    assert len(started) == 2


def test_admission_never_blocks_and_frees_its_slot():
    admission = Admission(1)
    with admission.enter() as first, admission.enter() as second:
        assert first and not second
    with admission.enter() as again:
        assert again


def test_admission_leaves_half_of_gunicorns_threads_to_pages():
    assert default_limit({"SERVER_SOFTWARE": "gunicorn/27.0.1"}) == 2
    assert default_limit({"SERVER_SOFTWARE": "gunicorn/27.0.1", "KB_THREADS": "8"}) == 4
    assert default_limit({"SERVER_SOFTWARE": "gunicorn/27.0.1", "KB_THREADS": "1"}) == 1
    assert default_limit({}) == UNBOUNDED_SERVER_LIMIT


def test_a_busy_service_says_so_instead_of_holding_the_thread(catalog, hostile):
    target = hostile(answer(b"ok", "Content-Type: text/plain"))
    service = ProbeService(
        catalog, ttl=5, environ={"KB_TARGET_API_URL": target.url}, admission_limit=1
    )
    with service.admission.enter():  # another request is waiting on checks
        assert service.try_run(["status"]) is None
        busy = service.run(["status"])["status"]
        assert busy.outcome == SKIPPED and "check it by hand" in busy.detail
    assert service.try_run(["status"])["status"].outcome == PASS
    with service.admission.enter():  # a fresh shared result needs no waiting at all
        assert service.try_run(["status"])["status"].outcome == PASS


def test_the_service_returns_within_the_deadline_whatever_the_target(catalog, hostile):
    target = hostile(trickled_headers)
    service = ProbeService(catalog, ttl=5, environ={"KB_TARGET_API_URL": target.url})
    started = time.monotonic()
    results = service.run(["status", "body", "nope"])
    assert time.monotonic() - started < TIMEOUT + 1
    assert results["status"].outcome == ERROR and "deadline exceeded" in results["status"].detail
    assert results["nope"].outcome == SKIPPED


def test_waiting_for_a_worker_is_not_response_time(catalog, hostile):
    """A busy pool delays a probe; its [RESPONSE_TIME] still measures only the target."""
    target = hostile(answer(b"ok", "Content-Type: text/plain"))
    release = threading.Event()
    blockers = [
        workers.submit(lambda queued_ms: release.wait(10)) for _ in range(workers.MAX_WORKERS)
    ]
    probe = workers.submit(
        lambda queued_ms: run_probe(
            catalog.probes["status"],
            catalog,
            {"KB_TARGET_API_URL": target.url},
            queued_ms=queued_ms,
        )
    )
    time.sleep(0.3)  # every worker is busy for this long
    release.set()
    result = probe.result(timeout=10)
    assert all(b.result(timeout=10) for b in blockers)
    assert result.outcome == PASS and result.queued_ms >= 250
    assert result.ms < result.queued_ms


def test_a_probe_that_waited_past_its_deadline_for_a_worker_is_never_sent(catalog, hostile):
    """Whoever asked has given up on it: sending it late only loads the target."""
    seen: list[bytes] = []
    target = hostile(recording(seen))
    environ = {"KB_TARGET_API_URL": target.url}
    late = run_probe(catalog.probes["status"], catalog, environ, queued_ms=1500)  # timeout 1 s
    assert late.outcome == SKIPPED and "no probe worker was free" in late.detail
    assert run_probe(catalog.probes["status"], catalog, environ, queued_ms=200).outcome == PASS
    assert len(seen) == 1
