"""The rich-text subset (paragraphs, emphasis, strong, lists, links) as neutral blocks.

Both renderers walk the blocks returned by `parse`, so DOCX and PDF show the same
thing. Anything outside the subset (raw HTML, images, headings, code, quotes) is
kept as the literal text the author typed, and nothing here ever fetches a URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from core.errors import CodedValueError

MAX_LIST_DEPTH = 5
# The PDF engine spends about half a millisecond on every formatted run, and on a word
# made of many runs it spends time growing with the square of their number (20,000
# alternating `*a` took minutes). No real text comes near these caps, so text over them
# is refused when it is validated rather than left to run into the worker's time limit.
MAX_FORMAT_CHANGES = 30  # within one word
MAX_FORMATTED_RUNS = 2_000  # emphasised, strong or linked runs in one field
# The Markdown parser itself is linear, but each `[` costs it about 20 µs and each `*` or `_`
# about 8 µs (ordinary text: under 1 µs a character), so 2 MiB of `![` took 33 s to
# validate. These caps are counted before parsing and stay above what MAX_FORMATTED_RUNS
# allows (one `[` a link, six `*` a strong and emphasised passage), so they refuse only text that no
# author writes, and keep the parse of a whole document within a few seconds.
MAX_BRACKETS = 2_500  # `[` in one field
MAX_DELIMITERS = 12_500  # `*` and `_` in one field
# Every paragraph and list item is a box the PDF engine lays out (about 1.5 ms and 30 KB
# each: 16,000 list items took 25 s and 480 MB). A long field is a few hundred.
MAX_BLOCKS = 1_000  # paragraphs and list items in one field
LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Span:
    """A run of text with the same formatting; `href` makes it a link."""

    text: str
    strong: bool = False
    emphasis: bool = False
    href: str | None = None


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph (two spaces or a backslash at line end)."""


Inline = Span | LineBreak


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline runs."""

    inlines: tuple[Inline, ...]

    @property
    def text(self) -> str:
        """Return the paragraph as plain text."""
        return "".join(i.text if isinstance(i, Span) else "\n" for i in self.inlines)


@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list; each item is a sequence of blocks."""

    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    start: int = 1


Block = Paragraph | ListBlock


class RichTextError(CodedValueError):
    """The text cannot be represented (for example lists nested too deeply)."""


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(LINK_SCHEMES)


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "typographer": False})
    md.enable(["list", "emphasis", "link", "image", "newline", "escape"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_MD = _make_parser()


@lru_cache(maxsize=256)  # a build parses each field once per renderer
def parse(text: str) -> tuple[Block, ...]:
    """Parse rich text into neutral blocks; raise RichTextError if it is too deep or too dense."""
    _check_markup_density(text or "")
    tokens = _MD.parse(text or "")
    blocks, _ = _blocks(tokens, 0, depth=0)
    if _formatted_runs(blocks) > MAX_FORMATTED_RUNS:
        raise RichTextError(
            f"more than {MAX_FORMATTED_RUNS} emphasised, strong or linked passages in one field",
            code="rich_runs",
            values=(("max", str(MAX_FORMATTED_RUNS)),),
        )
    if (count := block_count(blocks)) > MAX_BLOCKS:
        raise RichTextError(
            f"{count:,} paragraphs and list items in one field; at most {MAX_BLOCKS:,}",
            code="rich_blocks",
            values=(("count", str(count)), ("max", str(MAX_BLOCKS))),
        )
    return tuple(blocks)


def block_count(blocks: Sequence[Block]) -> int:
    """Return how many paragraphs and list items the blocks hold, nested ones included."""
    count = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            count += 1
        else:
            count += sum(max(1, block_count(item)) for item in block.items)
    return count


def _check_markup_density(text: str) -> None:
    """Refuse, before parsing, text with more formatting characters than any passage needs."""
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        raise RichTextError(
            f"{brackets:,} square brackets ([) in one field; at most {MAX_BRACKETS:,}",
            code="rich_brackets",
            values=(("count", str(brackets)), ("max", str(MAX_BRACKETS))),
        )
    delimiters = text.count("*") + text.count("_")
    if delimiters > MAX_DELIMITERS:
        raise RichTextError(
            f"{delimiters:,} emphasis characters (* and _) in one field; "
            f"at most {MAX_DELIMITERS:,}",
            code="rich_emphasis",
            values=(("count", str(delimiters)), ("max", str(MAX_DELIMITERS))),
        )


def plain_text(blocks: tuple[Block, ...]) -> str:
    """Return the blocks as plain text: paragraphs and list items on lines of their own."""
    return "\n\n".join(_block_text(b) for b in blocks)


def paragraphs(blocks: tuple[Block, ...]) -> list[str]:
    """Return the text of every paragraph, list items included, in reading order."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            for item in block.items:
                out.extend(paragraphs(item))
    return out


def _formatted_runs(blocks: Sequence[Block]) -> int:
    count = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            count += sum(
                1
                for i in block.inlines
                if isinstance(i, Span) and (i.strong or i.emphasis or i.href is not None)
            )
        else:
            count += sum(_formatted_runs(item) for item in block.items)
    return count


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return "\n".join(plain_text(item) for item in block.items)


def _blocks(tokens: list[Token], i: int, depth: int) -> tuple[list[Block], int]:
    """Read blocks from tokens[i:] until a closing token at this level; return them and i."""
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "paragraph_open":
            out.append(_paragraph(tokens[i + 1].children or []))
            i += 3  # paragraph_open, inline, paragraph_close
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            if depth >= MAX_LIST_DEPTH:
                raise RichTextError(
                    f"lists are nested more than {MAX_LIST_DEPTH} levels deep",
                    code="rich_list_depth",
                    values=(("max", str(MAX_LIST_DEPTH)),),
                )
            ordered = tok.type == "ordered_list_open"
            start = int(tok.attrGet("start") or 1) if ordered else 1
            items: list[tuple[Block, ...]] = []
            i += 1
            while tokens[i].type == "list_item_open":
                item, i = _blocks(tokens, i + 1, depth + 1)
                items.append(tuple(item))
                i += 1  # list_item_close
            out.append(ListBlock(ordered=ordered, items=tuple(items), start=start))
            i += 1  # list close
        elif tok.type == "inline":  # tight list items hold their inline without a paragraph
            out.append(_paragraph(tok.children or []))
            i += 1
        elif tok.type.endswith("_close"):
            return out, i
        else:
            i += 1
    return out, i


def _paragraph(children: list[Token]) -> Paragraph:
    inlines = _inlines(children)
    _check_format_changes(inlines)
    return Paragraph(tuple(inlines))


def _check_format_changes(inlines: list[Inline]) -> None:
    """Raise RichTextError if formatting changes over MAX_FORMAT_CHANGES times in a word."""
    changes = 0
    previous: Span | None = None
    for inline in inlines:
        if not isinstance(inline, Span):
            changes, previous = 0, None
            continue
        # Adjacent spans always differ in formatting (`append_span` merges the others), so
        # a span glued to the one before without a space continues the same word.
        glued = previous is not None and not previous.text[-1].isspace()
        changes = changes + 1 if glued and not inline.text[0].isspace() else 0
        if changes > MAX_FORMAT_CHANGES:
            raise RichTextError(
                f"emphasis, strong or links change more than {MAX_FORMAT_CHANGES} times "
                "inside one word; put spaces between the emphasised words",
                code="rich_format_changes",
                values=(("max", str(MAX_FORMAT_CHANGES)),),
            )
        previous = inline


def _inlines(children: list[Token]) -> list[Inline]:
    out: list[Inline] = []
    strong = emphasis = 0
    href: str | None = None
    for tok in children:
        kind = tok.type
        if kind == "text":
            append_span(out, Span(tok.content, strong > 0, emphasis > 0, href))
        elif kind == "softbreak":
            append_span(out, Span(" ", strong > 0, emphasis > 0, href))
        elif kind == "hardbreak":
            out.append(LineBreak())
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            emphasis += 1
        elif kind == "em_close":
            emphasis -= 1
        elif kind == "link_open":
            href = str(tok.attrGet("href") or "")
        elif kind == "link_close":
            href = None
        elif kind == "image":
            # Images are outside the subset: show what the author wrote, never load it.
            title = tok.attrGet("title")
            target = f"{tok.attrGet('src') or ''}" + (f' "{title}"' if title else "")
            literal = f"![{tok.content}]({target})"
            append_span(out, Span(literal, strong > 0, emphasis > 0, href))
        else:
            append_span(out, Span(tok.content, strong > 0, emphasis > 0, href))
    return out


def append_span(out: list[Inline], span: Span) -> None:
    """Append a span, merging it into the previous one when the formatting is the same."""
    if not span.text:
        return
    last = out[-1] if out else None
    if isinstance(last, Span) and (last.strong, last.emphasis, last.href) == (
        span.strong,
        span.emphasis,
        span.href,
    ):
        out[-1] = Span(last.text + span.text, span.strong, span.emphasis, span.href)
    else:
        out.append(span)
