"""Outputs, not formats: build_outputs.format and render_cache.format become "output".

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

The columns hold an output's name (core.outputs: "pdf", "changes-docx", ...), which is
not a file format. Checked by tests/test_store_schema.py (migrated schema == models, on
SQLite and PostgreSQL, and the downgrade renames them back).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = sa.String(length=32)


def upgrade() -> None:
    """Rename the two columns, and the unique constraint named after one of them."""
    _rename("format", "output")


def downgrade() -> None:
    """Rename the two columns back to "format"."""
    _rename("output", "format")


def _rename(old: str, new: str) -> None:
    # batch_alter_table: SQLite renames by rebuilding the table; PostgreSQL alters in place.
    with op.batch_alter_table("build_outputs") as batch:
        batch.drop_constraint(op.f(f"uq_build_outputs_build_id_{old}"), type_="unique")
        batch.alter_column(old, new_column_name=new, existing_type=NAME, existing_nullable=False)
    # A batch of its own: SQLite's table rebuild drops a constraint added in the same
    # batch as the rename of one of its columns.
    with op.batch_alter_table("build_outputs") as batch:
        batch.create_unique_constraint(op.f(f"uq_build_outputs_build_id_{new}"), ["build_id", new])
    with op.batch_alter_table("render_cache") as batch:
        batch.alter_column(old, new_column_name=new, existing_type=NAME, existing_nullable=False)
