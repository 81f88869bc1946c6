"""How `udkast serve` stops what it started: on Ctrl-C, on a second Ctrl-C, when one ends.

Real processes stand in for gunicorn and Celery here, so a test can make one ignore the
polite stop or end by itself; test_serve_log.py runs the real ones.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

# Generous: every wait ends on an event; this only stops a hung test.
DEADLINE_SECONDS = 120

DRIVER = """
import sys
from cli.serve import Supervisor

python, grace, *children = sys.argv[1:]
commands = []
for child in children:
    name, marker = child.split("=")
    commands.append((name, [python, "-c", CHILDREN[name], marker], {}))
sys.exit(Supervisor(grace_seconds=float(grace)).run(commands, "ready"))
"""
# Each child writes its pid to the file it is given once it is ready for signals.
READY = "import os, pathlib, signal, sys, time\n"
READY_END = "pathlib.Path(sys.argv[1]).write_text(str(os.getpid()))\n"
CHILDREN = {
    "calm": READY + READY_END + "time.sleep(3600)\n",
    "stubborn": (
        READY + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" + READY_END + "time.sleep(3600)\n"
    ),
    "quitter": READY + READY_END + "sys.exit(3)\n",
}


class Driven:
    """A Supervisor in a process of its own (signal handlers need a main thread)."""

    def __init__(self, tmp_path: Path, grace: float, *names: str) -> None:
        self.markers = {name: tmp_path / f"{name}.pid" for name in names}
        self.out = tmp_path / "out.log"
        children = [f"{name}={marker}" for name, marker in self.markers.items()]
        code = f"CHILDREN = {CHILDREN!r}\n{DRIVER}"
        with self.out.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code, sys.executable, str(grace), *children],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parents[1],
            )

    def wait_until(self, what: str, check: Callable[[], bool]) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.05)
        self.proc.kill()
        pytest.fail(f"no {what}; output:\n{self.out.read_text()}")

    def pids(self) -> dict[str, int]:
        self.wait_until("ready children", lambda: all(m.exists() for m in self.markers.values()))
        self.wait_until("written pids", lambda: all(m.read_text() for m in self.markers.values()))
        return {name: int(marker.read_text()) for name, marker in self.markers.items()}

    def ctrl_c(self) -> None:
        self.proc.send_signal(signal.SIGINT)

    def result(self) -> tuple[int, str]:
        code = self.proc.wait(timeout=DEADLINE_SECONDS)
        return code, self.out.read_text()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_every_process_and_exits_0(tmp_path):
    driven = Driven(tmp_path, 3600, "calm")
    pids = driven.pids()

    driven.ctrl_c()
    code, out = driven.result()

    assert code == 0, out
    assert "stopping" in out and "udkast serve:" not in out
    assert not alive(pids["calm"])


def test_a_process_that_ignores_the_stop_is_killed_after_the_grace_time(tmp_path):
    driven = Driven(tmp_path, 1, "calm", "stubborn")
    pids = driven.pids()

    driven.ctrl_c()
    code, out = driven.result()

    assert code == 1
    assert "stopped by force" in out
    assert not alive(pids["stubborn"]) and not alive(pids["calm"])


def test_a_second_ctrl_c_stops_at_once(tmp_path):
    driven = Driven(tmp_path, 3600, "stubborn")  # would wait an hour for the first
    pids = driven.pids()

    driven.ctrl_c()
    driven.wait_until("stopping line", lambda: "stopping" in driven.out.read_text())
    driven.ctrl_c()
    code, out = driven.result()

    assert code == 1
    assert "stopped by force" in out
    assert not alive(pids["stubborn"])


def test_when_one_process_ends_by_itself_the_others_are_stopped(tmp_path):
    driven = Driven(tmp_path, 3600, "quitter", "calm")
    pids = driven.pids()

    code, out = driven.result()

    assert code == 1
    assert "the quitter process ended by itself" in out
    assert not alive(pids["calm"])
