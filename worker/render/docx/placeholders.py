"""The empty Word template: every field's control shows its text as Word's placeholder text.

A control with `w:showingPlcHdr` shows guidance, in the placeholder style Word uses (grey);
Word selects it whole when the person clicks in it and clears the flag once they type.
The tables are one control each, so their cells get controls of their own (untagged: the
reader reads the table, not them), which a person fills in one by one.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from lxml import etree

# Word's built-in character style for placeholder text, with Word's own grey.
PLACEHOLDER_STYLE = "Placeholder Text"
PLACEHOLDER_STYLE_ID = "PlaceholderText"
GREY = RGBColor(0x80, 0x80, 0x80)
# Shown instead of a date: a date picker in the template has no value yet.
DATE_GUIDANCE = {"da": "Vælg en dato", "en": "Pick a date"}
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
# The elements of w:sdtPr that come before w:showingPlcHdr (ECMA-376, CT_SdtPr).
_BEFORE_FLAG = ("rPr", "alias", "tag", "id", "lock", "placeholder", "temporary")


def add_placeholder_style(document: Document) -> None:
    """Add Word's "Placeholder Text" character style (grey), as Word has it."""
    style = document.styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = GREY
    style.priority = 99
    style.hidden = True  # Word's semiHidden: not offered in the style gallery
    style.unhide_when_used = False


def show_placeholder(properties: Any, content: Any) -> None:
    """Mark a control as showing placeholder text and put its runs in the placeholder style."""
    flag = OxmlElement("w:showingPlcHdr")
    before = [c for c in properties if etree.QName(c).localname in _BEFORE_FLAG]
    if before and etree.QName(before[-1]).namespace != W15:
        before[-1].addnext(flag)
    else:
        properties.insert(0, flag)
    for run in content.iter(qn("w:r")):
        marks = run.find(qn("w:rPr"))
        if marks is None:
            marks = OxmlElement("w:rPr")
            run.insert(0, marks)
        for old in marks.findall(qn("w:rStyle")):
            marks.remove(old)
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), PLACEHOLDER_STYLE_ID)
        marks.insert(0, style)


def guidance_for_date(field_runs: list[Any], language: str) -> None:
    """Replace a date's text by guidance: a template's date picker has no date yet."""
    texts = [t for run in field_runs for t in run.iter(qn("w:t"))]
    for number, text in enumerate(texts):
        text.text = DATE_GUIDANCE[language] if number == 0 else ""


def cell_rows(table: Any) -> list[list[Any]]:
    """Return the cells of each row of a table to fill in: no header rows, no group rows."""
    rows = []
    for row in table.iter(qn("w:tr")):
        if row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None:
            continue
        cells = row.findall(qn("w:tc"))
        if len(cells) > 1:  # a group row is one cell across the table
            rows.append(cells)
    return rows
