"""The database: one SQLModel engine per app, SQLite by default, PostgreSQL when shared."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):
            # WAL lets gunicorn workers read while one writes; the timeout waits out locks.
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def init_app(app: Flask) -> None:
    import kb.diagnosis.store
    import kb.search.log  # noqa: F401  (both register their tables)

    engine = make_engine(app.config["KB_DATABASE_URL"])
    SQLModel.metadata.create_all(engine)
    app.extensions["kb.db"] = engine
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """A session for this request, closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["kb.db"])
    return g.db_session


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
