"""Passwords (scrypt, via Werkzeug), tokens, and a lock after repeated failed logins.

Every failure looks the same to the caller: an unknown username, a wrong password and a
locked account all answer "invalid username or password", and an unknown username still
costs a password check, so timing does not tell them apart either.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from kb.auth.model import ROLES, ApiToken, User

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_DUMMY_HASH = generate_password_hash("not a real password, only for timing")


class AuthError(ValueError):
    pass


def create_user(*, session: Session, username: str, password: str, role: str) -> User:
    username = username.strip()
    if not username or len(username) > 80:
        raise AuthError("a username of 1 to 80 characters is required")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password needs at least {MIN_PASSWORD} characters")
    if session.exec(select(User).where(User.username == username)).first():
        raise AuthError(f"user {username} already exists")
    user = User(username=username, password_hash=generate_password_hash(password), role=role)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    now = datetime.now(UTC)
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if check_password_hash(user.password_hash, password):
        user.failed_login_attempts = 0
        user.locked_until = None
        session.add(user)
        session.commit()
        return user
    user.failed_login_attempts += 1
    if user.failed_login_attempts >= MAX_FAILURES:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        user.failed_login_attempts = 0
    session.add(user)
    session.commit()
    return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, username: str) -> str:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise AuthError(f"no user {username}")
    token = "kb_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    session.commit()
    return token


def user_for_token(*, session: Session, token: str) -> User | None:
    found = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    return session.get(User, found.user_id) if found else None
