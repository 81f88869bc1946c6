"""Whether the token a web session was signed in with still holds, looked up by its hash."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.models import ApiToken
from core.store.tokens import TokenCheck


def session_token_state(session: Session, token_hash: str) -> TokenCheck:
    """Say whether the token with this stored hash is still valid; reads only."""
    # One lookup on the unique hash index; unlike check_token it writes nothing, since
    # it runs on every page a person opens.
    query = select(ApiToken.revoked_at).where(ApiToken.token_hash == token_hash)
    found = session.execute(query).one_or_none()
    if found is None:
        return "unknown"
    return "ok" if found.revoked_at is None else "revoked"
