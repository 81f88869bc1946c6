"""Migration 0002 on a database with drafts: nothing stored before it is lost or changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import URL, Connection, make_url, text

from core.content import Strategy
from store import db, draft_content, get_draft, list_drafts, submit_draft
from store.base import utcnow
from store.drafts import canonical_json, content_hash
from tests.store_fixtures import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """An empty database of each kind, not migrated (the shared one is already at head)."""
    if request.param == "sqlite":
        yield make_url(f"sqlite:///{tmp_path / 'before-0002.db'}")
        return
    yield from postgres_database()


def test_drafts_stored_before_0002_keep_their_content_and_name_no_poster(empty_url, udkast1):
    db.migrate(empty_url, "0001")
    engine = db.make_engine(empty_url)
    try:
        with engine.begin() as conn:
            _insert_as_0001_did(conn, udkast1)

        db.migrate(empty_url)

        with db.make_session_factory(engine)() as session:
            [summary] = list_drafts(session, "socialstrategi")
            stored = get_draft(session, "socialstrategi", 1)
            assert stored is not None and draft_content(stored) == udkast1
            assert summary.posted_by is None and summary.content_hash == _hash(udkast1)
            assert submit_draft(session, udkast1, "default").created is False  # same content
        command.downgrade(db.alembic_config(empty_url), "0001")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version, content_hash FROM drafts")).all() == [
                (1, _hash(udkast1))
            ]
    finally:
        engine.dispose()


def _hash(strategy: Strategy) -> str:
    return content_hash(canonical_json(strategy.to_data()))


def _insert_as_0001_did(conn: Connection, strategy: Strategy) -> None:
    """Store a strategy and its first draft with the columns revision 0001 has."""
    doc = strategy.document
    now = utcnow()
    stamp = now.replace(tzinfo=None) if conn.dialect.name == "sqlite" else now
    conn.execute(
        text(
            "INSERT INTO strategies (id, slug, created_at, latest_version) "
            "VALUES (1, :slug, :at, 1)"
        ),
        {"slug": doc.slug, "at": stamp},
    )
    conn.execute(
        text(
            "INSERT INTO drafts (id, strategy_id, version, content, content_hash, label, date,"
            " status, language, title, created_at) VALUES (1, 1, 1, :content, :hash, :label,"
            " :date, :status, :language, :title, :at)"
        ),
        {
            "content": canonical_json(strategy.to_data()),
            "hash": _hash(strategy),
            "label": doc.draft_label,
            "date": doc.date,
            "status": doc.status,
            "language": doc.language,
            "title": doc.title,
            "at": stamp,
        },
    )
