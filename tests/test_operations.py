"""Run like production: health, request ids, headers, sanitising, surviving faults."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading

import pytest

from kb.search import index
from tests.conftest import FIXTURES, PG_URL, fresh_postgres_database, write


def test_health_in_the_runbooks_shape(client):
    health = client.get("/health").get_json()
    assert health["status"] == "ok" and isinstance(health["uptime"], int) and health["version"]
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "index": "ok"}}
    metrics = client.get("/health/metrics").get_json()
    assert metrics["memory"]["rss_mb"] > 0
    assert metrics["requests"]["total"] >= 2


def test_request_ids_are_echoed_when_sane_and_made_otherwise(client):
    assert (
        client.get("/health", headers={"X-Request-Id": "abc-123-def"}).headers["X-Request-Id"]
        == "abc-123-def"
    )
    made = client.get(
        "/health", headers={"X-Request-Id": "bad id with spaces; & <script>"}
    ).headers["X-Request-Id"]
    assert made != "bad id with spaces; & <script>" and len(made) == 32
    assert len(client.get("/").headers["X-Request-Id"]) == 32


@pytest.mark.parametrize("path", ["/", "/api/articles", "/nope", "/search?q=x"])
def test_security_headers_on_html_and_json(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_error_pages_show_the_request_id_and_no_trace(app):
    @app.get("/explode")
    def explode():
        raise RuntimeError("internal detail")

    response = app.test_client().get("/explode", headers={"X-Request-Id": "req-42"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "req-42" in body
    assert "internal detail" not in body and "Traceback" not in body


def test_content_html_is_sanitised(make_app, content_dir):
    write(
        content_dir,
        "evil.md",
        '# Evil\n\n## Part\n\n<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="x()">click</a>\n',
    )
    client = make_app(content_dir=content_dir).test_client()
    page = client.get("/a/evil/part").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "javascript:" not in page and "onclick" not in page


def test_a_damaged_index_is_rebuilt_at_start(make_app, tmp_path):
    make_app()
    generation = index.current_generation(tmp_path / "data")
    for segment in generation.glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"garbage")
    client = make_app().test_client()
    assert client.get("/api/search?q=rollback").get_json()["results"]


def test_a_deleted_index_is_rebuilt_while_serving(make_app, tmp_path):
    client = make_app().test_client()
    assert client.get("/api/search?q=rollback").get_json()["results"]
    shutil.rmtree(tmp_path / "data" / "search")
    assert client.get("/api/search?q=pg_dump").get_json()["results"]
    assert client.get("/health/ready").status_code == 200


def test_unreadable_content_keeps_the_last_good_index(make_app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES, content)
    make_app(content_dir=content)
    runbook = content / "troubleshooting.md"
    runbook.write_text("---\ntitle: [broken\n---\n" + runbook.read_text().split("---\n", 2)[2])
    client = make_app(content_dir=content).test_client()
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.get_json()["content"] == {"status": "error", "unreadable": ["troubleshooting.md"]}
    assert client.get("/api/search?q=labels+wont+print").get_json()["results"]  # still found


class Forwarder:
    """A TCP relay between the app and PostgreSQL that a test can cut and restore."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            self.sockets = [s for s in self.sockets if s.fileno() != -1]
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def cut(self) -> None:
        self.up = False
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.mark.skipif(not PG_URL, reason="needs KB_TEST_DATABASE_URL (PostgreSQL)")
def test_the_database_going_away_gives_503_then_recovers(make_app):
    with fresh_postgres_database() as url:
        host_port = url.split("@", 1)[1].split("/", 1)[0]
        host, _, port = host_port.partition(":")
        relay = Forwarder((host, int(port or 5432)))
        try:
            relayed = url.replace(host_port, f"127.0.0.1:{relay.port}")
            app = make_app(KB_DATABASE_URL=relayed)
            client = app.test_client()
            assert client.get("/health/ready").status_code == 200
            relay.cut()
            down = client.get("/health/ready")
            assert down.status_code == 503 and down.get_json()["checks"]["database"] == "error"
            listing = client.get("/api/contacts")
            assert (
                listing.status_code == 503 and "database" in listing.get_json()["message"].lower()
            )
            assert (
                client.get("/a/operations/12-rollback").status_code == 200
            )  # content still served
            relay.restore()
            assert client.get("/health/ready").status_code == 200
            assert client.get("/api/contacts").status_code == 200
        finally:
            app.extensions["kb.db"].dispose()
            relay.close()


def test_readiness_says_building_only_while_a_build_holds_the_lock(make_app, tmp_path):
    import fcntl

    client = make_app().test_client()
    shutil.rmtree(tmp_path / "data" / "search" / index.current_link(tmp_path / "data").name)
    assert (
        client.get("/health/ready").get_json()["checks"]["index"] == "error"
    )  # lock file left over
    with open(tmp_path / "data" / "search" / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert client.get("/health/ready").get_json()["checks"]["index"] == "building"
