"""Publishing: which strategies have a public page, and which of their versions it shows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.base import utcnow
from store.db import writing
from store.errors import NotFound
from store.models import Draft, Strategy
from store.records import DraftRecord, draft_record


def set_public(session: Session, slug: str, public: bool) -> None:
    """Give the strategy a public page and feed, or take them away; commit."""
    with writing(session):
        row = session.scalars(select(Strategy).where(Strategy.slug == slug)).one_or_none()
        if row is None:
            raise NotFound(f"no strategy {slug!r}")
        row.public = public


def is_public(session: Session, slug: str) -> bool:
    """Say whether the strategy has a public page (False for an unknown slug)."""
    return bool(session.scalar(select(Strategy.public).where(Strategy.slug == slug)))


def set_published(session: Session, slug: str, version: int, published: bool) -> DraftRecord:
    """Mark a version as published (shown on the public page) or internal again; commit.

    Marking a version published again keeps the time it was first published.
    """
    with writing(session):
        query = select(Draft).join(Draft.strategy).where(Strategy.slug == slug)
        row = session.scalars(query.where(Draft.version == version)).one_or_none()
        if row is None:
            raise NotFound(f"{slug!r} has no version {version}")
        if not published:
            row.published_at = None
        elif row.published_at is None:
            row.published_at = utcnow()
        session.flush()
        return draft_record(row)


def has_public_page(session: Session, slug: str) -> bool:
    """Say whether the strategy is public and has a published version (its page is up)."""
    query = (
        select(Draft.id)
        .join(Draft.strategy)
        .where(Strategy.slug == slug, Strategy.public, Draft.published_at.is_not(None))
        .limit(1)
    )
    return session.scalar(query) is not None


def published_drafts(session: Session, slug: str) -> list[DraftRecord]:
    """Return the published versions of a public strategy, oldest first (none if internal)."""
    query = (
        select(Draft)
        .join(Draft.strategy)
        .where(Strategy.slug == slug, Strategy.public, Draft.published_at.is_not(None))
        .order_by(Draft.version)
    )
    return [draft_record(row) for row in session.scalars(query)]
