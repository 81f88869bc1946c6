"""Engines, sessions, write transactions and migrations: the plumbing under the use cases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from store.base import Base

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # package data of store
# How long a SQLite writer waits for another writer's lock before "database is locked".
BUSY_TIMEOUT_MS = 15_000
# Execution option naming the SQLite BEGIN mode of a connection's next transaction.
SQLITE_BEGIN = "udkast_sqlite_begin"
_BEGIN_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


def make_engine(url: str | URL, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """Create an engine: SQLite with WAL, busy timeout and foreign keys; PostgreSQL pre-pinged."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "sqlite":
        # Pre-ping replaces connections a database restart killed, so the first request
        # after an outage succeeds instead of failing on a dead socket.
        kwargs.setdefault("pool_pre_ping", True)
        if sa_url.get_backend_name() == "postgresql":
            kwargs.setdefault("connect_args", {"connect_timeout": 10})
        return create_engine(sa_url, **kwargs)

    path = sqlite_file(sa_url)
    if path is not None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = create_engine(sa_url, **kwargs)

    @event.listens_for(engine, "do_connect")
    def _owner_only(*_args: Any) -> None:
        # SQLite would create a new database world-readable (the umask's default), and it
        # gives the -wal and -shm files the database file's mode: create it owner-only.
        if path is not None:
            with suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, which would begin
        # transactions lazily and never transactionally for DDL; `_begin` emits BEGIN.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def sqlite_file(url: str | URL) -> Path | None:
    """Return the file of a SQLite URL, or None for another database, in memory or URI-named."""
    url = make_url(url)
    name = url.database
    if url.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    if url.query.get("uri") or name.startswith("file:"):
        return None
    return Path(name).absolute()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory the service and workers use."""
    # Objects stay readable after the use case commits (the web layer renders them then).
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """Run the block in one write transaction: commit at the end, roll back on error.

    On SQLite the transaction is BEGIN IMMEDIATE: it takes the write lock up front, so
    a read-then-write use case waits its turn instead of failing to upgrade its lock.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("the session has unsaved changes; a use case commits its own work")
    if session.in_transaction():
        session.commit()  # ends a read-only transaction; nothing is pending
    session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def insert_ignore(session: Session, model: type[Base], values: dict[str, Any]) -> None:
    """Insert a row unless its primary or unique key exists already (ON CONFLICT DO NOTHING)."""
    table = Base.metadata.tables[model.__tablename__]
    name = session.get_bind().dialect.name
    if name == "postgresql":
        session.execute(pg_insert(table).values(**values).on_conflict_do_nothing())
    elif name == "sqlite":
        session.execute(sqlite_insert(table).values(**values).on_conflict_do_nothing())
    else:
        raise NotImplementedError(f"udkast supports SQLite and PostgreSQL, not {name}")


def alembic_config(url: str | URL) -> Config:
    """Return an Alembic configuration for this database (no logging setup, no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Passed as an attribute, not an ini option: ConfigParser would read "%" in a
    # URL-encoded password as interpolation.
    config.attributes["url"] = make_url(url)
    return config


def migrate(url: str | URL, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (alembic upgrade)."""
    command.upgrade(alembic_config(url), revision)
