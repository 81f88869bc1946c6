"""Issue 14's ratios that can be measured today, side by side in one run (`--only parts`).

- the first build after a worker starts / the second (post → files ready through the
  service, one worker process; with the warm-up at start, and without it);
- an L build on 2 worker processes / on 1 (warm processes, one task per output as the
  worker runs them: today the PDF is one task, so only the DOCX runs beside it);
- a full build (DOCX ∥ PDF on 2 warm processes) of M and L / a warm LibreOffice
  (unoserver) converting the same DOCX to PDF.
"""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.pool import Pool
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from bench import warm_office
from bench.generate import generate
from bench.service_bench import _post, _wait, without_inputs
from core.content import Strategy, validate
from tests.live_service import STARTUP_SECONDS, LiveService, backend_env, free_port

OUTPUTS = ("pdf", "docx")
RUNS = {"M": 3, "L": 1}
_STRATEGY: Strategy | None = None  # the document a pool process renders, made at its start


def _start_process(size: str, ready: Barrier) -> None:
    """Make the document and warm the renderers in a pool process, as a worker child does."""
    from worker.warmup import warm_up

    global _STRATEGY
    _STRATEGY = validate(generate(size))
    warm_up(("default",))
    ready.wait()


def _render(output: str) -> float:
    """Render one output of the process's document; return the seconds it took."""
    from worker.render import renderer

    if _STRATEGY is None:
        raise RuntimeError("a pool process renders only after _start_process")
    start = time.perf_counter()
    renderer(output)(_STRATEGY, "default")
    return time.perf_counter() - start


def _warm_pool(size: str, processes: int) -> Pool:
    """Return a pool of `processes` processes, each warm and holding the `size` document."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(processes + 1)
    pool = context.Pool(processes, initializer=_start_process, initargs=(size, ready))
    ready.wait()
    return pool


def build_seconds(pool: Pool) -> float:
    """Return the wall time of one build: each output a task, as the worker gets them."""
    start = time.perf_counter()
    pending = [pool.apply_async(_render, (output,)) for output in OUTPUTS]
    for task in pending:
        task.get()
    return time.perf_counter() - start


def median_build(size: str, processes: int, runs: int) -> float:
    """Return the median wall time of `runs` builds of `size` on `processes` warm processes."""
    pool = _warm_pool(size, processes)
    try:
        return statistics.median(build_seconds(pool) for _ in range(runs))
    finally:
        pool.close()
        pool.join()


def _log_has(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8", errors="replace").count(text) if path.exists() else 0


def _wait_started(service: LiveService, warm: bool) -> None:
    """Wait until both workers' processes are up (warmed, when the warm-up is on)."""
    text = "renderer warmed in" if warm else " ready."
    logs = (service.logs / "worker.log", service.logs / "bulk-worker.log")
    deadline = time.monotonic() + STARTUP_SECONDS
    while not all(_log_has(log, text) for log in logs):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the workers did not start; see {service.logs}")
        time.sleep(0.2)


def first_and_second(size: str, warm: bool) -> tuple[float, float]:
    """Return post → ready of the first and the second build of a new worker process."""
    data = without_inputs(generate(size, seed=14))
    # The recovery step every 30 s, not the tests' 2 s: it would share the one process.
    setting = {"UDKAST_WARM_UP": "on" if warm else "off", "UDKAST_RECOVER_EVERY": "30"}
    with tempfile.TemporaryDirectory() as tmp:
        for env in backend_env("embedded", Path(tmp) / "var", setting):
            # One process per lane, so the second build meets the process the first warmed.
            service = LiveService(env=env, port=free_port(), logs=Path(tmp), concurrency=1)
            try:
                service.start()
                _wait_started(service, warm)
                times = []
                for n in ("first", "second"):
                    # The same text under another slug: the same layout, never the cache.
                    data["document"]["slug"] = f"{n}-build"
                    start = time.time()  # wall clock, to compare with the build's finished_at
                    _, body, _ = _post(service, data)
                    times.append(_wait(service, body["build"]["links"]["self"]) - start)
                return times[0], times[1]
            finally:
                service.stop()
    raise RuntimeError("the embedded backend did not start")


def office_seconds(convert: Callable[[bytes], bytes], docx: bytes, runs: int) -> float:
    """Return the median seconds a warm LibreOffice takes to convert `docx` to PDF."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        convert(docx)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def goal(value: float, target: float) -> str:
    """Format a ratio with whether it meets its goal."""
    return f"{value:.2f}× ({'meets' if value <= target else 'misses'} the goal ≤ {target:.2f}×)"


def main() -> dict[str, Any]:
    """Measure and print the issue-14 ratios; return them."""
    from worker.render.docx import render_docx

    report: dict[str, Any] = {}
    print("\nIssue 14: fast drafts (ratios from this run; the machine is noisy, ±20 %)")

    print("First build after a worker starts / the second (M, post → files ready, 1 process):")
    for warm in (True, False):
        first, second = first_and_second("M", warm)
        label = "warm-up on " if warm else "warm-up off"
        print(f"  {label}  first {first:5.2f} s  second {second:5.2f} s  ", end="")
        print(goal(first / second, 1.0) if warm else f"{first / second:.2f}×", flush=True)
        report[f"first_vs_second_warm_up_{'on' if warm else 'off'}"] = {
            "first_s": round(first, 3),
            "second_s": round(second, 3),
            "ratio": round(first / second, 3),
        }

    builds = {}
    for size in RUNS:
        builds[size] = median_build(size, 2, RUNS[size])
    one = median_build("L", 1, RUNS["L"])
    scaling = builds["L"] / one
    print(
        f"L build on 2 worker processes / on 1: {builds['L']:.2f} s / {one:.2f} s = "
        f"{goal(scaling, 0.6)}\n  (a document's PDF is one task today: only its DOCX runs "
        "beside it)"
    )
    report["l_two_vs_one"] = {"two_s": round(builds["L"], 3), "one_s": round(one, 3)}
    report["l_two_vs_one"]["ratio"] = round(scaling, 3)

    why = warm_office.unavailable()
    if why is not None:
        print(f"Full build / warm LibreOffice: not measured ({why})")
        return report
    print("Full build (DOCX ∥ PDF, 2 warm processes) / a warm LibreOffice (unoserver), same DOCX:")
    with warm_office.warm_office() as convert:
        convert(render_docx(validate(generate("S"))))  # LibreOffice's own first-use costs
        for size in RUNS:
            office = office_seconds(convert, render_docx(validate(generate(size))), RUNS[size])
            ratio = builds[size] / office
            print(
                f"  {size}  build {builds[size]:5.2f} s  LibreOffice {office:5.2f} s  "
                f"{goal(ratio, 1.0)}",
                flush=True,
            )
            report[f"build_vs_office_{size}"] = {
                "build_s": round(builds[size], 3),
                "office_s": round(office, 3),
                "ratio": round(ratio, 3),
            }
    return report


if __name__ == "__main__":
    main()
