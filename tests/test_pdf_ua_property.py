"""PDF/UA-1 for every valid input: generated drafts rendered and read back.

The drafts use every construct of strategy/v1: all of the rich-text subset (paragraphs,
emphasis, strong, links, hard line breaks, bulleted and numbered lists nested to the
deepest level, numbered lists that start anywhere) and the Markdown outside it that is
kept as literal text, in every rich field; tables long enough to break across pages;
every optional field present and absent; both languages and every status. Each PDF must
pass page-validation as PDF/UA-1, and pikepdf must find what a reader's software needs.
A render and a validation take about a second, so the examples are few; `make
test-robust` runs many more.
"""

from __future__ import annotations

from typing import Any

import page
import pdfplumber
import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.content import Strategy, validate
from core.richtext import MAX_LIST_DEPTH
from core.view import draft_mark
from tests.strategy_pairs import draft_data, inline, sentence
from worker.render.pdf import render_pdf

pytestmark = pytest.mark.slow

Data = dict[str, Any]

# Markdown outside the subset: kept as the literal text the author typed.
LITERAL = st.sampled_from(
    [
        "# Ikke en overskrift",
        "> Et citat",
        "`kode`",
        "<b>html</b> & <script>x</script>",
        "![billede](https://example.org/a.png)",
        "---",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "    indrykket kode",
    ]
)
hard_break = st.tuples(sentence, sentence).map(lambda p: f"{p[0]}  \n{p[1]}")


@st.composite
def markdown_list(draw: st.DrawFn, depth: int = 1) -> str:
    """A bulleted or numbered list, its items sometimes holding a list one level deeper."""
    ordered = draw(st.booleans())
    start = draw(st.integers(1, 12)) if ordered else 1
    lines = []
    for n in range(draw(st.integers(1, 3))):
        marker = f"{start + n}. " if ordered else "- "
        lines.append(marker + draw(st.one_of(sentence, hard_break)))
        if depth < MAX_LIST_DEPTH and draw(st.integers(0, 2)) == 0:
            nested = draw(markdown_list(depth + 1))
            lines.extend(" " * len(marker) + line for line in nested.splitlines())
    return "\n".join(lines)


block = st.one_of(sentence, hard_break, markdown_list(), LITERAL)
rich = st.lists(block, min_size=1, max_size=5).map("\n\n".join)
EVERY_CONSTRUCT = (
    "Et **stærkt** og *fremhævet* ord, et [link](https://example.org) og en mail"
    " [til os](mailto:a@example.org), et [**stærkt** *link*](https://example.org/s).  \n"
    "Ny linje.\n\n"
    "- punkt *et*\n- punkt to\n  1. under et\n  2. under to\n     - dybere\n"
    "       - dybest\n         - allerdybest\n\n"
    "7. syv\n8. otte\n\n# literal\n\n> citat"
)
every_construct = st.just(EVERY_CONSTRUCT)


@st.composite
def full_drafts(draw: st.DrawFn) -> Strategy:
    """A valid draft using every construct, with tables that may run over several pages."""
    data: Data = draw(draft_data())
    rich_text = st.one_of(every_construct, rich)
    if data.get("foreword") is not None or draw(st.booleans()):
        data["foreword"] = draw(rich_text)
    for vision in data["visions"]:
        if "body" in vision:
            vision["body"] = draw(rich_text)
    for section in data["sections"]:
        if "body" in section:
            section["body"] = draw(rich_text)
    if draw(st.booleans()):
        _lengthen_tables(draw, data)
    return validate(data)


def _lengthen_tables(draw: st.DrawFn, data: Data) -> None:
    """Add rows enough for the indicator and consultation tables to break across pages."""
    line = st.lists(inline, min_size=3, max_size=20).map(" ".join)
    visions = [v["id"] for v in data["visions"]]
    for n in range(draw(st.integers(15, 30))):
        data["signs_of_success"].append(
            {
                "id": f"extra-i{n}",
                "indicator": draw(line).replace("*", "").replace("[", ""),
                "vision": visions[n % len(visions)],
                "baseline": "12 % (2017)",
                "target": "20 % i 2022",
                "data_source": "Borgerpanelet",
            }
        )
    for n in range(draw(st.integers(15, 30))):
        data["consultation"].append(
            {
                "id": f"extra-c{n}",
                "from": "Handicaprådet",
                "input": "Input " + str(n),
                "status": "partly",
                "response": "Svar " * draw(st.integers(1, 40)),
            }
        )


def assert_accessible(pdf_bytes: bytes, strategy: Strategy, path: Any) -> None:
    """PDF/UA-1 by page-validation, and the catalogue and fonts a reader's software needs."""
    report = page.validate_pdf_bytes(pdf_bytes, profile=page.ValidationProfile.PDF_UA_1)
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    path.write_bytes(pdf_bytes)
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert bool(root.MarkInfo.Marked)
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == strategy.document.language
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title) == strategy.document.title
        fonts = [f for p in pdf.pages for f in p.Resources.get("/Font", {}).values()]
        assert fonts
        for font in fonts:
            assert "/ToUnicode" in font, font.get("/BaseFont")
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def assert_mark_is_an_artifact(path: Any, strategy: Strategy) -> None:
    """On every page after the cover the draft mark is seen, and only as an artifact."""
    mark = draft_mark(strategy)
    if mark is None:
        return
    mark = mark.replace(" ", "")
    with pdfplumber.open(path) as pdf:
        for number, pdf_page in enumerate(pdf.pages[1:], start=2):
            chars = [c for c in pdf_page.chars if c["text"].strip()]
            tagged = "".join(c["text"] for c in chars if c.get("mcid") is not None)
            artifact = "".join(c["text"] for c in chars if c.get("tag") == "Artifact")
            # The diagonal mark and the header's label, each seen; neither read aloud.
            assert artifact.count(mark) >= 2, number
            assert mark not in tagged, number


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategy=full_drafts())
def test_every_generated_draft_is_pdf_ua_1(strategy: Strategy, tmp_path_factory: Any) -> None:
    path = tmp_path_factory.mktemp("ua") / "draft.pdf"
    assert_accessible(render_pdf(strategy), strategy, path)
    assert_mark_is_an_artifact(path, strategy)


@pytest.mark.robust
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategy=full_drafts())
def test_many_generated_drafts_are_pdf_ua_1(strategy: Strategy, tmp_path_factory: Any) -> None:
    path = tmp_path_factory.mktemp("ua") / "draft.pdf"
    assert_accessible(render_pdf(strategy), strategy, path)
    assert_mark_is_an_artifact(path, strategy)


def test_every_construct_at_once_is_pdf_ua_1(udkast2: Strategy, tmp_path: Any) -> None:
    data = udkast2.to_data()
    text = EVERY_CONSTRUCT
    data["foreword"] = text
    data["visions"][0]["body"] = text
    data["sections"] = [{"id": "baggrund", "title": "Baggrund", "body": text}]
    strategy = validate(data)
    path = tmp_path / "every.pdf"
    assert_accessible(render_pdf(strategy), strategy, path)
    assert_mark_is_an_artifact(path, strategy)
    with pdfplumber.open(path) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
    # A numbered list that starts at 7 is numbered from 7, and literal Markdown stays.
    assert "7. syv" in text
    assert "8. otte" in text
    assert "# literal" in text
    with pikepdf.open(path) as pdf:
        items = [e for e in _struct_elements(pdf.Root.StructTreeRoot) if e.get("/S") == "/LI"]
    # Rich lists (3 fields, 10 items each) and commitments: every item is its label (the
    # contents list's items have none) and one body, as PDF/UA-1 wants.
    assert len(items) >= 30
    for item in items:
        kinds = [str(k.S) for k in _kids(item)]
        assert kinds in (["/Lbl", "/LBody"], ["/LBody"]), kinds


def _struct_elements(root: Any) -> list[Any]:
    found, todo = [], list(_kids(root))
    while todo:
        element = todo.pop()
        found.append(element)
        todo.extend(_kids(element))
    return found


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
