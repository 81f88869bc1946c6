"""The Celery app the workers run (`celery -A worker.celery_app`) has the promised settings.

The app is built when worker.celery_app is imported, from the environment, so each case
imports it in a fresh interpreter with that environment, as the `celery` command does.
test_worker_loss.py shows what acks_late and reject-on-worker-lost do for a real render.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Print the settings of the app the module builds, as JSON.
DUMP = """
import json
from worker.celery_app import app
c = app.conf
print(json.dumps({
    "broker_url": c.broker_url,
    "transport_options": c.broker_transport_options,
    "acks_late": c.task_acks_late,
    "reject_on_worker_lost": c.task_reject_on_worker_lost,
    "lost_wait": c.worker_lost_wait,
    "prefetch": c.worker_prefetch_multiplier,
    "task_serializer": c.task_serializer,
    "result_serializer": c.result_serializer,
    "accept_content": list(c.accept_content),
    "soft": c.task_soft_time_limit,
    "hard": c.task_time_limit,
    "tasks_per_child": c.worker_max_tasks_per_child,
    "memory_per_child": c.worker_max_memory_per_child,
    "ignore_result": c.task_ignore_result,
    "schedule": {k: [v["task"], v["schedule"]] for k, v in c.beat_schedule.items()},
}))
"""


def worker_app_settings(tmp_path: Path, **environ: str) -> dict[str, Any]:
    """Return the settings of the worker's Celery app built from this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UDKAST_", "REDIS_"))}
    env.pop("DATABASE_URL", None)
    env.update(UDKAST_VAR_DIR=str(tmp_path / "var"), UDKAST_SECRET_KEY="k" * 32, **environ)
    out = subprocess.run(
        [sys.executable, "-c", DUMP],
        env=env,
        cwd=tmp_path,  # nothing it creates may land in the working tree
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("backend", ["folder", "redis"])
def test_the_worker_app_acks_late_takes_one_task_at_a_time_and_speaks_json_only(
    tmp_path: Path, backend: str
):
    # The broker is not contacted while the app is built: no Redis server is needed here.
    redis = {"REDIS_URL": "redis://127.0.0.1:1/0"} if backend == "redis" else {}

    conf = worker_app_settings(tmp_path, **redis)

    # A task is acknowledged after it ran, and put back when its pool child dies.
    assert conf["acks_late"] is True
    assert conf["reject_on_worker_lost"] is True
    # ... seconds after it died, not Celery's default 10 (no results are kept in Celery).
    assert conf["lost_wait"] <= 2
    # A worker holds no more than it runs: a message waiting in a busy worker would be
    # stuck behind a long render while another worker is idle.
    assert conf["prefetch"] == 1
    # Only JSON crosses the queue (no pickle: a message must never run code).
    assert conf["task_serializer"] == "json"
    assert conf["result_serializer"] == "json"
    assert conf["accept_content"] == ["json"]
    assert conf["ignore_result"] is True  # state lives in the database
    # Children are recycled: WeasyPrint's caches grow with every render.
    assert conf["tasks_per_child"] == 50
    assert conf["memory_per_child"] == 512_000  # KiB
    assert (conf["soft"], conf["hard"]) == (60, 90)
    assert conf["schedule"] == {"recover-lost-outputs": ["udkast.recover", 30.0]}
    if backend == "redis":
        assert conf["broker_url"] == redis["REDIS_URL"]
    else:
        assert conf["broker_url"].startswith("udkast-folder://")
        assert conf["transport_options"]["data_folder_in"] == str(
            tmp_path / "var" / "queue" / "messages"
        )


def test_time_limits_and_the_recovery_interval_come_from_the_settings(tmp_path: Path):
    conf = worker_app_settings(
        tmp_path,
        UDKAST_SOFT_TIME_LIMIT="200",
        UDKAST_HARD_TIME_LIMIT="400",
        UDKAST_RECOVER_EVERY="7",
    )

    assert (conf["soft"], conf["hard"]) == (200, 400)
    assert conf["schedule"]["recover-lost-outputs"][1] == 7.0


@pytest.mark.parametrize("hard", ["90", "100", "400"])
def test_redis_redelivers_only_after_the_hard_time_limit(tmp_path: Path, hard: str):
    # Redis gives an unacknowledged message to another worker after the visibility
    # timeout: below the hard limit, a render still running would be run twice at once.
    conf = worker_app_settings(
        tmp_path,
        REDIS_URL="redis://127.0.0.1:1/0",
        UDKAST_SOFT_TIME_LIMIT="30",
        UDKAST_HARD_TIME_LIMIT=hard,
    )

    assert conf["transport_options"]["visibility_timeout"] > int(hard)
