"""The memory guard ends a render that grows past its cap, after recording why."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT
from worker.memory import EXIT_CODE, memory_guard, resident_mib

GROW = textwrap.dedent(
    """
    import sys
    from worker.memory import memory_guard, resident_mib

    def record(used):
        print("stopped at", used, "MiB", flush=True)

    held = []
    with memory_guard(resident_mib() + 100, record):
        for _ in range(400):  # up to 4 GiB, far past the cap, if nothing stopped it
            held.append(bytearray(10 * 1024 * 1024))
    print("grew to", resident_mib(), "MiB without being stopped")
    """
)


def test_a_process_growing_past_the_cap_is_ended_after_recording_why():
    done = subprocess.run(
        [sys.executable, "-c", GROW],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == EXIT_CODE, done.stdout + done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith("stopped at ")
    assert int(line.split()[2]) < 1024  # stopped near its cap, long before 4 GiB


def test_a_block_within_the_cap_runs_to_its_end():
    stopped: list[int] = []
    with memory_guard(resident_mib() + 500, stopped.append, every=0.01):
        held = bytearray(20 * 1024 * 1024)
    assert len(held) and stopped == []
