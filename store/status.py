"""Build status as plain data: what GET /api/v1/builds/<id> and the status page show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.outputs import in_listing_order
from store.models import Build, BuildOutput


@dataclass(frozen=True)
class OutputStatus:
    """The state and timings of one output of a build."""

    output: str
    state: str
    attempts: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds: float | None  # render time of the last attempt, once finished
    error: str | None
    artifact_hash: str | None
    media_type: str | None
    size: int | None


@dataclass(frozen=True)
class BuildStatus:
    """A build's state, timings and error, with one entry per output."""

    id: str
    slug: str
    version: int
    theme: str
    state: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds: float | None  # from queued to the end of the last output
    error: str | None
    outputs: dict[str, OutputStatus]  # in the registry's listing order (core.outputs)


def build_status(session: Session, build_id: str) -> BuildStatus | None:
    """Return the status of a build, or None if there is no such build."""
    # One statement for the build and its outputs: under READ COMMITTED a second query
    # (the relationship's own selectin load) could see an output a worker failed after
    # the build row was read, and report a build "running" whose outputs have all ended.
    query = select(Build).where(Build.id == build_id).options(joinedload(Build.outputs))
    build = session.scalars(query).unique().one_or_none()
    if build is None:
        return None
    rows = {o.output: o for o in build.outputs}
    # The registry's order (PDF, Word, then the comparisons), which the API and page keep.
    outputs = {name: _output_status(rows[name]) for name in in_listing_order(rows)}
    return BuildStatus(
        id=build.id,
        slug=build.draft.strategy.slug,
        version=build.draft.version,
        theme=build.theme,
        state=build.state,
        created_at=build.created_at,
        started_at=build.started_at,
        finished_at=build.finished_at,
        seconds=_seconds(build.created_at, build.finished_at),
        error=build.error,
        outputs=outputs,
    )


def _output_status(o: BuildOutput) -> OutputStatus:
    return OutputStatus(
        output=o.output,
        state=o.state,
        attempts=o.attempts,
        started_at=o.started_at,
        finished_at=o.finished_at,
        seconds=_seconds(o.started_at, o.finished_at),
        error=o.error,
        artifact_hash=o.artifact_hash,
        media_type=o.artifact.media_type if o.artifact else None,
        size=o.artifact.size if o.artifact else None,
    )


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round(max((end - start).total_seconds(), 0.0), 3)
