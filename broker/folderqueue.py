"""The queue without a server: kombu's filesystem transport, made safe to share.

kombu's own filesystem transport opens a message file under its final name and then
writes it, while a consumer moves any file with that name away and reads it without a
lock. A consumer can therefore read a message that is still empty or half written; the
JSON error is "unrecoverable" to Celery and stops the whole worker. It also moves taken
files to the system temp folder, which is a copy, not an atomic claim, when /tmp is
another file system.

This transport writes each message, and each routing table, under a name consumers skip
and renames it into place, so it appears whole or not at all. A consumer claims a message
by renaming it into `taken/` under a name that carries its process id, and deletes it
when the message is acknowledged; a process that opens the queue puts back the claims of
processes that died, so a killed worker's task is delivered again, as Redis would after
its visibility timeout. A file that cannot be read is set aside in `rejected/` with a log
line instead of stopping the worker. The database stays the source of truth: the
workers' recovery step sends again whatever queued work is still lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import tempfile
import uuid
from collections.abc import Iterable
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._claims: dict[str, Path] = {}  # delivery tag -> its file in taken/
        self._no_ack_queues: set[str] = set()
        self._return_orphans()

    @property
    def _inbox(self) -> Path:
        return Path(self.data_folder_in)

    @property
    def _taken(self) -> Path:
        return self._inbox.parent / TAKEN

    def _waiting(self, queue: Any) -> list[str]:
        """Return the names of the queue's message files, oldest first."""
        wanted = f"{queue}.msg"
        return sorted(n for n in os.listdir(self._inbox) if n.partition(".")[2] == wanted)

    # kombu's filesystem channel itself overrides with this signature, unlike its base.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        _write_whole(Path(self.data_folder_out) / name, dumps(payload))

    def get_table(self, exchange: Any) -> Any:
        """Return the queues bound to an exchange, as kept in the control folder."""
        # Written whole by _queue_bind below, so a plain read never sees half a table.
        try:
            table = loads(self._exchange_file(exchange).read_text(encoding="utf-8"))
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
                _write_whole(self._exchange_file(exchange), dumps([row, *rows]))

    def basic_consume(self, queue: Any, no_ack: Any, *args: Any, **kwargs: Any) -> Any:
        """Consume from a queue, remembering whether its messages are ever acknowledged."""
        if no_ack:
            self._no_ack_queues.add(queue)
        return super().basic_consume(queue, no_ack, *args, **kwargs)

    def basic_get(self, queue: Any, no_ack: bool = False, **kwargs: Any) -> Any:
        """Take one message from a queue, or None."""
        message = super().basic_get(queue, no_ack=no_ack, **kwargs)
        if message is not None and no_ack:
            self._release(message.delivery_tag)
        return message

    def basic_ack(self, delivery_tag: Any, multiple: bool = False) -> None:
        """Acknowledge a message: its claimed file is done with."""
        super().basic_ack(delivery_tag, multiple=multiple)
        self._release(delivery_tag)

    def basic_reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        """Reject a message (kombu writes it again when it is requeued)."""
        super().basic_reject(delivery_tag, requeue=requeue)
        self._release(delivery_tag)

    def _restore(self, message: Any) -> None:
        super()._restore(message)  # written to the queue again as a new file
        self._release(message.delivery_tag)

    def _get(self, queue: Any, timeout: Any = None) -> Any:
        for name in self._waiting(queue):
            # The claim names this process, so when it dies without acknowledging, the
            # next process to open the queue puts the message back (see _return_orphans).
            claimed = self._taken / f"{name}@{os.getpid()}"
            try:
                os.rename(self._inbox / name, claimed)  # atomic: only one consumer succeeds
            except FileNotFoundError:
                continue  # another consumer took it first
            except OSError as exc:
                raise ChannelError(f"cannot take {name!r} from the queue") from exc
            try:
                message = _message(claimed.read_bytes())
            except (OSError, ValueError) as exc:
                _set_aside(claimed, name, exc)
                continue
            if queue in self._no_ack_queues:
                claimed.unlink(missing_ok=True)  # never acknowledged: done once read
            else:
                self._claims[message["properties"]["delivery_tag"]] = claimed
            return message
        raise Empty()

    def _release(self, delivery_tag: Any) -> None:
        claimed = self._claims.pop(delivery_tag, None)
        if claimed is not None:
            claimed.unlink(missing_ok=True)

    def _return_orphans(self) -> None:
        """Put back the messages that processes now dead took and never acknowledged."""
        if not self._taken.is_dir():
            return
        for claim in self._taken.iterdir():
            name, _, pid = claim.name.rpartition("@")
            if not pid.isdigit() or _alive(int(pid)):
                continue
            with contextlib.suppress(FileNotFoundError):  # another process put it back first
                os.rename(claim, self._inbox / name)
                log.warning("put back queue message %s, taken by process %s that died", name, pid)

    def _size(self, queue: Any) -> int:
        return len(self._waiting(queue))

    def peek(self, queue: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Return a queue's messages still to be delivered, and those live processes took.

        Claims of processes that died are put back first, so they count as waiting. The
        inbox is read before taken/: a message claimed between the two reads is still seen.
        A message that moves the other way meanwhile (put back, or a rejected one written
        again) can be missed; the recovery step then sends a duplicate, which is harmless.
        """
        self._return_orphans()
        waiting = _readable(self._inbox / name for name in self._waiting(queue))
        wanted = f"{queue}.msg"
        claims = [
            claim
            for claim in _listing(self._taken)
            if claim.name.rpartition("@")[0].partition(".")[2] == wanted
            and _claimant_alive(claim.name)
        ]
        return waiting, _readable(claims)


def _listing(folder: Path) -> list[Path]:
    """Return the files in a folder, or none when it does not exist (yet)."""
    try:
        return sorted(folder.iterdir())
    except FileNotFoundError:
        return []


def _claimant_alive(claim_name: str) -> bool:
    """Return True if the process a claim in taken/ names is alive."""
    pid = claim_name.rpartition("@")[2]
    return pid.isdigit() and _alive(int(pid))


def _readable(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Decode the message files that are still there and whole; skip the others."""
    messages = []
    for path in paths:
        try:
            messages.append(_message(path.read_bytes()))
        except FileNotFoundError:
            continue  # taken, acknowledged or put back since the folder was listed
        except (OSError, ValueError):
            continue  # a consumer sets it aside when it meets it
    return messages


def _set_aside(claimed: Path, name: str, exc: Exception) -> None:
    """Move an unreadable message out of the way, to rejected/, and say so in the log."""
    rejected = claimed.parent.parent / REJECTED / name
    log.error("set aside an unreadable queue message %s: %s", rejected, exc)
    try:
        os.replace(claimed, rejected)
    except OSError:
        _remove_quietly(str(claimed))


def _alive(pid: int) -> bool:
    """Return True if a process with this id exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _message(raw: bytes) -> dict[str, Any]:
    """Decode a message file; ValueError unless it has the shape kombu delivers."""
    message = loads(raw.decode("utf-8"))
    # kombu indexes these without checking; a file of another shape would stop the worker.
    properties = message.get("properties") if isinstance(message, dict) else None
    if not isinstance(properties, dict) or "delivery_tag" not in properties:
        raise ValueError("not a kombu message: no properties.delivery_tag")
    if not isinstance(message.get("body"), str):
        raise ValueError("not a kombu message: no body")
    return dict(message)


def _write_whole(path: Path, text: str) -> None:
    """Write a file under a name readers skip, then rename it: readers see all or nothing."""
    try:
        fd, partial = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ChannelError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.replace(partial, path)
    except BaseException as exc:
        # Whatever stopped the write (a full disk, the process told to exit meanwhile),
        # no half-written file may stay behind, taking up room for ever.
        _remove_quietly(partial)
        if isinstance(exc, OSError):
            raise ChannelError(f"cannot write {path}: {exc.strerror}") from exc
        raise


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


class Transport(filesystem.Transport):
    """kombu's filesystem transport with the safe channel above."""

    Channel = Channel
    driver_type = SCHEME
    driver_name = SCHEME

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        # kombu shares one in-memory record of declared bindings across every connection
        # in a process, so a second queue folder would never get its bindings written.
        # The folder itself holds the routing table; each connection tracks its own.
        self.state = virtual.BrokerState()


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
