"""Database fixtures: every store test runs on SQLite and on a private PostgreSQL database.

PostgreSQL comes from UDKAST_TEST_PG_ADMIN_URL (default: postgres on 127.0.0.1:5432).
When it cannot be reached its tests are skipped, unless CI is set: then they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import URL, Engine, create_engine, delete, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store import db
from store.base import Base
from tests import needs

PG_ADMIN_URL = os.environ.get(
    "UDKAST_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def postgres_database() -> Iterator[URL]:
    """Yield the URL of a new private PostgreSQL database, dropped afterwards."""
    admin = create_engine(
        PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        conn = admin.connect()
    except OperationalError as exc:
        admin.dispose()
        needs.unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.orig}")
    name = f"udkast_test_{secrets.token_hex(6)}"
    conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_ADMIN_URL).set(database=name)
    finally:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[URL]:
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        url = make_url(f"sqlite:///{tmp_path_factory.mktemp('db') / 'udkast.db'}")
        db.migrate(url)
        yield url
        return
    for url in postgres_database():
        db.migrate(url)
        yield url


@pytest.fixture(scope="session")
def engine(db_url: URL) -> Iterator[Engine]:
    engine = db.make_engine(db_url, pool_size=10, max_overflow=20)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory on a database emptied before the test."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))
    return db.make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session
