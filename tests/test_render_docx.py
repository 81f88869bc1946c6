"""The DOCX renderer, checked on real files opened again with python-docx and lxml."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from core.content import LIMITS, MAX_LINE, MAX_WORD, Strategy, validate
from tests.conftest import load_example
from worker.render import renderer
from worker.render.docx import render_docx
from worker.render.redline import render_redline_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PORT = 8931
HOSTILE = [
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    f'<img src="http://127.0.0.1:{PORT}/x.png">',
    f"![x](http://127.0.0.1:{PORT}/y.png)",
    "file:///etc/passwd",
]
PARTS_DA = [
    "Indhold",
    "Forord",
    "Visioner",
    "Tegn på succes",
    "Tidsplan",
    "Bilag: Input fra udvalg og interessenter",
]


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _variant(strategy: Strategy, **changes: Any) -> Strategy:
    """Return a validated copy of a strategy with top-level or document fields changed."""
    data = strategy.to_data()
    data["document"].update(changes.pop("document", {}))
    data.update(changes)
    return validate(data)


@pytest.fixture(scope="module")
def doc1(udkast1: Strategy) -> Document:
    return _open(render_docx(udkast1))


@pytest.fixture(scope="module")
def doc2(udkast2: Strategy) -> Document:
    return _open(render_docx(udkast2))


@pytest.fixture(scope="module")
def rich(udkast2: Strategy) -> Strategy:
    """An English, final version with free sections, links, lists and a cancelled step."""
    data = udkast2.to_data()
    data["timeline"][2]["state"] = "cancelled"
    sections = [
        {
            "id": "background",
            "title": "Background",
            "body": "See [the council](https://www.example.dk/raad?a=1&b=2) and *more*.\n\n"
            "- first\n  - nested **strong**\n    - deeper\n- second\n\n"
            "1. one\n2. two\n\ntext\n\n3. three\n4. four\n",
        },
        {"id": "implementation", "title": "Implementation", "body": "Plain text."},
    ]
    return _variant(
        validate(data), document={"language": "en", "status": "final"}, sections=sections
    )


@pytest.fixture(scope="module")
def rich_doc(rich: Strategy) -> Document:
    return _open(render_docx(rich))


@pytest.fixture(scope="module")
def hostile_bytes(udkast1: Strategy) -> bytes:
    data = udkast1.to_data()
    joined = " ".join(HOSTILE)
    data["document"]["subtitle"] = HOSTILE[0]
    data["foreword"] = "\n\n".join(HOSTILE) + "\n\n[file](file:///etc/passwd)"
    data["visions"][0]["headline"] = HOSTILE[1]
    data["visions"][0]["body"] = joined
    data["visions"][0]["commitments"] = HOSTILE
    data["signs_of_success"][0]["indicator"] = joined
    data["sections"] = [{"id": "s", "title": HOSTILE[2], "body": HOSTILE[3]}]
    data["consultation"][0]["input"] = joined
    return render_docx(validate(data))


def _style_names(document: Document) -> dict[str, str]:
    return {s.style_id: s.name for s in document.styles}


def _paragraphs(document: Document) -> list[tuple[str, str]]:
    """Return (style name, text) of every body paragraph in order, table cells included."""
    names = _style_names(document)
    out = []
    for p in document.element.body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        name = names.get(style.get(f"{W}val"), "") if style is not None else "Normal"
        out.append((name, "".join(t.text or "" for t in p.iter(f"{W}t"))))
    return out


def _styled(document: Document, style: str) -> list[str]:
    return [text for name, text in _paragraphs(document) if name == style]


def _all_text(document: Document) -> str:
    return "\n".join(text for _, text in _paragraphs(document))


def _instructions(element: Any) -> str:
    return " | ".join(i.text or "" for i in element.iter(f"{W}instrText"))


def _tables(document: Document) -> list[Table]:
    """Every table of the body, those in content controls too (`document.tables` skips them)."""
    return [Table(t, document._body) for t in document.element.body.iter(f"{W}tbl")]


def _body_paragraphs(document: Document) -> list[Paragraph]:
    """Every paragraph of the body, those in content controls and cells too."""
    return [Paragraph(p, document._body) for p in document.element.body.iter(f"{W}p")]


def _table(document: Document, first_heading: str) -> Any:
    return next(t for t in _tables(document) if t.rows[0].cells[0].text == first_heading)


def _indicator_rows(document: Document, heading: str) -> list[tuple[str, ...]]:
    """Return (group, indicator, baseline, target, source) for each indicator row."""
    group, out = "", []
    for row in _table(document, heading).rows[1:]:
        cells = row.cells
        if len({id(c._tc) for c in cells}) == 1:  # a merged group row
            group = cells[0].text
        else:
            out.append((group, *(c.text for c in cells)))
    return out


def test_both_examples_render_through_the_registry(udkast1: Strategy, udkast2: Strategy) -> None:
    for strategy in (udkast1, udkast2):
        data = renderer("docx")(strategy, "default")
        assert data[:2] == b"PK"
        assert _open(data).paragraphs


@pytest.mark.parametrize("name", ["udkast-1", "udkast-2"])
def test_headings_in_order(name: str, doc1: Document, doc2: Document) -> None:
    document, strategy = (doc1 if name == "udkast-1" else doc2), load_example(name)
    assert _styled(document, "Heading 1") == PARTS_DA
    assert _styled(document, "Heading 2") == [v.title for v in strategy.visions]
    assert _styled(document, "Title") == [strategy.document.title]
    assert _styled(document, "Subtitle") == [strategy.document.subtitle]


def test_every_vision_card_has_headline_body_and_commitments(
    doc2: Document, udkast2: Strategy
) -> None:
    assert _styled(doc2, "Vision Headline") == [v.headline for v in udkast2.visions]
    bullets = _styled(doc2, "List Bullet")
    for vision in udkast2.visions:
        assert set(vision.commitments) <= set(bullets)
    assert "ulighed i sundhed" in _all_text(doc2)


def test_indicator_table_groups_rows_under_their_vision(
    doc1: Document, doc2: Document, udkast1: Strategy, udkast2: Strategy
) -> None:
    for document, strategy in ((doc1, udkast1), (doc2, udkast2)):
        expected = [
            (v.title, i.indicator, i.baseline, i.target, i.data_source)
            for v in strategy.visions
            for i in strategy.signs_of_success
            if i.vision == v.id
        ]
        assert _indicator_rows(document, "Indikator") == expected


def test_tables_repeat_their_header_row_and_use_the_table_style(doc2: Document) -> None:
    for heading in ("Indikator", "Dato", "Fra"):
        table = _table(doc2, heading)
        assert table.style.name == "Strategy Table"
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert (
            table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
        )


def test_core_properties_and_language(doc2: Document, rich_doc: Document) -> None:
    props = doc2.core_properties
    assert props.title == "Socialstrategi 2018–2022"
    assert props.author == "Kontor for Organisation; Center for Politik"
    assert props.language == "da-DK"
    assert props.subject == "Vores fælles retning"
    assert "socialstrategi" in props.keywords
    assert rich_doc.core_properties.language == "en-GB"
    for document, tag in ((doc2, "da-DK"), (rich_doc, "en-GB")):
        lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        assert lang.get(f"{W}val") == tag


def _longest(letter: str, length: int) -> str:
    """Return `length` characters of the longest words validation allows, spaced."""
    return ((letter * MAX_WORD + " ") * length)[: length - 1] + letter


def _maximal_metadata(strategy: Strategy) -> Strategy:
    """Return the strategy with every cover field as long as validation allows."""
    return _variant(
        strategy,
        document={
            "title": _longest("T", 200),
            "subtitle": ("Undertitel " * 27)[: MAX_LINE - 4] + "slut",
            "organisation": _longest("O", MAX_LINE),
            "draft_label": "D" * 80,
            "authors": [
                {"name": f"{n:02d} " + _longest("N", MAX_LINE - 3), "role": _longest("R", MAX_LINE)}
                for n in range(LIMITS["authors"])
            ],
        },
    )


def test_maximal_metadata_renders_with_shortened_core_properties(udkast1: Strategy) -> None:
    # python-docx refuses core properties over 255 characters; the draft and its changes
    # DOCX must still render, with the properties cut and the cover showing everything.
    new = _maximal_metadata(udkast1)
    for data in (render_docx(new), render_redline_docx(udkast1, new)):
        document = _open(data)
        props = document.core_properties
        assert len(props.author) == 255 and props.author.endswith("…")
        assert props.author.startswith("00 NNN") and props.last_modified_by == props.author
        assert len(props.subject) <= 255 and props.subject.endswith("…")
        assert props.subject.startswith("Undertitel Undertitel")
        assert len(props.keywords) == 255 and props.keywords.endswith("…")
        assert props.title == _longest("T", 200)
        # Every w:t, so the changes DOCX's tracked insertions count too.
        text = "\n".join(t.text or "" for t in document.element.body.iter(f"{W}t"))
        assert new.document.subtitle is not None and new.document.subtitle in text
        for author in new.document.authors:
            assert author.name in text


def test_theme_font_and_colours_are_in_the_styles(doc2: Document) -> None:
    fonts = doc2.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}ascii") == "Lato" and fonts.get(f"{W}asciiTheme") is None
    assert str(doc2.styles["Heading 1"].font.color.rgb) == "0B4F5C"
    assert doc2.styles["Title"].font.color.rgb is not None


def test_footer_has_page_x_of_y_fields(doc2: Document, rich_doc: Document) -> None:
    for document, before, middle in ((doc2, "Side ", " af "), (rich_doc, "Page ", " of ")):
        footer = document.sections[0].footer._element
        instructions = _instructions(footer)
        assert "PAGE" in instructions.split(" | ")[0] and "NUMPAGES" in instructions
        text = "".join(t.text or "" for t in footer.iter(f"{W}t"))
        assert f"{before}1{middle}1" in text
        assert [c.get(f"{W}fldCharType") for c in footer.iter(f"{W}fldChar")] == [
            "begin",
            "separate",
            "end",
        ] * 2


def test_header_names_organisation_and_title(doc2: Document) -> None:
    header = doc2.sections[0].header.paragraphs[0].text
    assert "Socialforvaltningen" in header and "Socialstrategi 2018–2022" in header


def test_toc_field_is_prefilled_and_fields_update_on_open(doc2: Document) -> None:
    body = doc2.element.body
    assert 'TOC \\o "1-2" \\h \\z \\u' in _instructions(body)
    toc = [(n, t) for n, t in _paragraphs(doc2) if n.startswith("toc ")]
    headings = [(n, t) for n, t in _paragraphs(doc2) if n in ("Heading 1", "Heading 2")]
    assert [t for _, t in toc] == [t for _, t in headings]
    assert {n for n, _ in toc} == {"toc 1", "toc 2"}  # Word's built-in names
    update = doc2.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


def _has_draft_mark(document: Document, word: str) -> bool:
    section = document.sections[0]
    xml = section.header._element.xml + section.first_page_header._element.xml
    banner = _styled(document, "Draft Banner")
    return "PowerPlusWaterMarkObject" in xml and f'string="{word}"' in xml and bool(banner)


def test_draft_mark_for_drafts_and_consultation_not_for_final(
    doc2: Document, udkast2: Strategy
) -> None:
    assert _has_draft_mark(doc2, "UDKAST")
    assert "UDKAST" in doc2.sections[0].header.paragraphs[0].text
    consultation = _open(render_docx(_variant(udkast2, document={"status": "consultation"})))
    assert _has_draft_mark(consultation, "HØRINGSUDKAST")
    final = _open(render_docx(_variant(udkast2, document={"status": "final"})))
    section = final.sections[0]
    for part in (section.header, section.first_page_header):
        assert "WaterMark" not in part._element.xml and "UDKAST" not in part._element.xml
    assert not _styled(final, "Draft Banner")


def test_english_labels(rich_doc: Document) -> None:
    h1 = _styled(rich_doc, "Heading 1")
    assert h1 == [
        "Contents",
        "Foreword",
        "Visions",
        "Signs of success",
        "Background",
        "Implementation",
        "Timeline",
        "Appendix: Input from committees and stakeholders",
    ]
    assert _table(rich_doc, "Indicator").rows[0].cells[1].text == "Baseline"
    assert "9 March 2018" in _all_text(rich_doc)


def test_timeline_states_are_readable_without_colour(rich_doc: Document) -> None:
    rows = [[c.text for c in r.cells] for r in _table(rich_doc, "Date").rows[1:]]
    assert rows[0][1] == "● Done"
    assert rows[1][1] == "○ Planned"
    assert rows[2][1] == "× Cancelled"
    cancelled = _table(rich_doc, "Date").rows[3].cells[2].paragraphs[0].runs[0]
    assert cancelled.font.strike is True


def test_rich_text_lists_and_emphasis(rich_doc: Document) -> None:
    paragraphs = _paragraphs(rich_doc)
    assert ("List Bullet", "first") in paragraphs
    assert ("List Bullet 2", "nested strong") in paragraphs
    assert ("List Bullet 3", "deeper") in paragraphs
    numbered = [p for p in _body_paragraphs(rich_doc) if p.style and p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["one", "two", "three", "four"]
    num_ids = [p._p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)") for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    runs = [r for p in _body_paragraphs(rich_doc) for r in p.runs]
    assert any(r.text == "strong" and r.bold for r in runs)
    assert any(r.text == "more" and r.italic for r in runs)


def test_links_become_external_hyperlinks(rich_doc: Document) -> None:
    links = list(rich_doc.element.body.iter(qn("w:hyperlink")))
    external = [link for link in links if link.get(qn("r:id"))]
    assert len(external) == 1
    rel = rich_doc.part.rels[external[0].get(qn("r:id"))]
    assert rel.is_external
    assert rel.target_ref == "https://www.example.dk/raad?a=1&b=2"
    assert "".join(t.text for t in external[0].iter(qn("w:t"))) == "the council"


def test_hostile_strings_stay_literal_text(hostile_bytes: bytes) -> None:
    document = _open(hostile_bytes)
    text = _all_text(document)
    for value in HOSTILE:
        assert value in text
    assert "[file](file:///etc/passwd)" in text
    assert "49" not in text


def test_hostile_strings_create_no_relationship_or_image(hostile_bytes: bytes) -> None:
    document = _open(hostile_bytes)
    for part in document.part.package.iter_parts():
        assert not part.partname.startswith("/word/media")
        for rel in part.rels.values():
            assert "127.0.0.1" not in rel.target_ref
            assert not rel.target_ref.lower().startswith("file:")
    body = document.element.body
    assert body.find(f".//{W}drawing") is None
    # Only the TOC's internal links (w:anchor) remain; nothing points outside the file.
    links = list(body.iter(qn("w:hyperlink")))
    assert links
    assert all(link.get(qn("w:anchor")) and link.get(qn("r:id")) is None for link in links)


def test_openxml_audit_finds_no_schema_errors(
    tmp_path: Path, udkast2: Strategy, rich: Strategy, hostile_bytes: bytes
) -> None:
    files = []
    for name, data in (
        ("udkast-2", render_docx(udkast2)),
        ("rich", render_docx(rich)),
        ("hostile", hostile_bytes),
    ):
        files.append(tmp_path / f"{name}.docx")
        files[-1].write_bytes(data)
    audit = Path(sys.executable).with_name("openxml-audit")
    result = subprocess.run(
        [str(audit), str(tmp_path), "--recursive", "--output", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    reports = json.loads(result.stdout)
    assert len(reports) == len(files)
    for report in reports:
        schema = [e for e in report["errors"] if e["type"] == "schema"]
        assert schema == [], report["file"]
        # No findings at all: the template's stale stylesWithEffects.xml is dropped.
        assert report["valid"], report
