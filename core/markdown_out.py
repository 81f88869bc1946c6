"""Rich-text blocks written back as the Markdown subset that `core.richtext.parse` reads.

A text that comes back from Word arrives as blocks (paragraphs, runs, lists, links);
the content format stores Markdown. Written here, `parse(to_markdown(blocks))` gives the
same blocks: every character that Markdown would read as markup is escaped, and
emphasis is closed before a space, as CommonMark wants it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.richtext import (
    Block,
    Inline,
    LineBreak,
    ListBlock,
    Paragraph,
    RichTextError,
    Span,
    parse,
)

# Characters that can start or end markup anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>!&])")
# What reads as a block at the start of a line: a heading, quote, list item, rule, fence.
_LINE_START = re.compile(r"^(\s*)([#>+\-=|~]|\d+[.)])")


def to_markdown(blocks: Sequence[Block]) -> str:
    """Return Markdown that `core.richtext.parse` reads back as these blocks."""
    return _blocks(blocks, "")


def _blocks(blocks: Sequence[Block], indent: str, between: str = "\n\n") -> str:
    out = []
    previous: Block | None = None
    other = False
    for block in blocks:
        # Two lists in a row stay two lists only if their markers differ (CommonMark):
        # "-" then "*", "1." then "1)".
        same_kind = (
            isinstance(previous, ListBlock)
            and isinstance(block, ListBlock)
            and previous.ordered == block.ordered
        )
        other = not other if same_kind else False
        out.append(_block(block, indent, other))
        previous = block
    return between.join(out)


def _block(block: Block, indent: str, other: bool = False) -> str:
    if isinstance(block, Paragraph):
        return _paragraph(block.inlines, indent)
    # A paragraph after another block of its item needs blank lines around the items
    # (a loose list); else the list is written tight, as people write it.
    loose = any(isinstance(part, Paragraph) for item in block.items for part in item[1:])
    lines = []
    for number, item in enumerate(block.items, start=block.start):
        bullet = "*" if other else "-"
        marker = f"{number}{')' if other else '.'}" if block.ordered else bullet
        inner = indent + " " * (len(marker) + 1)  # an item's blocks sit under its text
        body = _blocks(item, inner, "\n\n" if loose else "\n")
        lines.append((indent + marker + " " + body[len(inner) :]).rstrip())
    return ("\n\n" if loose else "\n").join(lines)


# Delimiters to try, in order: where formatting changes inside a word next to
# punctuation, CommonMark reads one pair and not another ("**\\_***a*" vs "**\\_**_a_").
_MARKS = (("**", "*"), ("**", "_"), ("__", "*"), ("__", "_"))
# Nested keeps a mark open across a change ("**a *b***"); flat closes all and reopens
# ("*a*___b___"), which CommonMark reads where nesting is ambiguous.
_STYLES = tuple((marks, flat) for flat in (False, True) for marks in _MARKS)


def _paragraph(inlines: Sequence[Inline], indent: str) -> str:
    wanted = _visible(inlines)
    tried = [_written(inlines, marks, flat) for marks, flat in _STYLES]
    # The first that reads back exactly; if none does (formatting that CommonMark cannot
    # express, which is rare), the first: the text is whole, a passage loses formatting.
    written = next((w for w in tried if _reads_as(w, wanted)), tried[0])
    return "\n".join(indent + line for line in written.split("\n"))


def _written(inlines: Sequence[Inline], marks: tuple[str, str], flat: bool) -> str:
    text = _inlines(inlines, marks, flat)
    return "\n".join(_guard_line_start(line) for line in text.split("\n"))


def same_blocks(a: Sequence[Block], b: Sequence[Block]) -> bool:
    """Tell whether two texts show the same: characters, formatting, paragraphs, lists."""
    return _shape(a) == _shape(b)


def _shape(blocks: Sequence[Block]) -> list[object]:
    shape: list[object] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            shape.append(_visible(block.inlines))
        else:
            items = tuple(tuple(_shape(item)) for item in block.items)
            shape.append((block.ordered, block.start, items))
    return shape


def _reads_as(written: str, wanted: tuple[tuple[str, object], ...]) -> bool:
    try:
        blocks = parse(written)
    except RichTextError:
        return False
    if len(blocks) != 1 or not isinstance(blocks[0], Paragraph):
        return not wanted and not blocks
    return _visible(blocks[0].inlines) == wanted


def _visible(inlines: Sequence[Inline]) -> tuple[tuple[str, object], ...]:
    """Return each character with its formatting; spaces have none a reader can see."""
    chars: list[tuple[str, object]] = []
    for inline in inlines:
        if isinstance(inline, LineBreak):
            chars.append(("\n", None))
            continue
        for char in inline.text.replace("\n", " "):
            look = None if char.isspace() else (inline.strong, inline.emphasis, inline.href)
            chars.append((char, look))
    while chars and chars[0][0] == " ":  # a paragraph's edges hold no spaces
        chars.pop(0)
    while chars and chars[-1][0] == " ":
        chars.pop()
    return tuple(chars)


def _inlines(inlines: Sequence[Inline], marks: tuple[str, str], flat: bool) -> str:
    """Write runs as text with as few delimiters as their formatting needs.

    Runs with the same link are one link; inside it, `**` and `*` open when a run gains
    strong or emphasis and close when it loses it, nested as they were opened. Spaces
    carry no formatting a reader sees, so a delimiter is closed before them and opened
    after them, where CommonMark reads it.
    """
    out: list[str] = []
    groups: list[tuple[str | None, list[Inline]]] = []
    for inline in inlines:
        href = inline.href if isinstance(inline, Span) else None
        if groups and groups[-1][0] == href:
            groups[-1][1].append(inline)
        else:
            groups.append((href, [inline]))
    for href, members in groups:
        body = _emphasised(members, marks, flat)
        if href is None:
            out.append(body)
            continue
        inner = body.strip()
        lead = body[: len(body) - len(body.lstrip())]
        trail = body[len(body.rstrip()) :] if inner else ""
        link = f"[{inner}](<{href.replace('>', '%3E')}>)" if inner else ""
        out.append(lead + link + trail)
    return "".join(out)


def _emphasised(inlines: Sequence[Inline], marks: tuple[str, str], flat: bool) -> str:
    out: list[str] = []
    open_marks: list[str] = []  # "**" and "*", innermost last
    pending = ""  # spaces not yet written: delimiters close before them, open after them
    for inline in inlines:
        if isinstance(inline, LineBreak):
            _close(out, open_marks, len(open_marks))
            out.append(pending + "\\\n")
            pending = ""
            continue
        for piece in re.split(r"(\s+)", _escape(inline.text)):
            if not piece:
                continue
            if piece.isspace():
                pending += piece
                continue
            wanted = [
                m for m, on in zip(marks, (inline.strong, inline.emphasis), strict=True) if on
            ]
            # Close from the innermost out down to the first mark no longer wanted.
            keep = 0
            while keep < len(open_marks) and open_marks[keep] in wanted:
                keep += 1
            if flat and open_marks != wanted:
                keep = 0
            _close(out, open_marks, len(open_marks) - keep)
            out.append(pending)
            pending = ""
            for mark in wanted:
                if mark not in open_marks:
                    open_marks.append(mark)
                    out.append(mark)
            out.append(piece)
    _close(out, open_marks, len(open_marks))
    out.append(pending)
    return "".join(out)


def _close(out: list[str], open_marks: list[str], count: int) -> None:
    for _ in range(count):
        out.append(open_marks.pop())


def _escape(text: str) -> str:
    return _INLINE_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def _guard_line_start(line: str) -> str:
    """Escape what would make a line a heading, quote or list item instead of text."""
    found = _LINE_START.match(line)
    if found is None:
        return line
    start = found.end(1)
    marker = found.group(2)
    if marker[0].isdigit():
        return line[:start] + marker[:-1] + "\\" + line[start + len(marker) - 1 :]
    return line[:start] + "\\" + line[start:]
