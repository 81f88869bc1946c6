"""A running render's heartbeat, and how a message tells a live renderer from a dead one.

While a worker renders an output, a thread in its child process touches the output's
`updated_at` every HEARTBEAT_SECONDS. So:

- the recovery step (worker.jobs.recover) counts a running output as lost only when its
  heartbeat stopped, never because the render is long;
- a message for an output that is already running (a duplicate the recovery step sent,
  or Redis giving back a dead node's message late) watches the heartbeat: if it moves,
  another worker renders the output and the message is done with, without rendering and
  without counting an attempt; if it stands still for SILENT_AFTER, the renderer is gone
  (its child was killed, and the broker delivered its message again) and this worker
  takes the output over. Watching compares the stored values, not clocks, so workers on
  machines whose clocks differ agree.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from store import beat_output, running_heartbeat, start_output

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
# Five beats missed: far above a beat delayed by a busy machine or database, and far
# below UDKAST_STALE_AFTER, after which the recovery step sends a silent output again.
SILENT_AFTER = 10.0
WATCH_SECONDS = 0.5  # how often a duplicate message looks at the heartbeat it watches


@contextmanager
def heartbeat(
    sessions: sessionmaker[Session], build_id: str, output: str, every: float = HEARTBEAT_SECONDS
) -> Iterator[threading.Event]:
    """Beat for a running output from a thread while the block runs.

    Yields an event that is set once the output no longer runs: another process ended
    it (a helper printing one of its pieces went past the memory cap) or re-queued it.
    """
    stop, ended = threading.Event(), threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                with sessions() as session:
                    if not beat_output(session, build_id, output):
                        ended.set()
                        return  # finished, failed or re-queued: nothing to keep alive
            except Exception:  # a missed beat is harmless; the next one may get through
                log.warning("heartbeat of %s of build %s failed", output, build_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{output}-{build_id}", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # no room for a thread (the child's memory cap): render anyway
        log.warning("no heartbeat for %s of build %s: cannot start a thread", output, build_id)
        yield ended
        return
    try:
        yield ended
    finally:
        stop.set()
        # A beat in flight ends with its transaction; a late one touches nothing, as it
        # only updates an output that is still running.
        thread.join(timeout=every)


def start_unless_alive(
    sessions: sessionmaker[Session],
    build_id: str,
    output: str,
    *,
    max_attempts: int,
    silent_after: float = SILENT_AFTER,
) -> bool:
    """Start the output for this worker; False if it is finished or a live worker renders it.

    A running output is watched for up to `silent_after` seconds first (see the module).
    """
    with sessions() as session:
        watched = running_heartbeat(session, build_id, output)
    if watched is not None:
        deadline = time.monotonic() + silent_after
        while time.monotonic() < deadline:
            time.sleep(WATCH_SECONDS)
            with sessions() as session:
                now = running_heartbeat(session, build_id, output)
            if now is None:
                watched = None  # it ended or was re-queued: start_output decides below
                break
            if now != watched:
                return False  # it beat (or another worker took it over): it is alive
    with sessions() as session:
        return start_output(
            session, build_id, output, max_attempts=max_attempts, if_silent_since=watched
        )
