"""The visions as cards: a shaded one-cell table per vision."""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document
from docx.shared import Length, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from core.view import Card
from worker.render.docx.outline import Outline
from worker.render.docx.richtext import add_blocks
from worker.render.docx.styles import CARD_LABEL, VISION_HEADLINE, add_styled
from worker.render.docx.table_kit import cell_borders, cell_margins, shade
from worker.render.theme import Theme


@dataclass(frozen=True)
class CardParagraphs:
    """The paragraphs of a filled card, by role (a redline merges them role by role)."""

    title: Paragraph
    headline: Paragraph
    body: list[Paragraph]
    label: Paragraph | None
    commitments: list[Paragraph]


def add_vision_card(
    document: Document,
    card: Card,
    outline: Outline,
    theme: Theme,
    width: Length,
    commitments_label: str,
) -> CardParagraphs:
    """Add one card: theme title (Heading 2), headline, body and commitments."""
    cell = add_card_cell(document, theme, width)
    paragraphs = fill_card(cell, card, outline, commitments_label)
    add_card_spacer(document, theme)
    return paragraphs


def add_card_cell(document: Document, theme: Theme, width: Length) -> _Cell:
    """Add the shaded one-cell table of a card and return its cell."""
    table = document.add_table(rows=1, cols=1)
    table.autofit = False
    table.columns[0].width = width
    cell: _Cell = table.cell(0, 0)
    cell.width = width
    shade(cell, theme.colours["soft"])
    none = ("nil", 0, "auto")
    spacing = theme.word.spacing
    # Word measures a cell border in eighths of a point and its margins in twentieths.
    accent = ("single", round(spacing["card_accent"] * 8), theme.colours["accent"].lstrip("#"))
    cell_borders(cell, top=none, left=accent, bottom=none, right=none)
    cell_margins(cell, round(spacing["card_padding"] * 20))
    return cell


def fill_card(cell: _Cell, card: Card, outline: Outline, commitments_label: str) -> CardParagraphs:
    """Write a vision's card into an empty card cell; return its paragraphs by role."""
    vision = card.vision
    # The title is a real Heading 2 inside the card, so the navigation pane and TOC list it.
    title = outline.add_heading(cell, vision.title, 2, paragraph=cell.paragraphs[0])
    headline = add_styled(cell, VISION_HEADLINE, vision.headline)
    body = add_blocks(cell, card.body) if card.body else []
    label, commitments = None, []
    if vision.commitments:
        label = add_styled(cell, CARD_LABEL, commitments_label)
        commitments = [add_styled(cell, "List Bullet", c) for c in vision.commitments]
    return CardParagraphs(title, headline, body, label, commitments)


def add_card_spacer(document: Document, theme: Theme) -> Paragraph:
    """Add the paragraph after a card: Word joins tables that touch."""
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(theme.word.spacing["card_after"])
    return spacer
