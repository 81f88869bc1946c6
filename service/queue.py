"""Send build work to the workers by task name; the service never imports the worker."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from celery import Celery

from broker import TOP_PRIORITY, broker_config, priority_of
from broker.publish import send_preview, send_renders
from core.outputs import in_start_order
from settings import Settings
from store import SubmitResult

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

    def enqueue_submitted(self, result: SubmitResult) -> bool:
        """Queue a submitted draft's new build in its lane, after its poster's backlog."""
        build = result.build
        return self.enqueue(
            build.id,
            {output: build.lanes[output] for output in build.outputs},
            priority=priority_of(result.backlog),
        )

    def enqueue(
        self,
        build_id: str,
        lanes: Mapping[str, str],
        *,
        priority: int = TOP_PRIORITY,
    ) -> bool:
        """Publish one render task per output, page layouts first; False if the broker is down.

        `lanes` maps each output to its lane (store: core.outputs.output_lane); the tasks go
        to their lane's queue with `priority` (broker.priority_of).
        The build is committed before this is called, so a broker outage loses nothing:
        the outputs stay queued in the database and the workers' recovery step sends them
        again once the broker is back.
        """
        try:
            ordered = {output: lanes[output] for output in in_start_order(lanes)}
            send_renders(self._celery, build_id, ordered, priority=priority)
        except Exception:  # kombu raises several transport-specific errors
            log.warning("could not queue build %s; the recovery step will", build_id, exc_info=True)
            return False
        return True

    def enqueue_preview(self, preview_id: str, *, lane: str = "standard") -> bool:
        """Publish a preview's render task; False if the broker could not be reached."""
        try:
            send_preview(self._celery, preview_id, lane=lane)
        except Exception:  # kombu raises several transport-specific errors
            log.warning("could not queue preview %s", preview_id, exc_info=True)
            return False
        return True

    def warm(self) -> None:
        """Load what the first send would import, without connecting to the broker.

        Celery builds its result backend (unused here), its message protocol and the
        transport's classes on the first send: some 0.3 s of imports in a request.
        """
        celery = self._celery
        celery.backend  # noqa: B018  # properties that import and build what they name
        celery.amqp  # noqa: B018
        with celery.connection_for_write() as connection:
            connection.transport  # noqa: B018  # the class only; nothing is opened

    def close(self) -> None:
        """Release the broker connections."""
        self._celery.close()
