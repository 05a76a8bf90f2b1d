"""Diagnoses kept in the database, so a teammate opening the link sees the same state.

Each save checks the version it started from: two people answering the same step at
once get one answer recorded and a clear conflict for the other, never a silent mix.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import JSON, Column, case, func, update
from sqlmodel import Field, Session, SQLModel, select

from kb.content.model import END_RESOLVED, Tree
from kb.diagnosis.engine import FIXED, RESOLVED, Visit, Walk


class Conflict(Exception):
    """The diagnosis changed since it was read."""


class Diagnosis(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=24)
    tree: str = Field(index=True, max_length=500)
    status: str = Field(default="active", max_length=16)
    end_note: str = Field(default="", max_length=500)
    confirmed: bool | None = None
    version: int = 1
    visits: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def new_id() -> str:
    return secrets.token_urlsafe(9)


def record_of(walk: Walk) -> Diagnosis:
    """A new diagnosis of a walk, not yet added to a session."""
    return Diagnosis(
        id=new_id(),
        tree=walk.tree.id,
        status=walk.status,
        end_note=walk.current.note,
        visits=[v.to_dict() for v in walk.visits],
    )


def create(session: Session, walk: Walk) -> Diagnosis:
    record = record_of(walk)
    session.add(record)
    session.commit()
    session.refresh(record)
    return record


def walk_of(record: Diagnosis, tree: Tree) -> Walk:
    walk = Walk(tree=tree, visits=[Visit.from_dict(v) for v in record.visits])
    end = walk.current
    if record.confirmed and end.node == END_RESOLVED and end.choice is None:
        # Saved before confirming was a step of the walk: the confirmation is the record's.
        end.choice, end.by = FIXED, "person"
    return walk


def save(session: Session, record: Diagnosis, walk: Walk) -> Diagnosis:
    """Write the walk if nobody else wrote since `record.version` was read."""
    values = {
        "visits": [v.to_dict() for v in walk.visits],
        "status": walk.status,
        "end_note": walk.current.note,
        "version": record.version + 1,
        "updated_at": datetime.now(UTC),
        "confirmed": True if walk.status == RESOLVED else None,
    }
    result = session.exec(
        update(Diagnosis)
        .where(Diagnosis.id == record.id, Diagnosis.version == record.version)
        .values(**values)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(record.id)
    session.commit()
    session.expire_all()
    return session.get(Diagnosis, record.id)


def outcomes(session: Session, tree_id: str) -> list[dict]:
    """How often each end of a tree was reached, and confirmed as a fix."""
    rows = session.exec(
        select(
            Diagnosis.status,
            Diagnosis.end_note,
            func.count(Diagnosis.id),
            func.sum(case((Diagnosis.confirmed.is_(True), 1), else_=0)),
        )
        .where(Diagnosis.tree == tree_id, Diagnosis.status != "active")
        .group_by(Diagnosis.status, Diagnosis.end_note)
        .order_by(func.count(Diagnosis.id).desc())
    ).all()
    return [
        {"status": status, "end": note, "reached": count, "confirmed": int(confirmed or 0)}
        for status, note, count, confirmed in rows
    ]
