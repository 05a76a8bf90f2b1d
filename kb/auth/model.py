"""Users and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel

# `alerts`: a monitoring system's account, which may only post alert webhooks.
ROLES = ("viewer", "editor", "admin", "alerts")
ALERT_SENDERS = ("alerts", "editor", "admin")


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(default="viewer", max_length=10)
    # Named as in the customer's own API (see the runbook's "Unlock User Account").
    failed_login_attempts: int = 0
    locked_until: datetime | None = None
    # Sessions carry the epoch they were made in; logging out moves it on, so every cookie
    # issued before (on any device, any instance) stops working at once.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def can_send_alerts(self) -> bool:
        return self.role in ALERT_SENDERS


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(index=True, foreign_key="user.id")
    token_hash: str = Field(
        max_length=64, unique=True, index=True
    )  # sha256; the token is shown once
    created_at: datetime = Field(default_factory=utcnow)
