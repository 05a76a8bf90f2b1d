"""Passwords (scrypt, via Werkzeug), tokens, and a lock after repeated failed logins.

Every failure looks the same to the caller: an unknown username, a wrong password and a
locked account all answer "invalid username or password", and an unknown username still
costs a password check, so timing does not tell them apart either.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
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
    """The user, or None. Counting failures and locking are single UPDATE statements, so
    parallel attempts (from any number of workers or instances) can neither lose a
    failure nor slip a right password past a lock that another attempt just set."""
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
        unlocked = or_(User.locked_until.is_(None), User.locked_until <= now)
        reset = session.exec(
            update(User)
            .where(User.id == user.id, unlocked)
            .values(failed_login_attempts=0, locked_until=None)
        )
        session.commit()
        if reset.rowcount != 1:
            return None  # locked by a parallel failure since it was read
        session.refresh(user)
        return user
    failures = session.exec(
        update(User)
        .where(User.id == user.id)
        .values(failed_login_attempts=User.failed_login_attempts + 1)
        .returning(User.failed_login_attempts)
    ).scalar_one()
    if failures >= MAX_FAILURES:
        session.exec(
            update(User)
            .where(User.id == user.id, User.failed_login_attempts >= MAX_FAILURES)
            .values(locked_until=now + timedelta(minutes=LOCK_MINUTES), failed_login_attempts=0)
        )
    session.commit()
    return None


def end_sessions(*, session: Session, user: User) -> None:
    """Log a user out everywhere: every session cookie issued so far stops working."""
    session.exec(
        update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1)
    )
    session.commit()


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
