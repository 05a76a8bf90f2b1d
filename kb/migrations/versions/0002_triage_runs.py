"""Triage runs: each "Check everything" is stored and has its own URL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 15:02:11.118203
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triagerun",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("triagerun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triagerun_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("triagerun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triagerun_created_at"))

    op.drop_table("triagerun")
