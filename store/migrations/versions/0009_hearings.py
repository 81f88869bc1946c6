"""Hearings: responses online, published versions and public strategy pages.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

Checked by tests/test_store_schema.py (migrated schema == models, on SQLite and
PostgreSQL). The downgrade drops the hearings and their responses.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add strategies.public, drafts.published_at, and the hearing tables."""
    with op.batch_alter_table("strategies") as batch:
        batch.add_column(
            sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=False),
        sa.Column("closes", sa.Date(), nullable=False),
        sa.Column("intro", sa.Text(), nullable=True),
        sa.Column("parts", sa.Text(), nullable=True),
        sa.Column("max_responses", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_hearings_draft_id_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_hearings_created_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
        sa.UniqueConstraint("draft_id", name=op.f("uq_hearings_draft_id")),
        sa.UniqueConstraint("key", name=op.f("uq_hearings_key")),
    )
    op.create_table(
        "hearing_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment_hash", sa.String(length=64), nullable=True),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["hearing_id"], ["hearings.id"], name=op.f("fk_hearing_responses_hearing_id_hearings")
        ),
        sa.ForeignKeyConstraint(
            ["attachment_hash"],
            ["artifacts.sha256"],
            name=op.f("fk_hearing_responses_attachment_hash_artifacts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_responses")),
    )
    op.create_index(op.f("ix_hearing_responses_hearing_id"), "hearing_responses", ["hearing_id"])
    op.create_index(op.f("ix_hearing_responses_email"), "hearing_responses", ["email"])


def downgrade() -> None:
    """Drop the hearing tables, drafts.published_at and strategies.public."""
    op.drop_table("hearing_responses")
    op.drop_table("hearings")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("published_at")
    with op.batch_alter_table("strategies") as batch:
        batch.drop_column("public")
