"""Which versions of a strategy repeat another's content or file names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.outputs import file_stems
from store.models import Draft, Strategy
from store.records import DraftRecord


def same_content_as(session: Session, draft: DraftRecord) -> int | None:
    """Return the earliest earlier version of `draft`'s strategy with the same content, or None."""
    query = (
        select(Draft.version)
        .join(Draft.strategy)
        .where(
            Strategy.slug == draft.slug,
            Draft.content_hash == draft.content_hash,
            Draft.version < draft.version,
        )
        .order_by(Draft.version)
        .limit(1)
    )
    return session.scalars(query).first()


def draft_file_stems(session: Session, slug: str) -> dict[int, str]:
    """Return every version's file name stem (core.outputs.file_stems: unique per version)."""
    query = (
        select(Draft.version, Draft.label)
        .join(Draft.strategy)
        .where(Strategy.slug == slug)
        .order_by(Draft.version)
    )
    pairs = [(version, label) for version, label in session.execute(query)]
    return file_stems(slug, pairs)
