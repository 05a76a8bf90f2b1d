"""Alembic environment: kb runs migrations itself (`kb db upgrade`, and at start)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from kb.db import import_models

import_models()
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
