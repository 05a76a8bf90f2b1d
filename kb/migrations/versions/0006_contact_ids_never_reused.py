"""Contact ids are never handed out twice (SQLite AUTOINCREMENT).

Without it SQLite gives a new contact the id of the last one deleted: the deleted
contact's history and restore page then belong to someone else, and an edit still
holding the old contact's version lands on the new one. PostgreSQL's sequences never
reuse an id, so only SQLite changes. The counter starts past every id the history
has seen, deleted contacts included.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 00:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _rebuild(autoincrement: bool) -> bool:
    """Rebuild the contact table on SQLite with or without AUTOINCREMENT; False elsewhere.
    pysqlite runs the copy's CREATE TABLE outside the transaction, so a run that failed
    midway leaves the copy behind; it is dropped first, else every later start fails."""
    if op.get_bind().dialect.name != "sqlite":
        return False
    op.execute("DROP TABLE IF EXISTS _alembic_tmp_contact")
    with op.batch_alter_table(
        "contact", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
    return True


def upgrade() -> None:
    if not _rebuild(autoincrement=True):
        return
    op.execute("DELETE FROM sqlite_sequence WHERE name = 'contact'")
    op.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'contact', MAX("
        "COALESCE((SELECT MAX(id) FROM contact), 0), "
        "COALESCE((SELECT MAX(contact_id) FROM contactchange), 0))"
    )


def downgrade() -> None:
    _rebuild(autoincrement=False)
