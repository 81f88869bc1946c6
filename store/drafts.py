"""Drafts: submit a strategy as the next version of its slug, and read the history back."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import budget, content
from core.outputs import (
    DOCX,
    comparison_outputs,
    draft_outputs_for,
    hearing_outputs,
    output_lane,
)
from store.artifacts import store_artifact
from store.db import insert_ignore, writing
from store.errors import OutdatedBase
from store.models import ACTIVE_STATES, Build, BuildOutput, Draft, Strategy
from store.records import BuildRecord, DraftRecord, build_record, draft_record
from store.tokens import Actor

# A unique-key race (two first drafts of a new slug on SQLite, say) rolls back and
# retries; the row lock makes a second loser practically impossible.
_ATTEMPTS = 5


@dataclass(frozen=True)
class SubmitResult:
    """What `submit_draft` did: the draft and build, and whether they are new."""

    draft: DraftRecord
    build: BuildRecord
    created: bool  # a new version of the strategy was stored
    new_build: bool  # the build is new and must be queued (a new version, or a retry)
    # The poster's builds still queued or running before this one (broker.priority_of).
    backlog: int = 0


def canonical_json(data: Any) -> str:
    """Return data as canonical JSON: sorted keys, no insignificant whitespace."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(text: str) -> str:
    """Return the hex SHA-256 of a canonical JSON text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submit_draft(
    session: Session,
    strategy: content.Strategy,
    theme: str,
    outputs: tuple[str, ...] | None = None,
    *,
    posted_by: Actor | None = None,
    base_version: int | None = None,
    source: bytes | None = None,
) -> SubmitResult:
    """Store the strategy as its slug's next version with a queued build, and commit.

    The build has the draft's `outputs` (default: every draft output core.outputs
    registers but the archival PDF, which a build asks for), the høringsnotat's when the
    draft has consultation inputs, and, from version 2 on, every comparison output.
    `posted_by` is recorded on a new version (the service always passes it; the CLI's
    local renders and older callers store none).

    Content identical to the slug's latest draft adds no version: the latest draft comes
    back with `created=False`, with its latest build unless that build failed or used
    another theme. Then a fresh build of the same draft is added (`new_build=True`),
    so posting the same content again retries a failed build.

    `base_version` is the version the change was made from (0: a new strategy). If the
    slug's latest version is another one and its content differs, nothing is stored and
    OutdatedBase names the latest: a newer save never silently loses to an older one.

    `source` is the Word file the content was read from: a new version keeps it (as an
    artifact) for the history to hand back; content that adds no version does not.
    """
    data = strategy.to_data()
    text = canonical_json(data)
    digest = content_hash(text)
    lane = budget.lane(data)
    # Read at each call, not at import: the registry is what it is now.
    wanted = draft_outputs_for("standard") if outputs is None else outputs
    wanted = (*wanted, *(o for o in hearing_outputs(strategy) if o not in wanted))
    for attempt in range(_ATTEMPTS):
        try:
            with writing(session):
                result = _submit(
                    session,
                    strategy,
                    theme,
                    wanted,
                    (text, digest),
                    posted_by,
                    lane,
                    data,
                    base_version,
                    source,
                )
                if result.new_build and posted_by is not None:
                    backlog = _backlog(session, posted_by) - 1  # not this one
                    result = dataclasses.replace(result, backlog=backlog)
                return result
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _submit(
    session: Session,
    strategy: content.Strategy,
    theme: str,
    outputs: tuple[str, ...],
    canonical: tuple[str, str],
    posted_by: Actor | None,
    lane: str,
    data: dict[str, Any],
    base_version: int | None,
    source: bytes | None,
) -> SubmitResult:
    text, digest = canonical
    doc = strategy.document
    insert_ignore(session, Strategy, {"slug": doc.slug, "latest_version": 0})
    # The row lock serialises submissions per slug on PostgreSQL (SQLite's BEGIN
    # IMMEDIATE already serialises all writers); populate_existing reads the counter
    # as it is after the lock, not as an earlier query in this session saw it.
    row = session.scalars(
        select(Strategy)
        .where(Strategy.slug == doc.slug)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    latest = _draft_at(session, row.id, row.latest_version)
    if (
        base_version is not None
        and row.latest_version != base_version
        and (latest is None or latest.content_hash != digest)
    ):
        base = _draft_at(session, row.id, base_version)
        raise OutdatedBase(
            doc.slug,
            base_version,
            draft_record(base) if base else None,
            draft_record(latest) if latest else None,
        )
    if latest is not None and latest.content_hash == digest:
        last = latest_build(session, latest.id)
        if last is not None and last.state != "failed" and last.theme == theme:
            return SubmitResult(draft_record(latest), last, created=False, new_build=False)
        # Same content, but nothing good to show for it: build the same draft again.
        predecessor = _draft_at(session, row.id, latest.version - 1)
        build = _add_build(session, latest, predecessor, theme, outputs, lane, data)
        return SubmitResult(
            draft_record(latest), build_record(build), created=False, new_build=True
        )
    draft = Draft(
        strategy_id=row.id,
        version=row.latest_version + 1,
        content=text,
        content_hash=digest,
        label=doc.draft_label,
        date=doc.date,
        status=doc.status,
        language=doc.language,
        title=doc.title,
        posted_by_token_id=posted_by.token_id if posted_by else None,
        posted_by_name=posted_by.token_name if posted_by else None,
        posted_by_user_id=posted_by.user_id if posted_by else None,
        source_hash=store_artifact(session, source, DOCX) if source is not None else None,
    )
    row.latest_version = draft.version
    session.add(draft)
    session.flush()
    build = _add_build(session, draft, latest, theme, outputs, lane, data)
    return SubmitResult(draft_record(draft), build_record(build), created=True, new_build=True)


def _backlog(session: Session, actor: Actor) -> int:
    """Return how many builds of drafts this token (or user, in a browser) posted are active."""
    poster = (
        Draft.posted_by_token_id == actor.token_id
        if actor.token_id is not None
        else Draft.posted_by_user_id == actor.user_id
    )
    query = (
        select(func.count())
        .select_from(Build)
        .join(Build.draft)
        .where(poster, Build.state.in_(ACTIVE_STATES))
    )
    return int(session.scalar(query) or 0)


def _add_build(
    session: Session,
    draft: Draft,
    predecessor: Draft | None,
    theme: str,
    outputs: tuple[str, ...],
    lane: str,
    data: dict[str, Any],
) -> Build:
    """Add a build of `draft` (whose content is `data`) in `lane`."""
    changes = budget.STANDARD
    if predecessor is not None:
        outputs = (*outputs, *(o for o in comparison_outputs() if o not in outputs))
        changes = budget.changes_lane(json.loads(predecessor.content), data)
    build = Build(
        draft_id=draft.id,
        predecessor_draft_id=predecessor.id if predecessor else None,
        theme=theme,
        lane=lane,
        outputs=[
            BuildOutput(output=output, lane=output_lane(output, lane, changes))
            for output in outputs
        ],
    )
    session.add(build)
    session.flush()
    return build


def _draft_at(session: Session, strategy_id: int, version: int) -> Draft | None:
    query = select(Draft).where(Draft.strategy_id == strategy_id, Draft.version == version)
    return session.scalars(query).one_or_none()


def latest_build(session: Session, draft_id: int) -> BuildRecord | None:
    """Return the draft's most recent build, if any."""
    query = select(Build).where(Build.draft_id == draft_id).order_by(Build.created_at.desc())
    build = session.scalars(query.limit(1)).first()
    return build_record(build) if build is not None else None


def get_build(session: Session, build_id: str) -> BuildRecord | None:
    """Return the build with this id, if it exists."""
    build = session.get(Build, build_id)
    return build_record(build) if build is not None else None


def get_draft(session: Session, slug: str, version: int) -> DraftRecord | None:
    """Return version `version` of the strategy `slug`, if it exists."""
    query = select(Draft).join(Draft.strategy).where(Strategy.slug == slug)
    draft = session.scalars(query.where(Draft.version == version)).one_or_none()
    return draft_record(draft) if draft is not None else None


def draft_by_id(session: Session, draft_id: int) -> DraftRecord | None:
    """Return the draft with this id (a build's draft or predecessor), if it exists."""
    draft = session.get(Draft, draft_id)
    return draft_record(draft) if draft is not None else None


def latest_draft(session: Session, slug: str) -> DraftRecord | None:
    """Return the newest draft of the strategy `slug`, if it exists."""
    query = select(Draft).join(Draft.strategy).where(Strategy.slug == slug)
    draft = session.scalars(query.where(Draft.version == Strategy.latest_version)).one_or_none()
    return draft_record(draft) if draft is not None else None


def previous_draft(session: Session, draft: DraftRecord) -> DraftRecord | None:
    """Return the version before `draft` (versions have no gaps), or None for version 1."""
    return get_draft(session, draft.slug, draft.version - 1) if draft.version > 1 else None


def draft_content(draft: DraftRecord) -> content.Strategy:
    """Return the stored content of a draft as a validated Strategy."""
    return content.validate(json.loads(draft.content))
