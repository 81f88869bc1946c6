"""The database goes away under a running app: 503 with Retry-After, nothing half stored.

A real PostgreSQL database is reached through a loopback TCP relay that the test can cut,
as a stopped server or a broken network would: open connections die and new ones are
refused. When the relay comes back the next request works (the pool pings first).
"""

from __future__ import annotations

import contextlib
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from service.runtime import runtime
from tests.app_fixtures import TestApp, example_yaml, make_test_app
from tests.store_fixtures import postgres_database


class Relay:
    """Forward 127.0.0.1:<port> to a target address until cut; start again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and reset every open connection."""
        assert self._listener is not None
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def relayed() -> Iterator[tuple[TestApp, Relay]]:
    for url in postgres_database():
        relay = Relay((url.host or "127.0.0.1", url.port or 5432))
        relay.start()
        relayed_url: URL = url.set(host="127.0.0.1", port=relay.port)
        with tempfile.TemporaryDirectory() as tmp:
            made = make_test_app(
                Path(tmp), DATABASE_URL=relayed_url.render_as_string(hide_password=False)
            )
            try:
                yield made, relay
            finally:
                with contextlib.suppress(OSError):
                    relay.cut()
                with made.app.app_context():
                    runtime().sessions.kw["bind"].dispose()  # before the database is dropped


def test_a_database_outage_answers_503_and_the_service_recovers_without_gaps(relayed):
    made, relay = relayed
    assert made.post_yaml(example_yaml("udkast-1", slug="udfald")).status_code == 202

    relay.cut()
    during = made.post_yaml(example_yaml("udkast-2", slug="udfald"))
    status_during = made.app.test_client().get(
        "/api/v1/strategies/udfald/drafts", headers={"Authorization": f"Bearer {made.token}"}
    )
    relay.start()
    after = made.post_yaml(example_yaml("udkast-2", slug="udfald"))

    assert during.status_code == 503
    assert during.headers["Retry-After"].isdigit()
    assert during.get_json()["message"] == "The database is unavailable; try again shortly."
    assert status_during.status_code == 503
    assert after.status_code == 202, after.get_json()
    assert after.get_json()["draft"]["version"] == 2  # the failed post left no version behind
    assert sorted(made.versions("udfald")) == [1, 2]
