"""What people searched for, so authors see where the runbook has gaps. No personal data:
the text, how many results, which one (if any) was opened, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, func, or_
from sqlmodel import Field, Session, SQLModel, select


class SearchLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    query: str = Field(index=True, max_length=500)
    results: int
    opened: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


KEEP_DAYS = 180
KEEP_ROWS = 100_000
PRUNE_EVERY = 100  # searches between two clean-ups


def record_search(session: Session, query: str, results: int) -> int:
    entry = SearchLog(query=" ".join(query.lower().split())[:500], results=results)
    session.add(entry)
    session.commit()
    if entry.id % PRUNE_EVERY == 0:
        prune(session, newest=entry.id)
    return entry.id


def prune(session: Session, *, newest: int, now: datetime | None = None) -> None:
    """The log keeps half a year and at most KEEP_ROWS searches: it must not grow forever."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=KEEP_DAYS)
    session.exec(
        delete(SearchLog).where(
            or_(SearchLog.created_at < cutoff, SearchLog.id <= newest - KEEP_ROWS)
        )
    )
    session.commit()


def record_open(session: Session, log_id: int, url: str) -> None:
    entry = session.get(SearchLog, log_id)
    if entry is not None and entry.opened is None:
        entry.opened = url[:500]
        session.add(entry)
        session.commit()


def content_gaps(session: Session, limit: int = 50) -> list[dict]:
    """Queries most often ending with no result, or with results nobody opened."""
    empty = func.sum(case((SearchLog.results == 0, 1), else_=0))
    opened = func.sum(case((SearchLog.opened.is_not(None), 1), else_=0))
    searched = func.count(SearchLog.id)
    rows = session.exec(
        select(SearchLog.query, searched, empty, opened, func.max(SearchLog.created_at))
        .group_by(SearchLog.query)
        .having(opened == 0)
        .order_by(empty.desc(), searched.desc())
        .limit(limit)
    ).all()
    return [
        {"query": q, "searches": n, "no_results": e, "opened": o, "last": last}
        for q, n, e, o, last in rows
    ]
