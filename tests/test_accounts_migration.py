"""Migration 0006 on a database with tokens, sessions and drafts: pipelines keep working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import URL, make_url, text

from store import authenticate_token, current_session, db, list_drafts, submit_draft
from store.base import utcnow
from store.tokens import token_hash
from store.web_sessions import ABSOLUTE_LIFETIME, session_id_hash
from tests.store_fixtures import postgres_database

SECRET = "udk_made-before-accounts"  # noqa: S105 - a test token, on a throwaway database
SESSION_ID = "a-browser-signed-in-with-the-token"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """An empty database of each kind, not migrated (the shared one is already at head)."""
    if request.param == "sqlite":
        yield make_url(f"sqlite:///{tmp_path / 'before-0006.db'}")
        return
    yield from postgres_database()


def test_tokens_made_before_0006_keep_posting_as_editors_of_their_own_name(empty_url, udkast1):
    db.migrate(empty_url, "0005")
    engine = db.make_engine(empty_url)
    try:
        with engine.begin() as conn:
            _token_session_and_draft_as_0005_did(conn, udkast1)

        db.migrate(empty_url)

        with db.make_session_factory(engine)() as session:
            auth = authenticate_token(session, SECRET)
            assert auth.verdict == "ok" and auth.actor is not None
            assert (auth.actor.user_name, auth.actor.role) == ("ci", "editor")
            [old] = list_drafts(session, "socialstrategi")
            assert (old.posted_by, old.posted_by_user) == ("ci", "ci")
            browser = current_session(session, SESSION_ID)
            assert browser is not None and browser.actor.user_name == "ci"
            again = submit_draft(session, udkast1, "default", posted_by=auth.actor)
            assert again.created and again.draft.version == 2
            assert again.draft.posted_by_user == "ci"
        command.downgrade(db.alembic_config(empty_url), "0005")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, token_hash FROM api_tokens")).all()
            assert rows == [("ci", token_hash(SECRET))]
    finally:
        engine.dispose()


def _token_session_and_draft_as_0005_did(conn, strategy) -> None:
    """Store a token, a browser signed in with it, and a draft it posted (revision 0005)."""
    now = utcnow()
    stamp = now.replace(tzinfo=None) if conn.dialect.name == "sqlite" else now
    ends = stamp + ABSOLUTE_LIFETIME
    conn.execute(
        text("INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES (7, 'ci', :h, :at)"),
        {"h": token_hash(SECRET), "at": stamp},
    )
    conn.execute(
        text(
            "INSERT INTO web_sessions (sid_hash, token_id, created_at, last_seen_at, expires_at)"
            " VALUES (:sid, 7, :at, :at, :ends)"
        ),
        {"sid": session_id_hash(SESSION_ID), "at": stamp, "ends": ends},
    )
    conn.execute(
        text(
            "INSERT INTO strategies (id, slug, created_at, latest_version) VALUES (1, :s, :at, 1)"
        ),
        {"s": strategy.document.slug, "at": stamp},
    )
    conn.execute(
        text(
            "INSERT INTO drafts (id, strategy_id, version, content, content_hash, label, status,"
            " language, title, created_at, posted_by_token_id, posted_by_name) VALUES (1, 1, 1,"
            " '{}', :hash, 'Udkast 1', 'draft', 'da', 'T', :at, 7, 'ci')"
        ),
        {"hash": "0" * 64, "at": stamp},
    )
