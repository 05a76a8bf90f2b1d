"""Shared fixtures: a real app on a temporary data folder, and content written on the fly.

Apps serve the test runbooks in tests/fixtures/content (FIXTURES) unless a test passes
other content. Only the tests about the shipped runbook pass CONTENT (content/): the
customer may reword it without breaking any test of how kb behaves."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from kb import create_app

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"  # the shipped runbook: only tests/**/test_shipped_runbook.py use it
FIXTURES = REPO / "tests" / "fixtures" / "content"  # the test runbooks every other test uses
SHARED = Path(os.environ.get("KB_SHARED_DIR") or REPO.parent / "shared")
IN_CI = os.environ.get("CI") == "true"


def shared_path(*parts: str) -> Path:
    """A path in ../shared; skipped on a machine without it, but never silently in CI."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing; CI must have ../shared beside the clone")
        pytest.skip(f"{path} not present on this machine")
    return path


PG_URL = os.environ.get("KB_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _pg_admin(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def fresh_postgres_database():
    """A database of its own on the shared server, dropped afterwards."""
    import psycopg

    name = f"kb_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin(PG_URL)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """Every app test runs on SQLite; with KB_TEST_DATABASE_URL set, on PostgreSQL too."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'kb.sqlite3'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def make_app(tmp_path, database_url):
    made = []

    def factory(content_dir: Path = FIXTURES, **config):
        settings = {
            "TESTING": True,
            "KB_CONTENT_DIR": str(content_dir),
            "KB_DATA_DIR": str(tmp_path / "data"),
            "KB_DATABASE_URL": database_url,
            **config,
        }
        app = create_app(settings)
        made.append(app)
        return app

    yield factory
    for app in made:  # close pooled connections before the test database is dropped
        app.extensions["kb.db"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def content_dir(tmp_path):
    """An empty content folder; write files into it with `write`."""
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class Simulator:
    """`kb simulate` in its own process, driven over HTTP like the real customer API."""

    def __init__(self, url: str):
        self.url = url

    def mode(self, name: str) -> None:
        httpx.post(f"{self.url}/__sim/mode/{name}", trust_env=False).raise_for_status()
        self.reset()

    def reset(self) -> None:
        httpx.post(f"{self.url}/__sim/reset", trust_env=False).raise_for_status()

    def requests(self) -> dict[str, int]:
        return httpx.get(f"{self.url}/__sim/stats", trust_env=False).json()["requests"]


@pytest.fixture(scope="session")
def simulator_process():
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "simulate", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    url = line.rsplit(" on ", 1)[-1].strip()
    assert url.startswith("http://127.0.0.1:"), line
    yield Simulator(url)
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.fixture
def simulator(simulator_process):
    simulator_process.mode("healthy")
    yield simulator_process
    simulator_process.mode("healthy")


@pytest.fixture
def probe_app(make_app, simulator):
    """The app (the test runbooks unless told), its `api` target pointed at the simulator."""

    def factory(content_dir: Path = FIXTURES, **config):
        environ = {"KB_TARGET_API_URL": simulator.url, **config.pop("environ", {})}
        return make_app(content_dir, KB_PROBE_ENVIRON=environ, **config)

    return factory


def form_token(client, path: str = "/login") -> str:
    """The CSRF token a browser would find in a form, for tests that post forms."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post_contact_form(client, contact: dict, action: str, **fields):
    """Post one of a contact's forms (`edit`, `verify`, `restore/<id>`) as its page does:
    with the CSRF token and the version the page showed, unless `fields` says otherwise."""
    data = {"csrf_token": form_token(client, "/contacts"), "version": contact["version"], **fields}
    return client.post(f"/contacts/{contact['id']}/{action}", data=data)
