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


def furniture(html: str, pages: int) -> str:
    """Return a document of `pages` empty pages with only the running header and footer.

    What assembly would stamp on every part's pages ("Side X af Y", the title), priced.
    """
    root = lxml.html.document_fromstring(html)
    sheets = '<div class="sheet"></div>' * pages
    style = "<style>.sheet { break-before: page; height: 1px; }</style>"
    return (
        f'<!DOCTYPE html><html lang="{root.get("lang")}">{_markup(root.head)}{style}'
        f'<body class="{root.body.get("class") or ""}"><main>{sheets}</main></body></html>'
    )


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
    """Append every part's pages to the first part's file, as a naive assembly would."""
    with pikepdf.open(io.BytesIO(pdfs[0])) as whole:
        for data in pdfs[1:]:
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


def outline_and_links(pdf: bytes) -> tuple[int, int, int]:
    """Count the outline's entries, the internal links, and those whose target is in the file."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        with opened.open_outline() as outline:
            todo = list(outline.root)
            entries = 0
            while todo:
                entries += 1
                todo.extend(todo.pop().children)
        names = opened.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        targets = set(pikepdf.NameTree(dests).keys()) if dests is not None else set()
        internal = found = 0
        for each in opened.pages:
            for annot in each.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                    internal += 1
                    found += str(annot.Dest) in targets
    return entries, internal, found


def tagged_pages(pdf: bytes) -> tuple[int, int, int]:
    """Count pages, pages whose tagged content the structure tree reaches, /StructParents keys.

    Each page needs a /StructParents key of its own in the one ParentTree.
    """
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        reached: set[tuple[tuple[int, int], int]] = set()
        todo: list[tuple[pikepdf.Object, pikepdf.Object | None]] = [
            (opened.Root.StructTreeRoot, None)
        ]
        while todo:
            node, page_of = todo.pop()
            if isinstance(node, int):  # a marked-content id on the element's page
                if page_of is not None:
                    reached.add((page_of.objgen, node))
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            page_of = node.get("/Pg", page_of)
            if node.get("/Type") == "/MCR":
                if page_of is not None:
                    reached.add((page_of.objgen, int(node.MCID)))
                continue
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                todo.extend((kid, page_of) for kid in kids)
            elif kids is not None:
                todo.append((kids, page_of))
        whole = 0
        keys = set()
        for each in opened.pages:
            keys.add(int(each.obj.get("/StructParents", -1)))
            ids = {
                int(step.operands[1].MCID)
                for step in pikepdf.parse_content_stream(each)
                if isinstance(step, pikepdf.ContentStreamInstruction)
                and step.operator == pikepdf.Operator("BDC")
                and isinstance(step.operands[1], pikepdf.Dictionary)
                and "/MCID" in step.operands[1]
            }
            whole += all((each.obj.objgen, mcid) in reached for mcid in ids)
        return len(opened.pages), whole, len(keys)


def pdf_ua_failures(pdf: bytes) -> Counter[str]:
    """Return page-validation's failed PDF/UA-1 rules of a PDF, with how often each failed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        report = page.validate_pdf(file.name, profile=page.ValidationProfile.PDF_UA_1)
    return Counter(failure.rule_id for failure in report.failures)


def main(argv: list[str] | None = None) -> int:
    """Print the probe's figures for one generated document."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="L", choices=("S", "M", "L"))
    parser.add_argument("--runs", type=int, default=2, help="rounds, each printing everything")
    args = parser.parse_args(argv)

    theme = load_theme("default")
    strategy = validate(generate(args.size))
    printed("warm", build_html(validate(generate("S", seed=99)), theme), theme)  # a warm worker
    html = build_html(strategy, theme)
    paged_html = html.replace("</head>", EACH_PART_ON_A_PAGE, 1)
    parts = split(html)
    # Rounds rather than repeats of each print: the machine's load drifts, and each ratio
    # is taken within a round, then the median over rounds.
    rounds = []
    for _ in range(args.runs):
        single = printed("single pass", html, theme)
        paged = printed("each part on a page", paged_html, theme)
        rounds.append((single, paged, [printed(p.name, p.html, theme) for p in parts]))
    single, paged, last = rounds[-1]
    start = time.perf_counter()
    whole = concatenate([p.pdf for p in last])
    concat_s = time.perf_counter() - start

    def median(of: Callable[[Printed, Printed, list[Printed]], float]) -> float:
        return statistics.median(of(*each) for each in rounds)

    part_s = [statistics.median(r[2][n].seconds for r in rounds) for n in range(len(parts))]
    longest = max(range(len(parts)), key=lambda n: part_s[n])
    smallest = min(range(len(parts)), key=lambda n: part_s[n])
    single_s = median(lambda s, _p, _r: s.seconds)

    print(f"Part rendering probe: generated {args.size}, {len(parts)} parts, {args.runs} rounds")
    print(f"{'part':22} {'pages':>5} {'s':>6}")
    for n, part in enumerate(last):
        print(f"{part.name:22} {part.pages:>5} {part_s[n]:>6.2f}")
    print(f"single pass (as shipped):       {single_s:6.2f} s, {single.pages} pages")
    print(
        f"single pass, each part a page:  {median(lambda _s, p, _r: p.seconds):6.2f} s, "
        f"{paged.pages} pages"
    )
    print(
        f"sum of the parts:               {sum(part_s):6.2f} s, "
        f"{sum(p.pages for p in last)} pages = "
        f"{median(lambda s, _p, r: sum(x.seconds for x in r) / s.seconds):.2f}× the single pass "
        f"({median(lambda _s, p, r: sum(x.seconds for x in r) / p.seconds):.2f}× paged)"
    )
    print(
        f"longest part ({parts[longest].name}): {part_s[longest]:.2f} s = "
        f"{median(lambda s, _p, r: r[longest].seconds / s.seconds):.2f}× the single pass "
        f"(the floor on any number of processes); smallest ({parts[smallest].name}) "
        f"{part_s[smallest]:.2f} s"
    )
    two = median(lambda s, _p, r: two_process_makespan([x.seconds for x in r]) / s.seconds)
    print(
        f"2 processes, longest part first: {two:.2f}× the single pass; concatenating "
        f"{len(last)} part PDFs with pikepdf: {concat_s:.2f} s"
    )
    sheet = printed("furniture", furniture(html, paged.pages), theme)
    print(
        f"header and footer alone for {sheet.pages} pages (what assembly would stamp): "
        f"{sheet.seconds:.2f} s = {sheet.seconds / single.seconds:.2f}× the last single pass"
    )
    for label, pdf in (("single pass", single.pdf), ("concatenated", whole)):
        entries, internal, found = outline_and_links(pdf)
        failures = pdf_ua_failures(pdf)
        verdict = (
            "passes"
            if not failures
            else "fails " + ", ".join(f"{rule} ×{count}" for rule, count in failures.most_common())
        )
        pages, whole_pages, keys = tagged_pages(pdf)
        print(
            f"{label}: {len(pdf) / 1024 / 1024:.1f} MiB, outline {entries} entries, "
            f"internal links {found} of {internal} "
            f"resolve; structure tree reaches all tagged content of {whole_pages} of {pages} "
            f"pages, {keys} distinct /StructParents keys; PDF/UA-1 {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
