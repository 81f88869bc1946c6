"""The printed layout as a reader sees it, read back from the PDF (pdftotext) and the DOCX.

Pages are well filled: no page but the cover, the contents and the last is less than a
third full, unless what comes next would not have fitted in the room left; no heading
ends a page; the timeline runs in date order; names in the appendix are never split.
"""

from __future__ import annotations

import io
import itertools
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx as python_docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree

from core.content import Strategy, validate
from core.view import Timeline, document_view
from tests.conftest import load_example
from worker.render.docx import render_docx
from worker.render.pdf import render_pdf

MM = 72 / 25.4
# The body of a page of the default theme (print.css, @page: A4, margins 24 mm / 22 mm).
BODY_TOP, BODY_BOTTOM = 24 * MM, (297 - 22) * MM
# A line this tall is a heading (h2 24 pt, a card's headline 21 pt); body text is 8-13 pt.
HEADING_HEIGHT = 20
# The draft mark across every page is far taller than any line of text.
WATERMARK_HEIGHT = 40
# A gap this high separates two parts, or two cards; inside one the gaps are smaller.
PART_GAP = 10 * MM


@dataclass(frozen=True)
class Line:
    """A line of text on a page: its top, bottom and words."""

    top: float
    bottom: float
    words: tuple[str, ...]

    @property
    def heading(self) -> bool:
        return self.bottom - self.top > HEADING_HEIGHT


def body_lines(pdf: Path) -> list[list[Line]]:
    """Return each page's lines of body text (no running header, footer or draft mark)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True
    ).stdout
    namespace = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in etree.fromstring(xhtml).iter(f"{namespace}page"):
        words = []
        for word in page.iter(f"{namespace}word"):
            top, bottom = float(word.get("yMin", 0)), float(word.get("yMax", 0))
            inside = top >= BODY_TOP - 1 and bottom <= BODY_BOTTOM + 1
            if inside and bottom - top < WATERMARK_HEIGHT:
                words.append((top, bottom, word.text or ""))
        pages.append(_lines(sorted(words)))
    return pages


def _lines(words: list[tuple[float, float, str]]) -> list[Line]:
    """Group words (sorted by top) into lines: words whose tops are within 3 pt."""
    lines: list[Line] = []
    for top, bottom, text in words:
        if lines and top - lines[-1].top < 3:
            last = lines[-1]
            lines[-1] = Line(last.top, max(last.bottom, bottom), (*last.words, text))
        else:
            lines.append(Line(top, bottom, (text,)))
    return lines


def fill(lines: list[Line]) -> float:
    """Return how much of the page's body height the text covers, 0 to 1."""
    if not lines:
        return 0.0
    return (max(line.bottom for line in lines) - BODY_TOP) / (BODY_BOTTOM - BODY_TOP)


def first_block_height(lines: list[Line]) -> float:
    """Return the height of a page's first block: up to its first gap between parts.

    A heading belongs with the block under it, as the layout keeps them together.
    """
    if not lines:
        return 0.0
    end = lines[0].bottom
    for before, line in itertools.pairwise(lines):
        if line.top - before.bottom > PART_GAP and not before.heading:
            break
        end = max(end, line.bottom)
    return end - lines[0].top


def render(strategy: Strategy, path: Path) -> Path:
    path.write_bytes(render_pdf(strategy))
    return path


def _data(name: str) -> dict[str, Any]:
    """Return a reference draft as plain data, to make variants of it."""
    data: dict[str, Any] = load_example(name).model_dump(mode="json", by_alias=True)
    return data


def short_sections(count: int) -> Strategy:
    """Return udkast-2 with many short sections: one to four lines each."""
    data = _data("udkast-2")
    sentence = "Vi arbejder sammen på tværs af forvaltningen, tæt på borgeren. "
    data["sections"] = [
        {"id": f"afsnit-{n}", "title": f"Afsnit {n}", "body": sentence * (1 + 4 * (n % 4))}
        for n in range(1, count + 1)
    ]
    data["foreword"] = "Et kort forord."
    return validate(data)


def reordered_timeline() -> Strategy:
    """Return udkast-2 with a cancelled meeting on 5 October listed after 10 December."""
    data = _data("udkast-2")
    data["timeline"] = [
        {"date": "2018-12-10", "event": "Endelig vedtagelse i byrådet", "state": "planned"},
        {"date": "2018-03-02", "event": "HovedMED drøfter udkastet", "state": "done"},
        {"date": "2018-10-05", "event": "Ekstra møde i udvalget", "state": "cancelled"},
    ]
    return validate(data)


def with_names() -> Strategy:
    """Return udkast-2 in English with inputs from long names in the narrow "From" column."""
    data = _data("udkast-2")
    data["document"]["language"] = "en"
    data["consultation"] += [
        {
            "id": f"name-{n}",
            "from": name,
            "date": "2018-03-01",
            "input": "The strategy should say how cycling to school is supported.",
            "status": "pending",
        }
        for n, name in enumerate(NAMES)
    ]
    return validate(data)


NAMES = ("Harbour Cycling Campaign", "Danish Federation of Disability Organisations")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("layout")
    strategies = {
        "udkast-1": validate(_data("udkast-1")),
        "udkast-2": validate(_data("udkast-2")),
        "short-sections": short_sections(30),
        "timeline": reordered_timeline(),
        "names": with_names(),
    }
    return {name: render(s, out / f"{name}.pdf") for name, s in strategies.items()}


@pytest.mark.parametrize("name", ["udkast-1", "udkast-2", "short-sections"])
def test_no_page_is_less_than_a_third_full_unless_what_follows_did_not_fit(pdfs, name):
    pages = body_lines(pdfs[name])
    # The cover, the contents and the last page may be as empty as they are.
    for number in range(2, len(pages) - 1):
        lines, following = pages[number], pages[number + 1]
        if fill(lines) >= 1 / 3:
            continue
        room = BODY_BOTTOM - max((line.bottom for line in lines), default=BODY_TOP)
        assert first_block_height(following) > room - PART_GAP, (
            f"page {number + 1} is {fill(lines):.0%} full and what follows would have fitted"
        )


@pytest.mark.parametrize("name", ["udkast-1", "udkast-2", "short-sections"])
def test_no_heading_is_left_at_the_foot_of_a_page(pdfs, name):
    pages = body_lines(pdfs[name])
    for number, lines in enumerate(pages[1:-1], start=2):
        assert lines and not lines[-1].heading, f"page {number} ends with a heading"


def test_short_parts_share_pages(pdfs):
    # Thirty sections of one to four lines each: a page per part would need 30 pages more.
    pages = body_lines(pdfs["short-sections"])
    headings = [line for lines in pages for line in lines if line.heading]
    assert len(pages) < len(headings) / 2


def _table(document: Any, first_heading: str) -> Table:
    """Return the table whose first header cell reads `first_heading` (also inside a control)."""
    tables = (Table(t, document._body) for t in document.element.body.iter(qn("w:tbl")))
    return next(t for t in tables if t.rows[0].cells[0].text == first_heading)


# The timeline.

DATES_IN_ORDER = ("2. marts 2018", "5. oktober 2018", "10. december 2018")


def test_the_view_lists_the_timeline_in_date_order():
    timeline = document_view(reordered_timeline()).part(Timeline)
    assert timeline is not None
    entries = timeline.entries
    assert [e.date for e in entries] == list(DATES_IN_ORDER)


def test_the_pdf_draws_the_timeline_in_date_order(pdfs):
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdfs["timeline"]), "-"], check=True, capture_output=True
    ).stdout.decode()
    timeline = text[text.rindex("Tidsplan") :]  # the heading, after the contents' line
    places = [timeline.index(date.removesuffix(" 2018")) for date in DATES_IN_ORDER]
    assert places == sorted(places)


def test_the_docx_lists_the_timeline_in_date_order():
    document = python_docx.Document(io.BytesIO(render_docx(reordered_timeline())))
    table = _table(document, "Dato")
    dates = [row.cells[0].text for row in table.rows[1:]]
    assert dates == list(DATES_IN_ORDER)


# Names.


def test_names_in_the_appendix_are_not_hyphenated_in_the_pdf(pdfs):
    words = [w for lines in body_lines(pdfs["names"]) for line in lines for w in line.words]
    for name in NAMES:
        for word in name.split():
            assert word in words, f"{word!r} of {name!r} is split"
    assert not [w for w in words if w.endswith("-") and w[:-1] in "".join(NAMES)]


def test_names_in_the_appendix_are_kept_whole_in_the_docx():
    document = python_docx.Document(io.BytesIO(render_docx(with_names())))
    table = _table(document, "From")
    for row in table.rows[1:]:
        for paragraph in row.cells[0].paragraphs:
            properties = paragraph._p.pPr
            assert properties is not None
            assert properties.find(qn("w:suppressAutoHyphens")) is not None, row.cells[0].text
