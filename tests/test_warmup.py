"""Workers warm their renderers when they start: a real worker says so, and a broken theme
does not stop it (worker.warmup).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from cli.serve import worker_command
from core.themes import THEMES_DIR
from settings import load_settings
from tests.conftest import example_path
from tests.live_service import STARTUP_SECONDS, LiveService, live_service
from worker import warmup

WARMED = "renderer warmed in"
SETTLED = "objects of the start kept out of the garbage collector"


def post_example(service: LiveService, slug: str) -> dict:
    """Post the first reference draft under `slug`; return the build once it has ended."""
    data = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))
    data["document"]["slug"] = slug
    body = yaml.safe_dump(data, allow_unicode=True).encode()
    status, _, answer = service.call("POST", "/api/v1/drafts", body, media_type="application/yaml")
    assert status == 202, answer
    return service.wait_build(json.loads(answer)["build"]["links"]["self"], every_output=True)


def log_lines(path: Path, text: str, count: int) -> list[str]:
    """Wait until the log at `path` has `count` lines holding `text`; return those lines."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        lines = [
            line
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if text in line
        ]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


@pytest.mark.e2e
def test_each_worker_process_warms_at_start_before_its_first_build(tmp_path: Path):
    for service in live_service("embedded", tmp_path, {"UDKAST_WARM_UP": "on"}):
        # Two children in the standard lane, one in the bulk lane: each says it warmed,
        # with the outputs and the theme.
        standard = log_lines(service.logs / "worker.log", WARMED, 2)
        bulk = log_lines(service.logs / "bulk-worker.log", WARMED, 1)
        assert len(standard) == 2 and len(bulk) == 1, (standard, bulk)
        assert all(
            "pdf in theme 'default', docx in theme 'default', pieces in theme 'default'" in line
            for line in standard
        )
        # Each then keeps what it holds out of the garbage collector's way (issue 14).
        for log_file, count in (("worker.log", 2), ("bulk-worker.log", 1)):
            settled = log_lines(service.logs / log_file, SETTLED, count)
            assert len(settled) == count, settled

        build = post_example(service, "varm")

        assert build["state"] == "done", build
        log = (service.logs / "worker.log").read_text(encoding="utf-8", errors="replace")
        assert "Timed out waiting for UP message" not in log  # no child killed mid-warm-up


@pytest.fixture
def worker_with_a_broken_theme(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Start a real worker whose UDKAST_THEME cannot be read; yield it and its log file."""
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "default").symlink_to(THEMES_DIR / "default")
    (themes / "broken").mkdir()
    # Valid TOML, so a page listing the themes reads it; no theme can be built from it.
    (themes / "broken" / "theme.toml").write_text('extends = "nowhere"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UDKAST_", "REDIS_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        UDKAST_VAR_DIR=str(tmp_path / "var"),
        UDKAST_THEME="broken",
        UDKAST_TEST_THEMES=str(themes),
    )
    command = worker_command(None, 1)
    command[command.index("worker.celery_app")] = "tests.themes_elsewhere"
    log = tmp_path / "worker.log"
    with open(log, "ab") as out:
        worker = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield worker, log
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=60)


@pytest.mark.e2e
def test_a_broken_theme_does_not_stop_the_worker(worker_with_a_broken_theme):
    worker, log = worker_with_a_broken_theme

    failed = log_lines(log, "renderer warm-up failed for pdf", 1)
    warmed = log_lines(log, WARMED, 1)  # the default theme still warmed

    assert len(failed) == 1 and "theme 'broken'" in failed[0], failed
    assert len(warmed) == 1 and "theme 'broken'" not in warmed[0], warmed
    assert worker.poll() is None
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True)
    assert children.stdout.split(), "the pool child is gone"
    text = log.read_text(encoding="utf-8", errors="replace")
    assert " ready." in text and "Timed out waiting for UP message" not in text


def test_warm_up_is_off_when_the_setting_says_so(tmp_path: Path):
    settings = load_settings({"UDKAST_VAR_DIR": str(tmp_path), "UDKAST_WARM_UP": "off"})

    assert warmup.warm_process(settings) is None
    assert warmup.proc_alive_timeout(settings) < warmup.WARM_UP_SECONDS


def test_the_warm_up_is_cut_off_at_its_bound():
    with pytest.raises(warmup.OutOfTime), warmup.time_limit(0.05):
        time.sleep(30)  # a renderer stuck in Python code
