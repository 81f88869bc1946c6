"""Printed pieces: a long document's PDF printed chapter by chapter, each piece kept.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

Checked by tests/test_store_schema.py (migrated schema == models, on SQLite and
PostgreSQL). The downgrade drops the table: pieces are a cache, printed again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add printed_pieces."""
    op.create_table(
        "printed_pieces",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("claimed_by", sa.String(length=36), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("anchors", sa.Text(), nullable=True),
        sa.Column("footed", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    """Drop printed_pieces."""
    op.drop_table("printed_pieces")
