"""Shared fixtures: a real app on a temporary data folder, and content written on the fly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kb import create_app

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
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


@pytest.fixture
def make_app(tmp_path):
    def factory(content_dir: Path = CONTENT, **config):
        settings = {
            "TESTING": True,
            "KB_CONTENT_DIR": str(content_dir),
            "KB_DATA_DIR": str(tmp_path / "data"),
            **config,
        }
        return create_app(settings)

    return factory


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
    """The app with the shipped content, its `api` target pointed at the simulator."""

    def factory(**config):
        environ = {"KB_TARGET_API_URL": simulator.url, **config.pop("environ", {})}
        return make_app(KB_PROBE_ENVIRON=environ, **config)

    return factory


def form_token(client, path: str = "/login") -> str:
    """The CSRF token a browser would find in a form, for tests that post forms."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
