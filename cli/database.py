"""What the administration commands need of the database: that it is there, and its name.

`udkast token …` works on the service's data, so it must find the database the service
uses; creating an empty one in the current folder would print a token that works
nowhere. Only `udkast migrate` and `udkast serve` create a database.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, create_engine, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from core.errors import UdkastError
from settings import Settings
from store.db import alembic_config, migrate, sqlite_file

MASK = "***"
POINT = (
    "set UDKAST_VAR_DIR to the folder that holds the service's udkast.db, or DATABASE_URL "
    "to the service's database"
)


class DatabaseNotReady(UdkastError):
    """The database a command needs is missing, unreachable or not migrated."""


def shown_url(url: str | URL) -> str:
    """Return a database or broker URL fit to print: every password in it masked."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Not a URL SQLAlchemy can read: show only its scheme rather than risk a secret.
        return f"{str(url).partition(':')[0]}://(not shown)"
    if "password" in parsed.query:  # Redis socket URLs carry it as ?password=
        parsed = parsed.update_query_dict({"password": MASK})
    shown = parsed.render_as_string(hide_password=True)
    return shown.replace(quote(MASK, safe=""), MASK)


def require_migrated(settings: Settings, environ: Mapping[str, str] = os.environ) -> None:
    """Refuse unless the configured database exists with this udkast's schema; create nothing."""
    url = make_url(settings.database_url)
    file = sqlite_file(url)
    if file is not None and not file.is_file():
        raise DatabaseNotReady(
            f"no udkast database at {file}\n"
            f"  ({_why_there(environ)}).\n"
            f"  To reach the service's data, {POINT}; `udkast migrate` would create a new, "
            "empty database there."
        )
    where = str(file) if file is not None else shown_url(url)
    try:
        revisions = _revisions(_never_creating(url, file))
    except DBAPIError as exc:
        raise DatabaseNotReady(
            f"cannot open the database {where}: {_reason(exc)}\n"
            f"  Check that it runs and lets you in, or {POINT}."
        ) from None
    expected = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    if not revisions:
        raise DatabaseNotReady(
            f"{where} has no udkast schema (it was never migrated).\n"
            f"  Run `udkast migrate` to create the schema there, or {POINT}."
        )
    if revisions != expected:
        raise DatabaseNotReady(
            f"{where} has schema revision {', '.join(sorted(revisions))}; this udkast needs "
            f"{', '.join(sorted(expected))}.\n  Run `udkast migrate` to upgrade it."
        )


def create_or_upgrade(settings: Settings) -> None:
    """Bring the configured database to this udkast's schema, creating it if it is missing."""
    url = make_url(settings.database_url)
    file = sqlite_file(url)
    where = str(file) if file is not None else shown_url(url)
    try:
        migrate(url)
    except DBAPIError as exc:
        raise DatabaseNotReady(
            f"cannot open the database {where}: {_reason(exc)}\n"
            "  Check that it runs, that DATABASE_URL names it, and that it lets you in."
        ) from None
    except OSError as exc:  # the SQLite file's folder could not be made
        raise DatabaseNotReady(f"cannot create the database {where}: {exc.strerror}") from None


def _reason(exc: DBAPIError) -> str:
    """Return the first line of what the driver said, without SQLAlchemy's additions."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__


def _never_creating(url: URL, file: Path | None) -> URL:
    """Return the URL to check with; for SQLite one that fails where a file would be made."""
    if file is None:
        return url
    # mode=rw opens an existing file for reading and writing and never creates one, so a
    # file deleted since the check above is not made again, empty.
    return URL.create(
        "sqlite", database=f"file:{quote(str(file))}", query={"mode": "rw", "uri": "true"}
    )


def _revisions(url: URL) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _versions_in(connection)
    finally:
        engine.dispose()


def _versions_in(connection: Connection) -> set[str]:
    if not inspect(connection).has_table("alembic_version"):
        return set()
    rows = connection.execute(text("SELECT version_num FROM alembic_version"))
    return {str(row[0]) for row in rows}


def _why_there(environ: Mapping[str, str]) -> str:
    if environ.get("DATABASE_URL"):
        return "the file DATABASE_URL names"
    if environ.get("UDKAST_VAR_DIR"):
        return f"UDKAST_VAR_DIR is {environ['UDKAST_VAR_DIR']}"
    return "neither UDKAST_VAR_DIR nor DATABASE_URL is set, so udkast looks in ./var"
