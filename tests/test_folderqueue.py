"""The queue without a server (broker.folderqueue) through real kombu connections and processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kombu.connection import Connection

from broker import QUEUE, broker_config
from tests.conftest import example_path
from tests.live_service import WAIT_SECONDS, LiveService, live_service


def connection(var_dir: Path) -> Connection:
    broker = broker_config(None, var_dir, hard_time_limit=90)
    # kombu ships no type information for its Connection.
    return Connection(broker.url, transport_options=broker.transport_options)  # type: ignore[no-untyped-call]


def publish(var_dir: str, sender: int, count: int) -> None:
    with connection(Path(var_dir)) as conn, conn.SimpleQueue(QUEUE) as out:
        for n in range(count):
            out.put({"sender": sender, "n": n, "padding": "x" * 20_000})


def consume(var_dir: str, results: multiprocessing.Queue[Any], total: Any, expected: int) -> None:
    """Read and acknowledge until all readers together have `expected` messages."""
    got = []
    # Not an idle timeout: a busy machine may start the writers long after the readers.
    # The deadline only ends a run that would otherwise hang; the test then fails.
    deadline = time.monotonic() + WAIT_SECONDS
    with connection(Path(var_dir)) as conn, conn.SimpleQueue(QUEUE) as inbox:
        while total.value < expected and time.monotonic() < deadline:
            try:
                message = inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append((message.payload["sender"], message.payload["n"]))
            message.ack()
            with total.get_lock():
                total.value += 1
    results.put(got)


def messages_folder(var_dir: Path) -> Path:
    return var_dir / "queue" / "messages"


def test_concurrent_writers_and_readers_deliver_every_message_exactly_once(tmp_path):
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[Any] = context.Queue()
    writers = [context.Process(target=publish, args=(str(tmp_path), s, 150)) for s in range(3)]
    total = context.Value("i", 0)
    reader = (str(tmp_path), results, total, 450)
    readers = [context.Process(target=consume, args=reader) for _ in "ab"]
    for process in readers + writers:
        process.start()
    for process in writers + readers:
        process.join(timeout=WAIT_SECONDS)  # each ends when all messages are in
        assert process.exitcode == 0, "a writer or reader failed"

    received = [item for _ in readers for item in results.get(timeout=WAIT_SECONDS)]

    assert sorted(received) == [(s, n) for s in range(3) for n in range(150)]
    assert list((tmp_path / "queue" / "rejected").iterdir()) == []
    assert list((tmp_path / "queue" / "taken").iterdir()) == []  # every claim acknowledged


def take_and_hang(var_dir: str, taken: Any) -> None:
    with connection(Path(var_dir)) as conn, conn.SimpleQueue(QUEUE) as inbox:
        inbox.get(timeout=WAIT_SECONDS)  # waiting already: comes at the first look
        taken.set()
        time.sleep(600)


def test_a_message_taken_by_a_process_that_dies_unacknowledged_is_delivered_again(tmp_path):
    context = multiprocessing.get_context("spawn")
    with connection(tmp_path) as conn, conn.SimpleQueue(QUEUE) as q:
        q.put({"render": "pdf"})
    taken = context.Event()
    # A daemon: if the test fails before the kill, the run does not wait for it to end.
    consumer = context.Process(target=take_and_hang, args=(str(tmp_path), taken), daemon=True)
    consumer.start()
    assert taken.wait(timeout=WAIT_SECONDS)  # a spawned interpreter starts slowly when busy
    assert messages_folder(tmp_path).exists() and _waiting(tmp_path) == 0

    assert consumer.pid is not None
    os.kill(consumer.pid, signal.SIGKILL)  # as the OOM killer or a crash would
    consumer.join(timeout=WAIT_SECONDS)

    with connection(tmp_path) as conn, conn.SimpleQueue(QUEUE) as q:
        message = q.get(timeout=WAIT_SECONDS)
        assert message.payload == {"render": "pdf"}
        message.ack()
    assert list((tmp_path / "queue" / "taken").iterdir()) == []


def test_a_live_consumers_unacknowledged_message_is_left_with_it(tmp_path):
    with connection(tmp_path) as conn, conn.SimpleQueue(QUEUE) as q:
        q.put({"render": "docx"})
        held = q.get(timeout=WAIT_SECONDS)  # taken by this process, which is alive
        with (
            connection(tmp_path) as other,
            other.SimpleQueue(QUEUE) as second,
            pytest.raises(queue.Empty),
        ):
            second.get(timeout=0.3)
        held.ack()


def _waiting(var_dir: Path) -> int:
    return sum(1 for n in os.listdir(messages_folder(var_dir)) if n.endswith(f".{QUEUE}.msg"))


def test_a_message_still_being_written_is_not_delivered(tmp_path):
    with connection(tmp_path) as conn, conn.SimpleQueue(QUEUE) as q:
        # What a writer leaves while it writes: the temporary name consumers skip.
        (messages_folder(tmp_path) / ".1234_abc.udkast.msg.part").write_bytes(b'{"hea')
        q.put({"whole": True})

        assert q.get(timeout=WAIT_SECONDS).payload == {"whole": True}
        with pytest.raises(queue.Empty):
            q.get(timeout=0.3)


def test_an_unreadable_message_is_set_aside_and_the_next_one_still_arrives(tmp_path, caplog):
    with connection(tmp_path) as conn, conn.SimpleQueue(QUEUE) as q:
        # "0_" sorts before every real message (named by a clock in ms), so it is read first.
        (messages_folder(tmp_path) / f"0_broken.{QUEUE}.msg").write_bytes(b"")
        q.put({"after": "the broken one"})

        assert q.get(timeout=WAIT_SECONDS).payload == {"after": "the broken one"}

    rejected = tmp_path / "queue" / "rejected" / f"0_broken.{QUEUE}.msg"
    assert rejected.exists()
    assert "set aside an unreadable queue message" in caplog.text


# --- through a running service ---------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("folderqueue"))


@pytest.mark.e2e
def test_garbage_in_the_queue_folder_does_not_stop_the_worker(service: LiveService):
    folder = messages_folder(Path(service.env["UDKAST_VAR_DIR"]))
    garbage = {"empty": b"", "half": b'{"body": "eyJ', "binary": os.urandom(64), "other": b"{}"}
    for name, content in garbage.items():
        (folder / f"{round(time.monotonic() * 1000)}_{name}.{QUEUE}.msg").write_bytes(content)
    data = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))
    data["document"]["slug"] = "efter-affald"

    status, body = service.json(
        "POST",
        "/api/v1/drafts",
        yaml.safe_dump(data, allow_unicode=True).encode(),
        media_type="application/yaml",
    )

    assert status == 202, body
    build = service.wait_build(body["build"]["links"]["self"])
    assert build["state"] == "done", json.dumps(build)
    assert service.worker is not None and service.worker.poll() is None
    rejected = sorted(p.name.split("_", 1)[1] for p in (folder.parent / "rejected").iterdir())
    assert list((folder.parent / "taken").iterdir()) == []  # nothing held after the build
    assert rejected == sorted(f"{name}.{QUEUE}.msg" for name in garbage)
    log = (service.logs / "worker.log").read_text(encoding="utf-8", errors="replace")
    assert log.count("set aside an unreadable queue message") == len(garbage)
    # The log stays readable: no per-render font subsetting or layout chatter.
    assert "pruned" not in log and "Step 2 - Fetching" not in log
