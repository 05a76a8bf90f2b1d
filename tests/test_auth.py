"""Logging in: one message for every failure, a lock after repeated ones, private mode."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kb.auth.model import User
from kb.auth.service import create_user
from tests.conftest import IN_CI, form_token

PASSWORD = "correct horse battery"


def add_user(app, name="alice", role="editor"):
    with Session(app.extensions["kb.db"]) as session:
        create_user(session=session, username=name, password=PASSWORD, role=role)


def attempt(client, username, password):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": form_token(client)},
    )


def test_failures_never_tell_whether_the_user_exists(app, client):
    add_user(app)
    unknown = attempt(client, "mallory", "whatever12345")
    wrong = attempt(client, "alice", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert "Invalid username or password." in unknown.get_data(as_text=True)
    assert "Invalid username or password." in wrong.get_data(as_text=True)


def test_the_right_password_logs_in_with_a_safe_cookie(app, client):
    add_user(app)
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Log out alice" in client.get("/").get_data(as_text=True)


def test_repeated_failures_lock_the_account_for_a_while(app, make_app):
    add_user(app)
    client = app.test_client()
    for _ in range(5):
        attempt(client, "alice", "wrong password!")
    locked = attempt(client, "alice", PASSWORD)  # right password, but locked
    assert locked.status_code == 401
    assert "Invalid username or password." in locked.get_data(as_text=True)
    with Session(app.extensions["kb.db"]) as session:
        user = session.exec(select(User).where(User.username == "alice")).one()
        assert user.locked_until is not None


def same_minute(*apps) -> None:
    """Pin the login limit's clock, so a test never straddles two minutes' windows."""
    for app in apps:
        app.extensions["kb.login_limit"].clock = lambda: 60.0 * 29_000_000


def test_login_attempts_are_throttled_per_address(app):
    same_minute(app)
    client = app.test_client()
    pages = [attempt(client, f"user{i}", "wrong password!") for i in range(12)]
    assert [p.status_code for p in pages] == [401] * 12
    texts = [p.get_data(as_text=True) for p in pages]
    assert all("Invalid username or password." in t for t in texts[:10])
    assert all("Too many attempts" in t for t in texts[10:])


def test_open_redirects_are_refused_after_login(app, client):
    add_user(app)
    token = form_token(client)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_private_mode_requires_login_for_everything(make_app):
    app = make_app(KB_PUBLIC_READ=False)
    client = app.test_client()
    assert client.get("/").status_code == 302
    assert client.get("/api/contacts").status_code == 401
    assert client.get("/login").status_code == 200
    add_user(app, "vera", "viewer")
    attempt(client, "vera", PASSWORD)
    assert client.get("/").status_code == 200
    assert client.get("/contacts/1/edit").status_code == 403  # a viewer reads, never writes


def test_user_and_token_commands(app):
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=["user", "add", "bob", "--role", "editor", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert added.exit_code == 0, added.output
    short = runner.invoke(args=["user", "add", "eve", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    token = runner.invoke(args=["token", "create", "bob"]).output.strip()
    assert token.startswith("kb_")
    created = app.test_client().post(
        "/api/contacts",
        json={"group": "business", "role": "Finance"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201


def test_parallel_wrong_passwords_cannot_undercount_the_lock(app):
    """Nine wrong passwords at once, then the right one: locked, as with nine in a row."""
    import threading

    from kb.auth.service import authenticate

    add_user(app)
    engine = app.extensions["kb.db"]
    barrier = threading.Barrier(9)
    errors = []

    def wrong() -> None:
        try:
            with Session(engine) as session:
                user = session.exec(select(User).where(User.username == "alice")).one()
                barrier.wait()  # everyone has read the count before anyone writes it
                session.refresh(user)
                assert authenticate(session=session, username="alice", password="nope") is None
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=wrong) for _ in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with Session(engine) as session:
        assert authenticate(session=session, username="alice", password=PASSWORD) is None
        assert session.exec(select(User)).one().locked_until is not None


def test_logging_out_revokes_the_session_cookie_everywhere(app):
    add_user(app)
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        assert attempt(client, "alice", PASSWORD).status_code == 302
    stolen = first.get_cookie("session").value
    first.post("/logout", data={"csrf_token": form_token(first, "/contacts/new")})
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/contacts/new").status_code == 302  # sent to log in again
    assert second.get("/contacts/new").status_code == 302  # logged out everywhere


def test_login_throttling_holds_across_instances(make_app):
    """Two app instances on one database share one count of attempts per address."""
    first, second = make_app(), make_app()
    same_minute(first, second)
    add_user(first)
    for _ in range(10):
        attempt(first.test_client(), "alice", "wrong password!")
    refused = attempt(second.test_client(), "alice", PASSWORD)
    assert refused.status_code == 401
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_login_throttling_through_redis_when_configured(make_app):
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        if IN_CI:
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    first, second = make_app(KB_REDIS_URL=url), make_app(KB_REDIS_URL=url)
    same_minute(first, second)
    add_user(first)
    for _ in range(10):
        attempt(first.test_client(), "alice", "wrong password!")
    assert "Too many attempts" in attempt(second.test_client(), "alice", PASSWORD).get_data(
        as_text=True
    )
    assert any(redis.Redis.from_url(url).scan_iter("kb:rate:login:*"))


def test_a_session_cookie_without_its_csrf_token_cannot_write_through_the_api(app):
    add_user(app)
    client = app.test_client()
    attempt(client, "alice", PASSWORD)
    body = {"group": "technical", "role": "Planted by a cross-site page"}
    refused = client.post("/api/contacts", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
    roles = [c["role"] for c in client.get("/api/contacts").get_json()]
    assert body["role"] not in roles
    token = form_token(client, "/contacts/new")
    accepted = client.post("/api/contacts", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_an_unreachable_redis_leaves_logins_open_but_says_limits_are_off(make_app, caplog):
    app = make_app(KB_REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens on port 9
    same_minute(app)
    add_user(app)
    with caplog.at_level("WARNING", logger="kb.ratelimit"):
        for _ in range(12):
            response = attempt(app.test_client(), "alice", "wrong password!")
    assert "Too many attempts" not in response.get_data(as_text=True)
    assert sum("not enforced" in r.getMessage() for r in caplog.records) == 1
    ready = app.test_client().get("/health/ready").get_json()
    assert ready["rate_limits"].startswith("error: Redis unreachable")
    assert ready["status"] == "ok"  # pages and search still serve: stay in the pool
