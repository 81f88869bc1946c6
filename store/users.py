"""Users: created by an admin, set their own password by a one-time link, sign in with it.

Passwords are kept only as argon2id hashes (argon2-cffi). Checking a password costs
the same for an unknown email, a service user and a wrong password, so the answer's
timing does not say which emails have accounts. Deactivating a user or changing a
password ends sessions in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import MalformedInput
from store.base import utcnow
from store.db import writing
from store.errors import NameTaken, NotFound
from store.models import ApiToken, PasswordLink, User
from store.records import ROLES, UserRecord, user_record
from store.web_sessions import end_user_sessions

# How long a set-password link works; it works once.
LINK_LIFETIME = dt.timedelta(days=7)
# Passwords: long enough to resist guessing, and bounded so hashing one costs a known
# amount (argon2 reads all of it). No other rules: length is what makes them strong.
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_EMAIL = 254  # the longest address SMTP carries
MAX_NAME = 100

PasswordCheck = Literal["ok", "wrong", "inactive"]


class AccountRefused(MalformedInput):
    """An email, name, role or password the store does not accept (HTTP 400)."""


class LastAdmin(MalformedInput):
    """The change would leave no active admin to manage users (HTTP 400)."""


@dataclass(frozen=True)
class SignInCheck:
    """The verdict on an email and password, and whose they are when they hold."""

    verdict: PasswordCheck
    user: UserRecord | None = None


@functools.cache
def _hasher() -> PasswordHasher:
    # argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 60 ms
    # a check. argon2-cffi's default (64 MiB, 4 lanes) takes ten times as long on a small
    # server, where each web thread checking a password would hold a core and 64 MiB.
    # Hashes made with other parameters are rehashed at their next sign-in.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _decoy_hash() -> str:
    """Return a hash to check passwords against when no account would be checked."""
    return _hasher().hash(secrets.token_urlsafe(16))


def normal_email(email: str) -> str:
    """Return an email as stored: without surrounding space, lower-cased."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """Say what is wrong with an email address ("missing", "too-long", "invalid"), or None."""
    email = normal_email(email)
    if not email:
        return "missing"
    if len(email) > MAX_EMAIL:
        return "too-long"
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in email):
        return "invalid"
    return None


def password_problem(password: str) -> str | None:
    """Say what is wrong with a new password ("too-short", "too-long"), or None."""
    if len(password) < MIN_PASSWORD:
        return "too-short"
    if len(password) > MAX_PASSWORD:
        return "too-long"
    return None


def create_user(session: Session, email: str, name: str, role: str) -> UserRecord:
    """Create a user without a password (they set one by a link); NameTaken if the email is."""
    email = normal_email(email)
    name = name.strip()
    if email_problem(email) is not None:
        raise AccountRefused(f"not an email address: {email!r}")
    if not name or len(name) > MAX_NAME:
        raise AccountRefused(f"a name has 1 to {MAX_NAME} characters")
    if role not in ROLES:
        raise AccountRefused(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    try:
        with writing(session):
            user = User(email=email, name=name, role=role, active=True, service=False)
            session.add(user)
            session.flush()
            return user_record(user)
    except IntegrityError:
        raise NameTaken(f"a user with the email {email!r} exists already") from None


def list_users(session: Session) -> list[UserRecord]:
    """Return every user: people by name, then service users by name."""
    query = select(User).order_by(User.service, func.lower(User.name), User.id)
    return [user_record(u) for u in session.scalars(query)]


def get_user(session: Session, user_id: int) -> UserRecord | None:
    """Return the user with this id, or None."""
    user = session.get(User, user_id)
    return user_record(user) if user is not None else None


def user_by_email(session: Session, email: str) -> UserRecord | None:
    """Return the user with this email (in any case), or None."""
    query = select(User).where(User.email == normal_email(email))
    user = session.scalars(query).one_or_none()
    return user_record(user) if user is not None else None


def has_active_admin(session: Session) -> bool:
    """Say whether some active person is an admin."""
    query = select(User.id).where(User.role == "admin", User.active.is_(True)).limit(1)
    return session.scalars(query).first() is not None


def create_password_link(session: Session, user_id: int, now: dt.datetime | None = None) -> str:
    """Return the secret of a new set-password link for the user; earlier unused ones end."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    with writing(session):
        user = session.get(User, user_id)
        if user is None or user.service:
            raise NotFound(f"no person with id {user_id}")
        session.execute(
            delete(PasswordLink).where(
                PasswordLink.user_id == user_id, PasswordLink.used_at.is_(None)
            )
        )
        session.add(
            PasswordLink(
                user_id=user_id,
                secret_hash=_link_hash(secret),
                created_at=now,
                expires_at=now + LINK_LIFETIME,
            )
        )
    return secret


def link_user(session: Session, secret: str, now: dt.datetime | None = None) -> UserRecord | None:
    """Return the active user a set-password link is for, if it is unused and unexpired."""
    found = _live_link(session, secret, now or utcnow())
    return user_record(found[1]) if found is not None else None


def set_password_by_link(
    session: Session, secret: str, password: str, now: dt.datetime | None = None
) -> UserRecord | None:
    """Set the password a link is for and use the link up; None if it no longer works."""
    _require_password(password)
    now = now or utcnow()
    hashed = _hasher().hash(password)  # outside the write lock: it takes a while
    with writing(session):
        found = _live_link(session, secret, now)
        if found is None:
            return None
        link, user = found
        link.used_at = now
        user.password_hash = hashed
        end_user_sessions(session, user.id, now)  # whoever knew the old password
        return user_record(user)


def check_password(session: Session, email: str, password: str) -> SignInCheck:
    """Check an email and password; the same work whether or not the account exists."""
    email = normal_email(email)
    user = session.scalars(select(User).where(User.email == email)).one_or_none() if email else None
    stored = user.password_hash if user is not None else None
    if user is None or stored is None or len(password) > MAX_PASSWORD:
        _matches(_decoy_hash(), password[:MAX_PASSWORD])
        return SignInCheck("wrong")
    if not _matches(stored, password):
        return SignInCheck("wrong")
    if not user.active:
        return SignInCheck("inactive")
    if _hasher().check_needs_rehash(stored):
        with writing(session):
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(password_hash=_hasher().hash(password))
            )
    return SignInCheck("ok", user_record(user))


def change_password(
    session: Session, user_id: int, current: str, new: str, keep_session: str | None = None
) -> bool:
    """Change a password if `current` is right, ending every session but `keep_session`."""
    _require_password(new)
    user = session.get(User, user_id)
    if user is None or user.password_hash is None or not _matches(user.password_hash, current):
        return False
    hashed = _hasher().hash(new)
    with writing(session):
        session.execute(update(User).where(User.id == user_id).values(password_hash=hashed))
        end_user_sessions(session, user_id, utcnow(), keep=keep_session)
    return True


def set_active(session: Session, user_id: int, active: bool) -> UserRecord:
    """Deactivate (ending its sessions; its tokens stop working) or reactivate a user."""
    with writing(session):
        user = _user(session, user_id)
        if not active and user.role == "admin" and user.active:
            _keep_an_admin(session, user_id)
        user.active = active
        if not active:
            end_user_sessions(session, user_id, utcnow())
        return user_record(user)


def set_role(session: Session, user_id: int, role: str) -> UserRecord:
    """Give a user another role; its sessions and tokens act with it from the next request."""
    if role not in ROLES:
        raise AccountRefused(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with writing(session):
        user = _user(session, user_id)
        if user.role == "admin" and role != "admin" and user.active:
            _keep_an_admin(session, user_id)
        user.role = role
        return user_record(user)


def user_tokens(session: Session, user_id: int) -> list[str]:
    """Return the names of a user's tokens that are not revoked."""
    query = select(ApiToken.name).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    return list(session.scalars(query.order_by(ApiToken.name)))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    return user


def _keep_an_admin(session: Session, leaving: int) -> None:
    """Refuse a change that would leave no other active admin."""
    others = select(func.count()).where(
        User.role == "admin", User.active.is_(True), User.id != leaving
    )
    if not session.scalar(others):
        raise LastAdmin("this is the only active admin: make another user admin first")


def _live_link(session: Session, secret: str, now: dt.datetime) -> tuple[PasswordLink, User] | None:
    query = (
        select(PasswordLink, User)
        .join(User, User.id == PasswordLink.user_id)
        .where(PasswordLink.secret_hash == _link_hash(secret))
    )
    found = session.execute(query).one_or_none()
    if found is None:
        return None
    link, user = found
    if link.used_at is not None or now >= link.expires_at or not user.active:
        return None
    return link, user


def _link_hash(secret: str) -> str:
    # A plain hash is enough: the secret is 256 random bits.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _require_password(password: str) -> None:
    problem = password_problem(password)
    if problem is not None:
        raise AccountRefused(
            f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters ({problem})"
        )


def _matches(stored: str, password: str) -> bool:
    try:
        return bool(_hasher().verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
