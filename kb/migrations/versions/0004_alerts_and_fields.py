"""Alerts behind diagnoses (one open diagnosis per fingerprint) and fill-in field values.

The `alerts` role needs no change: a user's role is a short string already.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 16:54:24.234495
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "diagnosisalert",
        sa.Column("diagnosis_id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("open_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("generator_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("matched_by", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("notifications", sa.Integer(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["diagnosis_id"],
            ["diagnosis.id"],
        ),
        sa.PrimaryKeyConstraint("diagnosis_id"),
        sa.UniqueConstraint("open_key"),
    )
    with op.batch_alter_table("diagnosisalert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_diagnosisalert_fingerprint"), ["fingerprint"], unique=False
        )

    op.create_table(
        "diagnosisfield",
        sa.Column("diagnosis_id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["diagnosis_id"],
            ["diagnosis.id"],
        ),
        sa.PrimaryKeyConstraint("diagnosis_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("diagnosisfield")
    with op.batch_alter_table("diagnosisalert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diagnosisalert_fingerprint"))

    op.drop_table("diagnosisalert")
