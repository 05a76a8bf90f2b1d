"""The database: one SQLModel engine per app, SQLite by default, PostgreSQL when shared.

The schema is Alembic's (kb/migrations): every start upgrades to the latest revision
under a lock, so several workers or hosts starting together migrate exactly once, and
`kb db upgrade` does the same from a deploy step.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).with_name("migrations")
PG_LOCK_KEY = 7_245_001  # any constant: the advisory lock kb's migrations take


def import_models() -> None:
    """Every table's module, so metadata (and Alembic) know them all."""
    import kb.alerts.store
    import kb.auth.model
    import kb.contacts.model
    import kb.diagnosis.store
    import kb.diagnosis.triage_store
    import kb.diagnosis.values
    import kb.ratelimit
    import kb.search.log  # noqa: F401


def _create_private(path: str | None) -> None:
    """Create the SQLite file readable by its owner only (0600): it holds password hashes
    and tokens. SQLite gives its -wal and -shm files the same permissions."""
    if not path or path == ":memory:" or os.path.exists(path):
        return
    with contextlib.suppress(FileExistsError):  # another worker made it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
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


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, lock_dir: Path, revision: str = "head") -> None:
    """Migrate to `revision`, one process at a time."""
    config = alembic_config()
    with contextlib.ExitStack() as stack:
        if engine.dialect.name == "sqlite":
            lock_dir.mkdir(parents=True, exist_ok=True)
            handle = stack.enter_context(open(lock_dir / "migrate.lock", "w"))
            fcntl.flock(handle, fcntl.LOCK_EX)
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def init_app(app: Flask) -> None:
    import_models()
    engine = make_engine(app.config["KB_DATABASE_URL"])
    upgrade(engine, Path(app.config["KB_DATA_DIR"]))
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
