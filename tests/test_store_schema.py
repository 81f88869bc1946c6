"""Migrations and connection settings, on SQLite and on PostgreSQL.

The migrated schema equals the models, the migrations reverse cleanly, and each database
gets the settings the store relies on. Every test asserts on both databases or says, as
a reported skip, why a check does not apply to one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, inspect, make_url
from sqlalchemy.pool import NullPool

from store import db
from store.base import Base
from tests.store_fixtures import postgres_database


def head_revision() -> str:
    """Return the newest migration's revision id."""
    head = ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == head_revision()


def test_each_database_gets_the_settings_the_store_relies_on(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # Readers never block the writer; references hold; a writer waits its turn.
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
        else:
            assert engine.dialect.name == "postgresql"
            # A database that does not answer is given up on, not waited for without end.
            parameters = conn.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
            assert parameters["connect_timeout"] == "10"
            # The next version number is taken under SELECT … FOR UPDATE, which waits for
            # the other writer and then sees its row only under READ COMMITTED.
            isolation = conn.exec_driver_sql("SHOW transaction_isolation").scalar()
            assert isolation == "read committed"
            # Danish text and any other Unicode is stored as written.
            assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
            assert conn.exec_driver_sql("SHOW client_encoding").scalar() == "UTF8"


def test_a_connection_the_server_killed_is_replaced_unnoticed(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite is a file: there is no server that could drop a pooled connection")
    with engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    # Another client ends every connection the pool holds, as a database restart would.
    killer = create_engine(engine.url, poolclass=NullPool)
    try:
        with killer.connect() as conn:
            ended = conn.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).scalar()
    finally:
        killer.dispose()
    assert ended
    # The pool checks a connection before handing it out: the first query just works.
    with engine.connect() as conn:
        after = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    assert after != before


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """The URL of a new, empty database of each kind (nothing migrated)."""
    if request.param == "sqlite":
        yield make_url(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    else:
        yield from postgres_database()


def test_the_migrations_downgrade_and_upgrade(empty_url: URL) -> None:
    db.migrate(empty_url)
    engine = db.make_engine(empty_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        command.downgrade(db.alembic_config(empty_url), "base")
        assert inspect(engine).get_table_names() == ["alembic_version"]
        db.migrate(empty_url)
        assert set(inspect(engine).get_table_names()) == tables
    finally:
        engine.dispose()


def test_migration_0005_renames_the_output_columns_both_ways(empty_url: URL) -> None:
    db.migrate(empty_url)
    engine = db.make_engine(empty_url)

    def named(column: str) -> None:
        schema = inspect(engine)
        assert column in [c["name"] for c in schema.get_columns("build_outputs")]
        unique = [u["column_names"] for u in schema.get_unique_constraints("build_outputs")]
        assert unique == [["build_id", column]]
        key = schema.get_pk_constraint("render_cache")["constrained_columns"]
        assert key == ["content_hash", "theme", column, "renderer_version"]

    try:
        named("output")
        command.downgrade(db.alembic_config(empty_url), "0004")
        named("format")
        db.migrate(empty_url)
        named("output")
    finally:
        engine.dispose()
