"""Migrations: the migrated schema equals the models, and the migration reverses cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core.store import db
from core.store.base import Base


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == "0001"


def test_sqlite_pragmas_are_set(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS


def test_the_migration_downgrades_and_upgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    db.migrate(url)
    engine = db.make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        command.downgrade(db.alembic_config(url), "base")
        assert inspect(engine).get_table_names() == ["alembic_version"]
        db.migrate(url)
        assert set(inspect(engine).get_table_names()) == tables
    finally:
        engine.dispose()
