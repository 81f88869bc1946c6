"""The høringsnotat DOCX: the notes' view (core.hearing_notes) in the draft's Word styles.

Same styles, fonts, running header and footer as `render_docx`: a cover, a summary,
then one heading per sender with a table of their inputs (what they said, the
response with the changes it caused, and the status).
"""

from __future__ import annotations

import docx
from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from core.content import Strategy
from core.diff import Comparison
from core.hearing_notes import CausedChange, HearingNotes, NoteInput, hearing_notes
from core.view import DocumentView
from worker.render.docx.cover import add_logo, set_core_properties
from worker.render.docx.fields import set_theme_font_language
from worker.render.docx.fonts import embed_fonts
from worker.render.docx.outline import Outline
from worker.render.docx.packaging import save_docx
from worker.render.docx.page import add_header_footer
from worker.render.docx.styles import (
    COVER_META,
    COVER_ORGANISATION,
    LANGUAGE_TAGS,
    TABLE_TEXT,
    add_styled,
    apply_theme,
)
from worker.render.docx.table_kit import (
    add_cell_note,
    add_row,
    keep_together,
    new_table,
    set_text,
)
from worker.render.theme import Theme, load_theme

# The colour of each status, as the PDF's stylesheet gives it (print.css, .status-*).
STATUS_COLOURS = {
    "incorporated": "primary",
    "partly": "primary",
    "declined": "mark",
    "pending": "muted",
}
INPUT_WIDTHS = (Cm(6.0), Cm(7.0), Cm(3.4))  # input, response and changes, status
COUNT_WIDTHS = (Cm(6.0), Cm(2.4))


def render_hearing_notes_docx(
    strategy: Strategy,
    previous: Strategy | None,
    theme: str = "default",
    comparison: Comparison | None = None,
) -> bytes:
    """Render a version's høringsnotat as DOCX in the theme's Word styles.

    `previous` is the version before it (None for a first version); `comparison` is
    `compare(previous, strategy)` when the caller has it.
    """
    chosen = load_theme(theme)
    notes = hearing_notes(strategy, previous, comparison)
    document = docx.Document()
    apply_theme(document, chosen, notes.language)
    outline = Outline()
    _cover(document, notes, chosen)
    _summary(document, outline, notes, chosen)
    _groups(document, outline, notes, chosen)
    # The running header names the strategy and the notes; no draft mark, as on a comparison.
    title = f"{notes.info.title} · {notes.title}"
    page_view = DocumentView(
        info=notes.info.model_copy(update={"title": title}),
        language=notes.language,
        labels=notes.labels,
        mark=None,
        date=notes.date,
        parts=(),
        toc=(),
    )
    add_header_footer(document, page_view, chosen)
    set_core_properties(document, strategy)
    document.core_properties.title = f"{notes.title}: {strategy.document.title}"[:255]
    set_theme_font_language(document, LANGUAGE_TAGS[notes.language])
    embed_fonts(document, chosen)  # last: it subsets the fonts to the finished text
    return save_docx(document, strategy.document.date)


def _cover(document: Document, notes: HearingNotes, theme: Theme) -> None:
    """Write the cover: logo, organisation, "Høringsnotat", the strategy, version and date."""
    if theme.logo is not None:
        add_logo(document, theme.logo, notes.language)
    top = add_styled(document, COVER_ORGANISATION, notes.info.organisation or "")
    top.paragraph_format.space_before = Pt(theme.word.spacing["cover_top"])
    add_styled(document, "Title", notes.title)
    add_styled(document, "Subtitle", notes.info.title)
    edition = " · ".join(part for part in (notes.version, notes.date) if part)
    if edition:
        add_styled(document, COVER_META, edition).runs[0].bold = True
    basis = add_styled(document, COVER_META, notes.basis)
    basis.paragraph_format.space_before = Pt(24)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _summary(document: Document, outline: Outline, notes: HearingNotes, theme: Theme) -> None:
    """Write the summary: how many inputs from how many senders, by status, and the flags."""
    text = notes.labels
    outline.add_heading(document, text["cmp.summary"], 1)
    lead = notes.lead
    if notes.new_inputs:
        lead += " · " + text["notes.new"].format(n=notes.new_inputs)
    add_styled(document, None, lead).runs[0].font.size = Pt(13)
    add_styled(document, None, notes.basis).runs[0].font.color.rgb = RGBColor(
        *theme.colour_rgb("muted")
    )
    if notes.statuses:
        table = new_table(document, COUNT_WIDTHS, [text["notes.by_status"], text["notes.count"]])
        for count in notes.statuses:
            row = add_row(table, COUNT_WIDTHS)
            set_text(row.cells[0], count.label)
            _colour_status(row.cells[0], count.status, theme)
            set_text(row.cells[1], str(count.count))
        document.add_paragraph()
    mark = RGBColor(*theme.colour_rgb("mark"))
    if notes.flags:
        heading = add_styled(document, None, text["cmp.flags"])
        heading.runs[0].bold = True
        heading.runs[0].font.color.rgb = mark
        for flag in notes.flags:
            line = add_styled(document, "List Bullet", f"{flag.source}: {flag.message}")
            line.runs[0].font.color.rgb = mark
    if notes.groups:
        add_styled(document, None, text["notes.senders"]).runs[0].bold = True
        for group in notes.groups:
            add_styled(document, "List Bullet", f"{group.source} ({len(group.inputs)})")


def _groups(document: Document, outline: Outline, notes: HearingNotes, theme: Theme) -> None:
    """Write one heading per sender and a table of their inputs."""
    if not notes.groups:
        return
    text = notes.labels
    heading = outline.add_heading(document, text["consultation_short"], 1)
    heading.paragraph_format.page_break_before = True
    headings = [text["input"], text["response"], text["status"]]
    for group in notes.groups:
        outline.add_heading(document, group.source, 2)
        table = new_table(document, INPUT_WIDTHS, headings)
        for item in group.inputs:
            _input_row(table, item, notes, theme)
        document.add_paragraph()  # Word would join two touching tables


def _input_row(table: Table, item: NoteInput, notes: HearingNotes, theme: Theme) -> None:
    text = notes.labels
    muted = RGBColor(*theme.colour_rgb("muted"))
    row = add_row(table, INPUT_WIDTHS)
    keep_together(row)
    said, done, status = row.cells
    set_text(said, item.input)
    meta = [item.date] if item.date else []
    if item.concerns:
        meta.append(f"{text['affects']}: {', '.join(item.concerns)}")
    add_cell_note(said, " · ".join(meta), muted, italic=True)
    set_text(done, item.response or "–")
    if notes.compared:
        caused = add_styled(done, TABLE_TEXT, text["cmp.caused"])
        caused.paragraph_format.space_before = Pt(4)
        caused.runs[0].bold = True
        caused.runs[0].font.color.rgb = muted
        for change in item.changes:
            _change(done, change, muted)
        if item.no_change:
            add_cell_note(done, item.no_change, muted, italic=True)
    set_text(status, item.status_label)
    _colour_status(status, item.status, theme)
    if item.new_in_version:
        add_cell_note(status, text["notes.new_input"], muted, italic=True)
    if item.status_was:
        add_cell_note(status, item.status_was, muted, italic=True)
    if item.flag:
        add_cell_note(status, item.flag, RGBColor(*theme.colour_rgb("mark")), bold=True)
    if item.note:
        add_cell_note(status, item.note, muted, italic=True)


def _change(cell: _Cell, change: CausedChange, muted: RGBColor) -> None:
    """Write one caused change: its kind and name, what happened, and a short excerpt."""
    line = add_styled(cell, TABLE_TEXT)
    line.paragraph_format.space_before = Pt(2)
    if change.kind_label != change.name:  # the foreword is its own name
        line.add_run(f"{change.kind_label}: ").font.color.rgb = muted
    line.add_run(change.name).bold = True
    what = [change.status_label, *([change.moved] if change.moved else [])]
    detail = f" ({', '.join(change.fields)})" if change.fields else ""
    line.add_run(f" – {'; '.join(what)}{detail}")
    if change.excerpt is None:
        return
    excerpt = add_styled(cell, TABLE_TEXT)
    excerpt.paragraph_format.left_indent = Cm(0.3)
    label = excerpt.add_run(f"{change.excerpt.field}: ")
    label.font.color.rgb = muted
    # Struck through and underlined as tracked changes read, so it reads without colour.
    excerpt.add_run(change.excerpt.before).font.strike = True
    excerpt.add_run(" → ")
    excerpt.add_run(change.excerpt.after).font.underline = True
    for run in excerpt.runs:
        run.font.size = Pt(8.5)


def _colour_status(cell: _Cell, status: str, theme: Theme) -> None:
    run = cell.paragraphs[0].runs[0]
    run.bold = True
    run.font.color.rgb = RGBColor(*theme.colour_rgb(STATUS_COLOURS[status]))
    run.italic = status in ("partly", "pending") or None
