"""Rich text as HTML: the neutral blocks of core.richtext turned into escaped elements.

User text is never handed to a Markdown or HTML renderer. Every string is escaped
here, and only the elements below are ever produced.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from core import richtext
from core.richtext import Block, Inline, LineBreak, ListBlock, Paragraph, Span


def rich_html(blocks: Sequence[Block]) -> Markup:
    """Render parsed rich text (core.richtext blocks) as HTML paragraphs and lists, escaped."""
    # Safe: _block escapes every text and builds only fixed tags.
    return Markup("".join(_block(block) for block in blocks))  # noqa: S704


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inlines(block.inlines)}</p>"
    return _list(block)


def _list(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"
    start = f' start="{int(block.start)}"' if block.ordered and block.start != 1 else ""
    items = "".join(f"<li>{''.join(_block(b) for b in item)}</li>" for item in block.items)
    return f"<{tag}{start}>{items}</{tag}>"


def _inlines(inlines: tuple[Inline, ...]) -> str:
    return "".join("<br>" if isinstance(i, LineBreak) else _span(i) for i in inlines)


def _span(span: Span) -> str:
    html = str(escape(span.text))
    if span.emphasis:
        html = f"<em>{html}</em>"
    if span.strong:
        html = f"<strong>{html}</strong>"
    # The parser keeps only http, https and mailto links; check again rather than trust.
    if span.href and span.href.strip().lower().startswith(richtext.LINK_SCHEMES):
        html = f'<a href="{escape(span.href.strip())}">{html}</a>'
    return html
