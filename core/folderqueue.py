"""The queue without a server: kombu's filesystem transport, made safe to share.

kombu's own filesystem transport opens a message file under its final name and then
writes it, while a consumer moves any file with that name away and reads it without a
lock. A consumer can therefore read a message that is still empty or half written; the
JSON error is "unrecoverable" to Celery and stops the whole worker. It also moves taken
files to the system temp folder, which is a copy, not an atomic claim, when /tmp is
another file system.

This transport writes each message, and each routing table, under a name consumers skip
and renames it into place, so it appears whole or not at all. A consumer claims a file by
renaming it into `taken/` beside the queue, so exactly one consumer gets it, and a file
that still cannot be read is set aside in `rejected/` with a log line instead of stopping
the worker. A lost message costs nothing lasting: the database is the source of truth
and the workers' recovery step sends queued work again.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import tempfile
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem, virtual
from kombu.utils.json import dumps, loads

log = logging.getLogger(__name__)

SCHEME = "udkast-folder"
TAKEN = "taken"
REJECTED = "rejected"


class Channel(filesystem.Channel):
    """A filesystem channel whose writes are atomic and whose reads are exclusive claims."""

    # kombu's filesystem channel itself overrides with this signature, unlike its base.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        _write_whole(Path(self.data_folder_out) / name, dumps(payload))  # type: ignore[no-untyped-call]

    def get_table(self, exchange: Any) -> Any:
        """Return the queues bound to an exchange, as kept in the control folder."""
        # Written whole by _queue_bind below, so a plain read never sees half a table.
        try:
            table = loads(self._exchange_file(exchange).read_text(encoding="utf-8"))  # type: ignore[no-untyped-call]
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise ChannelError(f"cannot read the routing table of {exchange!r}") from exc
        return [filesystem.exchange_queue_t(*row) for row in table]

    def _queue_bind(self, exchange: Any, routing_key: Any, pattern: Any, queue: Any) -> None:
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        # The web process and the worker bind at start-up, often at the same moment: one
        # lock around read-merge-replace keeps both bindings and never leaves a torn file.
        self.control_folder.mkdir(exist_ok=True)
        with open(self.control_folder / ".bind.lock", "a+b") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file is closed
            rows = self.get_table(exchange)
            if row not in rows:
                _write_whole(self._exchange_file(exchange), dumps([row, *rows]))  # type: ignore[no-untyped-call]

    def _get(self, queue: Any, timeout: Any = None) -> Any:
        wanted = f"{queue}.msg"
        inbox = Path(self.data_folder_in)
        for name in sorted(os.listdir(inbox)):
            if name.partition(".")[2] != wanted:
                continue
            claimed = inbox.parent / TAKEN / name
            try:
                os.rename(inbox / name, claimed)  # atomic: only one consumer succeeds
            except FileNotFoundError:
                continue  # another consumer took it first
            except OSError as exc:
                raise ChannelError(f"cannot take {name!r} from the queue") from exc
            try:
                message = _message(claimed.read_bytes())
            except (OSError, ValueError) as exc:
                self._set_aside(claimed, exc)
                continue
            claimed.unlink(missing_ok=True)
            return message
        raise Empty()

    def _size(self, queue: str) -> int:
        wanted = f"{queue}.msg"
        return sum(1 for n in os.listdir(self.data_folder_in) if n.partition(".")[2] == wanted)

    @staticmethod
    def _set_aside(claimed: Path, exc: Exception) -> None:
        rejected = claimed.parent.parent / REJECTED / claimed.name
        log.error("set aside an unreadable queue message %s: %s", rejected, exc)
        try:
            os.replace(claimed, rejected)
        except OSError:
            _remove_quietly(str(claimed))


def _message(raw: bytes) -> dict[str, Any]:
    """Decode a message file; ValueError unless it has the shape kombu delivers."""
    message = loads(raw.decode("utf-8"))  # type: ignore[no-untyped-call]
    # kombu indexes these without checking; a file of another shape would stop the worker.
    properties = message.get("properties") if isinstance(message, dict) else None
    if not isinstance(properties, dict) or "delivery_tag" not in properties:
        raise ValueError("not a kombu message: no properties.delivery_tag")
    if not isinstance(message.get("body"), str):
        raise ValueError("not a kombu message: no body")
    return dict(message)


def _write_whole(path: Path, text: str) -> None:
    """Write a file under a name readers skip, then rename it: readers see all or nothing."""
    fd, partial = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.replace(partial, path)
    except OSError as exc:
        _remove_quietly(partial)
        raise ChannelError(f"cannot write {path}") from exc


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


class Transport(filesystem.Transport):
    """kombu's filesystem transport with the safe channel above."""

    Channel = Channel
    driver_type = SCHEME
    driver_name = SCHEME

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)  # type: ignore[no-untyped-call]
        # kombu shares one in-memory record of declared bindings across every connection
        # in a process, so a second queue folder would never get its bindings written.
        # The folder itself holds the routing table; each connection tracks its own.
        self.state = virtual.BrokerState()  # type: ignore[no-untyped-call]


def register() -> str:
    """Make the transport known to kombu under its URL scheme; return the broker URL."""
    TRANSPORT_ALIASES[SCHEME] = f"{__name__}:Transport"
    return f"{SCHEME}://"


def make_folders(queue: Path) -> dict[str, str]:
    """Create the queue's folders; return the transport options that point at them."""
    for folder in ("messages", "control", TAKEN, REJECTED):
        (queue / folder).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue / "messages"),
        "data_folder_out": str(queue / "messages"),
        "control_folder": str(queue / "control"),  # else kombu writes ./control
    }
