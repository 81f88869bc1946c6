"""API tokens of users: created once, shown once, stored only as a SHA-256 of the secret.

A token acts with its user's role, and only while that user is active.
"""

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
from store.models import ApiToken, User, WebSession
from store.records import role_allows

log = logging.getLogger(__name__)

PREFIX = "udk_"  # makes a leaked token recognisable to secret scanners and people
# last_used_at is written at most this often, so API calls rarely take the write lock.
USE_RESOLUTION = dt.timedelta(minutes=1)

# "inactive": the token is valid, but its user has been deactivated.
TokenCheck = Literal["ok", "unknown", "revoked", "inactive"]


@dataclass(frozen=True)
class Actor:
    """Who does something: the user, and the API token when it came through the API."""

    user_id: int
    user_name: str
    role: str
    token_id: int | None = None
    token_name: str | None = None

    def may(self, needed: str) -> bool:
        """Say whether this actor's role may do what `needed` may."""
        return role_allows(self.role, needed)


@dataclass(frozen=True)
class TokenSummary:
    """A token as `udkast token list` and the admin page show it: never its secret."""

    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    user_name: str = ""
    user_email: str | None = None
    user_role: str = "editor"
    user_active: bool = True


@dataclass(frozen=True)
class TokenAuth:
    """The verdict on a presented token, and whose it is when it holds."""

    verdict: TokenCheck
    actor: Actor | None = None


def token_hash(secret: str) -> str:
    """Return the stored form of a token secret."""
    # A plain hash is enough: the secret is 256 random bits, not a guessable password.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, user_id: int | None = None) -> str:
    """Create a token called `name` and return its secret; it cannot be shown again.

    The token belongs to user `user_id`, or by default to a service user called `name`
    (an editor, made for it unless one exists): what a pipeline needs to post drafts.
    """
    secret = PREFIX + secrets.token_urlsafe(32)
    try:
        with writing(session):
            owner = user_id if user_id is not None else _service_user(session, name)
            if session.get(User, owner) is None:
                raise NotFound(f"no user with id {owner}")
            session.add(ApiToken(name=name, token_hash=token_hash(secret), user_id=owner))
    except IntegrityError:
        raise NameTaken(f"a token called {name!r} exists already") from None
    return secret


def _service_user(session: Session, name: str) -> int:
    """Return the id of the service user called `name`, adding one (an editor) if none."""
    query = select(User.id).where(User.service.is_(True), User.name == name).order_by(User.id)
    found = session.scalars(query).first()
    if found is not None:
        return found
    user = User(name=name, role="editor", service=True, active=True)
    session.add(user)
    session.flush()
    return user.id


def authenticate_token(session: Session, secret: str) -> TokenAuth:
    """Say whether a presented secret is a valid token and whose; note when it was used."""
    query = (
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(secret))
    )
    found = session.execute(query).one_or_none()
    if found is None:
        return TokenAuth("unknown")
    token, user = found
    if token.revoked_at is not None:
        return TokenAuth("revoked")
    if not user.active:
        return TokenAuth("inactive")
    actor = Actor(user.id, user.name, user.role, token_id=token.id, token_name=token.name)
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
    """Return every token (names, dates and users; the secrets are not kept), by name."""
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    return [
        TokenSummary(
            t.name,
            t.created_at,
            t.last_used_at,
            t.revoked_at,
            user_name=u.name,
            user_email=u.email,
            user_role=u.role,
            user_active=u.active,
        )
        for t, u in session.execute(query.order_by(ApiToken.name))
    ]
