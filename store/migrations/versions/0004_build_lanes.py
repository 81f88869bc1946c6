"""Build lanes: which queue a build's renders go to (core.budget.lane).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Checked by tests/test_store_schema.py (migrated schema == models, on SQLite and
PostgreSQL). Builds stored before this are in the standard lane, where they were.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add builds.lane, "standard" for every build stored so far."""
    with op.batch_alter_table("builds") as batch:
        batch.add_column(
            sa.Column("lane", sa.String(length=16), server_default="standard", nullable=False)
        )


def downgrade() -> None:
    """Drop builds.lane."""
    with op.batch_alter_table("builds") as batch:
        batch.drop_column("lane")
