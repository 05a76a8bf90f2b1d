"""Two app processes on one database: what one writes the other reads, and of two stale
edits racing each other exactly one wins."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session

from kb.auth.service import create_token, create_user
from tests.conftest import FIXTURES

SERVER = textwrap.dedent(
    """
    import sys
    from werkzeug.serving import make_server
    from kb import create_app
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()
    """
)


@pytest.fixture
def two_processes(make_app, database_url, tmp_path):
    app = make_app()  # migrates and seeds the shared database once
    with Session(app.extensions["kb.db"]) as session:
        create_user(
            session=session, username="alice", password="correct horse battery", role="editor"
        )
        token = create_token(session=session, username="alice")
    processes, urls = [], []
    for name in ("a", "b"):
        env = {
            **os.environ,
            "KB_DATABASE_URL": database_url,
            "KB_DATA_DIR": str(tmp_path / f"data-{name}"),
            "KB_CONTENT_DIR": str(FIXTURES),
            "KB_SECRET_KEY": "a-shared-secret-for-both-instances",
        }
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER], env=env, stdout=subprocess.PIPE, text=True
        )
        processes.append(process)
        urls.append(f"http://127.0.0.1:{process.stdout.readline().strip()}")
    yield urls, {"Authorization": f"Bearer {token}"}
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_written_through_one_read_through_the_other(two_processes):
    (a, b), headers = two_processes
    created = httpx.post(
        f"{a}/api/contacts",
        json={"group": "technical", "role": "DBA", "phone": "677001122"},
        headers=headers,
        trust_env=False,
    )
    assert created.status_code == 201
    seen = httpx.get(f"{b}/api/contacts", trust_env=False).json()
    assert any(c["role"] == "DBA" and c["phone"] == "+237677001122" for c in seen)


def test_two_stale_edits_race_and_exactly_one_wins(two_processes):
    (a, b), headers = two_processes
    devops = next(
        c for c in httpx.get(f"{a}/api/contacts", trust_env=False).json() if c["role"] == "DevOps"
    )

    def edit(args):
        base, name = args
        return httpx.put(
            f"{base}/api/contacts/{devops['id']}",
            json={"version": devops["version"], "name": name},
            headers=headers,
            trust_env=False,
        )

    for attempt in range(3):
        current = next(
            c
            for c in httpx.get(f"{a}/api/contacts", trust_env=False).json()
            if c["role"] == "DevOps"
        )
        devops = current
        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(edit, [(a, f"A{attempt}"), (b, f"B{attempt}")]))
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 409], [r.text for r in responses]
        winner = next(r.json() for r in responses if r.status_code == 200)
        final = next(
            c
            for c in httpx.get(f"{b}/api/contacts", trust_env=False).json()
            if c["role"] == "DevOps"
        )
        assert final["name"] == winner["name"] and final["version"] == devops["version"] + 1


def test_a_contact_saved_on_one_instance_is_found_by_search_on_the_other_within_2s(
    two_processes,
):
    import time

    (a, b), headers = two_processes
    assert httpx.get(f"{b}/api/search?q=zanzibar", trust_env=False).json()["results"] == []
    created = httpx.post(
        f"{a}/api/contacts",
        json={"group": "technical", "role": "Zanzibar liaison", "phone": "677001199"},
        headers=headers,
        trust_env=False,
    )
    assert created.status_code == 201
    saved, found = time.monotonic(), False
    while not found and time.monotonic() - saved < 2.0:
        results = httpx.get(f"{b}/api/search?q=zanzibar", trust_env=False).json()["results"]
        found = any("Zanzibar" in r["title"] for r in results)
        time.sleep(0.1)
    assert found, "instance b did not find the contact saved on a within 2 s"


def test_a_lockout_holds_under_20_parallel_wrong_passwords_over_two_instances(
    two_processes, make_app
):
    import re

    from sqlmodel import select

    from kb.auth.model import User

    (a, b), _headers = two_processes

    def wrong(base: str) -> int:
        with httpx.Client(base_url=base, trust_env=False) as client:
            page = client.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            form = {"username": "alice", "password": "wrong password!", "csrf_token": token}
            return client.post("/login", data=form).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(wrong, [a, b] * 10))
    assert statuses == [401] * 20
    with Session(make_app().extensions["kb.db"]) as session:
        alice = session.exec(select(User).where(User.username == "alice")).one()
        assert alice.locked_until is not None  # five failures counted, whoever served them
