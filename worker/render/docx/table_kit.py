"""Small table helpers: fixed column widths, shading, borders, a repeating header row."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, RGBColor
from docx.table import Table, _Cell, _Row

from worker.render.docx.richtext import run_element
from worker.render.docx.styles import (
    TABLE_HEADING,
    TABLE_STYLE,
    TABLE_TEXT,
    add_styled,
    set_style,
    shading,
)


def new_table(document: Document, widths: Sequence[Length], headings: Sequence[str]) -> Table:
    """Add a table in the strategy table style whose first row repeats on every page."""
    table: Table = document.add_table(rows=0, cols=len(widths))
    table.style = document.styles[TABLE_STYLE]
    table.autofit = False  # fixed layout: Word and LibreOffice keep the widths given here
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    if headings:
        row = add_row(table, widths)
        repeat_as_header(row)
        for cell, text in zip(row.cells, headings, strict=True):
            set_text(cell, text, TABLE_HEADING)
            # Direct shading too: LibreOffice ignores a table style's header-row fill.
            shade(cell, _style_fill(document))
    return table


def add_row(table: Table, widths: Sequence[Length]) -> _Row:
    """Append a row whose cells have the table's column widths."""
    # python-docx leaves Table.add_row unannotated.
    row: _Row = table.add_row()  # type: ignore[no-untyped-call]
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width
    return row


def repeat_as_header(row: _Row) -> None:
    """Mark a row as a header row (w:tblHeader) that Word repeats at each page top."""
    trpr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    header = OxmlElement("w:tblHeader")
    trpr.append(cant_split)
    trpr.append(header)


def keep_together(row: _Row) -> None:
    """Keep a row on one page (w:cantSplit)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def set_text(cell: _Cell, text: str, style: str = TABLE_TEXT) -> None:
    """Put literal text in a cell's first paragraph with a paragraph style."""
    paragraph = cell.paragraphs[0]
    set_style(paragraph, style)
    paragraph._p.append(run_element(text))


def add_cell_note(
    cell: _Cell, text: str, colour: RGBColor, *, italic: bool = False, bold: bool = False
) -> None:
    """Add a small line of text in a colour under a cell's text (nothing for no text)."""
    if not text:
        return
    line = add_styled(cell, TABLE_TEXT, text)
    line.paragraph_format.space_before = Cm(0.1)
    run = line.runs[0]
    run.font.color.rgb = colour
    run.italic, run.bold = italic or None, bold or None


def shade(cell: _Cell, colour: str) -> None:
    """Fill a cell with a solid colour (hex, with or without '#')."""
    tcpr = cell._tc.get_or_add_tcPr()
    shd = shading(colour)
    tcpr.insert_element_before(
        shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def cell_borders(cell: _Cell, **edges: tuple[str, int, str]) -> None:
    """Set cell borders, e.g. left=("single", 24, "E07A1F") or top=("nil", 0, "auto")."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in edges:
            kind, size, colour = edges[side]
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), kind)
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), colour)
            borders.append(edge)
    tcpr.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", "w:vAlign")


def cell_margins(cell: _Cell, twips: int) -> None:
    """Give a cell inner padding on every side (in twentieths of a point)."""
    tcpr = cell._tc.get_or_add_tcPr()
    margins = OxmlElement("w:tcMar")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tcpr.insert_element_before(margins, "w:textDirection", "w:tcFitText", "w:vAlign")


def _style_fill(document: Document) -> str:
    """Return the header fill of the table style, so direct shading matches it."""
    style = document.styles[TABLE_STYLE].element
    shd = style.find(f"{qn('w:tblStylePr')}/{qn('w:tcPr')}/{qn('w:shd')}")
    return str(shd.get(qn("w:fill")))
