"""Ask the workers, by task name, for a diff too large to compute inside a web request."""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app

from broker.publish import send_comparison
from service.queue import BuildQueue
from service.runtime import runtime
from settings import Settings

log = logging.getLogger(__name__)

EXTENSION = "udkast.comparisons"
# A client polling a diff that is being prepared asks again every few seconds; one task
# per pair and web process in this window is enough (a lost one is sent again after it).
RESEND_AFTER_SECONDS = 60.0
REMEMBERED_PAIRS = 1_000  # bounds the memory of what was sent
_MAKING = threading.Lock()


class ComparisonQueue(BuildQueue):
    """The build queue's client, sending the task that stores one comparison."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._sent: dict[tuple[int, int], float] = {}
        self._lock = threading.Lock()

    def request(self, old_draft_id: int, new_draft_id: int) -> bool:
        """Queue the comparison of two drafts unless sent lately; False if the broker is down."""
        pair = (old_draft_id, new_draft_id)
        now = time.monotonic()
        with self._lock:
            if now - self._sent.get(pair, -RESEND_AFTER_SECONDS) < RESEND_AFTER_SECONDS:
                return True
            if len(self._sent) >= REMEMBERED_PAIRS:
                self._sent.clear()
            self._sent[pair] = now
        try:
            send_comparison(self._celery, *pair)
        except Exception:  # kombu raises several transport-specific errors
            log.warning("could not queue the diff of drafts %d and %d", *pair, exc_info=True)
            with self._lock:
                self._sent.pop(pair, None)
            return False
        return True


def comparison_queue() -> ComparisonQueue:
    """Return this app's comparison queue, made on first use (most processes never need it)."""
    with _MAKING:
        found = current_app.extensions.get(EXTENSION)
        if found is None:
            found = current_app.extensions[EXTENSION] = ComparisonQueue(runtime().settings)
    queue: ComparisonQueue = found
    return queue
