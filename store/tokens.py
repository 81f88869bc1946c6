"""API tokens: created once, shown once, stored only as a SHA-256 of the secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from store.base import utcnow
from store.db import writing
from store.errors import NameTaken, NotFound
from store.models import ApiToken, WebSession

log = logging.getLogger(__name__)

PREFIX = "udk_"  # makes a leaked token recognisable to secret scanners and people
# last_used_at is written at most this often, so API calls rarely take the write lock.
USE_RESOLUTION = dt.timedelta(minutes=1)

TokenCheck = Literal["ok", "unknown", "revoked"]


@dataclass(frozen=True)
class Actor:
    """Who does something: the token presented (and, with personal accounts, the user)."""

    token_id: int
    token_name: str


@dataclass(frozen=True)
class TokenSummary:
    """A token as `udkast token list` shows it: its name and dates, never its secret."""

    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class TokenAuth:
    """The verdict on a presented token, and whose it is when it holds."""

    verdict: TokenCheck
    actor: Actor | None = None


def token_hash(secret: str) -> str:
    """Return the stored form of a token secret."""
    # A plain hash is enough: the secret is 256 random bits, not a guessable password.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str) -> str:
    """Create a token called `name` and return its secret; it cannot be shown again."""
    secret = PREFIX + secrets.token_urlsafe(32)
    try:
        with writing(session):
            session.add(ApiToken(name=name, token_hash=token_hash(secret)))
    except IntegrityError:
        raise NameTaken(f"a token called {name!r} exists already") from None
    return secret


def authenticate_token(session: Session, secret: str) -> TokenAuth:
    """Say whether a presented secret is a valid token and whose; note when it was used."""
    query = select(ApiToken).where(ApiToken.token_hash == token_hash(secret))
    token = session.scalars(query).one_or_none()
    if token is None:
        return TokenAuth("unknown")
    if token.revoked_at is not None:
        return TokenAuth("revoked")
    actor = Actor(token_id=token.id, token_name=token.name)
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        try:
            with writing(session):
                stamp = update(ApiToken).where(ApiToken.id == actor.token_id)
                session.execute(stamp.values(last_used_at=now))
        except OperationalError:  # only a note of use: a full disk must not refuse a read
            log.warning("could not note the use of token %s", actor.token_name, exc_info=True)
    return TokenAuth("ok", actor)


def check_token(session: Session, secret: str) -> TokenCheck:
    """Say whether a presented secret is a valid token, and note when it was used."""
    return authenticate_token(session, secret).verdict


def revoke_token(session: Session, name: str) -> bool:
    """Revoke the token called `name` and end its web sessions; False if revoked already.

    Raises NotFound if there is no such token.
    """
    with writing(session):
        token = session.scalars(select(ApiToken).where(ApiToken.name == name)).one_or_none()
        if token is None:
            raise NotFound(f"no token called {name!r}")
        if token.revoked_at is not None:
            return False
        now = utcnow()
        token.revoked_at = now
        # In the same transaction: no browser signed in with it outlives the token. (The
        # session check also reads the token's state, for tokens revoked before 0002.)
        ended = (
            update(WebSession)
            .where(WebSession.token_id == token.id, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        session.execute(ended)
        return True


def list_tokens(session: Session) -> list[TokenSummary]:
    """Return every token (names and dates; the secrets are not kept), by name."""
    return [
        TokenSummary(t.name, t.created_at, t.last_used_at, t.revoked_at)
        for t in session.scalars(select(ApiToken).order_by(ApiToken.name))
    ]
