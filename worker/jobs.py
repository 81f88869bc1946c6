"""The work a task does, as plain functions that tests and the CLI can call directly."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from typing import Any

from celery import Celery
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from broker.peek import HeldRenders
from broker.publish import send_render
from core.content import Strategy
from core.diff import compare, comparison_from_json
from core.errors import InvalidContent
from core.failures import failure
from core.outputs import comparison_outputs, find_output, output_named
from settings import DEFAULT_PIECE_HELPERS
from store import (
    BuildRecord,
    DraftRecord,
    StaleOutput,
    anonymise_responses,
    cached_artifact,
    delete_expired_previews,
    draft_by_id,
    draft_content,
    fail_output,
    finish_output,
    get_build,
    has_comparison,
    requeue_output,
    running_heartbeat,
    save_comparison,
    stale_outputs,
    storage_full,
    stored_comparison,
)
from store.pieces import forget_pieces
from worker.heartbeat import SILENT_AFTER, WATCH_SECONDS, heartbeat, start_unless_alive
from worker.memory import memory_guard
from worker.pieces import plan, print_helped, print_owned
from worker.render import comparison_renderer, hearing_renderer, renderer
from worker.render.fingerprint import renderer_version

log = logging.getLogger(__name__)

# Sends one render task (build id, output, lane); False or raises when the broker cannot.
Publish = Callable[[str, str, str], bool]
# Sends one helper task (build id, output, piece index); raises when it cannot.
PublishPiece = Callable[[str, str, int], None]
# Reads which render messages the broker holds (broker.peek); raises if it cannot.
Peek = Callable[[], HeldRenders]
# How long the recovery step waits before it looks at the broker a second time.
CONFIRM_SECONDS = 1.0
# The comparison output whose job stores the build's diff for the web (the JSON endpoint
# and the diff page read it back) even when its own file comes from the render cache.
# Every comparison output that renders reads that stored diff, or computes and stores it.
DIFF_KEEPER = comparison_outputs()[0]


class EndedElsewhere(Exception):
    """The output stopped running while this process printed it: another ended it."""


class Unrenderable(Exception):
    """The output can never be rendered as it stands; the message says why, for people."""


@dataclass(frozen=True)
class RenderJob:
    """What one render needs, read from the database before rendering starts."""

    build_id: str
    output: str
    theme: str
    version: str  # renderer_version(theme), recorded with the result for the render cache
    key: str  # the render cache's name of the input
    new: Strategy
    old: Strategy | None  # the previous version, for a comparison or a høringsnotat


def render_output(
    sessions: sessionmaker[Session],
    build_id: str,
    output: str,
    *,
    max_attempts: int,
    passthrough: tuple[type[BaseException], ...] = (),
    memory_mib: int | None = None,
    publish_piece: PublishPiece | None = None,
    in_time: Callable[[], None] | None = None,
    piece_helpers: int = DEFAULT_PIECE_HELPERS,
) -> str:
    """Render one output of a build and store it; return what happened, for the logs.

    No transaction is held while rendering: the render takes seconds and must not
    block other writers (SQLite has one writer at a time). Exceptions of the types in
    `passthrough` (the task's time limit) reach the caller instead of counting as a
    renderer failure. While it renders, the output's heartbeat beats (worker.heartbeat)
    and, with `memory_mib`, a render past that much memory ends this process after
    marking the output failed (worker.memory): call it only in a worker child. A long
    document's PDF is printed in pieces (worker.pieces), with at most `piece_helpers`
    helper tasks sent by `publish_piece` when it is given; `in_time` raises when the
    render's time is up, and is asked between pieces.
    """
    job = prepare(sessions, build_id, output, max_attempts=max_attempts)
    with ExitStack() as guards:
        if isinstance(job, RenderJob):
            in_time = _unless_ended(
                in_time, guards.enter_context(heartbeat(sessions, build_id, output))
            )
            guards.enter_context(_memory_cap(sessions, build_id, output, memory_mib))
        comparison = None
        # One output keeps the build's diff for the web page even when its file came from
        # the cache; every comparison that renders reads it (or computes and keeps it).
        keeps_diff = output == DIFF_KEEPER and job not in ("skipped", "failed")
        if keeps_diff or (isinstance(job, RenderJob) and job.old is not None):
            # After prepare counted the attempt: a diff that kills the child is not
            # retried for ever. With a RenderJob the contents are validated already.
            contents = (job.old, job.new) if isinstance(job, RenderJob) and job.old else None
            _, comparison = build_comparison(
                sessions, build_id, contents, passthrough, output=output
            )
        if isinstance(job, str):
            return job
        data = render(sessions, job, passthrough, comparison, publish_piece, in_time, piece_helpers)
        if data is None:
            return "failed"
        try:
            store(sessions, job, data)
        except OperationalError as exc:
            if not storage_full(exc):
                raise  # the database blinked: the task retries (worker.tasks)
            # Retrying would only count attempts and end in "the renderer crashed". If even
            # this small write finds no room, it raises and the task retries as before.
            log.error("no room to store %s of build %s: %s", output, build_id, exc)
            _fail(sessions, build_id, output, failure("storage_full"))
            return "failed"
        return "done"


def prepare(
    sessions: sessionmaker[Session], build_id: str, output: str, *, max_attempts: int
) -> RenderJob | str:
    """Start the output and read what its render needs, or say why nothing is rendered.

    The string answers are "skipped" (done already, out of attempts, or rendering in a
    live worker: a duplicate message), "cached" (an earlier identical render was reused)
    and "failed" (it can never be rendered).
    """
    if not start_unless_alive(sessions, build_id, output, max_attempts=max_attempts):
        return "skipped"
    with sessions() as session:
        try:
            build = get_build(session, build_id)
            draft = draft_by_id(session, build.draft_id) if build is not None else None
            assert build is not None and draft is not None  # start_output found it  # noqa: S101
            old_draft = _predecessor(session, build, output)
            version = _theme_version(build.theme)
            key = _cache_key(draft, old_draft)
            cached = cached_artifact(session, key, build.theme, output, version)
            if cached is not None and cached.data is not None:  # cached_artifact reads the bytes
                finish_output(session, build_id, output, cached.data, cached.media_type)
                return "cached"
            new, old = _contents(draft, old_draft)
        except Unrenderable as exc:
            fail_output(session, build_id, output, str(exc))
            return "failed"
        return RenderJob(build_id, output, build.theme, version, key, new, old)


def render(
    sessions: sessionmaker[Session],
    job: RenderJob,
    passthrough: tuple[type[BaseException], ...] = (),
    comparison: dict[str, Any] | None = None,
    publish_piece: PublishPiece | None = None,
    in_time: Callable[[], None] | None = None,
    piece_helpers: int = DEFAULT_PIECE_HELPERS,
) -> bytes | None:
    """Render the job's file; on a renderer error mark the output failed and return None.

    `comparison` is the stored diff of the job's drafts, when its job has it at hand.
    """
    try:
        if job.old is None and (pieced := plan(job.new, job.theme, job.version, job.output)):
            helpers = _helpers(job, publish_piece)
            return print_owned(
                sessions, pieced, job.theme, helpers, in_time=in_time, most_helpers=piece_helpers
            )
        found = None if comparison is None else comparison_from_json(comparison)
        if output_named(job.output).kind == "hearing":
            return hearing_renderer(job.output)(job.new, job.old, job.theme, found)
        if job.old is not None:
            return comparison_renderer(job.output)(job.old, job.new, job.theme, found)
        return renderer(job.output)(job.new, job.theme)
    except passthrough:
        raise
    except EndedElsewhere:
        # A helper failed the output (its piece went past the memory cap), or the output
        # was sent again: what the owner printed so far stays kept for the next attempt.
        log.info("%s of build %s ended elsewhere; this render stops", job.output, job.build_id)
        return None
    except MemoryError:
        pass  # handled below, once the traceback no longer holds the failed layout
    except Exception as exc:  # a renderer bug must fail this output, not the worker
        log.exception("rendering %s of build %s failed", job.output, job.build_id)
        # The exception's own text is the library's, for the log; people read ours.
        reason = failure("renderer_failed", output=job.output, error=type(exc).__name__)
        _fail(sessions, job.build_id, job.output, reason)
        return None
    # The machine itself ran out of memory. Collect what the render built now, so the
    # child has room for the message below and for its next task.
    gc.collect()
    log.warning("rendering %s of build %s ran out of memory", job.output, job.build_id)
    _fail(sessions, job.build_id, job.output, failure("out_of_memory"))
    return None


def _unless_ended(in_time: Callable[[], None] | None, ended: threading.Event) -> Callable[[], None]:
    """Return a check that raises when the render's time is up or its output ended."""

    def check() -> None:
        if in_time is not None:
            in_time()
        if ended.is_set():  # the heartbeat found the output no longer running
            raise EndedElsewhere

    return check


def _helpers(
    job: RenderJob, publish_piece: PublishPiece | None
) -> Callable[[Sequence[int]], None] | None:
    """Return what sends helper tasks for a job's pieces, or None to print them alone."""
    if publish_piece is None:
        return None

    def send(indexes: Sequence[int]) -> None:
        try:
            for index in indexes:
                publish_piece(job.build_id, job.output, index)
        except Exception:  # kombu raises several transport-specific errors
            # Nothing is lost: the owner prints every piece no helper claimed.
            log.warning("could not send piece tasks for build %s", job.build_id, exc_info=True)

    return send


def print_piece_for(
    sessions: sessionmaker[Session],
    build_id: str,
    output: str,
    index: int,
    *,
    memory_mib: int | None = None,
) -> str:
    """Print one piece of a build's output for its owner task; return what happened.

    With `memory_mib`, a piece past that much memory fails the output, as its owner's
    render would (worker.memory), and ends this process: call it only in a worker child.
    """
    with sessions() as session:
        build = get_build(session, build_id)
        draft = draft_by_id(session, build.draft_id) if build is not None else None
        session.rollback()
    if build is None or draft is None or build.state not in ("queued", "running"):
        return "skipped"
    try:
        strategy = draft_content(draft)
    except InvalidContent:
        return "skipped"  # the owner fails the output, with the reason
    pieced = plan(strategy, build.theme, _theme_version(build.theme), output)
    if pieced is None:
        return "skipped"
    with _memory_cap(sessions, build_id, output, memory_mib):
        made = print_helped(sessions, pieced, build.theme, index)
    return f"printed {made}" if made else "skipped"


def store(sessions: sessionmaker[Session], job: RenderJob, data: bytes) -> None:
    """Save the rendered file, mark the output done and remember it for the render cache."""
    with sessions() as session:
        finish_output(
            session,
            job.build_id,
            job.output,
            data,
            output_named(job.output).media_type,
            renderer_version=job.version,
            cache_key=job.key,
        )


def _predecessor(session: Session, build: BuildRecord, output: str) -> DraftRecord | None:
    """Return the draft a comparison output compares against; None for the draft's own files.

    A høringsnotat shows the changes since the previous version when there is one.
    """
    found = find_output(output)
    if found is None:  # a message from before the output was removed, say
        raise Unrenderable(failure("unknown_output", output=repr(output)))
    if found.kind == "draft":
        return None
    old_draft = (
        draft_by_id(session, build.predecessor_draft_id)
        if build.predecessor_draft_id is not None
        else None
    )
    if old_draft is None and found.kind == "hearing":
        return None  # a first version's høringsnotat: its inputs, with no changes yet
    if old_draft is None:
        raise Unrenderable(failure("no_previous"))
    return old_draft


def _theme_version(theme: str) -> str:
    """Return the renderer version of the build's theme, or why the theme cannot be used."""
    try:
        return renderer_version(theme)
    # Any error (unknown name, broken theme.toml, unreadable file) is the theme's: every
    # retry would meet it again, so the output fails now and names the theme.
    except Exception as exc:
        raise Unrenderable(failure("theme", theme=repr(theme), detail=exc)) from exc


def _contents(
    draft: DraftRecord, old_draft: DraftRecord | None
) -> tuple[Strategy, Strategy | None]:
    """Return the stored drafts' content, validated as it is today."""
    try:
        return draft_content(draft), draft_content(old_draft) if old_draft is not None else None
    except InvalidContent as exc:
        raise Unrenderable(failure("invalid_draft", detail=exc)) from exc


def _cache_key(draft: DraftRecord, old_draft: DraftRecord | None) -> str:
    """Name the input of a render: the draft's content, or both drafts' for a comparison."""
    if old_draft is None:
        return draft.content_hash
    pair = f"{old_draft.content_hash}:{draft.content_hash}"
    return hashlib.sha256(pair.encode("ascii")).hexdigest()


def keep_build_comparison(
    sessions: sessionmaker[Session],
    build_id: str,
    contents: tuple[Strategy, Strategy] | None = None,
    passthrough: tuple[type[BaseException], ...] = (),
) -> str:
    """Store the diff a build's comparison outputs show, unless stored; return what happened.

    A failure is logged, not raised: the output's own render still runs and reports.
    """
    return build_comparison(sessions, build_id, contents, passthrough)[0]


def build_comparison(
    sessions: sessionmaker[Session],
    build_id: str,
    contents: tuple[Strategy, Strategy] | None = None,
    passthrough: tuple[type[BaseException], ...] = (),
    *,
    output: str = DIFF_KEEPER,
    silent_after: float = SILENT_AFTER,
) -> tuple[str, dict[str, Any] | None]:
    """Store the diff of a build unless stored; return what happened and the diff, if any.

    Another comparison `output` first waits while the build's DIFF_KEEPER renders (it
    computes the diff first), so two workers do not compare the same pair at once.
    A failure is logged, not raised (the diff is then None): the output's own render
    still runs and reports.
    """
    with sessions() as session:
        build = get_build(session, build_id)
        if build is None or build.predecessor_draft_id is None:
            return "no comparison", None
        new_id = build.draft_id
    try:
        if output != DIFF_KEEPER:
            kept = _wait_for_keeper(sessions, build, silent_after)
            if kept is not None:
                return "stored already", kept
        return _kept_comparison(sessions, build.predecessor_draft_id, new_id, contents)
    except passthrough:
        raise
    except Exception:  # the diff failing must not stop the render that reports it
        log.exception("storing the diff of build %s failed", build_id)
        return "failed", None


def _wait_for_keeper(
    sessions: sessionmaker[Session], build: BuildRecord, silent_after: float
) -> dict[str, Any] | None:
    """Return the build's diff once its keeper stored it; None if the keeper is not at it.

    The keeper is at it while its output runs and its heartbeat moves: a keeper that is
    queued, finished or silent for `silent_after` seconds leaves the diff to the caller.
    """
    assert build.predecessor_draft_id is not None  # a build with a comparison  # noqa: S101
    with sessions() as session:
        old, new = (
            draft_by_id(session, build.predecessor_draft_id),
            draft_by_id(session, build.draft_id),
        )
    if old is None or new is None:
        return None
    seen: dt.datetime | None = None
    seen_at = time.monotonic()
    while True:
        with sessions() as session:
            stored = stored_comparison(session, old.content_hash, new.content_hash)
            if stored is not None:
                return stored
            beat = running_heartbeat(session, build.id, DIFF_KEEPER)
        now = time.monotonic()
        if beat is None:
            return None
        if beat != seen:
            seen, seen_at = beat, now
        elif now - seen_at > silent_after:
            return None
        time.sleep(WATCH_SECONDS)


def store_comparison(
    sessions: sessionmaker[Session],
    old_draft_id: int,
    new_draft_id: int,
    contents: tuple[Strategy, Strategy] | None = None,
) -> str:
    """Compute and store what changed from one draft to another unless stored already.

    Returns "stored", "stored already", "missing" (a draft is gone) or "invalid" (a
    stored draft no longer validates). `contents` saves validating the drafts again.
    No transaction is held while comparing.
    """
    return _kept_comparison(sessions, old_draft_id, new_draft_id, contents, read=False)[0]


def _kept_comparison(
    sessions: sessionmaker[Session],
    old_draft_id: int,
    new_draft_id: int,
    contents: tuple[Strategy, Strategy] | None = None,
    *,
    read: bool = True,
) -> tuple[str, dict[str, Any] | None]:
    """Do what store_comparison says, and return the diff too (with `read`, a stored one)."""
    with sessions() as session:
        old_draft = draft_by_id(session, old_draft_id)
        new_draft = draft_by_id(session, new_draft_id)
        if old_draft is None or new_draft is None:
            return "missing", None
        pair = (old_draft.content_hash, new_draft.content_hash)
        if not read and has_comparison(session, *pair):
            return "stored already", None
        stored = stored_comparison(session, *pair) if read else None
        if stored is not None:
            return "stored already", stored
        if contents is None:
            try:
                new, old = _contents(new_draft, old_draft)
            except Unrenderable:
                log.warning("drafts %d and %d cannot be compared", old_draft_id, new_draft_id)
                return "invalid", None
            assert old is not None  # an old draft was given  # noqa: S101
            contents = (old, new)
    data = compare(*contents).to_json()
    with sessions() as session:
        save_comparison(session, *pair, data)
    return "stored", data


def _memory_cap(
    sessions: sessionmaker[Session], build_id: str, output: str, memory_mib: int | None
) -> AbstractContextManager[None]:
    """Guard a render of the output at `memory_mib` (worker.memory); nothing without a cap."""
    if memory_mib is None:
        return nullcontext()

    def too_large(used: int, limit: int = memory_mib) -> None:
        fail_for_memory(sessions, build_id, output, limit, used)

    return memory_guard(memory_mib, too_large)


def fail_for_memory(
    sessions: sessionmaker[Session], build_id: str, output: str, limit_mib: int, used_mib: int
) -> None:
    """Mark an output failed because its render grew past the memory one render may use."""
    log.warning("rendering %s of build %s passed %d MiB: stopped", output, build_id, limit_mib)
    reason = failure("memory_limit", limit=limit_mib, used=used_mib)
    _fail(sessions, build_id, output, reason)


def fail_for_time(
    sessions: sessionmaker[Session], build_id: str, output: str, seconds: int
) -> None:
    """Mark an output failed because it ran past the soft time limit."""
    _fail(sessions, build_id, output, failure("timeout", seconds=seconds))


def _fail(sessions: sessionmaker[Session], build_id: str, output: str, reason: str) -> None:
    """Mark an output failed with the reason people read, in a transaction of its own."""
    with sessions() as session:
        fail_output(session, build_id, output, reason)


def celery_publisher(app: Celery) -> Publish:
    """Return a Publish that sends render tasks through `app`, raising if the broker is down."""

    def publish(build_id: str, output: str, lane: str) -> bool:
        # At the top priority: a lost output has waited long enough already.
        send_render(app, build_id, output, lane=lane)
        return True

    return publish


def tidy(sessions: sessionmaker[Session], retention_days: int, today: dt.date | None = None) -> int:
    """Delete expired previews and forget hearing respondents past retention; return how many.

    Run by each recovery pass: previews live an hour (store.previews); a hearing's private
    respondents are named "Borger", and every address forgotten, `retention_days` after
    it closed (store.hearings). Returns the number of responses anonymised.
    """
    day = today or dt.datetime.now(dt.UTC).date()
    with sessions() as session:
        delete_expired_previews(session)
        # Pieces are a cache: a redraft within the retention period reuses them.
        forget_pieces(session, dt.timedelta(days=retention_days))
        return anonymise_responses(session, day - dt.timedelta(days=retention_days))


def recover(
    sessions: sessionmaker[Session],
    stale_after: dt.timedelta,
    publish: Publish,
    peek: Peek | None = None,
    *,
    confirm_after: float = CONFIRM_SECONDS,
) -> int:
    """Queue lost outputs again (dead worker, lost message); return how many were sent.

    An output is lost when it has not changed for `stale_after` (a running one: its
    heartbeat stopped) and, when `peek` is given, the broker holds no message for it:
    none waiting, none taken by a live consumer, in two looks `confirm_after` seconds
    apart. A backlog waiting its turn is therefore never sent twice, however old.
    Without `peek`, or when the broker cannot be read, every stale output is sent: a
    duplicate is skipped by the worker without rendering. Each output is published on
    its own: a broker that is still down fails that send only. The output stays queued
    in the database, so a later pass sends it again.
    """
    with sessions() as session:
        stale = stale_outputs(session, stale_after)
    lost = _not_held(stale, peek)
    if lost and peek is not None:
        # A message a consumer is taking right now is in neither place for an instant
        # (Redis: popped from the list, not yet in `unacked`); a moment later it is
        # taken, or its output started. Only what the second look misses too is lost.
        time.sleep(confirm_after)
        lost = _not_held(lost, peek)
    sent = 0
    for stale_output in lost:
        with sessions() as session:
            if not requeue_output(
                session,
                stale_output.build_id,
                stale_output.output,
                unchanged_since=stale_output.updated_at,
            ):
                continue  # it ended, started or beat since the query, or another pass took it
        try:
            published = publish(stale_output.build_id, stale_output.output, stale_output.lane)
        except Exception:  # kombu raises several transport-specific errors
            log.warning(
                "could not re-queue %s of build %s",
                stale_output.output,
                stale_output.build_id,
                exc_info=True,
            )
            published = False
        sent += 1 if published else 0
    if sent:
        log.warning("re-queued %d lost output(s)", sent)
    return sent


def _not_held(stale: list[StaleOutput], peek: Peek | None) -> list[StaleOutput]:
    """Return the stale outputs for which the broker holds no message (all, if unknown)."""
    if not stale:
        return []  # the broker is read only when something may be lost
    held = _held(peek)
    if held is None:
        return stale
    return [o for o in stale if not held.holds(o.build_id, o.output)]


def _held(peek: Peek | None) -> HeldRenders | None:
    """Return what the broker holds, or None when that cannot be known."""
    if peek is None:
        return None
    try:
        return peek()
    except Exception:  # the broker is down or unreadable: sending may still work, or not
        log.warning("could not read what the broker holds; re-queueing every stale output")
        return None
