"""The data tables of a document view: signs of success by vision, timeline, consultation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from docx.text.paragraph import Paragraph

from core.view import Consultation, Indicators, Timeline
from worker.render.docx.richtext import run_element
from worker.render.docx.styles import TABLE_TEXT, add_styled, set_style
from worker.render.docx.table_kit import add_row, keep_together, new_table, set_text, shade
from worker.render.theme import Theme

# The theme colour of each milestone state's symbol (the symbol and a word carry the
# state without colour too; core.view chooses them).
STATE_COLOURS = {"done": "primary", "planned": "accent", "cancelled": "mark"}
# The w:pPr children python-docx or the redline may write that follow w:suppressAutoHyphens.
_AFTER_SUPPRESS = ("w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr", "w:pPrChange")


def add_indicator_table(
    document: Document, part: Indicators, text: Mapping[str, str], theme: Theme
) -> None:
    """Add the signs of success as one table, a group row per vision."""
    widths = (Cm(6.6), Cm(3.0), Cm(3.0), Cm(3.8))
    headings = [text[k] for k in ("indicator", "baseline", "target", "data_source")]
    table = new_table(document, widths, headings)
    for group in part.groups:
        if part.by_vision:
            row = add_row(table, widths)
            keep_together(row)
            cell = row.cells[0].merge(row.cells[-1])
            set_text(cell, group.title, TABLE_TEXT)
            cell.paragraphs[0].runs[0].bold = True
            cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(*theme.colour_rgb("primary"))
            shade(cell, theme.colours["soft"])
        for indicator in group.indicators:
            row = add_row(table, widths)
            keep_together(row)
            values = (indicator.indicator, indicator.baseline, indicator.target)
            for cell, value in zip(row.cells, (*values, indicator.data_source), strict=True):
                set_text(cell, value or "–")
    _space_after(document)


def add_timeline_table(
    document: Document, part: Timeline, text: Mapping[str, str], theme: Theme
) -> None:
    """Add the timeline: date, state (symbol and word) and event; cancelled is struck out."""
    widths = (Cm(3.4), Cm(3.4), Cm(9.6))
    headings = [text["date"], text["status"], text["milestone"]]
    table = new_table(document, widths, headings)
    for entry in part.entries:
        row = add_row(table, widths)
        keep_together(row)
        date_cell, state_cell, event_cell = row.cells
        set_text(date_cell, entry.date)
        state = state_cell.paragraphs[0]
        set_style(state, TABLE_TEXT)
        symbol = state.add_run(entry.symbol + " ")
        symbol.font.color.rgb = RGBColor(*theme.colour_rgb(STATE_COLOURS[entry.state]))
        state._p.append(run_element(entry.state_label))
        set_text(event_cell, entry.event)
        if entry.state == "cancelled":
            event_cell.paragraphs[0].runs[0].font.strike = True
    _space_after(document)


def add_consultation_table(
    document: Document, part: Consultation, text: Mapping[str, str], theme: Theme
) -> None:
    """Add the consultation inputs: who, what they said, what was done, and the status."""
    widths = (Cm(3.4), Cm(5.6), Cm(4.6), Cm(2.8))
    headings = [text[k] for k in ("from", "input", "response", "status")]
    table = new_table(document, widths, headings)
    muted = RGBColor(*theme.colour_rgb("muted"))
    for item in part.rows:
        row = add_row(table, widths)
        who, said, done, status = row.cells
        set_text(who, item.source)
        if item.date:
            when = add_styled(who, TABLE_TEXT, item.date)
            when.runs[0].font.color.rgb = muted
        keep_names_whole(who.paragraphs)
        set_text(said, item.input)
        if item.affects:
            line = add_styled(said, TABLE_TEXT, f"{text['affects']}: {', '.join(item.affects)}")
            line.paragraph_format.space_before = Cm(0.1)
            line.runs[0].font.color.rgb = muted
            line.runs[0].font.italic = True
            keep_names_whole([line])
        set_text(done, item.response or "–")
        set_text(status, item.status_label)
        keep_names_whole(status.paragraphs)


def keep_names_whole(paragraphs: Sequence[Paragraph]) -> None:
    """Keep Word from hyphenating these paragraphs (names, statuses) if it hyphenates."""
    # A narrow column would split "Harbour Cyc-ling Campaign" once a reader switches on
    # automatic hyphenation; a name reads wrong split, and the PDF keeps it whole too.
    for paragraph in paragraphs:
        properties = paragraph._p.get_or_add_pPr()
        if properties.find(qn("w:suppressAutoHyphens")) is None:
            properties.insert_element_before(OxmlElement("w:suppressAutoHyphens"), *_AFTER_SUPPRESS)


def _space_after(document: Document) -> None:
    """Separate a table from what follows (Word would join two touching tables)."""
    document.add_paragraph()
