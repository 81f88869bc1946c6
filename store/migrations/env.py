"""Alembic environment: migrates the database named by the settings (or by `migrate(url)`)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import URL, make_url, text
from sqlalchemy.pool import NullPool

import store.models  # noqa: F401 - defines the tables on Base.metadata
from settings import load_settings
from store.base import Base
from store.db import SQLITE_BEGIN, make_engine

# Any number fixed for this application: the key of the PostgreSQL advisory lock that
# keeps a web process and a worker starting at once from migrating at the same time.
MIGRATION_LOCK_KEY = 0x75646B6173

config = context.config
if config.config_file_name is not None:  # run from the command line with alembic.ini
    fileConfig(config.config_file_name)


def _url() -> URL:
    given = config.attributes.get("url")
    return make_url(given) if given is not None else make_url(load_settings().database_url)


def run_offline() -> None:
    """Write the migration SQL to stdout instead of running it."""
    context.configure(
        url=_url(),
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations in one transaction."""
    # Foreign keys off on SQLite: a batch migration rebuilds tables that others reference.
    engine = make_engine(_url(), foreign_keys=False, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                # SQLite can roll DDL back too, now that pysqlite leaves BEGIN to us:
                # a migration that fails half-way then leaves no half-made schema.
                transactional_ddl=True,
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
