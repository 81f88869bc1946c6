"""A real TCP listener on loopback that records every connection made to it.

Renderer tests point hostile URLs at it: any connection means something reached the
network. `settle()` makes "no connection" a fact rather than a race with the accept thread.
"""

from __future__ import annotations

import socket
import threading
import time


class Listener:
    """A real TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self, avoid: str = "") -> None:
        # `avoid`: a test may look for text such as "49" in a PDF that also shows the port.
        while True:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.bind(("127.0.0.1", 0))
            if not avoid or avoid not in str(self.sock.getsockname()[1]):
                break
            self.sock.close()
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections.append(addr)
            conn.close()

    def settle(self, deadline: float = 30.0) -> list[tuple[str, int]]:
        """Return (and forget) every connection made since the last call, accepted or not.

        Connections are accepted in the order they were made, so once a marker
        connection opened now has been accepted, every earlier one has been recorded.
        """
        with socket.create_connection(("127.0.0.1", self.port), timeout=deadline) as marker:
            mine = marker.getsockname()
            give_up = time.monotonic() + deadline
            while True:
                with self._lock:
                    if tuple(mine) in self.connections:
                        self.connections.remove(tuple(mine))
                        made, self.connections = self.connections, []
                        return made
                if time.monotonic() > give_up:
                    raise AssertionError(f"the listener on port {self.port} stopped accepting")
                time.sleep(0.01)

    def close(self) -> None:
        """Stop accepting and close the socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
