"""Notes around the tracked changes: "moved" comments and the høringsnotat at the end."""

from __future__ import annotations

from typing import Any

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from docx.text.paragraph import Paragraph

from core.consultation import ConsultationReport, InputReport, part_names
from core.content import Strategy
from core.labels import format_date, labels
from worker.render.docx.outline import Outline
from worker.render.docx.styles import TABLE_TEXT, add_styled
from worker.render.docx.table_kit import (
    add_cell_note,
    add_row,
    keep_together,
    new_table,
    set_text,
    shade,
)
from worker.render.redline.revisions import Kind, Revisions
from worker.render.theme import Theme


def note_move(
    document: Document,
    rev: Revisions,
    paragraph: Paragraph,
    kind: Kind,
    old_at: int,
    new_at: int,
    language: str,
) -> None:
    """Anchor a "moved" comment on a moved part's heading, at its old and its new place.

    A comment is outside the text, so accepting or rejecting the changes leaves the
    strategy's text alone. Its reference run takes the heading's revision: the note at
    the old place goes away with the deleted copy when the changes are accepted.
    """
    table = labels(language)
    key = "redline.moved_to" if kind == "del" else "redline.moved_from"
    text = table[key].format(old=old_at, new=new_at)
    comment = document.comments.add_comment(text=text, author=rev.author, initials="")
    # python-docx stamps the clock's time; the revisions' date (or none) keeps it reproducible.
    if rev.date:
        comment._comment_elm.set(qn("w:date"), rev.date)
    else:
        comment._comment_elm.attrib.pop(qn("w:date"), None)
    ident = str(comment.comment_id)
    start, end, ref = (
        OxmlElement(f"w:{tag}")
        for tag in ("commentRangeStart", "commentRangeEnd", "commentReference")
    )
    for marker in (start, end, ref):
        marker.set(qn("w:id"), ident)
    p = paragraph._p
    p.insert(1 if p.pPr is not None else 0, start)
    p.append(end)
    run = OxmlElement("w:r")
    run.append(ref)
    p.append(rev.wrap(kind, [run]))


def add_consultation_report(
    document: Document,
    outline: Outline,
    report: ConsultationReport,
    old: Strategy,
    new: Strategy,
    theme: Theme,
) -> Any:
    """Add the høringsnotat: every input grouped by who gave it, with response and flags.

    Return its heading paragraph. The section is plain content: it describes the
    changes instead of being one.
    """
    language = new.document.language
    table = labels(language)
    heading = outline.add_heading(document, table["consultation_report"], 1)
    heading.paragraph_format.page_break_before = True
    previous = old.document.draft_label or table["redline.previous"]
    if old.document.date:
        previous += f" ({format_date(old.document.date, language)})"
    add_styled(document, None, table["redline.report_intro"].format(previous=previous))
    if not report.groups:
        return heading
    widths = (Cm(6.2), Cm(5.8), Cm(4.4))
    headings = [table[k] for k in ("input", "response", "status")]
    grid = new_table(document, widths, headings)
    muted = RGBColor(*theme.colour_rgb("muted"))
    mark = RGBColor(*theme.colour_rgb("mark"))
    names = part_names(new)
    for group in report.groups:
        row = add_row(grid, widths)
        keep_together(row)
        cell = row.cells[0].merge(row.cells[-1])
        set_text(cell, group.source, TABLE_TEXT)
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(*theme.colour_rgb("primary"))
        shade(cell, theme.colours["soft"])
        for item in group.inputs:
            _input_row(grid, widths, item, table, names, muted, mark, language)
    document.add_paragraph()
    return heading


def _input_row(
    grid: Any,
    widths: tuple[Any, ...],
    item: InputReport,
    table: dict[str, str],
    names: dict[str, str],
    muted: RGBColor,
    mark: RGBColor,
    language: str,
) -> None:
    row = add_row(grid, widths)
    keep_together(row)
    said, done, status = row.cells
    set_text(said, item.input)
    meta = [format_date(_date(item.date), language)] if item.date else []
    if item.affects:
        concerns = ", ".join(names.get(ref, ref) for ref in item.affects)
        meta.append(f"{table['affects']}: {concerns}")
    add_cell_note(said, " · ".join(meta), muted, italic=True)
    set_text(done, item.response or "–")
    if item.changes:
        parts = ", ".join(dict.fromkeys(ref.title for ref in item.changes))
        add_cell_note(done, table["redline.changes"].format(parts=parts), muted, italic=True)
    set_text(status, item.status_label)
    if item.status == "pending":
        # What is still open is what a committee asks about first.
        status.paragraphs[0].runs[0].bold = True
    if item.new_in_draft:
        add_cell_note(status, table["redline.new_input"], muted, italic=True)
    elif item.old_status and item.old_status != item.status:
        was = table[f"status.{item.old_status}"]
        add_cell_note(status, table["redline.status_was"].format(status=was), muted, italic=True)
    if item.flag:
        add_cell_note(status, item.flag, mark, bold=True)
    if item.note:
        add_cell_note(status, item.note, muted, italic=True)


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)
