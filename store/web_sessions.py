"""Web sessions kept in the database, so signing out (or deactivating a user) ends them at once.

The browser's cookie holds only a random session id; the table keeps its SHA-256, who
signed in, and when the session ends: after IDLE_TIMEOUT without a page, or
ABSOLUTE_LIFETIME after signing in however busy, or when it is revoked: signed out,
the user's password changed (the other sessions) or the user deactivated
(store.users ends them in the same transaction). Sessions opened with an API token
before personal accounts also end when that token is revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from store.base import utcnow
from store.db import writing
from store.models import ApiToken, User, WebSession
from store.tokens import Actor

log = logging.getLogger(__name__)

# A browser left alone this long is signed out.
IDLE_TIMEOUT = dt.timedelta(hours=2)
# A session ends this long after signing in, however busy it has been.
ABSOLUTE_LIFETIME = dt.timedelta(hours=12)
# last_seen_at is written at most this often, so pages rarely take the write lock; the
# idle timeout is therefore exact to within this.
SEEN_RESOLUTION = dt.timedelta(minutes=1)
# Sessions one user may hold (live or revoked, until they are cleared away); signing in
# beyond this ends the oldest. It bounds the table: a user can sign in in a loop.
MAX_SESSIONS_PER_USER = 100


@dataclass(frozen=True)
class ActiveSession:
    """A signed-in browser's session, as the pages need it."""

    actor: Actor
    email: str | None
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime  # the absolute end; the idle timeout may come first


def session_id_hash(session_id: str) -> str:
    """Return the stored form of a session id."""
    # A plain hash is enough: the id is 256 random bits. Kept hashed so a copy of the
    # database does not sign anyone in.
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(session: Session, user_id: int, now: dt.datetime | None = None) -> str:
    """Sign a user in: store a new session and return its id for the cookie."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    with writing(session):
        _clear_away(session, user_id, now)
        session.add(
            WebSession(
                sid_hash=session_id_hash(session_id),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + ABSOLUTE_LIFETIME,
            )
        )
    return session_id


def end_user_sessions(
    session: Session, user_id: int, now: dt.datetime, keep: str | None = None
) -> None:
    """Revoke a user's live sessions, but for the one with id `keep`; call inside `writing`."""
    ended = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    if keep is not None:
        ended = ended.where(WebSession.sid_hash != session_id_hash(keep))
    session.execute(ended.values(revoked_at=now))


def _clear_away(session: Session, user_id: int, now: dt.datetime) -> None:
    """Delete sessions that can never hold again, and this user's oldest beyond the cap."""
    dead = or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - IDLE_TIMEOUT)
    session.execute(delete(WebSession).where(dead))
    keep = MAX_SESSIONS_PER_USER - 1  # room for the one being opened
    oldest = (
        select(WebSession.id)
        .where(WebSession.user_id == user_id)
        .order_by(WebSession.created_at.desc(), WebSession.id.desc())
        .offset(keep)
    )
    surplus = list(session.scalars(oldest))
    if surplus:
        session.execute(delete(WebSession).where(WebSession.id.in_(surplus)))


def current_session(
    session: Session, session_id: str, now: dt.datetime | None = None
) -> ActiveSession | None:
    """Return the live session with this id (noting that it was seen), or None."""
    now = now or utcnow()
    query = (
        select(WebSession, User, ApiToken.revoked_at)
        .join(User, User.id == WebSession.user_id)
        .outerjoin(ApiToken, ApiToken.id == WebSession.token_id)
        .where(WebSession.sid_hash == session_id_hash(session_id))
    )
    found = session.execute(query).one_or_none()
    if found is None:
        return None
    row, user, token_revoked_at = found
    if (
        row.revoked_at is not None
        or token_revoked_at is not None
        or not user.active
        or now >= row.expires_at
        or now >= row.last_seen_at + IDLE_TIMEOUT
    ):
        return None
    seen = row.last_seen_at
    if now - seen >= SEEN_RESOLUTION:
        try:
            with writing(session):
                stamp = update(WebSession).where(WebSession.id == row.id)
                session.execute(stamp.values(last_seen_at=now))
            seen = now
        except OperationalError:  # only a note of use: a full disk must not refuse a page
            log.warning("could not note that session %d was seen", row.id, exc_info=True)
    return ActiveSession(
        actor=Actor(user.id, user.name, user.role),
        email=user.email,
        created_at=row.created_at,
        last_seen_at=seen,
        expires_at=row.expires_at,
    )


def end_session(session: Session, session_id: str, now: dt.datetime | None = None) -> bool:
    """Revoke the session with this id (signing out); False if it had ended already."""
    with writing(session):
        ended = (
            update(WebSession)
            .where(
                WebSession.sid_hash == session_id_hash(session_id),
                WebSession.revoked_at.is_(None),
            )
            .values(revoked_at=now or utcnow())
        )
        return bool(session.execute(ended).rowcount)  # type: ignore[attr-defined]
