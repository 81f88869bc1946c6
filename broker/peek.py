"""Which render messages the broker still holds: waiting in the queue, or taken and alive.

The recovery step (worker.jobs.recover) asks this before it sends an output again, so a
backlog that only waits its turn is never multiplied. A message counts as held when it
is waiting to be delivered, or when a consumer took it and may still be working on it:

- Redis (kombu's redis transport): waiting messages are in the queue's lists (one per
  priority step); taken ones are in the `unacked` hash until acknowledged, with the time
  of delivery in `unacked_index`. Redis cannot tell whether the consumer that took one is
  alive, so a claim counts only while younger than `claims_last` (the recovery step's
  UDKAST_STALE_AFTER): a live worker renders or gives back what it takes well within it.
- The folder queue (broker.folderqueue): waiting messages are the inbox files; taken ones
  are the files in `taken/`, named with the claiming process, which counts while that
  process lives. Claims of dead processes are put back first, so they count as waiting.

The answer is a snapshot read while workers go on: a message that moves between two
places during the read may be missed. The recovery step then sends a duplicate, which
the worker skips without rendering (worker.jobs), so a miss costs a message, not a
render; a message is never reported held when it is gone.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from time import time
from typing import Any

from kombu.connection import Connection
from kombu.transport import redis as kombu_redis

from broker import QUEUES, RENDER_TASK, BrokerConfig, folderqueue

# Redis list entries read per round trip: the whole queue is never held in one reply.
PAGE = 500
CONNECT_SECONDS = 5  # a broker that does not answer fails the peek, not the recovery pass


class UnknownBroker(Exception):
    """The broker's transport has no peek here; nothing can be said about what it holds."""


@dataclass(frozen=True)
class HeldRenders:
    """The render messages (build id, output) a broker holds."""

    waiting: frozenset[tuple[str, str]]  # in the queue, to be delivered
    claimed: frozenset[tuple[str, str]]  # delivered to a consumer that may be rendering it

    def holds(self, build_id: str, output: str) -> bool:
        """Return True if a message for this output is waiting or taken by a live consumer."""
        return (build_id, output) in self.waiting or (build_id, output) in self.claimed


def held_renders(broker: BrokerConfig, *, claims_last: float) -> HeldRenders:
    """Return the render messages the broker holds; raise when it cannot be read.

    On Redis a claim older than `claims_last` seconds counts as abandoned.
    """
    options = {**broker.transport_options, "max_retries": 1}
    # kombu ships no type information for its Connection.
    connection = Connection(  # type: ignore[no-untyped-call]
        broker.url, transport_options=options, connect_timeout=CONNECT_SECONDS
    )
    with connection:
        channel = connection.default_channel
        waiting: list[dict[str, Any]] = []
        claimed: list[dict[str, Any]] = []
        if isinstance(channel, folderqueue.Channel):
            for queue in QUEUES.values():  # every lane
                lane_waiting, lane_claimed = channel.peek(queue)
                waiting += lane_waiting
                claimed += lane_claimed
        elif isinstance(channel, kombu_redis.Channel):
            waiting, claimed = _redis_peek(channel, claims_last)
        else:
            raise UnknownBroker(f"cannot read the messages of a {type(channel).__name__}")
        return HeldRenders(frozenset(_renders(waiting)), frozenset(_renders(claimed)))


def _redis_peek(
    channel: kombu_redis.Channel, claims_last: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the payloads waiting in every lane's lists and those delivered recently."""
    with channel.conn_or_acquire() as client:
        # The lists first, then the claims: a message taken between the two reads moves
        # from a list into `unacked` and is seen there.
        # kombu's client adds a configured global key prefix to ZRANGE and HGET itself,
        # not to LRANGE, which kombu never sends.
        prefix = channel.global_keyprefix
        # kombu's own naming of each priority's list (private, so a change fails loudly).
        lists = [
            prefix + channel._q_for_pri(queue, pri)  # type: ignore[no-untyped-call]
            for queue in QUEUES.values()
            for pri in channel.priority_steps
        ]
        waiting = [payload for key in lists for payload in _list_payloads(client, key)]
        tags = client.zrange(channel.unacked_index_key, time() - claims_last, "+inf", byscore=True)
        claimed = []
        for tag in tags:  # at most the prefetch count of each worker
            entry = _json(client.hget(channel.unacked_key, tag))
            if isinstance(entry, list) and entry and isinstance(entry[0], dict):
                claimed.append(entry[0])  # [payload, exchange, routing key]
    return waiting, claimed


def _list_payloads(client: Any, key: str) -> Iterator[dict[str, Any]]:
    """Yield the messages of one Redis list, PAGE at a time, newest first.

    Producers push at the head and consumers pop at the tail, so paging from the head
    never skips a message that stays: a push only moves the rest one place back (read
    twice, harmless), and a pop removes a message from the end not read yet.
    """
    start = 0
    while True:
        page = client.lrange(key, start, start + PAGE - 1)
        for raw in page:
            payload = _json(raw)
            if isinstance(payload, dict):
                yield payload
        if len(page) < PAGE:
            return
        start += PAGE


def _renders(payloads: Iterable[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """Yield (build id, output) of every render task among kombu message payloads."""
    for payload in payloads:
        args = _render_args(payload)
        if args is not None:
            yield args


def _render_args(payload: dict[str, Any]) -> tuple[str, str] | None:
    """Return the (build id, output) a Celery render message carries, else None."""
    headers = payload.get("headers")
    if not isinstance(headers, dict) or headers.get("task") != RENDER_TASK:
        return None
    body: Any = payload.get("body")
    properties = payload.get("properties")
    try:
        if isinstance(properties, dict) and properties.get("body_encoding") == "base64":
            body = base64.b64decode(body)
        # Celery's message protocol 2: the body is [args, kwargs, embed].
        args = json.loads(body)[0]
        build_id, output = args
    except (TypeError, ValueError, IndexError, KeyError):
        return None  # not a message this service sent; a worker reports it when it meets it
    return (build_id, output) if isinstance(build_id, str) and isinstance(output, str) else None


def _json(raw: Any) -> Any:
    """Decode one stored JSON value; None when it is missing or not JSON."""
    if raw is None:
        return None  # acknowledged since its tag was read
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return None
