"""Refused sign-ins, counted in the database so every web process shares one count.

Only failures count, per address and per account, within SIGN_IN_WINDOW. The database
rather than Redis: the service runs without Redis too, and then each web process would
count for itself (two processes let through twice the limit).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from store.base import utcnow
from store.db import writing
from store.models import SignInFailure

SIGN_IN_WINDOW = dt.timedelta(minutes=1)
ADDRESS_LENGTH = 64  # the column's width; an IPv6 address takes at most 45


def sign_in_refused(
    session: Session,
    address: str,
    account: str | None,
    limit: int,
    now: dt.datetime | None = None,
) -> bool:
    """Say whether the address or the account has used up its failures in the window."""
    since = (now or utcnow()) - SIGN_IN_WINDOW
    return _failures(
        session, SignInFailure.address == address[:ADDRESS_LENGTH], since
    ) >= limit or (
        account is not None and _failures(session, SignInFailure.account == account, since) >= limit
    )


def note_sign_in_failure(
    session: Session, address: str, account: str | None, now: dt.datetime | None = None
) -> None:
    """Count one refused sign-in, and forget the ones that have left the window."""
    now = now or utcnow()
    with writing(session):
        # The table holds at most one window of failures, and the caller notes a failure
        # only while the address is under its limit, so it stays small.
        session.execute(
            delete(SignInFailure).where(SignInFailure.created_at <= now - SIGN_IN_WINDOW)
        )
        session.add(
            SignInFailure(address=address[:ADDRESS_LENGTH], account=account, created_at=now)
        )


def _failures(session: Session, where: ColumnElement[bool], since: dt.datetime) -> int:
    query = select(func.count()).select_from(SignInFailure).where(where)
    return int(session.scalar(query.where(SignInFailure.created_at > since)) or 0)
