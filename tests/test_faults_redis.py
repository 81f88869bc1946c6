"""The broker restarted with builds queued, or down while a render is acknowledged (issue 8).

Real services: gunicorn and a Celery worker on a private PostgreSQL database and a
private redis-server of the test's own, which the test stops and starts again. Each
promise is what a person would notice in the API: every draft kept, versions without
gaps, every build `done`, and how many times each output was rendered.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault_helpers import (
    HeldService,
    PrivateRedis,
    draft,
    post,
    private_redis,
    running,
    service_env,
    versions,
    wait_output_state,
)
from tests.live_service import RECOVERY, free_port
from tests.recovery_helpers import recovery_results, renders_received
from tests.store_fixtures import postgres_database

pytestmark = [pytest.mark.e2e, pytest.mark.robust]

# How long the broker stays away in the acknowledgement test: the length of the fault,
# not a margin (the assertions wait on states). Longer than a render of udkast-1 takes.
OUTAGE_SECONDS = 8


def held_service(tmp: Path, server: PrivateRedis) -> Iterator[HeldService]:
    """Yield a started service on a private database and this Redis, its worker held."""
    for db_url in postgres_database():
        env = service_env(
            tmp / "var", db_url.render_as_string(hide_password=False), server.url, RECOVERY
        )
        with running(HeldService(env=env, port=free_port(), logs=tmp)) as service:
            assert isinstance(service, HeldService)
            yield service


@pytest.mark.parametrize("aof", [True, False], ids=["aof", "no-aof"])
def test_redis_restarted_with_builds_queued_every_build_ends_done(tmp_path: Path, aof: bool):
    with private_redis(tmp_path / "redis", aof=aof) as server:
        for service in held_service(tmp_path, server):
            # No worker yet: every render message waits in Redis when it restarts.
            posted = [post(service, draft("genstart", n)) for n in range(3)]
            posted.append(post(service, draft("anden")))
            server.restart()
            service.start_worker()
            # A draft posted after the restart: the web reaches the new Redis as well.
            posted.append(post(service, draft("genstart", 3)))

            builds = [service.wait_build(p["build"]["links"]["self"]) for p in posted]

            assert [b["state"] for b in builds] == ["done"] * len(posted), builds
            assert versions(service, "genstart") == [1, 2, 3, 4]
            assert versions(service, "anden") == [1]
            outputs = [o for b in builds for o in b["outputs"].values()]
            assert len(outputs) == 2 + 4 + 4 + 2 + 4  # comparisons for later versions
            # Each output rendered once: nothing sent twice, nothing started twice.
            assert [o["attempts"] for o in outputs] == [1] * len(outputs)
            worker_log = service.logs / "worker.log"
            sent_again = recovery_results(worker_log)
            if aof:
                # The messages came back with Redis: no recovery pass sent any again.
                assert sum(sent_again) == 0, sent_again
                assert renders_received(worker_log) == len(outputs)
            else:
                # Lost with Redis: the recovery step sent each waiting one once.
                lost = len(outputs) - 4  # all but the draft posted after the restart
                assert sum(sent_again) == lost, sent_again
                assert renders_received(worker_log) == len(outputs)


def test_redis_down_while_a_render_is_acknowledged_the_output_ends_done(tmp_path: Path):
    # With AOF, as a production Redis keeps its messages: what was taken comes back.
    with private_redis(tmp_path / "redis", aof=True) as server:
        for service in held_service(tmp_path, server):
            service.start_worker()
            first = post(service, draft("kvittering"))["build"]
            wait_output_state(service, first["links"]["self"], {"running"})
            server.stop()  # the render runs on, and ends, with no broker to acknowledge it
            time.sleep(OUTAGE_SECONDS)
            server.start()
            during = service.wait_build(first["links"]["self"])
            # The worker found its broker again: a draft posted now is rendered too.
            second = post(service, draft("kvittering", 1))["build"]
            after = service.wait_build(second["links"]["self"])

            assert during["state"] == "done", during
            assert after["state"] == "done", after
            assert versions(service, "kvittering") == [1, 2]
            attempts = [o["attempts"] for o in during["outputs"].values()]
            assert max(attempts) <= 2, attempts  # rendered at most twice
            assert [o["attempts"] for o in after["outputs"].values()] == [1] * 4
