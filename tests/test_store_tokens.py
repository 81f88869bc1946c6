"""API tokens: shown once, stored hashed, checked and revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store import NameTaken, NotFound, check_token, create_token, list_tokens, revoke_token
from store.models import ApiToken
from store.tokens import token_hash


def test_a_token_is_stored_only_as_a_hash(session):
    secret = create_token(session, "ci")
    assert secret.startswith("udk_") and len(secret) > 40
    stored = session.scalars(select(ApiToken)).one()
    assert stored.name == "ci"
    assert stored.token_hash == token_hash(secret)
    assert secret not in (stored.token_hash, stored.name)
    assert create_token(session, "other") != secret


def test_check_accepts_known_tokens_and_notes_their_use(session):
    secret = create_token(session, "ci")
    assert check_token(session, secret) == "ok"
    assert check_token(session, secret) == "ok"
    assert list_tokens(session)[0].last_used_at is not None
    assert check_token(session, secret + "x") == "unknown"
    assert check_token(session, "") == "unknown"


def test_a_revoked_token_is_refused(session):
    secret = create_token(session, "ci")
    assert revoke_token(session, "ci")
    assert check_token(session, secret) == "revoked"
    assert not revoke_token(session, "ci")
    with pytest.raises(NotFound):
        revoke_token(session, "nobody")


def test_token_names_are_unique(session):
    create_token(session, "ci")
    with pytest.raises(NameTaken):
        create_token(session, "ci")
    assert [t.name for t in list_tokens(session)] == ["ci"]
