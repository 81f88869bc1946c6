"""The preview task: thin, around worker.previews.render_preview."""

from __future__ import annotations

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from broker import PREVIEW_TASK
from worker import previews
from worker.celery_app import app
from worker.tasks import _sessions, _settings


@app.task(  # type: ignore[untyped-decorator]  # Celery ships no type information
    name=PREVIEW_TASK,
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
        previews.fail_for(
            _sessions(), preview_id, f"the preview needed more than {limit} MiB ({used} MiB)"
        )

    try:
        return previews.render_preview(
            _sessions(),
            preview_id,
            passthrough=(SoftTimeLimitExceeded,),
            memory_mib=settings.render_memory_mib,
            on_memory=too_large,
        )
    except SoftTimeLimitExceeded:
        reason = f"the preview took longer than {settings.soft_time_limit} s"
        previews.fail_for(_sessions(), preview_id, reason)
        return "failed"
