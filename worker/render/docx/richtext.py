"""Rich-text blocks (core.richtext) as Word paragraphs, runs, lists and hyperlinks.

The pieces are split so that a redline writer can reuse them: `inline_elements`
returns bare `w:r` / `w:hyperlink` elements (which can be wrapped in `w:ins` or
`w:del`), and `add_blocks` turns blocks into styled paragraphs in any container
that has `add_paragraph` (the body, a table cell, a header).
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from docx.text.paragraph import Paragraph as WordParagraph

from core.richtext import Block, Inline, LineBreak, ListBlock, Paragraph, Span
from worker.render.docx.styles import HYPERLINK, Container, add_styled

# Word's built-in list styles go three levels deep; deeper lists reuse the last level.
BULLET_STYLES = ("List Bullet", "List Bullet 2", "List Bullet 3")
NUMBER_STYLES = ("List Number", "List Number 2", "List Number 3")
CONTINUE_STYLES = ("List Continue", "List Continue 2", "List Continue 3")


def add_blocks(
    container: Container, blocks: tuple[Block, ...], style: str | None = None
) -> list[WordParagraph]:
    """Append rich-text blocks as paragraphs; `style` is the style of plain paragraphs."""
    out: list[WordParagraph] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(add_inline_paragraph(container, block.inlines, style))
        else:
            out.extend(_add_list(container, block, depth=0))
    return out


def add_inline_paragraph(
    container: Container, inlines: tuple[Inline, ...], style: str | None = None
) -> WordParagraph:
    """Append one paragraph holding formatted inlines."""
    paragraph = add_styled(container, style)
    for element in inline_elements(paragraph, inlines):
        paragraph._p.append(element)
    return paragraph


def inline_elements(paragraph: WordParagraph, inlines: tuple[Inline, ...]) -> list[Any]:
    """Return `w:r` and `w:hyperlink` elements for inlines, to be placed in `paragraph`."""
    out: list[Any] = []
    for inline in inlines:
        if isinstance(inline, LineBreak):
            run = OxmlElement("w:r")
            run.append(OxmlElement("w:br"))
            out.append(run)
        elif inline.href:
            out.append(hyperlink_element(paragraph, inline))
        else:
            out.append(run_element(inline.text, strong=inline.strong, emphasis=inline.emphasis))
    return out


def run_element(
    text: str, *, strong: bool = False, emphasis: bool = False, style: str | None = None
) -> Any:
    """Return a `w:r` holding literal text with optional bold, italic and character style."""
    run = OxmlElement("w:r")
    if style or strong or emphasis:
        rpr = run.get_or_add_rPr()
        if style:
            rpr.style = style
        # b/i take schema positions after rStyle/rFonts, so append in that order.
        if strong:
            rpr.append(OxmlElement("w:b"))
        if emphasis:
            rpr.append(OxmlElement("w:i"))
    run.text = text  # python-docx escapes it and keeps spaces, so nothing is interpreted
    return run


def hyperlink_element(paragraph: WordParagraph, span: Span) -> Any:
    """Return a `w:hyperlink` to an external target, related through the paragraph's part."""
    # core.richtext only lets http(s) and mailto links through, so no local target is related.
    if not span.href:
        raise ValueError("a hyperlink needs a target")
    r_id = paragraph.part.relate_to(span.href, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    link.set(qn("w:history"), "1")
    link.append(run_element(span.text, strong=span.strong, emphasis=span.emphasis, style=HYPERLINK))
    return link


def _add_list(container: Container, block: ListBlock, depth: int) -> list[WordParagraph]:
    level = min(depth, len(BULLET_STYLES) - 1)
    style = (NUMBER_STYLES if block.ordered else BULLET_STYLES)[level]
    num_id = None
    out: list[WordParagraph] = []
    for item in block.items:
        first = True
        for part in item:
            if isinstance(part, ListBlock):
                out.extend(_add_list(container, part, depth + 1))
                continue
            paragraph = add_inline_paragraph(
                container, part.inlines, style if first else CONTINUE_STYLES[level]
            )
            if first and block.ordered:
                # Each numbered list starts again at its own start number.
                num_id = num_id or restart_numbering(paragraph, style, block.start)
                _set_num(paragraph, num_id)
            first = False
            out.append(paragraph)
    return out


def restart_numbering(paragraph: WordParagraph, style_name: str, start: int) -> int:
    """Add a numbering instance of a list style that starts at `start`; return its numId."""
    document_part = paragraph.part
    if not isinstance(document_part, DocumentPart):
        raise ValueError("numbered lists belong in the document body, not a header or footer")
    numbering = document_part.numbering_part.element
    style = document_part.document.styles[style_name]
    style_num = int(style.element.pPr.numPr.numId.val)
    abstract_id = int(numbering.num_having_numId(style_num).abstractNumId.val)
    num = numbering.add_num(abstract_id)
    override = num.add_lvlOverride(ilvl=0)
    override.add_startOverride(start)
    return int(num.numId)


def _set_num(paragraph: WordParagraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id
