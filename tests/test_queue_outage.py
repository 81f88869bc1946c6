"""A draft posted while the queue is down is kept, answered 202, and sent once it is back."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery

from broker import QUEUE, RENDER_TASK, broker_config
from service.runtime import runtime
from settings import load_settings
from store import build_status
from tests.app_fixtures import TestApp, example_yaml, make_test_app
from worker import jobs

EVERYTHING = dt.timedelta(seconds=-1)  # the recovery step's staleness, met by every output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens here once the socket is closed


@contextmanager
def worker_celery(made: TestApp, **environ: str) -> Iterator[Celery]:
    """Yield a Celery client on the broker the settings name, as the workers build it."""
    settings = load_settings({"UDKAST_VAR_DIR": str(made.var_dir), **environ})
    broker = broker_config(settings.redis_url, settings.var_dir, settings.hard_time_limit)
    app = Celery("test-recover", broker=broker.url, set_as_current=False)
    app.conf.update(
        broker_transport_options=broker.transport_options,
        broker_connection_retry_on_startup=False,
        task_serializer="json",
    )
    try:
        yield app
    finally:
        app.close()


def test_redis_down_at_submit_keeps_the_draft_and_the_recovery_step_sends_it_later(tmp_path):
    redis_down = f"redis://127.0.0.1:{closed_port()}/0"
    made = make_test_app(tmp_path, REDIS_URL=redis_down)
    client = made.app.test_client()

    response = client.post(
        "/api/v1/drafts",
        data=example_yaml("udkast-1", slug="uden-ko", inputs=False),  # the draft's two files
        headers={"Authorization": f"Bearer {made.token}", "Content-Type": "application/yaml"},
    )

    assert response.status_code == 202
    body = response.get_json()
    assert body["draft"]["version"] == 1
    assert body["build"]["queued"] is False  # said plainly, not hidden
    assert body["build"]["state"] == "queued"
    assert made.versions("uden-ko") == [1]
    build_id = body["build"]["id"]

    with made.app.app_context():
        sessions = runtime().sessions
        # The recovery step while the broker is still down: every send fails (the
        # client raises), yet the pass tries each output, ends normally, and leaves
        # them queued for the next pass.
        tried: list[tuple[str, str]] = []
        with worker_celery(made, REDIS_URL=redis_down) as app:
            publish = jobs.celery_publisher(app)

            def counting(build: str, output: str, lane: str) -> bool:
                tried.append((build, output))
                return publish(build, output, lane)

            assert jobs.recover(sessions, EVERYTHING, counting) == 0
        assert sorted(tried) == [(build_id, "docx"), (build_id, "pdf")]
        with sessions() as db:
            status = build_status(db, build_id)
        assert status is not None and status.state == "queued"
        assert {o.state for o in status.outputs.values()} == {"queued"}

        # The broker is back (here: the folder queue on this machine): the next pass
        # sends one render task per output.
        with worker_celery(made) as app:
            assert made.queued_messages() == 0  # the folder is made with the client
            assert jobs.recover(sessions, EVERYTHING, jobs.celery_publisher(app)) == 2
        assert made.queued_messages() == 2
        sent = [
            json.loads(path.read_text(encoding="utf-8"))
            for path in (made.var_dir / "queue" / "messages").iterdir()
        ]
        assert sorted(m["headers"]["argsrepr"] for m in sent) == [
            repr((build_id, "docx")),
            repr((build_id, "pdf")),
        ]
        assert {m["headers"]["task"] for m in sent} == {RENDER_TASK}
        assert {m["properties"]["delivery_info"]["routing_key"] for m in sent} == {QUEUE}
