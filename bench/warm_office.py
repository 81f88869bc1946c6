"""A warm LibreOffice for the bench: unoserver, kept running, converts DOCX to PDF.

unoserver's server must run on the interpreter that has LibreOffice's `uno` module,
Debian's /usr/bin/python3 with python3-uno, not the project's venv; it gets the
unoserver package locked in the venv (a dev dependency) through PYTHONPATH. The client
side (XML-RPC) runs here.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from scripts import office

SYSTEM_PYTHON = Path("/usr/bin/python3")
START_SECONDS = 120  # only stops a bench that would hang; a start takes 2-5 s
Convert = Callable[[bytes], bytes]


def unavailable() -> str | None:
    """Return why no warm LibreOffice can be started here, or None when one can."""
    if office.soffice() is None:
        return "LibreOffice is not installed"
    if importlib.util.find_spec("unoserver") is None:
        return "unoserver is not installed (a dev dependency: make .venv/.installed-dev)"
    if not SYSTEM_PYTHON.exists():
        return f"{SYSTEM_PYTHON} is missing (unoserver's server needs Debian's python3-uno)"
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return "python3-uno is not installed (apt-get install python3-uno)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_path(folder: Path) -> Path:
    """Return a folder holding only the unoserver package and its metadata, for PYTHONPATH."""
    # Only these two: the venv's whole site-packages on Debian's Python could shadow its own.
    dist = metadata.distribution("unoserver")
    package = Path(str(dist.locate_file("unoserver")))
    info = Path(str(dist.locate_file(f"unoserver-{dist.version}.dist-info")))
    folder.mkdir()
    (folder / package.name).symlink_to(package)
    (folder / info.name).symlink_to(info)
    return folder


@contextmanager
def warm_office() -> Iterator[Convert]:
    """Start unoserver (and its LibreOffice), yield a DOCX→PDF function, stop both after."""
    from unoserver.client import UnoClient  # type: ignore[import-untyped]  # ships no type hints

    with tempfile.TemporaryDirectory() as tmp:
        port, uno_port = _free_port(), _free_port()
        env = {**os.environ, "PYTHONPATH": str(_server_path(Path(tmp) / "path"))}
        with open(Path(tmp) / "unoserver.log", "wb") as log:
            server = subprocess.Popen(
                [
                    str(SYSTEM_PYTHON),
                    *("-m", "unoserver.server", "--interface", "127.0.0.1"),
                    *("--port", str(port), "--uno-port", str(uno_port)),
                    # A private profile: a user's open LibreOffice and parallel runs do not collide.
                    *("--user-installation", str(Path(tmp, "profile"))),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            client = UnoClient(server="127.0.0.1", port=str(port), host_location="remote")

            def convert(docx: bytes) -> bytes:
                pdf: bytes = client.convert(indata=docx, convert_to="pdf")
                return pdf

            _wait_listening(port, server, Path(tmp) / "unoserver.log")
            yield convert
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)


def _wait_listening(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the server accepts connections (its LibreOffice is up by then)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"unoserver ended: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError("unoserver did not start listening")
