"""Build outputs' life: start, finish, fail, and the recovery step's view of lost work.

Every transition locks the build row first. Two outputs of one build then never
decide the build's state from each other's uncommitted values, which could otherwise
leave a build "running" after its last output finished.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.failures import failure
from store.artifacts import remember_render, store_artifact
from store.base import utcnow
from store.db import writing
from store.errors import NotFound
from store.models import ACTIVE_STATES, Build, BuildOutput

DEFAULT_MAX_ATTEMPTS = 3  # settings.Settings.build_attempts passes the configured cap


@dataclass(frozen=True)
class StaleOutput:
    """An output that is queued or running but has not changed for too long."""

    build_id: str
    output: str
    state: str
    attempts: int
    updated_at: dt.datetime
    lane: str = "standard"  # the output's lane: where to send it again


def start_output(
    session: Session,
    build_id: str,
    output: str,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    if_silent_since: dt.datetime | None = None,
) -> bool:
    """Mark the output running and count the attempt; False means do not render.

    False when the output is finished already (a redelivered message), or when it has
    used up its attempts: it is then marked failed, which ends a poison message's loop.
    With `if_silent_since` (the heartbeat a caller watched stay still), a running output
    is started again only if its heartbeat is still that one: else another worker beats
    for it or took it over, and False comes without counting an attempt.
    """
    with writing(session):
        build, outputs, row = _lock(session, build_id, output)
        if row.state not in ACTIVE_STATES:
            return False
        if (
            if_silent_since is not None
            and row.state == "running"
            and row.updated_at != if_silent_since
        ):
            return False
        now = utcnow()
        if row.attempts >= max_attempts:
            _fail(row, failure("gave_up", attempts=row.attempts), now)
        else:
            row.attempts += 1
            row.state, row.started_at, row.updated_at = "running", now, now
            row.error = None
        _settle(build, outputs, now)
        return row.state == "running"


def finish_output(
    session: Session,
    build_id: str,
    output: str,
    data: bytes,
    media_type: str,
    *,
    renderer_version: str | None = None,
    cache_key: str | None = None,
) -> None:
    """Store the rendered bytes and mark the output done, in one transaction.

    Idempotent: a redelivered task that renders again keeps the first result, so one
    artifact is stored and the links already handed out stay valid. With
    `renderer_version`, later builds of the same input and theme can reuse the file; the
    input is the draft's content hash unless `cache_key` names another (a comparison's
    input is two drafts).
    """
    with writing(session):
        build, outputs, row = _lock(session, build_id, output)
        if row.state == "done":
            return
        now = utcnow()
        digest = store_artifact(session, data, media_type)
        if renderer_version is not None:
            key = cache_key or build.draft.content_hash
            remember_render(session, key, build.theme, output, renderer_version, digest)
        # Done even if it had been marked failed meanwhile: a finished file beats an error.
        row.state, row.artifact_hash, row.error = "done", digest, None
        row.finished_at = row.updated_at = now
        _settle(build, outputs, now)


def fail_output(session: Session, build_id: str, output: str, message: str) -> None:
    """Mark the output failed with a message for people; a done output stays done."""
    with writing(session):
        build, outputs, row = _lock(session, build_id, output)
        if row.state == "done":
            return
        now = utcnow()
        _fail(row, message, now)
        _settle(build, outputs, now)


def beat_output(session: Session, build_id: str, output: str) -> bool:
    """Record that a running output's renderer is alive; False once it no longer runs."""
    # Only updated_at changes, never a state: no build row lock is needed, so the beat
    # never waits for (or holds up) the transitions of the build's other outputs.
    with writing(session):
        result = session.execute(
            update(BuildOutput)
            .where(
                BuildOutput.build_id == build_id,
                BuildOutput.output == output,
                BuildOutput.state == "running",
            )
            .values(updated_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))


def running_heartbeat(session: Session, build_id: str, output: str) -> dt.datetime | None:
    """Return when a running output's renderer last showed life; None unless it is running."""
    query = select(BuildOutput.updated_at).where(
        BuildOutput.build_id == build_id,
        BuildOutput.output == output,
        BuildOutput.state == "running",
    )
    return session.scalars(query).one_or_none()


def stale_outputs(session: Session, older_than: dt.timedelta) -> list[StaleOutput]:
    """Return queued or running outputs unchanged for `older_than`, oldest first.

    A running output's updated_at is its renderer's heartbeat (worker.jobs), so a running
    output is stale only when its renderer stopped beating, however long it renders.
    """
    cutoff = utcnow() - older_than
    query = (
        select(BuildOutput)
        .where(BuildOutput.state.in_(ACTIVE_STATES), BuildOutput.updated_at < cutoff)
        .order_by(BuildOutput.updated_at)
    )
    return [
        StaleOutput(o.build_id, o.output, o.state, o.attempts, o.updated_at, o.lane)
        for o in session.scalars(query)
    ]


def requeue_output(
    session: Session, build_id: str, output: str, *, unchanged_since: dt.datetime | None = None
) -> bool:
    """Put a lost output back to queued (the caller then enqueues it); False if it ended.

    With `unchanged_since` (the updated_at the recovery step saw), False as well when the
    output changed since: it started, or its renderer beat, and is not lost after all.
    """
    with writing(session):
        build, outputs, row = _lock(session, build_id, output, lock_outputs=True)
        if row.state not in ACTIVE_STATES:
            return False
        if unchanged_since is not None and row.updated_at != unchanged_since:
            return False
        now = utcnow()
        # Touching updated_at keeps the next recovery pass from queueing it twice.
        row.state, row.updated_at = "queued", now
        _settle(build, outputs, now)
        return True


def _lock(
    session: Session, build_id: str, output: str, *, lock_outputs: bool = False
) -> tuple[Build, list[BuildOutput], BuildOutput]:
    """Lock the build row and read its outputs as committed now.

    With `lock_outputs` the output rows are locked too, which waits for a heartbeat being
    written (beat_output locks only its output row) and reads the updated_at it wrote.
    """
    build = session.scalars(
        select(Build)
        .where(Build.id == build_id)
        .with_for_update(of=Build)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if build is None:
        raise NotFound(f"no build {build_id}")
    query = (
        select(BuildOutput)
        .where(BuildOutput.build_id == build_id)
        .execution_options(populate_existing=True)
    )
    locked = query.with_for_update(of=BuildOutput)  # not the joined artifact
    outputs = list(session.scalars(locked if lock_outputs else query))
    row = next((o for o in outputs if o.output == output), None)
    if row is None:
        raise NotFound(f"build {build_id} has no {output} output")
    return build, outputs, row


def _fail(row: BuildOutput, message: str, now: dt.datetime) -> None:
    row.state, row.error = "failed", message
    row.finished_at = row.updated_at = now


def _settle(build: Build, outputs: list[BuildOutput], now: dt.datetime) -> None:
    """Derive the build's state from its outputs: done when all are, failed when any is."""
    states = {o.state for o in outputs}
    if states == {"done"}:
        build.state = "done"
    elif "failed" in states:
        build.state = "failed"  # at once, so people learn of it without waiting for the rest
    elif states & {"running", "done"}:
        build.state = "running"
    else:
        build.state = "queued"
    if build.state != "queued" and build.started_at is None:
        build.started_at = now
    ended = all(o.state not in ACTIVE_STATES for o in outputs)
    build.finished_at = max(o.finished_at or now for o in outputs) if ended else None
    errors = [f"{o.output}: {o.error}" for o in outputs if o.state == "failed" and o.error]
    build.error = "; ".join(errors) or None
