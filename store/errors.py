"""Errors the store raises on purpose; the web layer maps them to HTTP statuses."""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import OperationalError

from core.errors import UdkastError
from store.records import DraftRecord

_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})
_PG_DISK_FULL = "53100"  # PostgreSQL's SQLSTATE disk_full


class NotFound(UdkastError):
    """The build, output or token named does not exist (HTTP 404)."""


class NameTaken(UdkastError):
    """A name that must be unique is in use already (HTTP 409)."""


class OutdatedBase(UdkastError):
    """A newer version was saved since the version a change was based on (HTTP 409)."""

    def __init__(
        self,
        slug: str,
        base_version: int,
        base: DraftRecord | None,
        latest: DraftRecord | None,
    ) -> None:
        self.slug = slug
        self.base_version = base_version
        self.base = base  # None for a new strategy (base_version 0) or an unknown version
        self.latest = latest
        newest = latest.version if latest is not None else 0
        super().__init__(
            f"{slug!r} is at version {newest}, not at base_version {base_version}, and the "
            "content differs from it: compare the versions, then post again with "
            f"base_version={newest} to save anyway"
        )


def storage_full(exc: BaseException) -> bool:
    """Return True if an error says the disk (the database's or another) has no room left."""
    # SQLite answers SQLITE_FULL when a write meets ENOSPC; PostgreSQL, SQLSTATE 53100.
    cause = exc.orig if isinstance(exc, OperationalError) else exc
    if isinstance(cause, OSError) and cause.errno in _NO_ROOM:
        return True
    if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    return getattr(cause, "sqlstate", None) == _PG_DISK_FULL
