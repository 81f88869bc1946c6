"""Personal accounts: users, one-time password links, tokens and sessions that belong to a user.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Every existing token gets a service user of its own name (an editor), so pipelines keep
posting as before; sessions opened with a token belong to that token's user, and drafts
posted with a token name its user. Checked by tests/test_store_schema.py (migrated schema
== models) and tests/test_accounts_migration.py (old tokens and sessions keep working).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Add users and password links; give every token a service user and sessions a user."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("service", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.CheckConstraint("role IN ('admin', 'editor', 'reader')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        _timestamp("created_at"),
        _timestamp("expires_at"),
        _timestamp("used_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_links")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_password_links_secret_hash")),
    )
    op.create_index(op.f("ix_password_links_user_id"), "password_links", ["user_id"])

    # One service user per existing token, of the token's name: pipelines keep working.
    op.add_column("api_tokens", sa.Column("user_id", sa.Integer(), nullable=True))
    conn = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    stamp = now.replace(tzinfo=None) if conn.dialect.name == "sqlite" else now
    tokens = conn.execute(sa.text("SELECT id, name FROM api_tokens ORDER BY id")).all()
    for token_id, name in tokens:
        conn.execute(
            sa.text(
                "INSERT INTO users (email, name, role, password_hash, active, service,"
                " created_at) VALUES (NULL, :name, 'editor', NULL, :yes, :yes, :at)"
            ),
            {"name": name, "yes": True, "at": stamp},
        )
        user_id = conn.execute(
            sa.text("SELECT max(id) FROM users WHERE service = :yes AND name = :name"),
            {"name": name, "yes": True},
        ).scalar_one()
        conn.execute(
            sa.text("UPDATE api_tokens SET user_id = :user WHERE id = :token"),
            {"user": user_id, "token": token_id},
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f("fk_api_tokens_user_id_users"), "users", ["user_id"], ["id"])
        batch.create_index(op.f("ix_api_tokens_user_id"), ["user_id"])

    op.add_column("web_sessions", sa.Column("user_id", sa.Integer(), nullable=True))
    conn.execute(
        sa.text(
            "UPDATE web_sessions SET user_id ="
            " (SELECT user_id FROM api_tokens WHERE api_tokens.id = web_sessions.token_id)"
        )
    )
    with op.batch_alter_table("web_sessions") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            op.f("fk_web_sessions_user_id_users"), "users", ["user_id"], ["id"]
        )
        batch.create_index(op.f("ix_web_sessions_user_id"), ["user_id"])

    op.add_column("drafts", sa.Column("posted_by_user_id", sa.Integer(), nullable=True))
    conn.execute(
        sa.text(
            "UPDATE drafts SET posted_by_user_id = (SELECT user_id FROM api_tokens"
            " WHERE api_tokens.id = drafts.posted_by_token_id)"
            " WHERE posted_by_token_id IS NOT NULL"
        )
    )
    with op.batch_alter_table("drafts") as batch:
        batch.create_foreign_key(
            op.f("fk_drafts_posted_by_user_id_users"), "users", ["posted_by_user_id"], ["id"]
        )


def downgrade() -> None:
    """Drop users and links; sessions opened with a password (no token) are ended."""
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint(op.f("fk_drafts_posted_by_user_id_users"), type_="foreignkey")
        batch.drop_column("posted_by_user_id")
    op.execute(sa.text("DELETE FROM web_sessions WHERE token_id IS NULL"))
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_index(op.f("ix_web_sessions_user_id"))
        batch.drop_constraint(op.f("fk_web_sessions_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index(op.f("ix_api_tokens_user_id"))
        batch.drop_constraint(op.f("fk_api_tokens_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
    op.drop_index(op.f("ix_password_links_user_id"), table_name="password_links")
    op.drop_table("password_links")
    op.drop_table("users")
