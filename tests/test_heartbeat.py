"""A running output's heartbeat, and duplicate messages made harmless (issue 8).

On SQLite and PostgreSQL. A render's heartbeat keeps its output from looking lost
however long it renders; a second message for an output that a live worker renders is
done with without rendering and without counting an attempt; a message for an output
whose renderer went silent (its process was killed) takes it over, once.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import update

from store import (
    beat_output,
    build_status,
    finish_output,
    requeue_output,
    running_heartbeat,
    stale_outputs,
    start_output,
    submit_draft,
)
from store.base import utcnow
from store.models import BuildOutput
from tests.store_helpers import without_inputs
from worker import heartbeat as hb

BEAT = 0.05  # a fast heartbeat, so the tests see beats without waiting seconds
DEADLINE = 120  # only stops a test that would otherwise hang


@pytest.fixture
def build_id(session, udkast1):
    return submit_draft(session, without_inputs(udkast1), "default").build.id


def attempts(session_factory, build_id: str, output: str = "pdf") -> tuple[str, int]:
    with session_factory() as session:
        status = build_status(session, build_id)
    assert status is not None
    out = status.outputs[output]
    return out.state, out.attempts


def heartbeat_of(session_factory, build_id: str) -> dt.datetime | None:
    with session_factory() as session:
        return running_heartbeat(session, build_id, "pdf")


def wait_for_beat(session_factory, build_id: str, since: dt.datetime | None) -> dt.datetime:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        beat = heartbeat_of(session_factory, build_id)
        if beat is not None and beat != since:
            return beat
        time.sleep(BEAT)
    raise AssertionError("the heartbeat never moved")


def make_stale(session, build_id: str) -> dt.datetime:
    long_ago = utcnow() - dt.timedelta(hours=1)
    session.execute(
        update(BuildOutput).where(BuildOutput.build_id == build_id).values(updated_at=long_ago)
    )
    session.commit()
    return long_ago


def test_a_rendering_output_beats_and_never_looks_lost(session_factory, session, build_id):
    assert start_output(session, build_id, "pdf")
    started = make_stale(session, build_id)  # as if the render had run for an hour
    assert [s.output for s in stale_outputs(session, dt.timedelta(minutes=10))] == [
        "docx",
        "pdf",
    ]

    with hb.heartbeat(session_factory, build_id, "pdf", every=BEAT):
        wait_for_beat(session_factory, build_id, started)

    # The queued docx still waits (and is stale); the running pdf is alive.
    with session_factory() as fresh:
        assert [s.output for s in stale_outputs(fresh, dt.timedelta(minutes=10))] == ["docx"]
    assert attempts(session_factory, build_id) == ("running", 1)


def test_a_beat_never_touches_an_output_that_is_not_running(session_factory, session, build_id):
    assert not beat_output(session, build_id, "pdf")  # queued
    assert heartbeat_of(session_factory, build_id) is None
    start_output(session, build_id, "pdf")
    finish_output(session, build_id, "pdf", b"%PDF", "application/pdf")
    assert not beat_output(session, build_id, "pdf")  # done
    assert heartbeat_of(session_factory, build_id) is None


def test_a_duplicate_message_for_a_live_render_renders_nothing(session_factory, session, build_id):
    assert start_output(session, build_id, "pdf")
    with hb.heartbeat(session_factory, build_id, "pdf", every=BEAT):
        # However long it would wait for silence, the beat it sees ends the wait.
        started = hb.start_unless_alive(
            session_factory, build_id, "pdf", max_attempts=3, silent_after=DEADLINE
        )
    assert not started
    assert attempts(session_factory, build_id) == ("running", 1)  # no attempt counted


def test_a_message_for_a_finished_output_renders_nothing(session_factory, session, build_id):
    start_output(session, build_id, "pdf")
    finish_output(session, build_id, "pdf", b"%PDF", "application/pdf")
    assert not hb.start_unless_alive(session_factory, build_id, "pdf", max_attempts=3)
    assert attempts(session_factory, build_id) == ("done", 1)


def test_a_silent_render_is_taken_over_by_one_message_only(session_factory, session, build_id):
    # The first attempt's process died: its output stays running and its heartbeat still.
    assert start_output(session, build_id, "pdf")
    barrier = threading.Barrier(3)

    def deliver(_: int) -> bool:
        barrier.wait()
        return hb.start_unless_alive(
            session_factory, build_id, "pdf", max_attempts=3, silent_after=1.0
        )

    with ThreadPoolExecutor(3) as pool:
        started = list(pool.map(deliver, range(3)))

    assert sorted(started) == [False, False, True]
    assert attempts(session_factory, build_id) == ("running", 2)


def test_the_recovery_step_leaves_an_output_that_moved_since_it_looked(session, build_id):
    assert start_output(session, build_id, "pdf")
    seen = make_stale(session, build_id)
    assert beat_output(session, build_id, "pdf")  # its renderer was alive after all

    assert not requeue_output(session, build_id, "pdf", unchanged_since=seen)
    assert requeue_output(session, build_id, "docx", unchanged_since=seen)  # still as seen
    status = build_status(session, build_id)
    assert status is not None
    assert (status.outputs["pdf"].state, status.outputs["docx"].state) == ("running", "queued")
