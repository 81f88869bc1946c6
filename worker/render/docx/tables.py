"""The data tables: signs of success by vision, the timeline, and the consultation appendix."""

from __future__ import annotations

from docx.document import Document
from docx.shared import Cm, RGBColor

from core.consultation import part_names
from core.content import Indicator, Strategy
from core.labels import format_date, labels
from worker.render.docx.richtext import run_element
from worker.render.docx.styles import TABLE_TEXT, add_styled, set_style
from worker.render.docx.table_kit import add_row, keep_together, new_table, set_text, shade
from worker.render.theme import Theme

# Symbols carry the state without colour, and a word says it too. "×" rather than "✕":
# the theme font (Lato) has it, and the PDF uses the same symbols.
STATE_SYMBOLS = {"done": "●", "planned": "○", "cancelled": "×"}


def add_indicator_table(document: Document, strategy: Strategy, theme: Theme) -> None:
    """Add the signs of success as one table, a group row per vision."""
    table_labels = labels(strategy.document.language)
    widths = (Cm(6.6), Cm(3.0), Cm(3.0), Cm(3.8))
    headings = [table_labels[k] for k in ("indicator", "baseline", "target", "data_source")]
    table = new_table(document, widths, headings)
    show_groups = any(i.vision for i in strategy.signs_of_success)
    for _, title, indicators in indicator_groups(strategy):
        if show_groups:
            row = add_row(table, widths)
            keep_together(row)
            cell = row.cells[0].merge(row.cells[-1])
            set_text(cell, title, TABLE_TEXT)
            cell.paragraphs[0].runs[0].bold = True
            cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(*theme.colour_rgb("primary"))
            shade(cell, theme.colours["soft"])
        for indicator in indicators:
            row = add_row(table, widths)
            keep_together(row)
            values = (indicator.indicator, indicator.baseline, indicator.target)
            for cell, value in zip(row.cells, (*values, indicator.data_source), strict=True):
                set_text(cell, value or "–")
    _space_after(document)


def indicator_groups(strategy: Strategy) -> list[tuple[str, str, list[Indicator]]]:
    """Return the non-empty indicator groups as (vision id or "", title, indicators)."""
    table_labels = labels(strategy.document.language)
    groups: list[tuple[str, str, list[Indicator]]] = [
        (v.id, v.title, [i for i in strategy.signs_of_success if i.vision == v.id])
        for v in strategy.visions
    ]
    shared = [i for i in strategy.signs_of_success if i.vision is None]
    if shared:
        groups.append(("", table_labels["shared_indicators"], shared))
    return [group for group in groups if group[2]]


def add_timeline_table(document: Document, strategy: Strategy, theme: Theme) -> None:
    """Add the timeline: date, state (symbol and word) and event; cancelled is struck out."""
    language = strategy.document.language
    table_labels = labels(language)
    widths = (Cm(3.4), Cm(3.4), Cm(9.6))
    headings = [table_labels["date"], table_labels["status"], table_labels["milestone"]]
    table = new_table(document, widths, headings)
    colours = {"done": "primary", "planned": "accent", "cancelled": "mark"}
    for milestone in strategy.timeline:
        row = add_row(table, widths)
        keep_together(row)
        date_cell, state_cell, event_cell = row.cells
        set_text(date_cell, format_date(milestone.date, language))
        state = state_cell.paragraphs[0]
        set_style(state, TABLE_TEXT)
        symbol = state.add_run(STATE_SYMBOLS[milestone.state] + " ")
        symbol.font.color.rgb = RGBColor(*theme.colour_rgb(colours[milestone.state]))
        state._p.append(run_element(table_labels[f"state.{milestone.state}"]))
        set_text(event_cell, milestone.event)
        if milestone.state == "cancelled":
            event_cell.paragraphs[0].runs[0].font.strike = True
    _space_after(document)


def add_consultation_table(document: Document, strategy: Strategy, theme: Theme) -> None:
    """Add the consultation inputs: who, what they said, what was done, and the status."""
    language = strategy.document.language
    table_labels = labels(language)
    widths = (Cm(3.4), Cm(5.6), Cm(4.6), Cm(2.8))
    headings = [table_labels[k] for k in ("from", "input", "response", "status")]
    table = new_table(document, widths, headings)
    muted = RGBColor(*theme.colour_rgb("muted"))
    names = part_names(strategy)
    for item in strategy.consultation:
        row = add_row(table, widths)
        who, said, done, status = row.cells
        set_text(who, item.from_)
        if item.date:
            when = add_styled(who, TABLE_TEXT, format_date(item.date, language))
            when.runs[0].font.color.rgb = muted
        set_text(said, item.input)
        if item.affects:
            concerns = ", ".join(names.get(ref, ref) for ref in item.affects)
            line = add_styled(said, TABLE_TEXT, f"{table_labels['affects']}: {concerns}")
            line.paragraph_format.space_before = Cm(0.1)
            line.runs[0].font.color.rgb = muted
            line.runs[0].font.italic = True
        set_text(done, item.response or "–")
        set_text(status, table_labels[f"status.{item.status}"])


def _space_after(document: Document) -> None:
    """Separate a table from what follows (Word would join two touching tables)."""
    document.add_paragraph()
