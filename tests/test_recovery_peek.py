"""The recovery step sends again only what the broker no longer holds (issue 8).

On both brokers, real ones: the folder queue and a private Redis db. Drafts are posted
through the real app, which publishes their render messages; no worker runs, so the
messages stay where the test puts them. The staleness is met by every output at once
(EVERYTHING), as if the backlog had waited longer than UDKAST_STALE_AFTER.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from kombu.connection import Connection

from broker import QUEUE, BrokerConfig, broker_config, folderqueue
from broker import peek as brokerpeek
from broker.peek import HeldRenders, held_renders
from service.runtime import runtime
from store import build_status
from tests import recovery_helpers
from tests.app_fixtures import TestApp, example_yaml, make_test_app
from tests.live_service import private_redis_url
from worker import jobs

EVERYTHING = dt.timedelta(seconds=-1)  # the staleness every output meets
LONG = 600.0  # claims this young count as held (the default UDKAST_STALE_AFTER)


@pytest.fixture(params=["folder", "redis"])
def made(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestApp]:
    if request.param == "folder":
        yield make_test_app(tmp_path)
        return
    for url in private_redis_url():
        yield make_test_app(tmp_path, REDIS_URL=url)


def broker_of(made: TestApp) -> BrokerConfig:
    with made.app.app_context():
        settings = runtime().settings
    return broker_config(settings.redis_url, settings.var_dir, settings.hard_time_limit)


def post(made: TestApp, slug: str) -> str:
    # Without inputs: the build has the draft's own two files (no høringsnotat).
    response = made.post_yaml(example_yaml("udkast-1", slug=slug, inputs=False))
    assert response.status_code == 202, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert body["build"]["queued"] is True
    return str(body["build"]["id"])


def peek(made: TestApp, claims_last: float = LONG) -> HeldRenders:
    broker = broker_of(made)
    return held_renders(broker, claims_last=claims_last)


def recover(made: TestApp, sent: list[tuple[str, str]], claims_last: float = LONG) -> int:
    """Run the recovery step as the workers do, on the real broker; note what it sends."""
    broker = broker_of(made)
    app = Celery("test-recover", broker=broker.url, set_as_current=False)
    app.conf.update(broker_transport_options=broker.transport_options, task_serializer="json")
    publish = jobs.celery_publisher(app)

    def noting(build_id: str, output: str, lane: str) -> bool:
        sent.append((build_id, output))
        return publish(build_id, output, lane)

    try:
        with made.app.app_context():
            return jobs.recover(
                runtime().sessions,
                EVERYTHING,
                noting,
                lambda: held_renders(broker, claims_last=claims_last),
            )
    finally:
        app.close()


def outputs(*build_ids: str) -> set[tuple[str, str]]:
    return {(b, output) for b in build_ids for output in ("docx", "pdf")}


def take_one(url: str, options: dict[str, Any]) -> None:
    """Take one message from the queue and die without acknowledging it, as a crash would."""
    folderqueue.register()  # a new process: kombu learns the folder queue's scheme again
    conn = Connection(url, transport_options=options)  # type: ignore[no-untyped-call]
    message = conn.default_channel.basic_get(QUEUE)  # type: ignore[no-untyped-call]
    assert message is not None
    os._exit(0)  # no clean-up: the claim stays as the dead process left it


def take_one_and_die(made: TestApp) -> None:
    broker = broker_of(made)
    process = multiprocessing.get_context("spawn").Process(
        target=take_one, args=(broker.url, broker.transport_options)
    )
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0


def lose_message(made: TestApp, build_id: str, output: str) -> None:
    recovery_helpers.lose_message(broker_of(made), made.var_dir, build_id, output)


def messages_in_broker(made: TestApp) -> int:
    return recovery_helpers.waiting_messages(broker_of(made), made.var_dir)


def test_every_waiting_render_message_is_held(made: TestApp):
    builds = [post(made, f"koe-{n}") for n in range(3)]

    held = peek(made)

    assert held.waiting == outputs(*builds)
    assert held.claimed == frozenset()
    assert all(held.holds(b, f) for b, f in outputs(*builds))
    assert not held.holds(builds[0], "changes-pdf")


def test_a_backlog_older_than_the_staleness_is_not_sent_again(made: TestApp):
    builds = [post(made, f"venter-{n}") for n in range(3)]
    sent: list[tuple[str, str]] = []

    assert recover(made, sent) == 0

    assert sent == []  # waiting its turn is not lost
    assert messages_in_broker(made) == 6  # one per output, as posted: nothing added
    with made.app.app_context(), runtime().sessions() as db:
        for build_id in builds:
            status = build_status(db, build_id)
            assert status is not None and status.state == "queued"


def test_a_lost_message_is_sent_again_and_only_once(made: TestApp):
    kept, lost = post(made, "beholdt"), post(made, "tabt")
    lose_message(made, lost, "pdf")
    sent: list[tuple[str, str]] = []

    assert recover(made, sent) == 1
    assert sent == [(lost, "pdf")]
    assert peek(made).waiting == outputs(kept, lost)  # whole again

    # Every output is still stale by EVERYTHING, and every one is held now.
    assert recover(made, sent) == 0
    assert sent == [(lost, "pdf")]
    assert messages_in_broker(made) == 4


def test_a_message_a_live_consumer_took_is_held(made: TestApp):
    builds = [post(made, f"taget-{n}") for n in range(2)]
    broker = broker_of(made)
    # Taken and not acknowledged while the connection stays open, as a live worker does.
    conn = Connection(broker.url, transport_options=broker.transport_options)  # type: ignore[no-untyped-call]
    with conn:
        message = conn.default_channel.basic_get(QUEUE)  # type: ignore[no-untyped-call]
        assert message is not None
        sent: list[tuple[str, str]] = []

        held = peek(made)
        assert recover(made, sent) == 0

        assert sent == []
        assert len(held.claimed) == 1 and len(held.waiting) == 3
        assert held.claimed | held.waiting == outputs(*builds)
        message.ack()


def test_a_message_a_dead_consumer_took_is_sent_again(made: TestApp):
    builds = [post(made, f"doed-{n}") for n in range(2)]
    take_one_and_die(made)
    sent: list[tuple[str, str]] = []
    is_redis = recovery_helpers.on_redis(broker_of(made))
    taken = peek(made).claimed  # Redis: the dead consumer's claim, still young

    # Redis cannot say whether a consumer lives: a claim counts while it is younger than
    # the staleness, here none is. The folder queue names the process that took it, so
    # the dead one's claim is put back into the queue and nothing needs sending.
    assert recover(made, sent, claims_last=0) == (1 if is_redis else 0)

    assert set(sent) == (set(taken) if is_redis else set())
    assert len(taken) == (1 if is_redis else 0)
    assert peek(made).waiting == outputs(*builds)  # every output waits its turn again


def test_a_queue_longer_than_one_read_is_read_whole(made: TestApp, monkeypatch):
    # Redis lists are read a page at a time (the whole queue never in one reply); a page
    # of two makes these six messages take four reads, the last one short.
    monkeypatch.setattr(brokerpeek, "PAGE", 2)
    builds = [post(made, f"side-{n}") for n in range(3)]

    assert peek(made).waiting == outputs(*builds)
