"""Issue 14 through the running service: builds and redrafts of long documents in pieces.

Each figure is post → files ready, read from the build's own finished_at, on the
embedded backend (SQLite, folder queue) with warm workers, as `udkast serve` runs them:
the standard lane's worker with 1 or 2 processes, and the bulk lane's worker (heavy
documents, one at a time) beside it. A heavy document's own PDF task runs on the bulk
lane; its helper tasks print pieces on the standard lane's processes.

- the PDF of a redraft / the first build's PDF, and post → every file ready (both
  drafts' outputs and the comparison's) / the first build, for two redrafts of about
  5 % of the text: clustered (a committee reworking two sections) and spread (a few
  words in every part, one section moved: bench.diff_bench.drafts);
- an L build on the standard worker with 2 processes / with 1;
- the PDF output alone, in pieces, against the single pass of the same content in one
  process (the reference `--single-pass` renders).
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.diff_bench import drafts as spread_drafts
from bench.generate import generate, word_count
from bench.service_bench import _post, _wait, without_inputs
from tests.live_service import STARTUP_SECONDS, LiveService, backend_env, free_port

if TYPE_CHECKING:
    from core.content import Strategy

SETTINGS = {"UDKAST_WARM_UP": "on", "UDKAST_RECOVER_EVERY": "30"}


def clustered(data: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    """Return a redraft with words added for about 5 % of the text, all in two sections."""
    rng = random.Random(seed)
    new = copy.deepcopy(data)
    budget = word_count(data) // 20
    for section in rng.sample(new["sections"], 2):
        words = section["body"].split(" ")
        for _ in range(budget // 2):
            at = rng.randrange(len(words))
            words[at] = words[at] + " ny"
        section["body"] = " ".join(words)
    return new


def _seconds(build: dict[str, Any], output: str | None = None) -> float:
    """Return an output's (or the whole build's) seconds from start to finish."""
    part = build["outputs"][output] if output else build
    start = dt.datetime.fromisoformat(part["started_at"].replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(part["finished_at"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def _build(service: LiveService, data: dict[str, Any]) -> tuple[float, float]:
    """Post a draft; return (post → every file ready, the PDF output's own seconds)."""
    start = time.time()
    _, body, _ = _post(service, data)
    finished = _wait(service, body["build"]["links"]["self"])
    _, build = service.json("GET", body["build"]["links"]["self"])
    return finished - start, _seconds(build, "pdf")


def service_figures(
    size: str, processes: int, redrafts: bool, helpers: int | None = None
) -> dict[str, float]:
    """Return first-build and redraft figures of a document on a fresh service.

    `processes` is the standard lane's; the bulk lane has one. `helpers` is
    UDKAST_PIECE_HELPERS (None: its default).
    """
    figures: dict[str, float] = {}
    settings = SETTINGS if helpers is None else {**SETTINGS, "UDKAST_PIECE_HELPERS": str(helpers)}
    with tempfile.TemporaryDirectory() as tmp:
        for env in backend_env("embedded", Path(tmp) / "var", settings):
            service = LiveService(env=env, port=free_port(), logs=Path(tmp), concurrency=processes)
            try:
                service.start()
                wait_started(service)  # a warm-up beside a build would slow it
                first = without_inputs(generate(size, seed=21))
                first["document"]["slug"] = "foerste"
                figures["first_s"], figures["first_pdf_s"] = _build(service, first)
                if not redrafts:
                    return figures
                figures["clustered_s"], figures["clustered_pdf_s"] = _build(
                    service, clustered(first)
                )
                old, new = spread_drafts(size, seed=22)
                base = without_inputs(old.model_dump(mode="json", by_alias=True, exclude_none=True))
                base["document"]["slug"] = "spredt"
                figures["spread_first_s"], figures["spread_first_pdf_s"] = _build(service, base)
                changed = without_inputs(
                    new.model_dump(mode="json", by_alias=True, exclude_none=True)
                )
                changed["document"]["slug"] = "spredt"
                figures["spread_s"], figures["spread_pdf_s"] = _build(service, changed)
                return figures
            finally:
                service.stop()
    raise RuntimeError("the embedded backend did not start")


def _log_has(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8", errors="replace").count(text) if path.exists() else 0


def wait_started(service: LiveService) -> None:
    """Wait until both workers' processes are up (warmed, when the warm-up is on)."""
    # Each process then keeps what it holds out of the garbage collector's way
    # (worker.warmup.settle), and logs that last, warm-up or not.
    text = "kept out of the garbage collector"
    # Every process of the standard lane's worker, and the bulk lane's one.
    logs = (
        (service.logs / "worker.log", service.concurrency),
        (service.logs / "bulk-worker.log", 1),
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while not all(_log_has(log, text) >= count for log, count in logs):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the workers did not start; see {service.logs}")
        time.sleep(0.2)


def single_pass_pdf_seconds(size: str) -> float:
    """Return the seconds of the PDF in one pass, in this (warmed) process: the reference."""
    from core.content import validate
    from worker.render.pdf import render_pdf

    render_pdf(validate(generate("S", seed=99)))  # warm, as a worker process is
    strategy = validate(without_inputs(generate(size, seed=21)))
    start = time.perf_counter()
    render_pdf(strategy)
    return time.perf_counter() - start


def build_work_alone(strategy: Strategy) -> dict[str, float]:
    """Return the seconds a first build's PDF (in pieces) and DOCX take one after another.

    In this (warmed) process, with no service around them: the CPU work two cores share
    in a build, so half their sum is the least any build of this document can take here.
    """
    from core.content import validate
    from core.view import document_view
    from worker.render import renderer
    from worker.render.parts.document import print_in_pieces
    from worker.render.theme import load_theme

    theme = load_theme("default")
    warm = validate(without_inputs(generate("M", seed=99)))
    print_in_pieces(document_view(warm), theme), renderer("docx")(warm, "default")
    start = time.perf_counter()
    print_in_pieces(document_view(strategy), theme)
    figures = {"pdf": time.perf_counter() - start}
    start = time.perf_counter()
    renderer("docx")(strategy, "default")
    figures["docx"] = time.perf_counter() - start
    return figures


def redraft_work_alone(size: str) -> dict[str, float]:
    """Return the seconds each output of the clustered redraft but its PDF takes alone.

    In this (warmed) process, one after another: what the service's processes share.
    The comparison PDF is one task, so no build of the redraft ends sooner than it.
    """
    from core.content import validate
    from core.diff import compare
    from worker.render import comparison_renderer, renderer

    small = without_inputs(generate("M", seed=99))  # S has fewer than two sections
    for output in ("changes-pdf", "changes-docx"):  # warm, as a worker process is
        comparison_renderer(output)(validate(small), validate(clustered(small)), "default", None)
    data = without_inputs(generate(size, seed=21))
    old, new = validate(data), validate(clustered(data))
    found = compare(old, new)
    figures = {}
    for output in ("changes-pdf", "changes-docx"):
        start = time.perf_counter()
        comparison_renderer(output)(old, new, "default", found)
        figures[output] = time.perf_counter() - start
    start = time.perf_counter()
    renderer("docx")(new, "default")
    figures["docx"] = time.perf_counter() - start
    return figures
