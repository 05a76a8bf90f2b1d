"""Findings of the security and fault review, each with the test that keeps it fixed."""

from __future__ import annotations

import logging
import os

import pytest
from click.testing import CliRunner

from kb.config import ConfigError
from tests.conftest import write


def test_a_forged_search_id_cannot_mark_searches_as_answered(client):
    client.get("/search?q=pg_restore")
    for forged in ("1", "2", "99999999999999999999999", "-1", "x" * 5000):
        assert client.get(f"/a/operations?from={forged}").status_code == 200
    assert "pg_restore" in client.get("/gaps").get_data(as_text=True)


def test_the_search_log_cannot_grow_forever(app):
    from datetime import UTC, datetime, timedelta

    from sqlmodel import Session, select

    from kb.search import log

    with Session(app.extensions["kb.db"]) as session:
        old = log.SearchLog(query="old", results=1, created_at=datetime.now(UTC) - timedelta(400))
        session.add(old)
        session.commit()
        newest = log.record_search(session, "new", 1)
        log.prune(session, newest=newest)
        assert [e.query for e in session.exec(select(log.SearchLog)).all()] == ["new"]
        log.prune(session, newest=newest + log.KEEP_ROWS)
        assert session.exec(select(log.SearchLog)).all() == []


def test_json_nested_thousands_deep_is_a_400_not_a_500(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/api/diagnoses", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "nested too deeply" in response.get_json()["message"]


@pytest.mark.parametrize(
    "target", ["/contacts\r\nSet-Cookie: x=1", "/a\nb", "/\\evil.example", "//evil.example"]
)
def test_a_login_redirect_cannot_be_split_or_sent_off_site(app, client, target):
    from sqlmodel import Session

    from kb.auth.service import create_user
    from tests.conftest import form_token

    with Session(app.extensions["kb.db"]) as session:
        create_user(
            session=session, username="alice", password="correct horse battery", role="editor"
        )
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "username": "alice",
            "password": "correct horse battery",
            "csrf_token": form_token(client),
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_credentials_in_a_target_url_are_not_logged_by_httpx(app):
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING


def test_the_sqlite_file_is_private_to_its_owner(make_app, tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("a SQLite property")
    make_app()
    path = database_url.removeprefix("sqlite:///")
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaaaaaa", "abababababababababab", "1234123412341234"])
def test_repetitive_secret_keys_are_refused(make_app, weak):
    with pytest.raises(ConfigError, match="KB_SECRET_KEY"):
        make_app(KB_SECRET_KEY=weak)


def test_a_base_url_must_be_an_http_address(make_app):
    with pytest.raises(ConfigError, match="KB_BASE_URL"):
        make_app(KB_BASE_URL="javascript:alert(1)")
    assert make_app(KB_BASE_URL="https://kb.example/").config["KB_BASE_URL"] == "https://kb.example"


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8080", "http://h/ok?", "http://h/?token=abc", "http://h ", "http://h:x"]
)
def test_a_target_address_a_probe_cannot_use_is_refused_at_start(tmp_path, url):
    from kb.config import settings_from_env

    with pytest.raises(ConfigError, match="KB_TARGET_API_URL"):
        settings_from_env(str(tmp_path), {"KB_TARGET_API_URL": url})
    assert settings_from_env(str(tmp_path), {"KB_TARGET_API_URL": "http://127.0.0.1:8080/v1"})


def test_untrusted_host_headers_are_refused_when_hosts_are_listed(make_app):
    client = make_app(TRUSTED_HOSTS=["kb.example"]).test_client()
    assert client.get("/health", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/health", headers={"Host": "kb.example"}).status_code == 200


def test_load_balancers_can_check_readiness_of_a_private_knowledge_base(make_app):
    client = make_app(KB_PUBLIC_READ=False).test_client()
    assert client.get("/health/ready").status_code == 200
    assert client.get("/health").status_code == 200
    assert client.get("/health/metrics").status_code in (302, 401)  # not for strangers
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("folder", ["missing", "empty", "notes.txt"])
def test_a_missing_or_empty_content_folder_is_an_error_not_an_empty_site(
    make_app, tmp_path, folder
):
    path = tmp_path / folder
    if folder == "empty":
        path.mkdir()
        (path / "notes.txt").write_text("no Markdown here")
    if folder == "notes.txt":
        path.write_text("a file, but not Markdown")
    with pytest.raises(ConfigError, match="KB_CONTENT_DIR"):
        make_app(content_dir=path)


@pytest.mark.parametrize("command", [["index"], ["seed"]])
def test_commands_run_from_the_wrong_folder_fail_and_leave_the_index_alone(
    make_app, tmp_path, monkeypatch, command
):
    from kb.cli import cli
    from kb.search.index import current_generation

    data = tmp_path / "data"
    make_app()  # builds the live index for the test runbooks
    live = current_generation(data)
    monkeypatch.setenv("KB_DATA_DIR", str(data))
    monkeypatch.setenv("KB_CONTENT_DIR", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(cli, command)
    assert result.exit_code != 0
    assert "KB_CONTENT_DIR" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output
    assert current_generation(data) == live


def test_an_index_of_no_runbook_is_not_ready(make_app, tmp_path):
    from kb.content.library import load_library
    from kb.search.index import build

    content = tmp_path / "content"
    write(content, "a.md", "# A\n\ntext\n")
    app = make_app(content_dir=content)
    library = load_library(content)
    library.articles.clear()
    library.digests.clear()
    build(tmp_path / "data", library)
    ready = app.test_client().get("/health/ready")
    assert ready.status_code == 503 and ready.get_json()["checks"]["index"] == "empty"
    assert (content / "a.md").exists()  # an empty index never touches the content


@pytest.mark.parametrize("body", ["[null, null]", '"tree"', "7"])
def test_a_json_body_that_is_not_an_object_is_a_422_not_a_500(client, body):
    headers = {"Content-Type": "application/json"}
    response = client.post("/api/diagnoses", data=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"body": "must be a JSON object"}}


@pytest.mark.parametrize("path", ["/api/diagnoses", "/api/diagnoses/x/answer"])
def test_a_body_that_is_not_json_is_a_400_that_says_so(client, path):
    headers = {"Content-Type": "application/json"}
    response = client.post(path, data='{"tree": ', headers=headers)
    assert response.status_code == 400
    assert "must be JSON" in response.get_json()["message"]


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_a_contact_id_no_database_can_hold_is_not_found(app, client, method):
    from sqlmodel import Session

    from kb.auth.service import create_token, create_user

    with Session(app.extensions["kb.db"]) as session:
        create_user(session=session, username="ed", password="a long password!", role="editor")
        headers = {"Authorization": f"Bearer {create_token(session=session, username='ed')}"}
    big = 70047853947409352529805312
    path = f"/api/contacts/{big}" + ("/history" if method == "get" else "")
    response = getattr(client, method)(path, json={"version": 1}, headers=headers)
    assert response.status_code == 404
    assert client.get(f"/contacts/{big}/history").status_code == 404


def test_the_host_header_never_makes_the_links_kb_writes(make_app):
    tree = "troubleshooting/issue-labels-wont-print"
    for config, expected in (
        ({}, "- Link: /d/"),
        ({"KB_BASE_URL": "https://kb.example"}, "- Link: https://kb.example/d/"),
    ):
        client = make_app(**config).test_client()
        state = client.post("/api/diagnoses", json={"tree": tree}).get_json()
        export = client.get(
            f"/api/diagnoses/{state['id']}/export.md", headers={"Host": "evil.example"}
        ).get_data(as_text=True)
        assert expected in export and "evil.example" not in export


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/d/%00"),
        ("get", "/d/%00/export.md"),
        ("get", "/api/diagnoses/a%00b"),
        ("get", "/triage/%00"),
        ("post", "/api/diagnoses/%00/answer"),
    ],
)
def test_an_address_holding_a_nul_is_not_found_on_every_database(client, method, path):
    assert getattr(client, method)(path, json={"choice": 0}).status_code == 404


def test_a_form_value_holding_a_nul_is_refused_with_a_message(client):
    from tests.conftest import form_token

    response = client.post(
        "/login", data={"username": "a\x00", "password": "x", "csrf_token": form_token(client)}
    )
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path"), [("delete", "/api/search"), ("post", "/api/trees")])
def test_a_method_a_route_does_not_take_says_which_it_does(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_a_data_folder_kb_cannot_write_is_one_message_at_start(make_app, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    with pytest.raises(ConfigError, match=r"KB_DATA_DIR: .* is not writable \(Permission denied\)"):
        make_app()


def test_a_runbook_kb_may_not_read_is_reported_and_the_rest_is_served(tmp_path, monkeypatch):
    from pathlib import Path

    from kb.content.library import load_library

    write(tmp_path, "open.md", "# Open\n\ntext\n")
    write(tmp_path, "locked.md", "# Locked\n\ntext\n")
    read_text = Path.read_text

    def guarded(path, *args, **kwargs):
        if path.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(path))
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", guarded)
    library = load_library(tmp_path)
    assert library.article("open") is not None and library.unreadable == ["locked.md"]
    assert [str(p) for p in library.problems] == ["locked.md:1: cannot be read: Permission denied"]
