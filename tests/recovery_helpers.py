"""Helpers for the recovery tests: read and lose render messages in a real broker, read logs."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import redis

from broker import QUEUE, RENDER_TASK, BrokerConfig

RECEIVED = re.compile(r"Task udkast\.render_output\[[0-9a-f-]+\] received")
RECOVERED = re.compile(r"Task udkast\.recover\[[0-9a-f-]+\] succeeded in \S+: (\d+)")


def message_args(raw: bytes | str) -> tuple[str, str] | None:
    """Return the (build id, output) of a render message as the broker stores it."""
    payload = json.loads(raw)
    if payload["headers"]["task"] != RENDER_TASK:
        return None
    args = json.loads(base64.b64decode(payload["body"]))[0]
    return str(args[0]), str(args[1])


def on_redis(broker: BrokerConfig) -> bool:
    """Tell whether the broker is a Redis server (the alternative is the folder queue)."""
    return broker.url.startswith(("redis://", "rediss://"))


def lose_message(broker: BrokerConfig, var_dir: Path, build_id: str, output: str) -> None:
    """Delete the waiting render message of one output from the broker, as if lost."""
    if on_redis(broker):
        client = redis.Redis.from_url(broker.url, decode_responses=True)
        for raw in client.lrange(QUEUE, 0, -1):
            if message_args(raw) == (build_id, output):
                assert client.lrem(QUEUE, 1, str(raw)) == 1
                return
    else:
        for path in (var_dir / "queue" / "messages").iterdir():
            if message_args(path.read_bytes()) == (build_id, output):
                path.unlink()
                return
    raise AssertionError(f"no message for {output} of {build_id}")


def waiting_messages(broker: BrokerConfig, var_dir: Path) -> int:
    """Count the messages waiting in the broker's queue."""
    if on_redis(broker):
        return int(redis.Redis.from_url(broker.url).llen(QUEUE))
    return sum(1 for _ in (var_dir / "queue" / "messages").iterdir())


def renders_received(*logs: Path) -> int:
    """Count the render tasks the workers writing these logs received."""
    return sum(len(RECEIVED.findall(log.read_text(errors="replace"))) for log in logs)


def recovery_results(*logs: Path) -> list[int]:
    """Return how many outputs each finished recovery pass in these logs sent again."""
    return [int(n) for log in logs for n in RECOVERED.findall(log.read_text(errors="replace"))]
