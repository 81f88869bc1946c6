"""DOCX rendering: a strategy's document view laid out as a styled Word document."""

from __future__ import annotations

import docx
from docx.document import Document
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph

from core.content import Strategy
from core.richtext import Block
from core.view import (
    Card,
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
from worker.render.docx.controls import Controls
from worker.render.docx.cover import CoverParagraphs, set_core_properties, write_cover
from worker.render.docx.customxml import add_custom_xml
from worker.render.docx.fields import add_toc, request_field_update, set_theme_font_language
from worker.render.docx.fonts import embed_fonts
from worker.render.docx.outline import Outline
from worker.render.docx.packaging import save_docx
from worker.render.docx.page import add_header_footer
from worker.render.docx.richtext import add_blocks
from worker.render.docx.styles import LANGUAGE_TAGS, apply_theme, text_width
from worker.render.docx.tables import (
    add_consultation_table,
    add_indicator_table,
    add_timeline_table,
)
from worker.render.docx.visions import CardParagraphs, add_vision_card
from worker.render.theme import Theme, load_theme


def render_docx(strategy: Strategy, theme: str = "default", template: bool = False) -> bytes:
    """Render a strategy as DOCX with Word styles, a TOC, headers, footers and a draft mark.

    With `template`, the file is an empty Word template: each field shows its text as
    Word's placeholder text (guidance), and the custom XML names no strategy.
    """
    chosen = load_theme(theme)
    view = document_view(strategy)
    document = docx.Document()
    apply_theme(document, chosen, view.language)
    width = text_width(document)
    outline = Outline()
    controls = Controls(view.language, placeholders=template)

    add_cover_controls(controls, write_cover(document, view, chosen), view)
    outline.add_heading(document, view.labels["contents"], 1)
    toc_placeholder = document.add_paragraph()
    sections = 0
    for part in view.parts:
        heading = outline.add_heading(document, part.heading.text, 1)
        if part.heading.new_page:
            heading.paragraph_format.page_break_before = True
        if isinstance(part, Section):
            sections += 1
            alias = controls.alias("section", sections, "title")
            controls.line(f"sections[{part.id}].title", alias, heading)
        add_part(document, view, part, outline, chosen, width, controls, sections)

    add_toc(toc_placeholder, outline.entries)
    controls.wrap(document)
    add_custom_xml(document, strategy, template)
    add_header_footer(document, view, chosen, running=not template)
    set_core_properties(document, strategy)
    request_field_update(document)
    set_theme_font_language(document, LANGUAGE_TAGS[view.language])
    embed_fonts(document, chosen)  # last: it subsets the fonts to the finished text
    return save_docx(document, strategy.document.date)


def add_part(
    document: Document,
    view: DocumentView,
    part: Part,
    outline: Outline,
    theme: Theme,
    width: Length,
    controls: Controls,
    number: int = 0,
) -> None:
    """Write what follows a part's heading: its text, its cards or its table.

    Each field written is recorded in `controls`; `number` counts a section in its kind.
    """
    if isinstance(part, Foreword):
        controls.block("foreword", controls.alias("foreword"), _blocks(document, part.body))
    elif isinstance(part, Section):
        alias = controls.alias("section", number, "body")
        controls.block(f"sections[{part.id}].body", alias, _blocks(document, part.body))
    elif isinstance(part, Visions):
        for card in part.cards:
            paragraphs = add_vision_card(
                document, card, outline, theme, width, part.commitments_label
            )
            add_card_controls(controls, card, paragraphs)
    elif isinstance(part, Indicators):
        add_indicator_table(document, part, view.labels, theme)
        _table_control(document, controls, "signs_of_success")
    elif isinstance(part, Timeline):
        add_timeline_table(document, part, view.labels, theme)
        _table_control(document, controls, "timeline")
    elif isinstance(part, Consultation):
        add_consultation_table(document, part, view.labels, theme)
        _table_control(document, controls, "consultation")


def add_cover_controls(controls: Controls, cover: CoverParagraphs, view: DocumentView) -> None:
    """Record the document fields the cover shows."""
    info = view.info
    if info.organisation:
        controls.line("document.organisation", controls.alias("organisation"), cover.organisation)
    controls.line("document.title", controls.alias("title"), cover.title)
    for name, paragraph in (("subtitle", cover.subtitle), ("draft_label", cover.draft_label)):
        if paragraph is not None:
            controls.line(f"document.{name}", controls.alias(name), paragraph)
    if cover.date is not None and info.date is not None:
        controls.date("document.date", controls.alias("date"), cover.date, info.date)
    # The authors' lines ("name, role") are read back by position.
    controls.block("document.authors", controls.alias("authors"), cover.authors)


def add_card_controls(controls: Controls, card: Card, paragraphs: CardParagraphs) -> None:
    """Record a vision's fields on its card: title, headline, body and commitments."""
    place, n = f"visions[{card.vision.id}]", card.number
    controls.line(f"{place}.title", controls.alias("vision", n, "title"), paragraphs.title)
    controls.line(f"{place}.headline", controls.alias("vision", n, "headline"), paragraphs.headline)
    controls.block(f"{place}.body", controls.alias("vision", n, "body"), paragraphs.body)
    # Commitments are read back by position, one paragraph each.
    alias = controls.alias("vision", n, "commitments")
    controls.block(f"{place}.commitments", alias, paragraphs.commitments)


def _table_control(document: Document, controls: Controls, place: str) -> None:
    """Record the table just added as the field at `place` (its rows are read by position)."""
    # The controls are put in at the end, so that table is still the body's last one.
    table: Table = document.tables[-1]
    controls.block(place, controls.alias(place), [table])


def _blocks(document: Document, blocks: tuple[Block, ...]) -> list[Paragraph]:
    return add_blocks(document, blocks) if blocks else []
