"""Thin Celery tasks: take ids, call a plain function in worker.jobs, record the result."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from broker import COMPARE_TASK, PIECE_TASK, RECOVER_TASK, RENDER_TASK, broker_config
from broker.peek import HeldRenders, held_renders
from broker.publish import send_piece
from settings import Settings
from store import make_engine, make_session_factory
from worker import jobs
from worker.celery_app import app

log = logging.getLogger(__name__)


def _settings() -> Settings:
    settings: Settings = app.conf.udkast_settings
    return settings


@cache
def _sessions() -> sessionmaker[Session]:
    # One engine per worker child, created after the fork (a pool must not cross it).
    return make_session_factory(make_engine(_settings().database_url))


class RenderTask(Task):  # type: ignore[misc]  # Celery ships no type information
    """The render task's class: a render killed at the hard time limit fails at once."""

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """Mark the output failed when Celery killed its render at the hard time limit."""
        # Celery calls this in the worker's main process after killing the child (a render
        # that ignored the soft limit, stuck in C code); without it the output stayed
        # "running" until the recovery step noticed its heartbeat had stopped.
        if not isinstance(exc, TimeLimitExceeded) or len(args) != 2:
            return
        build_id, output = args
        try:
            with main_process_sessions() as sessions:
                jobs.fail_for_time(sessions, build_id, output, _settings().hard_time_limit)
        except Exception:  # the database is away: the recovery step sees the silent output
            log.warning("could not mark %s of build %s failed", output, build_id, exc_info=True)


@contextmanager
def main_process_sessions() -> Iterator[sessionmaker[Session]]:
    """Yield sessions on an engine of their own, disposed after: for the worker's main process."""
    # A pool made in the main process would be inherited by the children it forks later
    # (_sessions is per child).
    engine = make_engine(_settings().database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@app.task(
    name=RENDER_TASK,
    base=RenderTask,
    bind=True,
    autoretry_for=(OperationalError,),  # the database blinked: try again shortly
    # 2, 4, 8 … s, at most a minute apart: about 4 minutes in all, so a PostgreSQL restart
    # is waited out instead of leaving the output to the recovery step.
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def render_output(self: Task, build_id: str, output: str) -> str:
    """Render one output of a build."""
    settings = _settings()
    deadline = time.monotonic() + settings.soft_time_limit

    def in_time() -> None:
        # Celery's soft limit is an exception raised by a signal wherever the render is:
        # a library's `except Exception` can swallow it. A PDF printed in pieces asks
        # between pieces too, so it ends at the soft limit, not at the hard one.
        if time.monotonic() > deadline:
            raise SoftTimeLimitExceeded

    try:
        return jobs.render_output(
            _sessions(),
            build_id,
            output,
            max_attempts=settings.build_attempts,
            passthrough=(SoftTimeLimitExceeded,),
            memory_mib=settings.render_memory_mib,
            publish_piece=_publish_piece,
            in_time=in_time,
            piece_helpers=settings.piece_helpers,
        )
    except SoftTimeLimitExceeded:
        # The render's own deadline and Celery's signal come within moments of each other,
        # so the signal may interrupt the writing of the failure: it is written again.
        for _ in range(3):
            try:
                jobs.fail_for_time(_sessions(), build_id, output, settings.soft_time_limit)
                break
            except SoftTimeLimitExceeded:
                log.warning("the soft time limit interrupted recording %s's timeout", output)
        return "failed"


def _publish_piece(build_id: str, output: str, index: int) -> None:
    send_piece(app, build_id, output, index)


@app.task(
    name=PIECE_TASK,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=3,
    # Acknowledged on receipt: a piece whose print kills the child is not delivered again
    # and again; the output's own task prints any piece nobody finished.
    acks_late=False,
    reject_on_worker_lost=False,
)
def print_piece(build_id: str, output: str, index: int) -> str:
    """Print one piece of a long document's PDF for the output's own task."""
    try:
        memory = _settings().render_memory_mib
        return jobs.print_piece_for(_sessions(), build_id, output, index, memory_mib=memory)
    except SoftTimeLimitExceeded:
        return "too slow"  # the owner prints it once the claim is stale


@app.task(
    name=COMPARE_TASK,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
    # Acknowledged on receipt: a diff that kills its child is not delivered again and
    # again. A lost one is asked for again by the next request for that diff.
    acks_late=False,
    reject_on_worker_lost=False,
)
def store_comparison(old_draft_id: int, new_draft_id: int) -> str:
    """Compute and store the diff of two drafts that a web request asked for."""
    try:
        return jobs.store_comparison(_sessions(), old_draft_id, new_draft_id)
    except SoftTimeLimitExceeded:
        return "too slow"


@app.task(name=RECOVER_TASK)
def recover() -> int:
    """Re-queue outputs whose message was lost (dead worker, restarted broker)."""
    settings = _settings()
    broker = broker_config(settings.redis_url, settings.var_dir, settings.hard_time_limit)

    def peek() -> HeldRenders:
        # Only stale outputs are looked up: one whose Redis claim is older than the
        # staleness never started, or stopped beating, so whoever took it is gone.
        return held_renders(broker, claims_last=settings.stale_after)

    jobs.tidy(_sessions(), settings.retention_days)
    stale_after = dt.timedelta(seconds=settings.stale_after)
    return jobs.recover(_sessions(), stale_after, jobs.celery_publisher(app), peek)
