"""The preview task: thin, around worker.previews.render_preview."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from sqlalchemy.exc import OperationalError

from broker import PREVIEW_TASK
from core.failures import failure
from worker import previews
from worker.celery_app import app
from worker.tasks import _sessions, _settings, main_process_sessions

log = logging.getLogger(__name__)


class PreviewTask(Task):  # type: ignore[misc]  # Celery ships no type information
    """The preview task's class: a preview killed at the hard time limit fails at once."""

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """Mark the preview failed when Celery killed its render at the hard time limit."""
        # Called in the worker's main process after the child is killed; without it the
        # owner's page said "being made" until the preview expired an hour later.
        if not isinstance(exc, TimeLimitExceeded) or len(args) != 1:
            return
        reason = failure("preview_timeout", seconds=_settings().hard_time_limit)
        try:
            with main_process_sessions() as sessions:
                previews.fail_for(sessions, args[0], reason)
        except Exception:  # the database is away: the preview expires within the hour
            log.warning("could not mark preview %s failed", args[0], exc_info=True)


@app.task(  # type: ignore[untyped-decorator]  # Celery ships no type information
    name=PREVIEW_TASK,
    base=PreviewTask,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=3,
    # Acknowledged on receipt: a preview that kills its child is not delivered again;
    # its owner sees it fail or expire and may ask again.
    acks_late=False,
    reject_on_worker_lost=False,
)
def render_preview(preview_id: str) -> str:
    """Render a preview's first pages."""
    settings = _settings()

    def too_large(used: int, limit: int = settings.render_memory_mib) -> None:
        reason = failure("preview_memory", limit=limit, used=used)
        previews.fail_for(_sessions(), preview_id, reason)

    try:
        return previews.render_preview(
            _sessions(),
            preview_id,
            passthrough=(SoftTimeLimitExceeded,),
            memory_mib=settings.render_memory_mib,
            on_memory=too_large,
        )
    except SoftTimeLimitExceeded:
        reason = failure("preview_timeout", seconds=settings.soft_time_limit)
        previews.fail_for(_sessions(), preview_id, reason)
        return "failed"
