"""Rich text written back as Markdown reads as the same text and formatting.

What comes back from Word arrives as blocks; the content stores Markdown. Generated
Markdown (with every character the subset treats as markup) is parsed, written back and
parsed again: the text and what is bold, italic or linked must be the same. Spaces carry
no formatting a reader sees, so they are compared as plain.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.markdown_out import to_markdown
from core.richtext import LineBreak, ListBlock, Paragraph, RichTextError, Span, parse

PIECES = st.sampled_from(
    [
        *"abcæø  *_[]()#-+>1.!`\\<&~|=\n",
        *("**", "***", "_a_", "\\*", "`c`", "<b>", "&amp;", "- ", "1. ", "2) ", "\n\n"),
        *("[a](https://x.dk)", "[**b** c](mailto:a@b.dk)", "  \n", "  - ", "    ", "\t"),
    ]
)


def visible(blocks):
    """Return the blocks as characters with their formatting (spaces: none)."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            chars = []
            for inline in block.inlines:
                if isinstance(inline, LineBreak):
                    chars.append(("\n", None))
                    continue
                for c in inline.text:
                    look = None if c.isspace() else (inline.strong, inline.emphasis, inline.href)
                    chars.append((c, look))
            out.append(("paragraph", tuple(chars)))
        else:
            items = tuple(tuple(visible(item)) for item in block.items)
            out.append(("list", block.ordered, block.start, items))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=25).map("".join))
def test_markdown_written_back_reads_as_the_same_text_and_formatting(source):
    try:
        blocks = parse(source)
    except RichTextError:
        return  # over a cap: refused at validation, never stored
    assert visible(parse(to_markdown(blocks))) == visible(blocks), to_markdown(blocks)


def test_the_markdown_is_what_a_person_would_write():
    blocks = (
        Paragraph(
            (
                Span("Vi vil "),
                Span("styrke", strong=True),
                Span(" borgernes "),
                Span("nære", emphasis=True),
                Span(" relationer."),
            ),
        ),
        ListBlock(ordered=False, items=((Paragraph((Span("én"),)),), (Paragraph((Span("to"),)),))),
        Paragraph(
            (Span("Se "), Span("planen", href="https://kk.dk/plan"), Span(" (2018*).")),
        ),
        ListBlock(ordered=True, items=((Paragraph((Span("først"),)),),), start=3),
    )
    assert to_markdown(blocks) == (
        "Vi vil **styrke** borgernes *nære* relationer.\n\n"
        "- én\n- to\n\n"
        "Se [planen](<https://kk.dk/plan>) (2018\\*).\n\n"
        "3. først"
    )
    assert visible(parse(to_markdown(blocks))) == visible(blocks)


def test_text_that_looks_like_markup_stays_text():
    for text in ("# ikke en overskrift", "1. ikke en liste", "- heller ikke", "> ej citat"):
        blocks = (Paragraph((Span(text),)),)
        assert parse(to_markdown(blocks)) == blocks, to_markdown(blocks)
