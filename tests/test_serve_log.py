"""What `make run` starts (`udkast serve`), started and stopped as a person would.

The log an operator reads must hold the URL, the token and what they need: no warning,
error or traceback on a normal start, a build and a Ctrl-C stop. Lines are judged by
their log level (and Python's warning format), not by any library's wording.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import example_path
from tests.live_service import free_port

UDKAST = str(Path(sys.executable).parent / "udkast")
# Generous: the machine is shared with other test runs; every wait ends on an event.
DEADLINE_SECONDS = 240
# A log line at a level an operator must act on, or a Python warning ("…Warning: text").
ALARMING = re.compile(r"\b(WARNING|ERROR|CRITICAL|FATAL)\b|Traceback|\b\w*Warning: ")


@dataclass
class Served:
    """A `udkast serve` that was started, used and stopped with Ctrl-C."""

    var_dir: Path
    returncode: int
    log: str
    left_running: list[str]
    port_still_open: bool
    database_modes: dict[str, int]  # udkast.db and its -wal and -shm files, while running


def _wait_for(
    what: str, check: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"udkast serve ended while waiting for {what}:\n{log.read_text()}")
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"no {what} within {DEADLINE_SECONDS} s:\n{log.read_text()}")


def _call(url: str, token: str, data: bytes | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _processes_naming(marker: str) -> list[str]:
    found = subprocess.run(
        ["pgrep", "-af", marker], capture_output=True, text=True, check=False
    ).stdout
    return [line for line in found.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Start `udkast serve` on SQLite and the folder queue, build one draft, press Ctrl-C."""
    work = tmp_path_factory.mktemp("serve")
    var_dir = work / "var"
    log = work / "serve.log"
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "UDKAST_SECRET_KEY")
    }
    env["UDKAST_VAR_DIR"] = str(var_dir)
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        # A session of its own, as a terminal gives `make run`: Ctrl-C goes to its group.
        proc = subprocess.Popen(
            [UDKAST, "serve", "--port", str(port)],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for("token line", lambda: "API token:" in log.read_text(), proc, log)
        _wait_for("web answer", lambda: _answers(f"{base}/sign-in"), proc, log)
        token = re.search(r"API token: (\S+)", log.read_text()).group(1)  # type: ignore[union-attr]
        status, posted = _call(
            f"{base}/api/v1/drafts", token, example_path("udkast-1").read_bytes()
        )
        assert status == 202, posted
        build_url = base + posted["build"]["links"]["self"]
        _wait_for(
            "finished build",
            lambda: _call(build_url, token)[1]["state"] in ("done", "failed"),
            proc,
            log,
        )
        _, build = _call(build_url, token)
        assert build["state"] == "done", build
        modes = {p.name: p.stat().st_mode & 0o777 for p in var_dir.glob("udkast.db*")}
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        returncode = proc.wait(timeout=DEADLINE_SECONDS)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    yield Served(
        var_dir=var_dir,
        returncode=returncode,
        log=log.read_text(),
        left_running=_processes_naming(str(var_dir)),
        port_still_open=_answers(f"{base}/sign-in"),
        database_modes=modes,
    )


def test_ctrl_c_stops_everything_cleanly(served: Served) -> None:
    assert served.returncode == 0, served.log
    assert not served.port_still_open
    assert served.left_running == []  # the worker, its pool and beat ended too


def test_the_log_holds_no_warning_error_or_traceback(served: Served) -> None:
    alarming = [line for line in served.log.splitlines() if ALARMING.search(line)]

    assert alarming == [], served.log
    assert "No hostname was supplied" not in served.log  # a line kombu logs at WARNING


def test_the_log_starts_with_the_url_and_the_token(served: Served) -> None:
    first = [line.strip() for line in served.log.splitlines() if line.strip()][:4]

    assert first[0].startswith("udkast runs on http://127.0.0.1:")
    assert any(line.startswith("API token: udk_") for line in first)


def test_serve_creates_its_database_private(served: Served) -> None:
    assert (served.var_dir / "udkast.db").is_file()
    assert served.var_dir.stat().st_mode & 0o777 == 0o700
    assert (served.var_dir / "udkast.db").stat().st_mode & 0o777 == 0o600
    assert {"udkast.db", "udkast.db-wal"} <= set(served.database_modes)
    assert set(served.database_modes.values()) == {0o600}, served.database_modes
