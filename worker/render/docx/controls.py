"""Word content controls around every field a user may edit.

Each field sits in a `w:sdt` whose tag names its place in the content with ids
(`udkast:visions[det-hele-liv].headline`), so an edited DOCX can be read back. The
controls are locked against deletion, not editing, and hidden: the page looks as
without them. What is not printed travels in the custom XML part (customxml.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from worker.render.docx.placeholders import (
    add_placeholder_style,
    cell_rows,
    guidance_for_date,
    show_placeholder,
)

TAG_PREFIX = "udkast:"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC_IGNORABLE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"
# Word's own content control ids are random 32-bit numbers; counting from here keeps a
# render reproducible and clear of small ids people notice.
FIRST_ID = 100_000
# Word's picture of a date ("9. marts 2018", "9 March 2018"), as core.labels writes it.
DATE_FORMATS = {"da": ("d. MMMM yyyy", "da-DK"), "en": ("d MMMM yyyy", "en-GB")}

# The short names Word shows on a control (its alias), in the document's language.
ALIASES = {
    "da": {
        "title": "Titel",
        "subtitle": "Undertitel",
        "organisation": "Organisation",
        "draft_label": "Udkastbetegnelse",
        "date": "Dato",
        "authors": "Udarbejdet af",
        "foreword": "Forord",
        "vision": "Vision {n}: {field}",
        "section": "Afsnit {n}: {field}",
        "field.title": "titel",
        "field.headline": "overskrift",
        "field.body": "tekst",
        "field.commitments": "forpligtelser",
        "signs_of_success": "Tegn på succes",
        "timeline": "Tidsplan",
        "consultation": "Input fra udvalg og interessenter",
    },
    "en": {
        "title": "Title",
        "subtitle": "Subtitle",
        "organisation": "Organisation",
        "draft_label": "Draft label",
        "date": "Date",
        "authors": "Prepared by",
        "foreword": "Foreword",
        "vision": "Vision {n}: {field}",
        "section": "Section {n}: {field}",
        "field.title": "title",
        "field.headline": "headline",
        "field.body": "text",
        "field.commitments": "commitments",
        "signs_of_success": "Signs of success",
        "timeline": "Timeline",
        "consultation": "Consultation input",
    },
}

Kind = Literal["line", "date", "block"]
# In the empty template, what each column of a table's rows is filled in as (None: not a
# field of its own, such as a milestone's state, which keeps its word).
CELLS: dict[str, tuple[Kind | None, ...]] = {
    "signs_of_success": ("line", "line", "line", "line"),
    "timeline": ("date", None, "line"),
}


@dataclass(frozen=True)
class Field:
    """A field laid out in the document: its place, Word title and elements."""

    place: str
    alias: str
    kind: Kind
    elements: tuple[Any, ...]  # one `w:p` for a line or date; `w:p`/`w:tbl` siblings else
    date: dt.date | None = None


class Controls:
    """The fields of a document as it is laid out, wrapped in content controls at the end."""

    def __init__(self, language: str, placeholders: bool = False) -> None:
        self.language = language
        # The empty template: every field shows its text as Word's placeholder text.
        self.placeholders = placeholders
        self.fields: list[Field] = []

    def alias(self, key: str, n: int = 0, field: str = "") -> str:
        """Return the title Word shows on a control, e.g. "Vision 2: overskrift"."""
        names = ALIASES[self.language]
        return names[key].format(n=n, field=names[f"field.{field}"] if field else "")

    def line(self, place: str, alias: str, paragraph: Any) -> None:
        """Record a one-line field: the text runs of `paragraph` (a python-docx Paragraph)."""
        self.fields.append(Field(place, alias, "line", (paragraph._p,)))

    def date(self, place: str, alias: str, paragraph: Any, value: dt.date) -> None:
        """Record a date field shown as text in `paragraph`, carrying its value."""
        self.fields.append(Field(place, alias, "date", (paragraph._p,), value))

    def block(self, place: str, alias: str, items: list[Any]) -> None:
        """Record a field made of whole paragraphs or a table (python-docx objects)."""
        elements = tuple(item._element for item in items)
        if elements:
            self.fields.append(Field(place, alias, "block", elements))

    def wrap(self, document: Document) -> None:
        """Wrap every recorded field in its content control, in recording order."""
        if self.placeholders:
            add_placeholder_style(document)
        cells = FIRST_ID + len(self.fields)  # the template's cell controls count on from here
        for number, field in enumerate(self.fields):
            properties = _properties(field, FIRST_ID + number, self.language, self.placeholders)
            if field.kind == "block":
                holder = _wrap_siblings(field.elements, properties)
            else:
                holder = _wrap_runs(field.elements[0], properties, field.place)
            if not self.placeholders:
                continue
            if field.place in CELLS:
                cells = self._cell_controls(field, cells)
                continue
            if field.kind == "date":
                guidance_for_date(list(holder), self.language)
            show_placeholder(properties, holder)
        declare_w15(document.element)

    def _cell_controls(self, field: Field, number: int) -> int:
        """Give each cell of a template table's rows a control showing its placeholder."""
        for row in cell_rows(field.elements[0]):
            for cell, kind in zip(row, CELLS[field.place], strict=True):
                if kind is None:
                    continue
                paragraph = cell.find(qn("w:p"))
                cell_field = Field("", "", kind, (paragraph,))
                properties = _properties(cell_field, number, self.language, placeholder=True)
                holder = _wrap_runs(paragraph, properties, field.place)
                if kind == "date":
                    guidance_for_date(list(holder), self.language)
                show_placeholder(properties, holder)
                number += 1
        return number


def declare_w15(root: Any) -> None:
    """Declare the Word 2012 namespace (once, on the part's root) and mark it ignorable."""
    prefixes = [p for p in root.nsmap if p]
    etree.cleanup_namespaces(root, top_nsmap={"w15": W15}, keep_ns_prefixes=prefixes)
    ignorable = root.get(MC_IGNORABLE, "").split()
    if "w15" not in ignorable:
        root.set(MC_IGNORABLE, " ".join([*ignorable, "w15"]))


def _properties(field: Field, number: int, language: str, placeholder: bool = False) -> Any:
    """Return the `w:sdtPr` of a field's control (element order as Word writes it).

    A field of the empty template (`placeholder`) is rich text, or a date picker with no
    date yet; a control without a place (a template's table cell) has no alias, tag or lock.
    """
    properties = OxmlElement("w:sdtPr")
    for tag, value in (
        ("w:alias", field.alias),
        ("w:tag", TAG_PREFIX + field.place if field.place else ""),
        ("w:id", str(number)),
        ("w:lock", "sdtLocked" if field.place else ""),  # the control stays; its text may change
    ):
        if value:
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            properties.append(child)
    appearance = etree.SubElement(properties, f"{{{W15}}}appearance")
    appearance.set(f"{{{W15}}}val", "hidden")  # no frame or tag marks in Word's print layout
    # Plain text (w:text) only in a draft: LibreOffice 7.4 drops the run style of a plain
    # text control (tested), so the template's guidance would not look like guidance there.
    if field.kind == "line" and not placeholder:
        properties.append(OxmlElement("w:text"))
    elif field.kind == "date" and (placeholder or field.date is not None):
        properties.append(_date_properties(None if placeholder else field.date, language))
    return properties


def _date_properties(value: dt.date | None, language: str) -> Any:
    """Return a `w:date`: Word's date picker, keeping the value apart from its wording."""
    picture, locale = DATE_FORMATS[language]
    date = OxmlElement("w:date")
    if value is not None:
        date.set(qn("w:fullDate"), f"{value.isoformat()}T00:00:00Z")
    for tag, val in (
        ("w:dateFormat", picture),
        ("w:lid", locale),
        ("w:storeMappedDataAs", "dateTime"),
        ("w:calendar", "gregorian"),
    ):
        child = OxmlElement(tag)
        child.set(qn("w:val"), val)
        date.append(child)
    return date


def _control(properties: Any) -> tuple[Any, Any]:
    """Return a new `w:sdt` with these properties and its (empty) `w:sdtContent`."""
    sdt = OxmlElement("w:sdt")
    sdt.append(properties)
    holder = OxmlElement("w:sdtContent")
    sdt.append(holder)
    return sdt, holder


def _wrap_runs(paragraph: Any, properties: Any, place: str) -> Any:
    """Move the text runs of a paragraph into a run-level control; return its content."""
    runs = [r for r in paragraph.iterchildren(qn("w:r")) if r.find(qn("w:t")) is not None]
    if not runs:
        raise ValueError(f"{place}: the paragraph shows no text to put in a control")
    siblings = list(paragraph)
    first, last = siblings.index(runs[0]), siblings.index(runs[-1])
    if any(e.tag != qn("w:r") for e in siblings[first : last + 1]):
        raise ValueError(f"{place}: the field's runs are not next to each other")
    sdt, holder = _control(properties)
    runs[0].addprevious(sdt)
    holder.extend(siblings[first : last + 1])
    return holder


def _wrap_siblings(elements: tuple[Any, ...], properties: Any) -> Any:
    """Move paragraphs or a table, next to each other, into a block-level control.

    Return the control's content.
    """
    for before, after in pairwise(elements):
        if before.getnext() is not after:
            raise ValueError("a field's paragraphs must follow each other")
    sdt, holder = _control(properties)
    elements[0].addprevious(sdt)
    holder.extend(elements)
    if elements[0].tag == qn("w:p"):
        _keep_first_formatting(elements[0])
    return holder


def _keep_first_formatting(paragraph: Any) -> None:
    """Put an empty, untagged inline control at the start of a block control's first paragraph.

    LibreOffice 7.4 drops the bold, italic and links of the first paragraph of a block
    control (tested: it prints "én strategi" plain); with an inline control before its
    runs it keeps them. Word shows nothing of an empty hidden control, and a reader skips
    controls that are not tagged as udkast's.
    """
    properties = OxmlElement("w:sdtPr")
    appearance = etree.SubElement(properties, f"{{{W15}}}appearance")
    appearance.set(f"{{{W15}}}val", "hidden")
    sdt, _holder = _control(properties)
    marks = paragraph.find(qn("w:pPr"))
    if marks is not None:
        marks.addnext(sdt)
    else:
        paragraph.insert(0, sdt)
