"""A new-contact form, or an API call with an Idempotency-Key, adds one contact however
often it is sent: its token is stored with the contact it made, under a unique key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contactreceipt",
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )


def downgrade() -> None:
    op.drop_table("contactreceipt")
