"""Stored comparisons: compare()'s JSON per pair of contents, computed once by the worker.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Checked by tests/test_store_schema.py (migrated schema == models, on SQLite and
PostgreSQL). Nothing is filled in: a comparison missing for drafts stored before this
is computed when it is first asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the comparisons table."""
    op.create_table(
        "comparisons",
        sa.Column("old_hash", sa.String(length=64), nullable=False),
        sa.Column("new_hash", sa.String(length=64), nullable=False),
        sa.Column("diff_version", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "old_hash", "new_hash", "diff_version", name=op.f("pk_comparisons")
        ),
    )


def downgrade() -> None:
    """Drop the comparisons table; they are computed again when asked for."""
    op.drop_table("comparisons")
