"""`make bench`: render generated S/M/L strategies and print medians, pages/s and ratios.

Ratios compare against the baseline measured on this machine kind before the project
started (a naive WeasyPrint template, python-docx's plain API) and against the
alternatives installed here (pandoc for DOCX, LibreOffice for DOCX→PDF), measured in
the same run because the machine is noisy (±20 % between batches).
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.generate import generate, word_count
from core.content import Strategy, validate
from scripts import office

# Seconds, from ../shared/notes/performance.md (medians, warm process).
BASELINE = {
    ("pdf", "S"): 0.86,
    ("pdf", "M"): 4.6,
    ("pdf", "L"): 26.0,
    ("docx", "S"): 0.12,
    ("docx", "M"): 0.48,
    ("docx", "L"): 3.9,
}
RUNS = {"S": 5, "M": 3, "L": 1}


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Return the median wall time of `runs` calls and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pdf_pages(data: bytes) -> int:
    """Count the pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def markdown_of(strategy: Strategy) -> str:
    """Write the strategy as Markdown, the input pandoc would get."""
    out = [f"# {strategy.document.title}", strategy.foreword or ""]
    for vision in strategy.visions:
        out += [f"## {vision.title}", f"**{vision.headline}**", vision.body or ""]
        out += [f"- {c}" for c in vision.commitments]
    for section in strategy.sections:
        out += [f"## {section.title}", section.body or ""]
    return "\n\n".join(out)


def pandoc_docx(markdown: str) -> float | None:
    """Time pandoc md→docx, or None when pandoc is not installed."""
    if not shutil.which("pandoc"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.md"
        src.write_text(markdown, encoding="utf-8")
        start = time.perf_counter()
        subprocess.run(["pandoc", str(src), "-o", str(Path(tmp) / "out.docx")], check=True)
        return time.perf_counter() - start


def soffice_pdf(docx: bytes) -> float | None:
    """Time a cold LibreOffice DOCX→PDF conversion, or None when it is not installed."""
    if office.soffice() is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.docx"
        src.write_bytes(docx)
        start = time.perf_counter()
        office.docx_to_pdf(src, Path(tmp))
        return time.perf_counter() - start


def ratio(ours: float, other: float | None) -> str:
    """Format ours/other as "0.83×", or "n/a"."""
    return f"{ours / other:.2f}×" if other else "n/a"


def main() -> int:
    """Run the benchmark and print a table; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--alternatives", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--service",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure builds through the API (starts web and worker)",
    )
    parser.add_argument("--diff", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--parts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure issue 14's ratios (starts workers and a warm LibreOffice)",
    )
    parser.add_argument(
        "--load",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure cheap drafts under load from expensive ones (PostgreSQL + Redis)",
    )
    parser.add_argument(
        "--only",
        choices=("parts",),
        help="parts: only issue 14's ratios (first vs second build, 2 vs 1 processes, "
        "full build vs a warm LibreOffice)",
    )
    parser.add_argument("--json", type=Path, default=Path("out/bench.json"))
    args = parser.parse_args()
    if args.only == "parts":
        from bench import build_bench

        return _write(args.json, {"issue14": build_bench.main()})

    from worker.render.docx import render_docx
    from worker.render.pdf import render_pdf

    warm = validate(generate("S", seed=99))
    render_pdf(warm), render_docx(warm)  # import and font caches, as in a warm worker

    results: list[dict[str, Any]] = []
    print(
        f"{'size':4} {'words':>6} {'pages':>5} {'pdf s':>7} {'pages/s':>8} {'vs base':>8} "
        f"{'docx s':>7} {'vs base':>8} {'pandoc':>8} {'LO pdf':>8}"
    )
    for size in args.sizes.split(","):
        data = generate(size)
        strategy = validate(data)
        runs = RUNS[size]
        pdf_s, pdf = timed(partial(render_pdf, strategy), runs)
        docx_s, docx = timed(partial(render_docx, strategy), runs)
        pages = pdf_pages(pdf)
        pandoc_s = pandoc_docx(markdown_of(strategy)) if args.alternatives else None
        lo_s = soffice_pdf(docx) if args.alternatives else None
        row = {
            "size": size,
            "words": word_count(data),
            "pages": pages,
            "pdf_s": round(pdf_s, 3),
            "docx_s": round(docx_s, 3),
            "pdf_vs_baseline": round(pdf_s / BASELINE[("pdf", size)], 3),
            "docx_vs_baseline": round(docx_s / BASELINE[("docx", size)], 3),
            "pandoc_docx_s": pandoc_s,
            "libreoffice_pdf_s": lo_s,
        }
        results.append(row)
        print(
            f"{size:4} {row['words']:>6} {pages:>5} {pdf_s:>7.2f} {pages / pdf_s:>8.1f} "
            f"{ratio(pdf_s, BASELINE[('pdf', size)]):>8} {docx_s:>7.2f} "
            f"{ratio(docx_s, BASELINE[('docx', size)]):>8} "
            f"{ratio(docx_s, pandoc_s):>8} {ratio(pdf_s, lo_s):>8}",
            flush=True,
        )
    print("\nvs base: our time / the naive baseline of notes/performance.md (below 1 is faster).")
    print(
        "pandoc: our DOCX time / pandoc md→docx; LO pdf: our PDF time / a cold LibreOffice "
        "DOCX→PDF of our DOCX ('n/a': not installed)."
    )
    report: dict[str, Any] = {"render": results}
    if args.diff:
        from bench import diff_bench

        print("\nDiff (about 5 % of the text changed, one section moved)")
        diff_bench.main(["M", "L"])
    if args.service:
        from bench import service_bench

        report["service"] = service_bench.main()
    if args.load:
        from bench import load_bench

        report["load"] = load_bench.main()
    if args.parts:
        from bench import build_bench

        report["issue14"] = build_bench.main()
    return _write(args.json, report)


def _write(path: Path, report: dict[str, Any]) -> int:
    """Write the figures as JSON to `path`; return the exit status."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
