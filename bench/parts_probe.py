"""Measure issue 14's part rendering before anyone builds it: `python -m bench.parts_probe`.

The generated L document is printed once as the service prints it (single pass), once
with every part on a page of its own (the layout part rendering implies), and part by
part: cover and contents, then each chapter of the template (foreword, each vision
card, signs of success, each section, timeline, appendix), each as its own WeasyPrint
document with the theme's CSS. Then the part PDFs are concatenated with pikepdf and the
result is checked for PDF/UA-1 (page-validation), with its outline and links counted.
docs/part-rendering.md records what it printed and what follows from it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html
import page
import pikepdf

from bench.generate import generate
from core.content import validate
from worker.render.html import build_html
from worker.render.pdf import print_pdf
from worker.render.theme import Theme, load_theme

# Every part on a page of its own in one pass: the page count the parts add up to.
EACH_PART_ON_A_PAGE = """<style>
.toc ~ .chapter { break-before: page; margin-top: 0; }
.visions .card + .card { break-before: page; }
</style>
</head>"""


@dataclass(frozen=True)
class Part:
    """One part of the document as its own HTML document."""

    name: str
    html: str


@dataclass(frozen=True)
class Printed:
    """A part printed: its PDF, its pages, and the seconds WeasyPrint took."""

    name: str
    pdf: bytes
    pages: int
    seconds: float


def _markup(element: lxml.html.HtmlElement) -> str:
    return str(lxml.html.tostring(element, encoding="unicode"))


def split(html: str) -> list[Part]:
    """Cut the printed document's HTML into its top-level parts, each a whole document."""
    root = lxml.html.document_fromstring(html)
    head = _markup(root.head)
    opening = f'<!DOCTYPE html><html lang="{root.get("lang")}">{head}'
    body_class = root.body.get("class") or ""

    def document(inner: str) -> str:
        return f'{opening}<body class="{body_class}">{inner}</body></html>'

    cover = root.body.find("section")
    main = root.body.find("main")
    if cover is None or main is None:
        raise ValueError("the template no longer has a cover section and a main element")
    toc = main.find("nav")
    contents = _markup(toc) if toc is not None else ""
    parts = [Part("cover+contents", document(_markup(cover) + f"<main>{contents}</main>"))]
    for chapter in main.findall("section"):
        name = chapter.get("id") or "chapter"
        if "visions" not in chapter.classes:
            parts.append(Part(name, document(f"<main>{_markup(chapter)}</main>")))
            continue
        # One document per vision card; the chapter's heading goes with the first card.
        cards = chapter.findall("article")
        heading = chapter.find("h2")
        for number, card in enumerate(cards, start=1):
            inner = (_markup(heading) if number == 1 and heading is not None else "") + _markup(
                card
            )
            wrapped = f'<section class="{chapter.get("class")}">{inner}</section>'
            parts.append(Part(f"vision {number}", document(f"<main>{wrapped}</main>")))
    return parts


def page_count(pdf: bytes) -> int:
    """Count a PDF's pages."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return len(opened.pages)


def printed(name: str, html: str, theme: Theme) -> Printed:
    """Print one HTML document as the PDF renderer does (PDF/UA-1, finisher); time it."""
    start = time.perf_counter()
    pdf = print_pdf(html, theme)
    seconds = time.perf_counter() - start
    return Printed(name, pdf, page_count(pdf), seconds)


def concatenate(pdfs: list[bytes]) -> bytes:
    """Append the pages of each PDF in order, as a naive assembly would; return the file."""
    with pikepdf.new() as whole:
        for data in pdfs:
            with pikepdf.open(io.BytesIO(data)) as part:
                whole.pages.extend(part.pages)
        out = io.BytesIO()
        whole.save(out)
        return out.getvalue()


def two_process_makespan(seconds: list[float]) -> float:
    """Return the time two processes need for these parts, longest first to the freer one."""
    loads = [0.0, 0.0]
    for cost in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def outline_and_links(pdf: bytes) -> tuple[int, int]:
    """Count the outline's entries and the link annotations that go somewhere in the file."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        with opened.open_outline() as outline:
            todo = list(outline.root)
            entries = 0
            while todo:
                entries += 1
                todo.extend(todo.pop().children)
        links = 0
        for each in opened.pages:
            for annot in each.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Link" and ("/Dest" in annot or "/A" in annot):
                    links += 1
    return entries, links


def pdf_ua_failures(pdf: bytes) -> Counter[str]:
    """Return page-validation's failed PDF/UA-1 rules of a PDF, with how often each failed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        report = page.validate_pdf(file.name)
    return Counter(failure.rule_id for failure in report.failures)


def median_seconds(make: Callable[[], Printed], runs: int) -> Printed:
    """Print `runs` times; return the last print with the median time."""
    prints = [make() for _ in range(runs)]
    seconds = statistics.median(p.seconds for p in prints)
    last = prints[-1]
    return Printed(last.name, last.pdf, last.pages, seconds)


def print_part(part: Part, theme: Theme, runs: int) -> Printed:
    """Print one part `runs` times; return the median."""
    return median_seconds(lambda: printed(part.name, part.html, theme), runs)


def main(argv: list[str] | None = None) -> int:
    """Print the probe's figures for one generated document."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="L", choices=("S", "M", "L"))
    parser.add_argument("--runs", type=int, default=1, help="prints of each (median)")
    args = parser.parse_args(argv)

    theme = load_theme("default")
    strategy = validate(generate(args.size))
    printed("warm", build_html(validate(generate("S", seed=99)), theme), theme)  # a warm worker
    html = build_html(strategy, theme)
    single = median_seconds(lambda: printed("single pass", html, theme), args.runs)
    paged_html = html.replace("</head>", EACH_PART_ON_A_PAGE, 1)
    paged = median_seconds(lambda: printed("each part on a page", paged_html, theme), args.runs)
    parts = [print_part(part, theme, args.runs) for part in split(html)]

    start = time.perf_counter()
    whole = concatenate([p.pdf for p in parts])
    concat_s = time.perf_counter() - start
    total = sum(p.seconds for p in parts)
    longest = max(parts, key=lambda p: p.seconds)
    smallest = min(parts, key=lambda p: p.seconds)
    makespan = two_process_makespan([p.seconds for p in parts])

    print(f"Part rendering probe: generated {args.size}, {len(parts)} parts, median of {args.runs}")
    print(f"{'part':22} {'pages':>5} {'s':>6}")
    for part in parts:
        print(f"{part.name:22} {part.pages:>5} {part.seconds:>6.2f}")
    print(f"single pass (as shipped):       {single.seconds:6.2f} s, {single.pages} pages")
    print(f"single pass, each part a page:  {paged.seconds:6.2f} s, {paged.pages} pages")
    print(
        f"sum of the parts:               {total:6.2f} s, {sum(p.pages for p in parts)} pages "
        f"= {total / single.seconds:.2f}× the single pass ({total / paged.seconds:.2f}× paged)"
    )
    print(
        f"longest part ({longest.name}): {longest.seconds:.2f} s = "
        f"{longest.seconds / single.seconds:.2f}× the single pass (the floor on any number "
        f"of processes); smallest ({smallest.name}) {smallest.seconds:.2f} s"
    )
    print(
        f"2 processes, longest part first: {makespan:.2f} s + concatenation "
        f"{concat_s:.2f} s = {(makespan + concat_s) / single.seconds:.2f}× the single pass"
    )
    for label, pdf in (("single pass", single.pdf), ("concatenated", whole)):
        entries, links = outline_and_links(pdf)
        failures = pdf_ua_failures(pdf)
        verdict = (
            "passes"
            if not failures
            else "fails " + ", ".join(f"{rule} ×{count}" for rule, count in failures.most_common())
        )
        print(f"{label}: outline {entries} entries, {links} links; PDF/UA-1 {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
