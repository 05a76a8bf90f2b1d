"""Triage runs kept in the database, so "what did the checks say at 14:02?" has a link
(`/triage/<id>`) a teammate can open and see exactly the same results."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel


class TriageRun(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=24)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), index=True)
    report: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def save(session: Session, report: dict) -> TriageRun:
    record = TriageRun(id=secrets.token_urlsafe(9), report=report)
    session.add(record)
    session.commit()
    session.refresh(record)
    return record


def load(session: Session, run_id: str) -> TriageRun | None:
    if not run_id or len(run_id) > 24:
        return None
    return session.get(TriageRun, run_id)
