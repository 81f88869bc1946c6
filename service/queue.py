"""Send build work to the workers by task name; the service never imports the worker."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import Celery

from core.broker import QUEUE, RENDER_TASK, broker_config
from core.config import Settings

log = logging.getLogger(__name__)


class BuildQueue:
    """A thin Celery client that publishes render tasks."""

    def __init__(self, settings: Settings) -> None:
        broker = broker_config(settings.redis_url, settings.var_dir, settings.hard_time_limit)
        self._celery = Celery("udkast-web", broker=broker.url, set_as_current=False)
        self._celery.conf.update(
            broker_transport_options=broker.transport_options,
            task_serializer="json",
            accept_content=["json"],
            task_ignore_result=True,
            broker_connection_retry_on_startup=False,
        )

    def enqueue(self, build_id: str, formats: Iterable[str]) -> bool:
        """Publish one render task per format; False if the broker could not be reached.

        The build is committed before this is called, so a broker outage loses nothing:
        the outputs stay queued in the database and the workers' recovery step sends them
        again once the broker is back.
        """
        try:
            for fmt in formats:
                self._celery.send_task(
                    RENDER_TASK,
                    args=(build_id, fmt),
                    queue=QUEUE,
                    retry=True,
                    retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
                )
        except Exception:  # kombu raises several transport-specific errors
            log.warning("could not queue build %s; the recovery step will", build_id, exc_info=True)
            return False
        return True

    def close(self) -> None:
        """Release the broker connections."""
        self._celery.close()
