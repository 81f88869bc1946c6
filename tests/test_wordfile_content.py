"""udkast's own DOCX read back as content: unchanged, it is the content it was made from.

The reference drafts are rendered by the DOCX renderer, opened with the safe opener and
read back starting from an empty copy of their lists' fields; every text field, date and
commitment must come back as the content has it (rich text as the same Markdown text and
formatting). Edits made in the XML, as Word makes them, come back as edits.
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

import pytest
from lxml import etree

from core.content import load, validate
from core.errors import InvalidContent
from core.richtext import parse
from core.wordfile import open_word_file
from core.wordfile.content import identity, read_content
from core.wordfile.richtext import w
from tests.conftest import example_path
from tests.test_markdown_out import visible
from worker.render.docx import render_docx

TEXT_FIELDS = ("title", "headline")


def rendered(name: str) -> tuple[dict[str, Any], bytes]:
    strategy = load(example_path(name).read_bytes(), filename=f"{name}.yaml")
    return strategy.to_data(), render_docx(strategy)


def blanked(data: dict[str, Any]) -> dict[str, Any]:
    """Return the content with every field the DOCX carries emptied, to be read back."""
    base = copy.deepcopy(data)
    base["foreword"] = "?"
    for vision in base.get("visions", []):
        vision.update(title="?", headline="?", body="?", commitments=[])
    for section in base.get("sections", []):
        section.update(title="?", body="?")
    base["document"]["title"] = "?"
    return base


@pytest.mark.parametrize("name", ["udkast-1", "udkast-2"])
def test_an_unchanged_docx_reads_back_as_the_content_it_was_made_from(name):
    data, docx = rendered(name)
    package = open_word_file(docx)
    assert identity(package).slug == data["document"]["slug"]
    back = read_content(package, blanked(data)).data
    assert back["document"]["title"] == data["document"]["title"]
    assert str(back["document"].get("date")) == str(data["document"].get("date"))
    for got, want in zip(back["visions"], data["visions"], strict=True):
        for field in TEXT_FIELDS:
            assert got[field] == want[field].strip()
        assert visible(parse(got["body"] or "")) == visible(parse(want.get("body") or ""))
        assert got["commitments"] == [c.strip() for c in want.get("commitments", [])]
    for got, want in zip(back.get("sections", []), data.get("sections", []), strict=True):
        assert got["title"] == want["title"].strip()
        assert visible(parse(got["body"] or "")) == visible(parse(want.get("body") or ""))
    assert visible(parse(back["foreword"])) == visible(parse(data["foreword"]))
    # Read onto the content it came from, nothing changes: the same content, no version.
    unchanged = read_content(package, data)
    assert unchanged.data == data


def with_document(docx: bytes, change) -> bytes:
    """Return the DOCX with its main part changed by `change(root)`, as a person's Word saves it."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(content)
                change(root)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(item, content)
    return out.getvalue()


def edited(docx: bytes, place: str, change) -> bytes:
    """Return the DOCX with the control at `place` changed by `change(sdtContent)`."""

    def in_control(root) -> None:
        for sdt in root.iter(w("sdt")):
            tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
            if tag is not None and tag.get(w("val")) == "udkast:" + place:
                change(sdt.find(w("sdtContent")))

    return with_document(docx, in_control)


def typed_over(element, value: str) -> None:
    """Put `value` in the place of an element's text, as a person types over it in Word."""
    texts = list(element.iter(w("t")))
    texts[0].text = value
    for extra in texts[1:]:
        extra.text = ""


def test_a_headline_changed_and_a_word_made_bold_in_word_come_back():
    data, docx = rendered("udkast-1")
    vision = data["visions"][1]
    place = f"visions[{vision['id']}]"

    def new_headline(content):
        typed_over(content, "Alle skal have en ven")

    def bold_first_run(content):
        run = next(content.iter(w("r")))
        rpr = run.find(w("rPr"))
        if rpr is None:
            rpr = etree.SubElement(run, w("rPr"))
            run.remove(rpr)
            run.insert(0, rpr)
        etree.SubElement(rpr, w("b"))

    docx = edited(docx, f"{place}.headline", new_headline)
    docx = edited(docx, f"{place}.body", bold_first_run)
    back = read_content(open_word_file(docx), data).data
    assert back["visions"][1]["headline"] == "Alle skal have en ven"
    assert back["visions"][1]["body"].startswith("**")
    assert back["visions"][0] == data["visions"][0] or validate(back)  # the rest as it was


def test_a_docx_udkast_did_not_make_is_refused_with_what_to_do():
    import docx as python_docx

    from core.errors import MalformedInput
    from core.problem_text import describe

    document = python_docx.Document()
    document.add_paragraph("Et notat")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(MalformedInput) as refused:
        identity(open_word_file(out.getvalue()))
    assert "skriv i editoren" in describe(refused.value.problem, None, "da").sentence


def set_cells(row, values: list[str | None]) -> None:
    """Write `values` into a table row's cells (None: left alone), as a person types in Word."""
    for cell, value in zip(row.iter(w("tc")), values, strict=False):
        if value is not None:
            typed_over(cell, value)


def test_rows_added_removed_and_edited_in_the_tables_come_back():
    data, docx = rendered("udkast-2")
    first_vision = data["visions"][0]["id"]
    removed = next(i for i in data["signs_of_success"] if i["vision"] != first_vision)

    def signs(content):
        rows = list(content.iter(w("tr")))
        added = copy.deepcopy(rows[2])  # the first indicator row of the first vision
        set_cells(added, ["Andel borgere med en ven", "50 %", "Stigende", "Ny måling"])
        rows[2].addnext(added)
        for row in rows:
            if removed["indicator"] in "".join(t.text or "" for t in row.iter(w("t"))):
                row.getparent().remove(row)

    def timeline(content):
        rows = list(content.iter(w("tr")))
        added = copy.deepcopy(rows[-1])
        set_cells(added, ["1. september 2018", "○ Planlagt", "Evaluering af strategien"])
        rows[-1].addnext(added)
        set_cells(rows[1], ["3. marts 2018"])  # a date moved by a day

    docx = edited(edited(docx, "signs_of_success", signs), "timeline", timeline)
    back = read_content(open_word_file(docx), data)
    signs_back = back.data["signs_of_success"]
    new = next(i for i in signs_back if i["indicator"] == "Andel borgere med en ven")
    assert new["vision"] == first_vision and new["baseline"] == "50 %"
    assert new["data_source"] == "Ny måling" and new["id"] not in {
        i["id"] for i in data["signs_of_success"]
    }
    assert removed["id"] not in {i["id"] for i in signs_back}
    assert len(signs_back) == len(data["signs_of_success"])  # one in, one out
    milestones = back.data["timeline"]
    assert milestones[-1] == {"date": "2018-09-01", "event": "Evaluering af strategien"}
    assert milestones[0]["date"] == "2018-03-03"
    assert milestones[1:-1] == data["timeline"][1:]
    validate(back.data)  # a valid draft


# --- the DOCX as a carrier of the content ---------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402

from core.markdown_out import same_blocks  # noqa: E402
from tests.strategy_pairs import draft_data  # noqa: E402

RICH_FIELDS = {"foreword", "body"}


def forgotten(data: dict[str, Any]) -> dict[str, Any]:
    """Return the content with every text the DOCX carries replaced, to read them back."""
    base = copy.deepcopy(data)
    base["document"]["title"] = "?"
    if "foreword" in base:
        base["foreword"] = "?"
    # Only what the file has a field for: an empty body or list has no control to fill.
    for vision in base["visions"]:
        vision.update(title="?", headline="?")
        if vision.get("body"):
            vision["body"] = "?"
        if vision.get("commitments"):
            vision["commitments"] = ["?"]
    for section in base.get("sections", []):
        section["title"] = "?"
        if section.get("body"):
            section["body"] = "?"
    for sign in base.get("signs_of_success", []):
        sign["indicator"] = "?"
    for milestone in base.get("timeline", []):
        milestone["event"] = "?"
    return base


def same_content(got: Any, want: Any, key: str = "") -> bool:
    """Tell whether two contents say the same: rich text by what it shows, lines trimmed."""
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and set(got) == set(want)
            and all(same_content(got[k], want[k], k) for k in want)
        )
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(same_content(g, v, key) for g, v in zip(got, want, strict=True))
        )
    if key in RICH_FIELDS and isinstance(want, str):
        return isinstance(got, str) and same_blocks(parse(got), parse(want))
    if isinstance(want, str):
        return isinstance(got, str) and got.strip() == want.strip()
    return bool(got == want)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft_data())
def test_generated_content_rendered_to_word_reads_back_as_the_same_content(data):
    content = validate(data).to_data()
    back = read_content(open_word_file(render_docx(validate(content))), forgotten(content))
    assert same_content(validate(back.data).to_data(), content), (back.data, content)


def test_answers_and_statuses_written_in_the_consultation_table_and_authors_come_back():
    data, docx = rendered("udkast-2")
    first = data["consultation"][0]

    def answer(content):
        rows = list(content.iter(w("tr")))
        set_cells(rows[1], [None, None, "Skrevet ind i afsnittet om lokal praksis.", "Delvist"])
        added = copy.deepcopy(rows[-1])
        set_cells(added, ["Ældrerådet", "Husk de ældre borgere.", "–", "Afventer"])
        rows[-1].addnext(added)

    def authors(content):
        paragraphs = [
            p for p in content.iter(w("p")) if "".join(t.text or "" for t in p.iter(w("t")))
        ]
        typed_over(paragraphs[0], "Kontor for Strategi, sekretariat")

    docx = edited(edited(docx, "consultation", answer), "document.authors", authors)
    back = read_content(open_word_file(docx), data)
    inputs = back.data["consultation"]
    assert inputs[0]["response"] == "Skrevet ind i afsnittet om lokal praksis."
    assert inputs[0]["status"] == "partly" and inputs[0]["input"] == first["input"]
    assert inputs[-1]["from"] == "Ældrerådet" and inputs[-1]["status"] == "pending"
    assert inputs[1:-1] == data["consultation"][1:]
    assert back.data["document"]["authors"][0] == {
        "name": "Kontor for Strategi",
        "role": "sekretariat",
    }
    assert back.data["document"]["authors"][1:] == data["document"]["authors"][1:]
    validate(back.data)


def test_text_in_a_control_udkast_did_not_make_is_left_out_with_a_warning():
    data, docx = rendered("udkast-1")

    def retag(content):
        content.getparent().find(f"{w('sdtPr')}/{w('tag')}").set(w("val"), "andet:felt")

    docx = edited(docx, "foreword", retag)
    back = read_content(open_word_file(docx), data)
    assert back.data["foreword"] == data["foreword"]  # not read from a control not ours
    assert [p.code for p in back.warnings] == ["word_foreign_control"]


def test_a_timeline_row_added_with_only_a_date_comes_back_without_an_error():
    data, docx = rendered("udkast-2")

    def dated_only(content):
        rows = list(content.iter(w("tr")))
        added = copy.deepcopy(rows[-1])
        set_cells(added, ["1. oktober 2018", "", ""])
        rows[-1].addnext(added)

    back = read_content(open_word_file(edited(docx, "timeline", dated_only)), data)
    assert back.data["timeline"][-1] == {"date": "2018-10-01"}
    # The draft then names what is missing, as for any upload (422), not a server error.
    with pytest.raises(InvalidContent) as refused:
        validate(back.data)
    assert [p.path for p in refused.value.problems] == [f"timeline[{len(data['timeline'])}].event"]


def paragraph_of(text: str):
    p = etree.Element(w("p"))
    etree.SubElement(etree.SubElement(p, w("r")), w("t")).text = text
    return p


def control_at(root, place: str):
    for sdt in root.iter(w("sdt")):
        tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
        if tag is not None and tag.get(w("val")) == "udkast:" + place:
            return sdt
    raise AssertionError(place)


def test_text_typed_outside_the_fields_is_named_where_it_was_and_the_rest_comes_back():
    data, docx = rendered("udkast-2")
    vision = data["visions"][1]

    def typed(root) -> None:
        # A note after the foreword, a word added to a printed heading, and a note in
        # the middle of the second vision (after its headline's paragraph).
        control_at(root, "foreword").addnext(paragraph_of("Husk tallene fra 2017"))
        for p in root.iter(w("p")):
            style = p.find(f"{w('pPr')}/{w('pStyle')}")
            if style is not None and style.get(w("val")) == "Heading1":
                for text in p.iter(w("t")):
                    if text.text == "Visioner":
                        text.text = "Visioner og mål"
        headline = control_at(root, f"visions[{vision['id']}].headline")
        next(headline.iterancestors(w("p"))).addnext(paragraph_of("Spørg HovedMED"))

    back = read_content(open_word_file(with_document(docx, typed)), data)
    found = [(p.path, dict(p.args)["value"]) for p in back.warnings]
    assert ("foreword", "Husk tallene fra 2017") in found
    assert ("visions[1].headline", "Spørg HovedMED") in found
    assert any(value == "Visioner og mål" for _, value in found)
    assert len(found) == 3
    assert back.data == data  # nothing typed outside a field is read into the content


def test_what_word_rewrites_outside_the_fields_and_empty_paragraphs_are_not_warned_of():
    data, docx = rendered("udkast-1")

    def word_saved(root) -> None:
        # Word updates the table of contents (its entries get page numbers) and people
        # press Enter between parts: neither is text for the content.
        for p in root.iter(w("p")):
            style = p.find(f"{w('pPr')}/{w('pStyle')}")
            if style is not None and style.get(w("val")).startswith("TOC"):
                p.append(paragraph_of("\t7")[0])
        control_at(root, "foreword").addnext(etree.Element(w("p")))

    back = read_content(open_word_file(with_document(docx, word_saved)), data)
    assert back.warnings == []
    assert back.data == data


def test_many_paragraphs_typed_outside_the_fields_are_named_up_to_a_bound():
    data, docx = rendered("udkast-1")

    def pasted(root) -> None:
        after = control_at(root, "foreword")
        for n in range(25):
            after.addnext(paragraph_of(f"Indsat afsnit {n}"))

    back = read_content(open_word_file(with_document(docx, pasted)), data)
    codes = [p.code for p in back.warnings]
    assert codes.count("word_typed_outside") == 10
    assert codes[-1] == "word_typed_outside_more"
    assert dict(back.warnings[-1].args)["count"] == "15"
