"""Logging in: one message for every failure, a lock after repeated ones, private mode."""

from __future__ import annotations

from sqlmodel import Session, select

from kb.auth.model import User
from kb.auth.service import create_user
from tests.conftest import form_token

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


def test_login_attempts_are_throttled_per_address(app):
    client = app.test_client()
    codes = [attempt(client, f"user{i}", "wrong password!").status_code for i in range(12)]
    assert "Too many attempts" in attempt(client, "x", "y").get_data(as_text=True)
    assert codes[0] == 401


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
