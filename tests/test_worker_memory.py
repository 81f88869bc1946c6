"""The memory cap a worker child sets before rendering turns a runaway render into an error."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

SCRIPT = textwrap.dedent(
    """
    import gc
    import yaml
    import worker.tasks  # everything a worker child has imported
    from bench.generate import generate
    from core.content import load
    from tests.conftest import load_example
    from worker.memory import cap_memory, memory_cap_mib
    from worker.render import renderer

    large = load(yaml.safe_dump(generate("L")).encode())
    cap_memory(200)
    print("cap", memory_cap_mib())
    try:
        renderer("pdf")(large, "default")
        print("rendered the large document")
    except MemoryError:
        print("refused the large document")
    gc.collect()  # as worker.jobs.render does before it goes on
    data = renderer("pdf")(load_example("udkast-1"), "default")
    print("then rendered the reference draft:", data[:5].decode())
    """
)


def test_a_render_past_the_cap_raises_memory_error_and_the_process_goes_on(tmp_path):
    # In a process of its own: the cap cannot be lifted again once set.
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "UDKAST_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "cap 200",
        "refused the large document",
        "then rendered the reference draft: %PDF-",
    ]
