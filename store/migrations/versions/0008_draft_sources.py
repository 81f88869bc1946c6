"""Draft sources: the Word file a version was read from, kept as an artifact.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

Checked by tests/test_store_schema.py (migrated schema == models, on SQLite and
PostgreSQL). The downgrade forgets which file a version came from; the files stay
stored as artifacts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add drafts.source_hash, the artifact holding the uploaded Word file."""
    # batch_alter_table: SQLite adds a foreign key only by rebuilding the table.
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("source_hash", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            op.f("fk_drafts_source_hash_artifacts"), "artifacts", ["source_hash"], ["sha256"]
        )


def downgrade() -> None:
    """Drop drafts.source_hash."""
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint(op.f("fk_drafts_source_hash_artifacts"), type_="foreignkey")
        batch.drop_column("source_hash")
