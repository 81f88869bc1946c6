"""The comparison outputs (issue 13): plain language before → after, milestones by date.

udkast-1 → udkast-2 is the reference pair: udkast-1 is the text-heavy draft HovedMED asked
to shorten. The comparison PDF (read back with pypdf) and the redline DOCX (opened with
python-docx) show LIX before → after per part and overall, and that udkast-1's
text-heavy advice is gone; the PDF stays PDF/UA-1. A timeline whose milestones are
listed out of date order is compared in date order, as both documents draw it: on the
web diff page and in both comparison outputs.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import page
import pytest
import yaml
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from core.content import Strategy, validate
from core.diff import compare
from core.plain_language import SHOWN_ADVICE, feedback
from tests.app_fixtures import TestApp, example_data, make_test_app
from tests.test_comparison import normalise
from tests.test_plain_language import TEXT_HEAVY
from worker.render.comparison_pdf import build_comparison_html, render_comparison_pdf
from worker.render.redline import render_redline_docx
from worker.render.theme import load_theme

# What a reader sees of udkast-1 → udkast-2 (core.plain_language measures it).
LIX_ROWS = (
    "Forord 50 (svær) 41 (middel)",
    "Vision 2 «Uddannelse og beskæftigelse» 62 (meget svær) 45 (svær)",
    "Hele dokumentet 50 (svær) 45 (svær)",
)
ADVICE = "Råd om klart sprog: 21 i Udkast 1, 11 i Udkast 2."
GONE, NEW = "Råd, der ikke længere gives (15)", "Nye råd (5)"
MORE = f"… og {15 - SHOWN_ADVICE} mere"


def text_heavy(udkast1: Strategy) -> list[str]:
    """Return how udkast-1's text-heavy warnings name their paragraphs ("72 ord i afsnit 1")."""
    found = [w for w in feedback(udkast1).warnings if w.code in TEXT_HEAVY]
    assert found
    return [f"{w.arg('count')} ord i afsnit {w.arg('paragraph')}" for w in found]


# ---------- the comparison PDF ----------


@pytest.fixture(scope="module")
def reference_pdf(
    udkast1: Strategy, udkast2: Strategy, tmp_path_factory: pytest.TempPathFactory
) -> tuple[bytes, Path, list[str]]:
    data = render_comparison_pdf(udkast1, udkast2)
    path = tmp_path_factory.mktemp("plain-cmp") / "comparison.pdf"
    path.write_bytes(data)
    return data, path, [normalise(p.extract_text()) for p in PdfReader(path).pages]


def plain_page(pages: list[str]) -> str:
    """Return the text of the plain-language chapter, which starts its page."""
    found = [text for text in pages if text.startswith("Klart sprog")]
    assert len(found) == 1, [text[:40] for text in pages]
    return found[0]


def test_the_pdf_shows_lix_before_and_after_right_after_the_summary(reference_pdf) -> None:
    pages = reference_pdf[2]
    text = plain_page(pages)
    assert pages.index(text) == next(i for i, t in enumerate(pages) if t.startswith("Overblik")) + 1
    assert "LIX: HELE DOKUMENTET 50 svær → 45 svær" in text
    for row in LIX_ROWS:
        assert row in text
    assert ADVICE in text


def test_the_pdf_says_the_text_heavy_advice_of_udkast_1_is_gone(
    reference_pdf, udkast1: Strategy
) -> None:
    text = plain_page(reference_pdf[2])
    gone, new = text[text.index(GONE) : text.index(NEW)], text[text.index(NEW) :]
    for paragraph in text_heavy(udkast1):
        assert paragraph in gone and paragraph not in new
    assert "et af de længste" not in new
    # At most SHOWN_ADVICE items, then how many more.
    assert gone.count("højst 25") + gone.count("et af de længste") + 1 == SHOWN_ADVICE
    assert MORE in gone


def test_the_comparison_pdf_with_the_block_is_still_pdf_ua_1(reference_pdf) -> None:
    report = page.validate_pdf_bytes(reference_pdf[0], profile=page.ValidationProfile.PDF_UA_1)
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_an_english_comparison_labels_its_lix_as_measured_on_english_text(
    udkast1: Strategy, udkast2: Strategy
) -> None:
    old, new = (in_english(s) for s in (udkast1, udkast2))
    html = build_comparison_html(old, new, load_theme("default"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Plain language" in text and "Klart sprog" not in text
    assert "LIX, measured on English text: The whole document" in text
    assert "Plain-language advice: 21 in Draft 1, 11 in Draft 2." in text


def in_english(strategy: Strategy) -> Strategy:
    data = strategy.to_data()
    data["document"]["language"] = "en"
    data["document"]["draft_label"] = data["document"]["draft_label"].replace("Udkast", "Draft")
    return validate(data)


# ---------- the redline DOCX ----------


@pytest.fixture(scope="module")
def redline(udkast1: Strategy, udkast2: Strategy) -> Any:
    return docx.Document(io.BytesIO(render_redline_docx(udkast1, udkast2)))


def after_heading(document: Any, heading: str) -> list[Paragraph | Table]:
    """Return the paragraphs and tables after the last Heading 1 that reads `heading`."""
    blocks = list(document.iter_inner_content())
    start = max(
        i
        for i, b in enumerate(blocks)
        if isinstance(b, Paragraph) and b.style.name == "Heading 1" and b.text == heading
    )
    return blocks[start + 1 :]


def test_the_redline_shows_lix_before_and_after(redline: Any) -> None:
    blocks = after_heading(redline, "Klart sprog")
    table = next(b for b in blocks if isinstance(b, Table))
    rows = [" ".join(c.text for c in row.cells) for row in table.rows]
    assert rows[0] == "Del LIX: Udkast 1 LIX: Udkast 2"
    for row in LIX_ROWS:
        assert row in rows
    assert rows[-1] == LIX_ROWS[-1]  # the whole document closes the table
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert ADVICE in texts


def test_the_redline_says_the_text_heavy_advice_of_udkast_1_is_gone(
    redline: Any, udkast1: Strategy
) -> None:
    texts = [b.text for b in after_heading(redline, "Klart sprog") if isinstance(b, Paragraph)]
    gone, new = texts[texts.index(GONE) : texts.index(NEW)], texts[texts.index(NEW) :]
    for paragraph in text_heavy(udkast1):
        assert any(paragraph in t for t in gone) and not any(paragraph in t for t in new)
    assert gone[-1] == MORE
    assert len(gone) == 1 + SHOWN_ADVICE + 1  # the title, the items, "… og 7 mere"
    assert len(new) == 1 + 5
    # Listed as the document lists: bullets in the theme's style.
    bullets = [b for b in after_heading(redline, "Klart sprog") if isinstance(b, Paragraph)]
    assert sum(b.style.name == "List Bullet" for b in bullets) == SHOWN_ADVICE + 5


# ---------- milestones in date order ----------

CANCELLED, ADOPTION = "Ekstra møde i udvalget", "Endelig vedtagelse i byrådet"


def timeline_pair() -> tuple[Strategy, Strategy]:
    """Return two drafts whose timeline lists 10 December before 5 October.

    The second cancels the October meeting and rewords the December one, so both change.
    """
    data = example_data("udkast-2", "tidsplan")
    data["timeline"] = [
        {"date": "2018-12-10", "event": "Vedtagelse i byrådet", "state": "planned"},
        {"date": "2018-03-02", "event": "HovedMED drøfter udkastet", "state": "done"},
        {"date": "2018-10-05", "event": CANCELLED, "state": "planned"},
    ]
    old = validate(data)
    data["timeline"][0]["event"] = ADOPTION
    data["timeline"][2]["state"] = "cancelled"
    return old, validate(data)


def test_the_comparison_lists_milestones_by_date() -> None:
    old, new = timeline_pair()
    milestones = [p for p in compare(old, new).parts if p.kind == "milestone"]
    assert [(p.id, p.new_index) for p in milestones] == [("2018-10-05", 1), ("2018-12-10", 2)]
    assert not any(p.moved for p in milestones)


def test_a_timeline_listed_in_another_order_is_no_change() -> None:
    old, _ = timeline_pair()
    data = old.to_data()
    data["timeline"].reverse()  # the same dates, drawn the same way
    assert not [p for p in compare(old, validate(data)).parts if p.kind == "milestone"]


def in_order(text: str, *phrases: str) -> bool:
    places = [text.index(p) for p in phrases]
    return places == sorted(places)


def test_the_comparison_pdf_lists_milestones_by_date(tmp_path: Path) -> None:
    path = tmp_path / "timeline.pdf"
    path.write_bytes(render_comparison_pdf(*timeline_pair()))
    text = " ".join(normalise(p.extract_text()) for p in PdfReader(path).pages)
    changes = text[text.index("Ændringer del for del") :]
    timeline = changes[changes.index("Tidsplan") :]
    assert in_order(timeline, CANCELLED, ADOPTION)


def test_the_redline_lists_milestones_by_date() -> None:
    document = docx.Document(io.BytesIO(render_redline_docx(*timeline_pair())))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Dato")
    dates = [row.cells[0].text for row in table.rows[1:]]
    assert dates == ["2. marts 2018", "5. oktober 2018", "10. december 2018"]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("timeline"))


def test_the_diff_page_lists_milestones_by_date(made: TestApp) -> None:
    for draft in timeline_pair():
        body = yaml.safe_dump(draft.to_data(), allow_unicode=True).encode()
        assert made.post_yaml(body).status_code == 202
    with made.app.test_client() as client:
        assert made.sign_in(client).status_code == 302
        page = client.get("/strategies/tidsplan/2/diff")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    changes = html[html.index('id="changes"') :]
    assert in_order(changes, CANCELLED, ADOPTION)
