"""The memory one render may use: a watch in the worker child that stops a render past it.

Celery's `worker_max_memory_per_child` only recycles a child between tasks, so a render
that keeps growing would take the machine's memory first (8 vision bodies of 12,500 list
items took a child to 2.5 GB). Validation now bounds what a document may hold; this is
the second line. A kernel limit (RLIMIT_DATA) was tried first and measured unsafe here:
Pango then failed to start a thread and the child hung inside GLib until the hard time
limit killed it, leaving the output running. So a thread watches the child's resident
memory instead; past the cap it marks the output failed, with the reason, and ends the
child at once. The broker delivers the message again (reject on worker lost), and that
delivery finds the output failed and renders nothing.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

MIB = 1024 * 1024
WATCH_SECONDS = 0.1  # a render grows by a few MiB in that time, far below any cap
EXIT_CODE = 70  # EX_SOFTWARE: the child ends on purpose, and says so in the worker log
_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_mib() -> int:
    """Return this process's resident memory in MiB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE // MIB


@contextmanager
def memory_guard(
    limit_mib: int, on_exceeded: Callable[[int], None], every: float = WATCH_SECONDS
) -> Iterator[None]:
    """While the block runs, end this process if it grows past `limit_mib` MiB.

    `on_exceeded` gets the memory in use and records why, before the process ends.
    """
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(every):
            used = resident_mib()
            if used > limit_mib:
                try:
                    on_exceeded(used)
                except Exception:  # the exit below matters more than the record
                    log.exception("could not record a render past the memory cap")
                finally:
                    os._exit(EXIT_CODE)

    thread = threading.Thread(target=watch, name="memory-guard", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every * 2)
