"""History: the list of strategies and each strategy's drafts with their build state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.outputs import in_listing_order
from store.models import Build, Draft, Strategy


@dataclass(frozen=True)
class DraftSummary:
    """One line of a strategy's history."""

    version: int
    label: str | None
    date: dt.date | None
    status: str
    language: str
    title: str
    created_at: dt.datetime
    content_hash: str
    build_id: str | None
    build_state: str | None
    # The name of the token that posted it, as it was then (None: posted before this
    # was recorded). Stays after the token is revoked.
    posted_by: str | None = None
    # The name of the user who saved it (None: saved before personal accounts).
    posted_by_user: str | None = None
    # The outputs of the latest build that finished, in the registry's listing order:
    # downloadable even when another output of the build failed (a failed comparison
    # must not hide the draft's files).
    done_outputs: tuple[str, ...] = ()
    # Whether the version was read from an uploaded Word file, kept for download.
    from_word: bool = False
    published_at: dt.datetime | None = None  # marked published (None: internal)


@dataclass(frozen=True)
class StrategySummary:
    """One strategy in the list of all strategies."""

    slug: str
    title: str
    latest_version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def list_strategies(session: Session) -> list[StrategySummary]:
    """Return every strategy with its latest title, ordered by slug."""
    query = (
        select(Strategy, Draft)
        .join(
            Draft, (Draft.strategy_id == Strategy.id) & (Draft.version == Strategy.latest_version)
        )
        .order_by(Strategy.slug)
    )
    return [
        StrategySummary(s.slug, d.title, s.latest_version, s.created_at, d.created_at)
        for s, d in session.execute(query).all()
    ]


def list_drafts(session: Session, slug: str) -> list[DraftSummary]:
    """Return the history of `slug`, newest version first, with each draft's latest build."""
    latest_build = (
        select(Build.id)
        .where(Build.draft_id == Draft.id)
        .order_by(Build.created_at.desc(), Build.id.desc())
        .limit(1)
        .correlate(Draft)
        .scalar_subquery()
    )
    # One statement: read apart, a draft posted in between could show without its build.
    query = (
        select(Draft, Build)
        .join(Draft.strategy)
        .outerjoin(Build, Build.id == latest_build)
        .where(Strategy.slug == slug)
        .order_by(Draft.version.desc())
        .options(joinedload(Build.outputs))
    )
    return [_summary(d, b) for d, b in session.execute(query).unique().all()]


def _summary(draft: Draft, build: Build | None) -> DraftSummary:
    return DraftSummary(
        version=draft.version,
        label=draft.label,
        date=draft.date,
        status=draft.status,
        language=draft.language,
        title=draft.title,
        created_at=draft.created_at,
        content_hash=draft.content_hash,
        build_id=build.id if build else None,
        build_state=build.state if build else None,
        posted_by=draft.posted_by_name,
        posted_by_user=draft.posted_by_user.name if draft.posted_by_user else None,
        done_outputs=_done_outputs(build),
        from_word=draft.source_hash is not None,
        published_at=draft.published_at,
    )


def _done_outputs(build: Build | None) -> tuple[str, ...]:
    return in_listing_order(o.output for o in build.outputs if o.state == "done") if build else ()
