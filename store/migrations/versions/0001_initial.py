"""Initial schema: strategies, drafts, builds, build outputs, artifacts, render cache, tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written from an autogenerate run and checked by tests/test_store_schema.py, which
compares the migrated schema with the models on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATE_CHECK = "state IN ('queued', 'running', 'done', 'failed')"


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_used_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_api_tokens_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "artifacts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_artifacts")),
    )
    op.create_table(
        "strategies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        _timestamp("created_at"),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategies")),
        sa.UniqueConstraint("slug", name=op.f("uq_strategies_slug")),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["strategy_id"], ["strategies.id"], name=op.f("fk_drafts_strategy_id_strategies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("strategy_id", "version", name=op.f("uq_drafts_strategy_id_version")),
    )
    op.create_index(op.f("ix_drafts_content_hash"), "drafts", ["content_hash"])
    op.create_table(
        "render_cache",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("renderer_version", sa.String(length=64), nullable=False),
        sa.Column("artifact_hash", sa.String(length=64), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["artifact_hash"],
            ["artifacts.sha256"],
            name=op.f("fk_render_cache_artifact_hash_artifacts"),
        ),
        sa.PrimaryKeyConstraint(
            "content_hash", "theme", "format", "renderer_version", name=op.f("pk_render_cache")
        ),
    )
    op.create_table(
        "builds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("predecessor_draft_id", sa.Integer(), nullable=True),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        _timestamp("created_at"),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(STATE_CHECK, name=op.f("ck_builds_state")),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_builds_draft_id_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["predecessor_draft_id"],
            ["drafts.id"],
            name=op.f("fk_builds_predecessor_draft_id_drafts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_builds")),
    )
    op.create_index(op.f("ix_builds_draft_id"), "builds", ["draft_id"])
    op.create_table(
        "build_outputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("build_id", sa.String(length=36), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        _timestamp("updated_at"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("artifact_hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint(STATE_CHECK, name=op.f("ck_build_outputs_state")),
        sa.ForeignKeyConstraint(
            ["artifact_hash"],
            ["artifacts.sha256"],
            name=op.f("fk_build_outputs_artifact_hash_artifacts"),
        ),
        sa.ForeignKeyConstraint(
            ["build_id"], ["builds.id"], name=op.f("fk_build_outputs_build_id_builds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_build_outputs")),
        sa.UniqueConstraint("build_id", "format", name=op.f("uq_build_outputs_build_id_format")),
    )
    op.create_index(
        op.f("ix_build_outputs_state_updated_at"), "build_outputs", ["state", "updated_at"]
    )


def downgrade() -> None:
    """Drop every table, dependents first."""
    for table in (
        "build_outputs",
        "builds",
        "render_cache",
        "drafts",
        "strategies",
        "artifacts",
        "api_tokens",
    ):
        op.drop_table(table)
