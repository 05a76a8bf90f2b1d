"""Browser tests: the real app on 127.0.0.1, driven through Debian's Chromium."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kb import create_app
from kb.static_export.build import build_site
from kb.web.exports import current_snapshot
from tests.conftest import FIXTURES, IN_CI

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


@contextmanager
def serving(content: Path, data: Path, **config):
    """The app on `content`, served by a real WSGI server in a thread: yields (app, URL)."""
    app = create_app(
        {
            "TESTING": True,
            "KB_CONTENT_DIR": str(content),
            "KB_DATA_DIR": str(data),
            "KB_PROBE_CACHE_SECONDS": 0,
            **config,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        app.extensions["kb.db"].dispose()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def served_content() -> Path:
    """What the live server serves: the test runbooks. test_shipped_runbook.py overrides it."""
    return FIXTURES


@pytest.fixture
def live_server(tmp_path_factory, simulator_process, served_content):
    """The served content, its `api` target the simulator. A fresh app and database for
    every test: no journey sees another's contacts, diagnoses or searches."""
    data = tmp_path_factory.mktemp("browser-data")
    environ = {"KB_TARGET_API_URL": simulator_process.url}
    with serving(served_content, data, KB_PROBE_ENVIRON=environ) as served:
        yield served


@pytest.fixture
def base(live_server):
    return live_server[1]


@pytest.fixture
def live_app(live_server):
    return live_server[0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def open_page(browser):
    """A new page of a given size, with or without JavaScript, light or dark."""
    contexts = []

    def factory(viewport: dict, *, js: bool = True, scheme: str = "light", **options):
        context = browser.new_context(
            viewport=viewport, java_script_enabled=js, color_scheme=scheme, **options
        )
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(browser, request):
    """A phone-sized page with JavaScript off; a screenshot is kept if the test fails."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = Path("test-results")
        folder.mkdir(exist_ok=True)
        safe = "".join(ch if ch.isalnum() else "-" for ch in request.node.name)
        page.screenshot(path=str(folder / f"{safe}.png"), full_page=True)
    context.close()


def export_site(content: Path, tmp_path_factory):
    """A static export of `content` for a module's tests: yields the site's folder."""
    data = tmp_path_factory.mktemp("export-data")
    app = create_app({"TESTING": True, "KB_CONTENT_DIR": str(content), "KB_DATA_DIR": str(data)})
    site = tmp_path_factory.mktemp("export") / "site"
    with app.app_context():
        build_site(current_snapshot(), site)
    app.extensions["kb.db"].dispose()
    yield site
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def offline(browser):
    """A browser with no network; any request that is not for a file is refused and kept."""
    context = browser.new_context(offline=True)
    outside: list[str] = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith("file:"), refuse)
    page = context.new_page()
    yield page, outside
    context.close()
