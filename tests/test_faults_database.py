"""PostgreSQL cut while a render runs: the build still ends, and no draft is lost (issue 8).

Real services: gunicorn and a Celery worker reach a private PostgreSQL database through
a loopback TCP relay (tests.test_database_outage.Relay) that the test cuts while an
output renders, as a restarted server or a broken network would: every open
connection dies and new ones are refused. Then the relay comes back on the same port.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault_helpers import (
    draft,
    post,
    running,
    service_env,
    versions,
    wait_output_state,
)
from tests.live_service import RECOVERY, LiveService, free_port, private_redis_url
from tests.store_fixtures import postgres_database
from tests.test_database_outage import Relay
from worker.heartbeat import HEARTBEAT_SECONDS

pytestmark = [pytest.mark.e2e, pytest.mark.robust]

# How long the database stays away: several heartbeats, so that the render's heartbeat
# and its end (storing the file) both meet the outage. The length of the fault, not a
# margin: the assertions wait on states.
OUTAGE_SECONDS = 4 * HEARTBEAT_SECONDS


@pytest.fixture
def relayed_service(tmp_path: Path) -> Iterator[tuple[LiveService, Relay]]:
    for db_url in postgres_database():
        relay = Relay((db_url.host or "127.0.0.1", db_url.port or 5432))
        relay.start()
        relayed = db_url.set(host="127.0.0.1", port=relay.port)
        try:
            for redis_url in private_redis_url():
                env = service_env(
                    tmp_path / "var",
                    relayed.render_as_string(hide_password=False),
                    redis_url,
                    RECOVERY,
                )
                with running(LiveService(env=env, port=free_port(), logs=tmp_path)) as service:
                    yield service, relay
        finally:
            with contextlib.suppress(OSError, AssertionError):
                relay.cut()


def test_postgresql_cut_during_a_render_the_build_ends_and_no_draft_is_lost(relayed_service):
    service, relay = relayed_service
    kept = post(service, draft("afbrudt"))["build"]
    service.wait_build(kept["links"]["self"])
    build = post(service, draft("afbrudt", 1))["build"]
    wait_output_state(service, build["links"]["self"], {"running"})

    relay.cut()  # web and worker lose the database mid-render
    time.sleep(OUTAGE_SECONDS)
    relay.start()

    ended = service.wait_build(build["links"]["self"])
    assert ended["state"] in ("done", "failed"), ended
    if ended["state"] == "failed":
        assert all(o["error"] for o in ended["outputs"].values() if o["state"] == "failed")
    assert ended["state"] == "done", ended  # what the worker's retries should achieve
    assert versions(service, "afbrudt") == [1, 2]
    # The service works on: a draft posted now is stored and rendered.
    after = post(service, draft("afbrudt", 2))["build"]
    assert service.wait_build(after["links"]["self"])["state"] == "done"
    assert versions(service, "afbrudt") == [1, 2, 3]
