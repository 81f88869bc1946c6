"""Previews: content rendered without a version, its first pages kept as PNG for an hour.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Checked by tests/test_store_schema.py (migrated schema == models, on SQLite and
PostgreSQL). Previews are short-lived: the downgrade drops them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the previews and preview_pages tables."""
    op.create_table(
        "previews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("theme", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_previews_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_previews")),
    )
    op.create_index(op.f("ix_previews_owner"), "previews", ["owner"])
    op.create_index(op.f("ix_previews_created_at"), "previews", ["created_at"])
    op.create_table(
        "preview_pages",
        sa.Column("preview_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["preview_id"],
            ["previews.id"],
            name=op.f("fk_preview_pages_preview_id_previews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("preview_id", "number", name=op.f("pk_preview_pages")),
    )


def downgrade() -> None:
    """Drop the previews with their pages."""
    op.drop_table("preview_pages")
    op.drop_index(op.f("ix_previews_created_at"), table_name="previews")
    op.drop_index(op.f("ix_previews_owner"), table_name="previews")
    op.drop_table("previews")
