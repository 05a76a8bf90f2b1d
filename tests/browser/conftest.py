"""Browser tests: the real app on 127.0.0.1, driven through Debian's Chromium."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kb import create_app
from tests.conftest import CONTENT, IN_CI

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("Debian's chromium is not installed; .ci/run installs it")
        pytest.skip("browser tests need Debian's chromium (apt-get install -y chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, simulator_process):
    """The app served by a real WSGI server in a thread, its `api` target the simulator."""
    data = tmp_path_factory.mktemp("browser-data")
    app = create_app(
        {
            "KB_CONTENT_DIR": str(CONTENT),
            "KB_DATA_DIR": str(data),
            "KB_PROBE_ENVIRON": {"KB_TARGET_API_URL": simulator_process.url},
            "KB_PROBE_CACHE_SECONDS": 0,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["kb.db"].dispose()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def base(live_server):
    return live_server[1]


@pytest.fixture
def live_app(live_server):
    return live_server[0]
