"""Server-side web sessions, counted sign-in failures, and who posted each draft.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Checked by tests/test_store_schema.py (migrated schema == models, on SQLite and
PostgreSQL) and tests/test_store_migration_0002.py (drafts stored before it keep their
content and read as posted by no one known).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Add the session and sign-in failure tables and the poster columns of drafts."""
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_seen_at"),
        _timestamp("expires_at"),
        _timestamp("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_web_sessions_token_id_api_tokens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("sid_hash", name=op.f("uq_web_sessions_sid_hash")),
    )
    op.create_index(op.f("ix_web_sessions_token_id"), "web_sessions", ["token_id"])
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index(
        op.f("ix_sign_in_failures_address_created_at"),
        "sign_in_failures",
        ["address", "created_at"],
    )
    op.create_index(
        op.f("ix_sign_in_failures_account_created_at"),
        "sign_in_failures",
        ["account", "created_at"],
    )
    op.create_index(op.f("ix_sign_in_failures_created_at"), "sign_in_failures", ["created_at"])
    # Batch mode: SQLite cannot add a foreign key to an existing table in place, so
    # Alembic rebuilds it there (the rows are copied); PostgreSQL alters it.
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("posted_by_token_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("posted_by_name", sa.String(length=100), nullable=True))
        batch.create_foreign_key(
            op.f("fk_drafts_posted_by_token_id_api_tokens"),
            "api_tokens",
            ["posted_by_token_id"],
            ["id"],
        )


def downgrade() -> None:
    """Drop what upgrade added; drafts lose who posted them."""
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint(op.f("fk_drafts_posted_by_token_id_api_tokens"), type_="foreignkey")
        batch.drop_column("posted_by_name")
        batch.drop_column("posted_by_token_id")
    op.drop_table("sign_in_failures")
    op.drop_table("web_sessions")
