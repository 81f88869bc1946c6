"""DOCX rendering: a validated Strategy in, the bytes of a styled Word document out."""

from __future__ import annotations

import io

import docx
from docx.document import Document

from core import richtext
from core.content import Strategy
from core.labels import labels
from worker.render.docx.cover import add_cover, set_core_properties
from worker.render.docx.fields import add_toc, request_field_update, set_theme_font_language
from worker.render.docx.fonts import embed_fonts
from worker.render.docx.outline import Outline
from worker.render.docx.page import add_header_footer
from worker.render.docx.richtext import add_blocks
from worker.render.docx.styles import LANGUAGE_TAGS, apply_theme, text_width
from worker.render.docx.tables import (
    add_consultation_table,
    add_indicator_table,
    add_timeline_table,
)
from worker.render.docx.visions import add_vision_card
from worker.render.theme import load_theme


def render_docx(strategy: Strategy, theme: str = "default") -> bytes:
    """Render a strategy as DOCX with Word styles, a TOC, headers, footers and a draft mark."""
    chosen = load_theme(theme)
    info, table = strategy.document, labels(strategy.document.language)
    document = docx.Document()
    apply_theme(document, chosen, info.language)
    width = text_width(document)
    outline = Outline()

    add_cover(document, strategy)
    outline.add_heading(document, table["contents"], 1)
    toc_placeholder = document.add_paragraph()
    if strategy.foreword:
        _part_heading(document, outline, table["foreword"])
        add_blocks(document, richtext.parse(strategy.foreword))
    _part_heading(document, outline, table["visions"])
    for vision in strategy.visions:
        add_vision_card(document, vision, outline, chosen, width, table["commitments"])
    if strategy.signs_of_success:
        _part_heading(document, outline, table["signs_of_success"])
        add_indicator_table(document, strategy, chosen)
    for section in strategy.sections:
        _part_heading(document, outline, section.title)
        if section.body:
            add_blocks(document, richtext.parse(section.body))
    if strategy.timeline:
        # The timeline is short: it follows the indicators instead of starting a page.
        outline.add_heading(document, table["timeline"], 1)
        add_timeline_table(document, strategy, chosen)
    if strategy.consultation:
        _part_heading(document, outline, table["consultation"])
        add_consultation_table(document, strategy, chosen)

    add_toc(toc_placeholder, outline.entries)
    add_header_footer(document, strategy, chosen)
    set_core_properties(document, strategy)
    request_field_update(document)
    set_theme_font_language(document, LANGUAGE_TAGS[info.language])
    embed_fonts(document, chosen)  # last: it subsets the fonts to the finished text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _part_heading(document: Document, outline: Outline, text: str) -> None:
    """Start a main part on a new page with a Heading 1."""
    heading = outline.add_heading(document, text, 1)
    heading.paragraph_format.page_break_before = True
