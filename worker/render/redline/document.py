"""The redline: the new draft as DOCX, with real Word tracked changes against the old one.

The document is styled exactly like `render_docx`: it walks the same document views
(core.view), part by part, with the same blocks; every difference from the old draft
is a w:ins / w:del revision that Word and LibreOffice can accept or reject. A plain
høringsnotat and the plain-language feedback before → after close the document.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn

from core.alignment import work_budget
from core.content import Strategy
from core.diff import Comparison, compare
from core.view import (
    PART_ORDER,
    Consultation,
    DocumentView,
    Foreword,
    Indicators,
    P,
    Part,
    PartKind,
    Section,
    Timeline,
    Visions,
    document_view,
)
from worker.render.docx.cover import set_core_properties
from worker.render.docx.fields import add_toc, set_theme_font_language
from worker.render.docx.fonts import embed_fonts
from worker.render.docx.packaging import save_docx
from worker.render.docx.page import add_header_footer
from worker.render.docx.richtext import run_element
from worker.render.docx.styles import LANGUAGE_TAGS, apply_theme, text_width
from worker.render.docx.tables import (
    add_consultation_table,
    add_indicator_table,
    add_timeline_table,
)
from worker.render.redline.merge import merge_paragraph
from worker.render.redline.notes import add_consultation_report
from worker.render.redline.parts import (
    Redline,
    add_tracked_blocks,
    add_tracked_cover,
    add_tracked_heading,
    add_tracked_visions,
    merged_order,
    note_moved,
)
from worker.render.redline.plain import add_plain_language
from worker.render.redline.revisions import (
    Revisions,
    mark_paragraph,
    renumber,
    revision_date,
    wrap_runs,
)
from worker.render.redline.tables import (
    consultation_keys,
    indicator_keys,
    milestone_keys,
    tracked_table,
)
from worker.render.theme import Theme, load_theme


def render_redline_docx(
    old: Strategy,
    new: Strategy,
    theme: str = "default",
    comparison: Comparison | None = None,
    *,
    author: str = "udkast",
    when: dt.datetime | None = None,
) -> bytes:
    """Render the new draft as DOCX with the changes since the old draft as tracked changes.

    `comparison` is `compare(old, new)` when the caller has it (the worker's stored diff).
    """
    # One work budget for compare() and for every text the merge below diffs again, so
    # the whole document's matching is bounded together (core.alignment).
    with work_budget():
        found = compare(old, new) if comparison is None else comparison
        return _redline_docx(old, new, theme, found, author, when)


def _redline_docx(
    old: Strategy,
    new: Strategy,
    theme: str,
    comparison: Comparison,
    author: str,
    when: dt.datetime | None,
) -> bytes:
    chosen = load_theme(theme)
    language = new.document.language
    document = docx.Document()
    apply_theme(document, chosen, language)
    rev = Revisions(author, revision_date(when, new.document.date))
    red = Redline(
        document,
        old,
        new,
        document_view(old),
        document_view(new),
        comparison,
        chosen,
        text_width(document),
        rev,
    )

    add_tracked_cover(red)
    # Tracked like every other heading: a draft in another language names it differently.
    contents = red.before.labels["contents"], red.after.labels["contents"]
    add_tracked_heading(red, *contents, 1, page_break=False)
    toc_placeholder = document.add_paragraph()
    _body(red)
    add_consultation_report(document, red.outline, red.comparison.consultation, old, new, chosen)
    add_plain_language(document, red.outline, old, new, chosen)

    add_toc(toc_placeholder, red.outline.entries)
    _track_toc(red)
    add_header_footer(document, red.after, chosen)
    set_core_properties(document, new)
    # No updateFields, unlike render_docx: Word would rebuild the TOC field and drop the
    # tracked TOC lines; the cached entries already name every heading.
    set_theme_font_language(document, LANGUAGE_TAGS[language])
    # Revision ids must not collide with the headings' bookmark ids (1…n).
    renumber(document.element.body, len(red.outline.entries) + 1)
    embed_fonts(document, chosen)  # last: it subsets the fonts to the finished text
    return save_docx(document, new.document.date)


def _body(red: Redline) -> None:
    """Write the parts in the views' order (core.view), each from both drafts."""
    for kind in PART_ORDER:
        _TRACKED[kind](red)


def _heading(red: Redline, old: Part | None, new: Part | None) -> None:
    """Add the tracked heading of a part that either draft may lack."""
    shown = new or old
    if shown is not None:
        old_text = old.heading.text if old else None
        new_text = new.heading.text if new else None
        add_tracked_heading(red, old_text, new_text, 1, page_break=shown.heading.new_page)


def _foreword(red: Redline) -> None:
    old, new = red.before.part(Foreword), red.after.part(Foreword)
    _heading(red, old, new)
    change = red.fields("foreword", "foreword").get("body")
    add_tracked_blocks(
        red, red.document, old.body if old else None, new.body if new else None, change
    )


def _visions(red: Redline) -> None:
    _heading(red, red.before.part(Visions), red.after.part(Visions))
    add_tracked_visions(red)


def _indicators(red: Redline) -> None:
    old, new = red.before.part(Indicators), red.after.part(Indicators)
    _heading(red, old, new)
    tracked_table(
        red.document,
        _table(add_indicator_table, old, red.before, red.theme),
        _table(add_indicator_table, new, red.after, red.theme),
        (indicator_keys(old), indicator_keys(new)),
        red.rev,
    )


def _sections(red: Redline) -> None:
    olds, news = red.before.parts_of(Section), red.after.parts_of(Section)
    old_ids, new_ids = [s.id for s in olds], [s.id for s in news]
    moved = red.moved("section")
    for place, i, j in merged_order(old_ids, new_ids, moved):
        old = olds[i] if place != "ins" else None
        new = news[j] if place != "del" else None
        change = red.fields("section", new.id).get("body") if old and new else None
        part = new if new is not None else old
        title = add_tracked_heading(
            red,
            old.heading.text if old else None,
            new.heading.text if new else None,
            1,
            page_break=part is not None and part.heading.new_page,
        )
        if title is not None and place != "same" and part is not None and part.id in moved:
            note_moved(red, title, place, part.id, old_ids, new_ids)
        old_body, new_body = old.body if old else None, new.body if new else None
        add_tracked_blocks(red, red.document, old_body, new_body, change)


def _timeline(red: Redline) -> None:
    old, new = red.before.part(Timeline), red.after.part(Timeline)
    _heading(red, old, new)
    tracked_table(
        red.document,
        _table(add_timeline_table, old, red.before, red.theme),
        _table(add_timeline_table, new, red.after, red.theme),
        milestone_keys(red.old, red.new),
        red.rev,
    )


def _consultation(red: Redline) -> None:
    old, new = red.before.part(Consultation), red.after.part(Consultation)
    _heading(red, old, new)
    tracked_table(
        red.document,
        _table(add_consultation_table, old, red.before, red.theme),
        _table(add_consultation_table, new, red.after, red.theme),
        (consultation_keys(old), consultation_keys(new)),
        red.rev,
    )


def _table(
    add: Callable[[Document, P, Mapping[str, str], Theme], None],
    part: P | None,
    view: DocumentView,
    theme: Theme,
) -> Callable[[Document], None] | None:
    """Return the builder of one draft's table, or None when that draft has no such part."""
    if part is None:
        return None
    return lambda document: add(document, part, view.labels, theme)


_TRACKED: dict[PartKind, Callable[[Redline], None]] = {
    "foreword": _foreword,
    "visions": _visions,
    "indicators": _indicators,
    "section": _sections,
    "timeline": _timeline,
    "consultation": _consultation,
}


def _track_toc(red: Redline) -> None:
    """Give each TOC line the revision of the heading it links to."""
    for paragraph in list(red.document.element.body.iter(qn("w:p"))):
        link = paragraph.find(qn("w:hyperlink"))
        state = red.toc.get(link.get(qn("w:anchor"), "")) if link is not None else None
        if state is None:
            continue
        if state in ("ins", "del"):
            wrap_runs(paragraph, state, red.rev)  # type: ignore[arg-type]
            mark_paragraph(paragraph, state, red.rev)  # type: ignore[arg-type]
            continue
        before = _with_link_text(paragraph, state)
        merge_paragraph(before, paragraph, red.rev)


def _with_link_text(paragraph: Any, text: str) -> Any:
    """Return a copy of a TOC line whose link shows `text` (the heading's old text)."""
    before = copy.deepcopy(paragraph)
    link = before.find(qn("w:hyperlink"))
    for run in link.findall(qn("w:r")):
        link.remove(run)
    link.append(run_element(text))
    return before
