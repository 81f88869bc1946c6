"""The Jinja filters the theme templates use, in the PDF and on the web diff page.

Every filter escapes the user text it is given and builds only fixed tags, so a
template never hands user text to a Markdown or HTML renderer. One table (FILTERS)
serves both the worker's theme environment and the web app, so a comparison macro the
diff page includes reads the same as in the comparison PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from core import richtext
from core.richtext import Block, Inline, LineBreak, ListBlock, Paragraph, Span

_TAGS = {"insert": "ins", "delete": "del"}
# Text in the mark, not CSS generated content: WeasyPrint lays out two more boxes for
# each ::before/::after, which made a redline of many small edits print twice as slowly.
_BRACKETS = {"ins": "[+", "del": "[−"}
_CSS_PLAIN = re.compile(r"[A-Za-z0-9 ]")


def rich_html(blocks: Sequence[Block]) -> Markup:
    """Render parsed rich text (core.richtext blocks) as HTML paragraphs and lists, escaped."""
    # Safe: _block escapes every text and builds only fixed tags.
    return Markup("".join(_block(block) for block in blocks))  # noqa: S704


def redline_html(ops: Iterable[Mapping[str, Any]], bracketed: bool = True) -> Markup:
    """Render word ops ({op, text}) as escaped text with `<ins>`/`<del>` marks.

    Each mark holds its own brackets, "[+…]" and "[−…]", so the change reads without
    colour (`bracketed=False` leaves them out where a whole part is added or removed).
    Whitespace stays outside the marks, so the brackets hug the words, and a change of
    whitespace alone is not shown at all.
    """
    out: list[str] = []
    for op in ops:
        text = str(op["text"])
        tag = _TAGS.get(str(op["op"]))
        if tag is None:
            out.append(str(escape(text)))
            continue
        core = text.strip()
        if not core:
            # Deleted whitespace reads as nothing; inserted whitespace still separates words.
            out.append(" " if tag == "ins" else "")
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        shown = f"{_BRACKETS[tag]}{escape(core)}]" if bracketed else str(escape(core))
        out.append(f"{_space(lead)}<{tag}>{shown}</{tag}>{_space(trail)}")
    return Markup("".join(out))  # noqa: S704  # every text above is escaped


def value_text(value: Any, names: Mapping[str, str] | None = None) -> str:
    """Show a plain field value (a date, a state, a list of ids) as one line of text."""
    if value is None:
        return "–"
    names = names or {}
    if isinstance(value, list | tuple):
        return ", ".join(names.get(str(v), str(v)) for v in value) or "–"
    return names.get(str(value), str(value))


def css_string(value: str) -> Markup:
    """Quote text as a CSS string, escaping everything but letters, digits and spaces."""
    # Hex escapes of six digits need no terminating space and cannot close the string,
    # the rule or the <style> element, whatever the text holds.
    body = "".join(c if _CSS_PLAIN.match(c) else f"\\{ord(c):06x}" for c in value)
    return Markup(f'"{body}"')  # noqa: S704  # every character but [A-Za-z0-9 ] is escaped


# The filters by the name the templates call them.
FILTERS: dict[str, Callable[..., Any]] = {
    "rich": rich_html,
    "redline": redline_html,
    "value": value_text,
    "css_string": css_string,
}


def _space(text: str) -> str:
    return " " if text else ""


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inlines(block.inlines)}</p>"
    return _list(block)


def _list(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"
    start = ""
    if block.ordered and block.start != 1:
        first = int(block.start)
        # WeasyPrint ignores `start`; the counter reset numbers the items alike everywhere.
        start = f' start="{first}" style="counter-reset: list-item {first - 1}"'
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
