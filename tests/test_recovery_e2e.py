"""A backlog never multiplies itself; a lost message or a killed node still ends done (issue 8).

Real services: gunicorn, Celery workers with their beat (the recovery step), on SQLite +
the folder queue and on PostgreSQL + Redis. What a person would notice is counted in
the workers' own logs: how many render tasks they received and how many outputs each
recovery pass sent again, and in the API: every build done, every attempt.

Issue 8 measured the old recovery step re-queueing 306 outputs that only waited their
turn, and a surviving node running 1,035 render tasks for 400 outputs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from broker import QUEUE, RECOVER_TASK, broker_config
from cli.serve import worker_command
from settings import load_settings
from tests.fault_helpers import draft, post
from tests.live_service import (
    RECOVERY,
    STALE_AFTER,
    STARTUP_SECONDS,
    WAIT_SECONDS,
    LiveService,
    backend_env,
    free_port,
    live_service,
)
from tests.recovery_helpers import lose_message, recovery_results, renders_received

pytestmark = [pytest.mark.e2e, pytest.mark.robust]


def stop_worker(service: LiveService) -> None:
    """Stop the workers (and beat) as `udkast serve` does on Ctrl-C: SIGTERM to each."""
    for worker in service.workers():
        worker.terminate()  # the main process stops its pool children and beat itself
        worker.wait(timeout=STARTUP_SECONDS)


@pytest.fixture(params=["embedded", "services"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveService]:
    yield from live_service(request.param, tmp_path, RECOVERY)


def test_a_backlog_older_than_the_staleness_is_rendered_once(service: LiveService):
    stop_worker(service)  # the backlog builds up while no worker takes from the queue
    ahead = [post(service, draft(f"foran-{n}"))["build"] for n in range(2)]
    # A recovery pass queued between them, as the beat queues one every few seconds: it
    # runs once the worker reaches it, when the drafts behind it waited past the staleness.
    with service.celery_client() as client:
        client.send_task(RECOVER_TASK, queue=QUEUE)
    behind = [post(service, draft(f"bagved-{n}"))["build"] for n in range(3)]
    settings = load_settings(service.env)
    broker = broker_config(settings.redis_url, settings.var_dir, settings.hard_time_limit)
    lose_message(broker, settings.var_dir, behind[0]["id"], "pdf")  # truly lost
    time.sleep(STALE_AFTER + 1)  # until every output waited past the staleness

    service.start_worker()
    builds = [service.wait_build(b["links"]["self"]) for b in ahead + behind]

    assert [b["state"] for b in builds] == ["done"] * 5, builds
    outputs = [o for b in builds for o in b["outputs"].values()]
    assert [o["attempts"] for o in outputs] == [1] * len(outputs)  # each rendered once
    worker_log = service.logs / "worker.log"
    # One render task per output: the lost one sent again once, none of the waiting ones.
    assert renders_received(worker_log) == len(outputs) == 10
    sent_again = recovery_results(worker_log)
    assert sum(sent_again) == 1, sent_again


@dataclass
class TwoNodes(LiveService):
    """A web service and two worker nodes sharing only PostgreSQL and Redis.

    Node A runs under this service's UDKAST_VAR_DIR and TMPDIR, node B under its own, as
    two machines would; each runs its own beat, so each runs the recovery step.
    """

    node_b: subprocess.Popen[bytes] | None = None

    def start_worker(self) -> None:
        schedule = Path(self.env["UDKAST_VAR_DIR"]) / "beat-schedule"
        argv = [*worker_command(schedule, self.concurrency), "-n", "node-a@%h"]
        self.worker = self._spawn("worker", argv)

    def start_node_b(self, home: Path) -> None:
        var_dir, tmp = home / "var", home / "tmp"
        tmp.mkdir(parents=True)
        env = {**self.env, "UDKAST_VAR_DIR": str(var_dir), "TMPDIR": str(tmp)}
        argv = [*worker_command(var_dir / "beat-schedule", self.concurrency), "-n", "node-b@%h"]
        with open(self.logs / "worker-b.log", "ab") as log:
            self.node_b = subprocess.Popen(
                argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def node_b_active(self) -> list[Any]:
        """Return the tasks node B reports running now, as Celery's remote control tells."""
        name = f"node-b@{socket.gethostname()}"
        with self.celery_client() as client:
            replies = client.control.inspect(destination=[name], timeout=1.0).active() or {}
        return list(replies.get(name, []))

    def kill_node_b(self) -> None:
        """SIGKILL node B with its pool children and beat, as a machine that dies."""
        assert self.node_b is not None
        os.killpg(self.node_b.pid, signal.SIGKILL)
        self.node_b.wait(timeout=60)

    def stop(self) -> None:
        if self.node_b is not None and self.node_b.poll() is None:
            self.kill_node_b()
        super().stop()


@pytest.fixture
def two_nodes(tmp_path: Path) -> Iterator[TwoNodes]:
    (tmp_path / "node-a-tmp").mkdir()
    extra = {**RECOVERY, "TMPDIR": str(tmp_path / "node-a-tmp")}
    for env in backend_env("services", tmp_path / "var", extra):
        service = TwoNodes(env=env, port=free_port(), logs=tmp_path)
        try:
            service.start()
            yield service
        finally:
            service.stop()


def test_two_nodes_one_killed_mid_render_every_build_done_rendered_about_once(
    two_nodes: TwoNodes,
):
    service = two_nodes
    stop_worker(service)  # no node takes from the queue until the backlog is stale
    strategies = 3  # 18 drafts, 66 outputs: a backlog far larger than two nodes take at once

    def post_wave(versions: range) -> list[dict[str, Any]]:
        # Interleaved, so that every strategy gets drafts posted at the same time.
        bodies = [draft(f"node-{s}", n) for n in versions for s in range(strategies)]
        with ThreadPoolExecutor(10) as pool:
            return list(pool.map(lambda body: post(service, body), bodies))

    posted = post_wave(range(4))
    with service.celery_client() as client:  # a recovery pass between the two waves
        client.send_task(RECOVER_TASK, queue=QUEUE)
    posted += post_wave(range(4, 6))
    time.sleep(STALE_AFTER + 1)  # until every output waited past the staleness
    service.start_worker()
    service.start_node_b(service.logs / "node-b")
    deadline = time.monotonic() + WAIT_SECONDS
    # Node B has taken its share for a while and renders now: kill it mid-render.
    while renders_received(service.logs / "worker-b.log") < 3 or not service.node_b_active():
        assert time.monotonic() < deadline, "node B never rendered"
    service.kill_node_b()

    builds = [service.wait_build(p["build"]["links"]["self"]) for p in posted]

    assert {b["state"] for b in builds} == {"done"}, [b for b in builds if b["state"] != "done"]
    for s in range(strategies):
        _, history = service.json("GET", f"/api/v1/strategies/node-{s}/drafts")
        assert sorted(d["version"] for d in history["drafts"]) == [1, 2, 3, 4, 5, 6]
    outputs = [o for b in builds for o in b["outputs"].values()]
    assert len(outputs) == strategies * (2 + 5 * 4)  # a comparison for each later version
    attempts = [o["attempts"] for o in outputs]
    # Node B ran at most `concurrency` renders when it died: only those start twice.
    assert max(attempts) <= 2, attempts
    killed = attempts.count(2)
    assert killed <= service.concurrency, attempts
    assert sum(attempts) == len(outputs) + killed
    logs = (service.logs / "worker.log", service.logs / "worker-b.log")
    # The recovery step sent again only what node B had taken (its prefetch: one message
    # per pool child), never the backlog that waited its turn, older than the staleness.
    sent_again = recovery_results(*logs)
    assert 1 <= sum(sent_again) <= service.concurrency, sent_again
    # Each output's message once, plus B's taken ones sent again (and, should the test
    # outlast Redis's visibility timeout, given back by Redis too, then skipped).
    assert renders_received(*logs) <= len(outputs) + 2 * service.concurrency
