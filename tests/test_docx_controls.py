"""The DOCX's content controls and custom XML part, read back from real files with lxml."""

from __future__ import annotations

import copy
import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.table import Table
from lxml import etree

from core import richtext
from core.content import Strategy
from tests import needs
from tests.conftest import load_example
from worker.render.docx import controls as controls_module
from worker.render.docx import document as document_module
from worker.render.docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
DS = "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}"
U = "{https://udkast.dk/ns/strategy/v1}"
CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
EXAMPLES = ("udkast-1", "udkast-2")


def _part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def _controls(root: Any) -> dict[str, Any]:
    """Return each tagged content control by its tag, failing on a tag seen twice.

    The untagged ones are the empty markers at the start of a block control's first
    paragraph (worker/render/docx/controls.py: LibreOffice keeps its formatting then).
    """
    found: dict[str, Any] = {}
    for sdt in root.iter(f"{W}sdt"):
        tagged = sdt.find(f"{W}sdtPr/{W}tag")
        if tagged is None:
            assert not _text(sdt), "an untagged control holds text"
            continue
        tag = tagged.get(f"{W}val")
        assert tag not in found, f"{tag} has two controls"
        found[tag] = sdt
    return found


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _plain(blocks: tuple[richtext.Block, ...]) -> str:
    """The characters a reader sees of rich-text blocks, without breaks between them."""
    out = []
    for block in blocks:
        if isinstance(block, richtext.Paragraph):
            out += [i.text for i in block.inlines if isinstance(i, richtext.Span)]
        else:
            for item in block.items:
                out += [_plain((part,)) for part in item]
    return "".join(out)


def _expected(strategy: Strategy) -> dict[str, str | None]:
    """Every field the content fills, with the text of a one-line field (None for blocks)."""
    info = strategy.document
    fields: dict[str, str | None] = {"document.title": info.title}
    for name in ("subtitle", "organisation", "draft_label"):
        if value := getattr(info, name):
            fields[f"document.{name}"] = value
    if info.date:
        fields["document.date"] = None
    if info.authors:
        fields["document.authors"] = None
    if strategy.foreword:
        fields["foreword"] = None
    for vision in strategy.visions:
        place = f"visions[{vision.id}]"
        fields |= {f"{place}.title": vision.title, f"{place}.headline": vision.headline}
        if vision.body:
            fields[f"{place}.body"] = None
        if vision.commitments:
            fields[f"{place}.commitments"] = None
    for section in strategy.sections:
        fields[f"sections[{section.id}].title"] = section.title
        if section.body:
            fields[f"sections[{section.id}].body"] = None
    for name in ("signs_of_success", "timeline", "consultation"):
        if getattr(strategy, name):
            fields[name] = None
    return {f"udkast:{place}": value for place, value in fields.items()}


@pytest.fixture(scope="module", params=EXAMPLES)
def rendered(request: pytest.FixtureRequest) -> tuple[Strategy, bytes]:
    strategy = load_example(request.param)
    return strategy, render_docx(strategy)


def test_every_field_has_one_locked_hidden_control_with_its_value(
    rendered: tuple[Strategy, bytes],
) -> None:
    strategy, data = rendered
    root = _part(data, "word/document.xml")
    found = _controls(root)
    expected = _expected(strategy)
    assert set(found) == set(expected)
    for tag, sdt in found.items():
        properties = sdt.find(f"{W}sdtPr")
        assert properties.find(f"{W}lock").get(f"{W}val") == "sdtLocked", tag
        assert properties.find(f"{W15}appearance").get(f"{W15}val") == "hidden", tag
        assert properties.find(f"{W}alias").get(f"{W}val"), tag
        content = sdt.find(f"{W}sdtContent")
        if (value := expected[tag]) is not None:
            # A one-line field: a run-level control inside its paragraph, holding its text.
            assert sdt.getparent().tag == f"{W}p", tag
            assert properties.find(f"{W}text") is not None, tag
            assert _text(content) == value, tag
        else:
            kids = {child.tag for child in content}
            inline = tag == "udkast:document.date"
            assert kids <= ({f"{W}r"} if inline else {f"{W}p", f"{W}tbl"}), tag
    assert "w15" in root.get(f"{MC}Ignorable").split()


def test_rich_fields_hold_their_paragraphs_and_lists_their_items(
    rendered: tuple[Strategy, bytes],
) -> None:
    strategy, data = rendered
    found = _controls(_part(data, "word/document.xml"))
    assert _text(found["udkast:foreword"]) == _plain(richtext.parse(strategy.foreword or ""))
    for n, vision in enumerate(strategy.visions, start=1):
        place = f"udkast:visions[{vision.id}]"
        assert _text(found[f"{place}.body"]) == _plain(richtext.parse(vision.body or ""))
        items = found[f"{place}.commitments"].find(f"{W}sdtContent")
        assert [_text(p) for p in items] == vision.commitments
        alias = found[f"{place}.headline"].find(f"{W}sdtPr/{W}alias").get(f"{W}val")
        assert alias == f"Vision {n}: overskrift"
    date = found["udkast:document.date"].find(f"{W}sdtPr/{W}date")
    assert date.get(f"{W}fullDate") == f"{strategy.document.date}T00:00:00Z"
    authors = found["udkast:document.authors"].find(f"{W}sdtContent")
    assert [_text(p) for p in authors] == [a.name for a in strategy.document.authors]
    table = found["udkast:signs_of_success"].find(f"{W}sdtContent/{W}tbl")
    cells = [_text(tc) for tc in table.iter(f"{W}tc")]
    assert all(i.indicator in cells for i in strategy.signs_of_success)
    timeline = found["udkast:timeline"].find(f"{W}sdtContent/{W}tbl")
    assert len(timeline.findall(f"{W}tr")) == len(strategy.timeline) + 1  # + heading row


def test_custom_xml_part_names_slug_format_and_ids_in_order(
    rendered: tuple[Strategy, bytes],
) -> None:
    strategy, data = rendered
    rels = _part(data, "word/_rels/document.xml.rels")
    targets = [r.get("Target") for r in rels if r.get("Type") == CUSTOM_XML]
    assert targets == ["../customXml/item1.xml"]
    item = _part(data, "customXml/item1.xml")
    assert item.tag == f"{U}udkast"
    assert item.findtext(f"{U}format") == "strategy/v1"
    assert item.findtext(f"{U}slug") == strategy.document.slug
    assert item.findtext(f"{U}language") == strategy.document.language
    assert item.find(f"{U}version") is None  # the renderer is not told the draft number
    for name in ("visions", "signs_of_success", "sections", "consultation"):
        ids = [e.text for e in item.find(f"{U}{name}")]
        assert ids == [entry.id for entry in getattr(strategy, name)], name
    item_rels = _part(data, "customXml/_rels/item1.xml.rels")
    assert [r.get("Target") for r in item_rels] == ["itemProps1.xml"]
    props = _part(data, "customXml/itemProps1.xml")
    schema = props.find(f"{DS}schemaRefs/{DS}schemaRef")
    assert schema.get(f"{DS}uri") == "https://udkast.dk/ns/strategy/v1"
    types = _part(data, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    assert overrides["/customXml/itemProps1.xml"].endswith("customXmlProperties+xml")


def _without_controls(strategy: Strategy, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Render as before content controls existed: the same writer, nothing wrapped."""
    with monkeypatch.context() as patch:
        patch.setattr(controls_module.Controls, "wrap", lambda self, document: None)
        patch.setattr(document_module, "add_custom_xml", lambda *args: None)
        return render_docx(strategy)


def _unwrapped_body(data: bytes) -> bytes:
    body = copy.deepcopy(_part(data, "word/document.xml").find(f"{W}body"))
    for sdt in list(body.iter(f"{W}sdt")):
        content = sdt.find(f"{W}sdtContent")
        for child in list(content):
            sdt.addprevious(child)
        sdt.getparent().remove(sdt)
    return bytes(etree.tostring(body, method="c14n", exclusive=True))


def test_controls_only_wrap_what_was_there(
    rendered: tuple[Strategy, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    strategy, data = rendered
    before = _without_controls(strategy, monkeypatch)
    # Taking the controls away gives back, element for element, the body without them.
    assert _unwrapped_body(data) == _unwrapped_body(before)
    # python-docx's lists skip content controls, so the file without them is read with
    # python-docx and the one with them through the XML: the paragraphs say the same.
    after = [_text(p) for p in _part(data, "word/document.xml").find(f"{W}body").iter(f"{W}p")]
    assert after == _python_docx_paragraphs(before)


def _python_docx_paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text as python-docx reads it, in order, table cells included."""
    out: list[str] = []

    def walk(container: Any) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) not in seen:  # a merged cell is listed once per column
                            seen.add(id(cell._tc))
                            walk(cell)
            else:
                # The TOC's cached entries are links; python-docx reads them as text too.
                out.append(item.text)

    walk(docx.Document(io.BytesIO(data)))
    return out


def _soffice(tmp_path: Path, target: str, *files: Path) -> Path:
    out = tmp_path / target.split(":")[0]
    command = needs.soffice("LibreOffice's reading of the content controls")
    subprocess.run(
        [
            command,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def test_libreoffice_prints_the_same_pages_and_drops_the_tags_when_it_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pypdf = pytest.importorskip("pypdf")
    strategy = load_example("udkast-2")
    files = {"before": _without_controls(strategy, monkeypatch), "after": render_docx(strategy)}
    for name, data in files.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    paths = [tmp_path / f"{name}.docx" for name in files]
    pdfs = _soffice(tmp_path, "pdf", *paths)
    pages = {
        name: [p.extract_text() for p in pypdf.PdfReader(pdfs / f"{name}.pdf").pages]
        for name in files
    }
    assert pages["after"] == pages["before"]
    # and the same formatting: the first paragraph of a control keeps its bold words
    # ("**én strategi**" in the foreword), which LibreOffice 7.4 dropped without the marker.
    fonts = {name: _fonts_of(pdfs / f"{name}.pdf", "én strategi") for name in files}
    assert fonts["after"] == fonts["before"] and any("Bold" in f for f in fonts["after"])
    # LibreOffice 7.4 opens and saves the file with the controls' titles but not their tags
    # (block controls shrink to their first paragraph); the custom XML part survives.
    saved = (_soffice(tmp_path, "docx:MS Word 2007 XML", paths[1]) / "after.docx").read_bytes()
    assert not _controls_with_tags(_part(saved, "word/document.xml"))
    assert _part(saved, "customXml/item1.xml").findtext(f"{U}slug") == "socialstrategi"


def _fonts_of(pdf: Path, words: str) -> list[str]:
    """Return the fonts of the first place `words` are printed in a PDF."""
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            chars = [c for c in page.chars if not c["text"].isspace()]
            text = "".join(c["text"] for c in chars)
            at = text.find(words.replace(" ", ""))
            if at >= 0:
                return [c["fontname"].split("+")[-1] for c in chars[at : at + len(words)]]
    return []


def _controls_with_tags(root: Any) -> list[str]:
    return [t.get(f"{W}val") for t in root.iter(f"{W}tag")]
