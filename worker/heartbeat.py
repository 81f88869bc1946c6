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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy.orm import Session, sessionmaker

from store import beat_output, running_heartbeat, start_output

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
# Five beats missed: far above a beat delayed by a busy machine or database, and far
# below UDKAST_STALE_AFTER, after which the recovery step sends a silent output again.
SILENT_AFTER = 10.0
WATCH_SECONDS = 0.5  # how often a duplicate message looks at the heartbeat it watches


@contextmanager
def beating(beat: Callable[[], bool], every: float, name: str) -> Iterator[threading.Event]:
    """Call `beat` from a thread every `every` seconds while the block runs.

    Yields an event set once `beat` returned False (nothing left to keep alive), when
    the beats stop. A beat that raises is logged and the next one tried: a missed beat
    is harmless. Without room for a thread (a child's memory cap) the block runs anyway.
    """
    stop, ended = threading.Event(), threading.Event()

    def run() -> None:
        while not stop.wait(every):
            try:
                if not beat():
                    ended.set()
                    return
            except Exception:
                log.warning("%s failed", name, exc_info=True)

    thread = threading.Thread(target=run, name=name, daemon=True)
    try:
        thread.start()
    except RuntimeError:
        log.warning("no %s: cannot start a thread", name)
        yield ended
        return
    try:
        yield ended
    finally:
        stop.set()
        # A beat in flight ends with its transaction; a late one touches nothing, as a
        # beat only updates what is still running or claimed.
        thread.join(timeout=every)


def heartbeat(
    sessions: sessionmaker[Session], build_id: str, output: str, every: float = HEARTBEAT_SECONDS
) -> AbstractContextManager[threading.Event]:
    """Beat for a running output from a thread while the block runs.

    Yields an event that is set once the output no longer runs: another process ended
    it (a helper printing one of its pieces went past the memory cap) or re-queued it.
    """

    def beat() -> bool:
        with sessions() as session:
            # False once finished, failed or re-queued: nothing to keep alive.
            return beat_output(session, build_id, output)

    return beating(beat, every, f"heartbeat of {output} of build {build_id}")


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
