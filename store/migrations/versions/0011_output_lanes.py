"""Output lanes: each output of a build has its own queue (core.outputs.output_lane).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

A heavy document's PDFs stay on the bulk lane while its other files render on the
standard one, and a comparison's PDF goes by the size of the change. Outputs stored
before this keep their build's lane, where they were sent. Checked by
tests/test_store_schema.py (migrated schema == models, on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add build_outputs.lane, each stored output taking its build's lane."""
    with op.batch_alter_table("build_outputs") as batch:
        batch.add_column(
            sa.Column("lane", sa.String(length=16), server_default="standard", nullable=False)
        )
    op.execute(
        "UPDATE build_outputs SET lane = "
        "(SELECT builds.lane FROM builds WHERE builds.id = build_outputs.build_id)"
    )


def downgrade() -> None:
    """Drop build_outputs.lane."""
    with op.batch_alter_table("build_outputs") as batch:
        batch.drop_column("lane")
