"""Where the queue lives: Redis when REDIS_URL is set, else a folder on this machine.

Both the web service (which only sends task names) and the worker read the broker
settings from here, so they always agree without importing each other.

Without Redis we use kombu's `filesystem` transport (with the safer channel of
broker.folderqueue): it needs no server, works across processes on one machine, and was
measured here at ~51 ms round trip and ~40 tasks/s
with a 50 ms polling interval (Redis: 2.4 ms and ~700 tasks/s). A message a worker took
and never acknowledged goes back to the queue when the next process opens it after that
worker died; the stale-build sweep (the database is the source of truth) is the backstop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broker import folderqueue
from core.budget import BULK, STANDARD

FILESYSTEM_POLL_SECONDS = 0.05

# The names both sides of the queue must agree on: the web service sends render tasks by
# name (it never imports the worker), and the worker registers and consumes them.
QUEUE = "udkast"
# Builds of documents heavy to lay out (core.budget.lane) wait here, for workers of their
# own (`udkast serve` runs one render at a time on it): however many a token posts, they
# take one render slot, and ordinary drafts keep every slot of QUEUE.
BULK_QUEUE = "udkast.bulk"
QUEUES = {STANDARD: QUEUE, BULK: BULK_QUEUE}
# Redis delivers priority 0 first (kombu's lists per step 0, 3, 6, 9); the folder queue
# ignores priority and delivers in order. See priority_of.
TOP_PRIORITY = 0
RENDER_TASK = "udkast.render_output"
RECOVER_TASK = "udkast.recover"
# Computes and stores a diff a web request asked for (too large to compute in the request).
COMPARE_TASK = "udkast.store_comparison"
# Renders a preview's first pages without storing a version (worker.preview_tasks).
PREVIEW_TASK = "udkast.render_preview"
# Prints one piece of a long document's PDF for the output's own task (worker.pieces).
PIECE_TASK = "udkast.print_piece"


def priority_of(backlog: int) -> int:
    """Return a render message's priority from its poster's unfinished builds (0 first).

    A token with many builds waiting gets its next ones later than a token with none, so
    one client posting in bulk does not hold up everyone else's single draft (Redis only).
    """
    if backlog < 3:
        return TOP_PRIORITY
    if backlog < 10:
        return 3
    return 6 if backlog < 30 else 9


def queue_of(lane: str) -> str:
    """Return the queue of a lane's workers (unknown lanes: the standard one)."""
    return QUEUES.get(lane, QUEUE)


@dataclass(frozen=True)
class BrokerConfig:
    """A Celery broker URL and its transport options."""

    url: str
    transport_options: dict[str, Any] = field(default_factory=dict)


def broker_config(redis_url: str | None, var_dir: Path, hard_time_limit: int) -> BrokerConfig:
    """Return the broker for these settings, creating the queue folder when it is local."""
    if redis_url:
        # Above the hard time limit, so a slow but alive task is never delivered twice.
        return BrokerConfig(redis_url, {"visibility_timeout": max(300, hard_time_limit * 3)})
    return BrokerConfig(
        _with_host(folderqueue.register()),
        {
            **folderqueue.make_folders(var_dir / "queue"),
            "polling_interval": FILESYSTEM_POLL_SECONDS,
        },
    )


def _with_host(url: str) -> str:
    """Name a host in a folder-queue URL, which needs none, so kombu does not warn of it."""
    # Without one kombu logs "No hostname was supplied" at every connection of every
    # process: noise in the log people read. The folder transport ignores the host.
    return url if url.partition("://")[2] else f"{url}localhost//"
