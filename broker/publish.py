"""Sending tasks by name: one place for the queue, the priority and the retry policy.

The web service (service.queue) and the workers' recovery step (worker.jobs) both send
render tasks; neither imports the other, and both send them the same way from here.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from celery import Celery

from broker import (
    BULK_QUEUE,
    COMPARE_TASK,
    PIECE_TASK,
    PREVIEW_TASK,
    QUEUE,
    RENDER_TASK,
    TOP_PRIORITY,
    queue_of,
)

# A send gives up quickly when the broker is down: the output stays queued in the
# database and the recovery step sends it again, so nothing waits on a dead broker.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2}
PIECE_PRIORITY = 3


def send_render(
    app: Celery, build_id: str, output: str, *, lane: str, priority: int = TOP_PRIORITY
) -> None:
    """Send the task that renders one output, to its lane's queue; raise if the broker is down."""
    app.send_task(
        RENDER_TASK,
        args=(build_id, output),
        queue=queue_of(lane),
        priority=priority,
        retry=True,
        retry_policy=RETRY_POLICY,
    )


def send_renders(
    app: Celery, build_id: str, lanes: Mapping[str, str], *, priority: int = TOP_PRIORITY
) -> None:
    """Send the tasks of a build's outputs in the order given; raise if the broker is down."""
    for number, (output, lane) in enumerate(lanes.items()):
        if number:
            # The folder queue orders messages by the millisecond they were sent in, and
            # those of one millisecond at random: a millisecond apart, they keep this order.
            time.sleep(0.0011)
        send_render(app, build_id, output, lane=lane, priority=priority)


def send_comparison(app: Celery, old_draft_id: int, new_draft_id: int) -> None:
    """Send the task that stores the diff of two drafts; raise if the broker is down."""
    # Only pairs too large to compare inside a request are sent: heavy work, for the
    # workers that take heavy documents.
    app.send_task(
        COMPARE_TASK,
        args=(old_draft_id, new_draft_id),
        queue=BULK_QUEUE,
        retry=True,
        retry_policy=RETRY_POLICY,
    )


def send_preview(app: Celery, preview_id: str, *, lane: str) -> None:
    """Send the task that renders a preview, to its lane's queue; raise if the broker is down."""
    # At the top priority: someone is looking at the page, waiting for it.
    app.send_task(
        PREVIEW_TASK,
        args=(preview_id,),
        queue=queue_of(lane),
        priority=TOP_PRIORITY,
        retry=True,
        retry_policy=RETRY_POLICY,
    )


def send_piece(app: Celery, build_id: str, output: str, index: int) -> None:
    """Send the task that prints one piece of an output's PDF; raise if the broker is down."""
    # To the standard queue whatever the build's lane: a piece is a chapter, printed in
    # a second or two, so the standard workers lend their idle time to a heavy document
    # (whose own task runs alone on the bulk lane) without holding an ordinary draft for
    # long. After posters' first drafts (Redis delivers priority 0 first), before backlogs.
    app.send_task(
        PIECE_TASK,
        args=(build_id, output, index),
        queue=QUEUE,
        priority=PIECE_PRIORITY,
        retry=True,
        retry_policy=RETRY_POLICY,
    )
