"""DOCX rendering: a strategy's document view laid out as a styled Word document."""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.shared import Length

from core.content import Strategy
from core.view import (
    Consultation,
    DocumentView,
    Foreword,
    Indicators,
    Part,
    Section,
    Timeline,
    Visions,
    document_view,
)
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
from worker.render.theme import Theme, load_theme


def render_docx(strategy: Strategy, theme: str = "default") -> bytes:
    """Render a strategy as DOCX with Word styles, a TOC, headers, footers and a draft mark."""
    chosen = load_theme(theme)
    view = document_view(strategy)
    document = docx.Document()
    apply_theme(document, chosen, view.language)
    width = text_width(document)
    outline = Outline()

    add_cover(document, view)
    outline.add_heading(document, view.labels["contents"], 1)
    toc_placeholder = document.add_paragraph()
    for part in view.parts:
        heading = outline.add_heading(document, part.heading.text, 1)
        if part.heading.new_page:
            heading.paragraph_format.page_break_before = True
        add_part(document, view, part, outline, chosen, width)

    add_toc(toc_placeholder, outline.entries)
    add_header_footer(document, view, chosen)
    set_core_properties(document, strategy)
    request_field_update(document)
    set_theme_font_language(document, LANGUAGE_TAGS[view.language])
    embed_fonts(document, chosen)  # last: it subsets the fonts to the finished text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_part(
    document: Document,
    view: DocumentView,
    part: Part,
    outline: Outline,
    theme: Theme,
    width: Length,
) -> None:
    """Write what follows a part's heading: its text, its cards or its table."""
    if isinstance(part, Foreword | Section):
        if part.body:
            add_blocks(document, part.body)
    elif isinstance(part, Visions):
        for card in part.cards:
            add_vision_card(document, card, outline, theme, width, part.commitments_label)
    elif isinstance(part, Indicators):
        add_indicator_table(document, part, view.labels, theme)
    elif isinstance(part, Timeline):
        add_timeline_table(document, part, view.labels, theme)
    elif isinstance(part, Consultation):
        add_consultation_table(document, part, view.labels, theme)
