"""Errors the store raises on purpose; the web layer maps them to HTTP statuses."""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import OperationalError

from core.errors import UdkastError

_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})
_PG_DISK_FULL = "53100"  # PostgreSQL's SQLSTATE disk_full


class NotFound(UdkastError):
    """The build, output or token named does not exist (HTTP 404)."""


class NameTaken(UdkastError):
    """A name that must be unique is in use already (HTTP 409)."""


def storage_full(exc: BaseException) -> bool:
    """Return True if an error says the disk (the database's or another) has no room left."""
    # SQLite answers SQLITE_FULL when a write meets ENOSPC; PostgreSQL, SQLSTATE 53100.
    cause = exc.orig if isinstance(exc, OperationalError) else exc
    if isinstance(cause, OSError) and cause.errno in _NO_ROOM:
        return True
    if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    return getattr(cause, "sqlstate", None) == _PG_DISK_FULL
