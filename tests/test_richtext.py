"""The rich-text subset: what is interpreted, what stays literal, and that nothing crashes."""

from __future__ import annotations

import contextlib
import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.content import validate
from core.errors import InvalidContent
from core.richtext import (
    MAX_FORMAT_CHANGES,
    MAX_FORMATTED_RUNS,
    MAX_LIST_DEPTH,
    Block,
    LineBreak,
    ListBlock,
    Paragraph,
    RichTextError,
    Span,
    paragraphs,
    parse,
    plain_text,
)
from tests.test_content import BASE


def one_paragraph(text: str) -> tuple[Span | LineBreak, ...]:
    [block] = parse(text)
    assert isinstance(block, Paragraph)
    return block.inlines


def literal(text: str) -> None:
    """Assert that `text` comes back as one plain span holding exactly what was typed."""
    assert one_paragraph(text) == (Span(text),)


def nested_list(depth: int) -> str:
    return "".join("  " * level + "- punkt\n" for level in range(depth))


def list_depth(blocks: tuple[Block, ...]) -> int:
    return max(
        (1 + max(list_depth(item) for item in b.items) for b in blocks if isinstance(b, ListBlock)),
        default=0,
    )


def test_paragraphs() -> None:
    blocks = parse("Første afsnit\nfortsætter.\n\nAndet afsnit.")
    assert blocks == (
        Paragraph((Span("Første afsnit fortsætter."),)),
        Paragraph((Span("Andet afsnit."),)),
    )
    assert paragraphs(blocks) == ["Første afsnit fortsætter.", "Andet afsnit."]


def test_empty_text_has_no_blocks() -> None:
    assert parse("") == ()
    assert parse("  \n\n ") == ()


def test_strong_and_emphasis() -> None:
    assert one_paragraph("a **b** *c* _d_") == (
        Span("a "),
        Span("b", strong=True),
        Span(" "),
        Span("c", emphasis=True),
        Span(" "),
        Span("d", emphasis=True),
    )


def test_emphasis_nested_inside_strong() -> None:
    assert one_paragraph("**én *fælles* strategi**") == (
        Span("én ", strong=True),
        Span("fælles", strong=True, emphasis=True),
        Span(" strategi", strong=True),
    )


def test_bullet_list() -> None:
    assert parse("- a\n- **b**") == (
        ListBlock(
            ordered=False,
            items=((Paragraph((Span("a"),)),), (Paragraph((Span("b", strong=True),)),)),
        ),
    )


def test_numbered_list_keeps_its_start() -> None:
    [block] = parse("3. tre\n4. fire")
    assert isinstance(block, ListBlock)
    assert (block.ordered, block.start, len(block.items)) == (True, 3, 2)
    assert plain_text((block,)) == "tre\nfire"


def test_numbered_list_starts_at_one_by_default() -> None:
    [block] = parse("1. en\n1. to")
    assert isinstance(block, ListBlock)
    assert block.start == 1


def test_nested_lists() -> None:
    [outer] = parse("- a\n  1. b\n  2. c\n- d")
    assert isinstance(outer, ListBlock)
    first, second = outer.items
    assert first[0] == Paragraph((Span("a"),))
    inner = first[1]
    assert isinstance(inner, ListBlock)
    assert inner.ordered
    assert [plain_text(item) for item in inner.items] == ["b", "c"]
    assert second == (Paragraph((Span("d"),)),)


@pytest.mark.parametrize(
    "href", ["https://www.kk.dk/socialstrategi", "http://example.org/a", "mailto:sof@kk.dk"]
)
def test_safe_links_become_hrefs(href: str) -> None:
    assert one_paragraph(f"se [strategien]({href}) her") == (
        Span("se "),
        Span("strategien", href=href),
        Span(" her"),
    )


def test_formatting_inside_a_link() -> None:
    assert one_paragraph("[**vigtig** side](https://x.dk)") == (
        Span("vigtig", strong=True, href="https://x.dk"),
        Span(" side", href="https://x.dk"),
    )


@pytest.mark.parametrize(
    "text",
    [
        "[klik](javascript:alert(1))",
        "[klik](JavaScript:alert(1))",
        "[klik](jav&#x09;ascript:alert(1))",
        "[passwd](file:///etc/passwd)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](ftp://example.org/)",
        "[x](/relative/path)",
    ],
)
def test_unsafe_links_stay_literal(text: str) -> None:
    literal(text)


@pytest.mark.parametrize(
    "text",
    [
        "<b>x</b>",
        "<script>alert(1)</script>",
        '<img src="http://127.0.0.1:9/x.png">',
        "<https://example.org>",
        "&amp; &#60;b&#62;",
        "# Overskrift",
        "## Underoverskrift",
        "> et citat",
        "`kode`",
        "https://example.org/ står som tekst",
    ],
)
def test_outside_the_subset_stays_literal(text: str) -> None:
    literal(text)


def test_images_stay_literal_text() -> None:
    literal("![alt](http://x/y.png)")
    literal('![alt](http://x/y.png "titel")')
    assert one_paragraph("før ![](http://127.0.0.1:9/) efter") == (
        Span("før ![](http://127.0.0.1:9/) efter"),
    )


def test_fenced_code_stays_literal_text() -> None:
    [block] = parse("```python\nimport os\n```")
    assert isinstance(block, Paragraph)
    assert block.text == "```python import os ```"


def test_html_block_stays_literal_text() -> None:
    [block] = parse("<div>\n<iframe src=http://x></iframe>\n</div>")
    assert isinstance(block, Paragraph)
    assert block.text == "<div> <iframe src=http://x></iframe> </div>"


def test_soft_break_is_a_space() -> None:
    assert one_paragraph("en\nto") == (Span("en to"),)


@pytest.mark.parametrize("text", ["en  \nto", "en\\\nto"])
def test_hard_break_is_a_line_break(text: str) -> None:
    inlines = one_paragraph(text)
    assert inlines == (Span("en"), LineBreak(), Span("to"))
    assert Paragraph(inlines).text == "en\nto"


def test_list_depth_up_to_the_cap() -> None:
    assert list_depth(parse(nested_list(MAX_LIST_DEPTH))) == MAX_LIST_DEPTH


@pytest.mark.parametrize(
    "text",
    [nested_list(MAX_LIST_DEPTH + 1), nested_list(500), "- " * (MAX_LIST_DEPTH + 1) + "x"],
)
def test_list_depth_over_the_cap_raises(text: str) -> None:
    with pytest.raises(RichTextError, match=f"more than {MAX_LIST_DEPTH} levels"):
        parse(text)


def test_too_deep_list_is_reported_by_validate_with_its_path() -> None:
    data = copy.deepcopy(BASE)
    data["foreword"] = nested_list(MAX_LIST_DEPTH + 1)
    data["sections"] = [{"id": "baggrund", "title": "Baggrund", "body": nested_list(50)}]
    with pytest.raises(InvalidContent) as info:
        validate(data)
    assert [p.path for p in info.value.problems] == ["foreword", "sections[0].body"]
    assert all("nested" in p.message for p in info.value.problems)


def glued_word(changes: int) -> str:
    """Return one word whose formatting changes `changes` times: "*a*b*a*b…"."""
    return "".join("*a*" if n % 2 == 0 else "b" for n in range(changes + 1))


def test_formatting_changes_in_a_word_up_to_the_cap() -> None:
    assert len(one_paragraph(glued_word(MAX_FORMAT_CHANGES))) == MAX_FORMAT_CHANGES + 1


def test_formatted_runs_in_a_field_up_to_the_cap() -> None:
    inlines = one_paragraph("*a* " * MAX_FORMATTED_RUNS)
    assert sum(1 for i in inlines if isinstance(i, Span) and i.emphasis) == MAX_FORMATTED_RUNS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (glued_word(MAX_FORMAT_CHANGES + 1), "inside one word"),
        ("*a" * 6_000, "inside one word"),
        ("**a** " * (MAX_FORMATTED_RUNS + 1), f"more than {MAX_FORMATTED_RUNS} emphasised"),
        ("- [a](http://b) x\n" * (MAX_FORMATTED_RUNS + 1), "linked passages"),
    ],
)
def test_text_too_densely_formatted_to_lay_out_raises(text: str, message: str) -> None:
    with pytest.raises(RichTextError, match=message):
        parse(text)


def test_dense_emphasis_is_reported_by_validate_with_its_path() -> None:
    # 20,000 alternating `*a` (40 KB, inside the length limit) once kept the PDF worker busy
    # for minutes; it is refused up front, where the author can see which field to fix.
    # (6,000 stays under the cap on emphasis characters, so the word rule is what refuses.)
    data = copy.deepcopy(BASE)
    data["visions"][1]["body"] = "*a" * 6_000
    with pytest.raises(InvalidContent) as info:
        validate(data)
    [problem] = info.value.problems
    assert problem.path == "visions[1].body"
    assert "inside one word" in problem.message


@pytest.mark.parametrize(
    "text", [">" * 5000 + " x", "*" * 10_000 + "x" + "*" * 10_000, "[" * 10_000, "**a " * 5000]
)
def test_pathological_input_is_handled(text: str) -> None:
    # Handled: blocks, or the one error validation turns into a problem with its path.
    try:
        assert isinstance(parse(text), tuple)
    except RichTextError as exc:
        assert "at most" in str(exc)


# --- properties -----------------------------------------------------------------------

# Letters, digits and spaces only: nothing Markdown could read as syntax, and nothing the
# parser normalises (NUL, CR).
PLAIN = st.text(
    st.characters(categories=["L", "N", "Zs"], exclude_characters="\x00") | st.just("\n"),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parse_raises_only_rich_text_error(text: str) -> None:
    try:
        blocks = parse(text)
    except RichTextError as exc:
        assert str(exc), "a refusal says what is wrong"
    else:
        assert isinstance(plain_text(blocks), str)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["*", "**", "_", "- ", "1. ", "\n", "  ", "[a](http://b)", "`", "> ", "x"]),
        max_size=40,
    ).map("".join)
)
def test_parse_raises_only_rich_text_error_on_markdown_soup(text: str) -> None:
    with contextlib.suppress(RichTextError):
        parse(text)


@settings(max_examples=300, deadline=None)
@given(PLAIN)
def test_plain_text_survives(text: str) -> None:
    # Digits followed by "." or ")" would start a numbered list, and those are excluded.
    kept = plain_text(parse(text))
    assert "".join(text.split()) == "".join(kept.split())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_parse_is_deterministic(text: str) -> None:
    parse.cache_clear()
    try:
        first = parse(text)
    except RichTextError:
        with pytest.raises(RichTextError):
            parse(text)
        return
    parse.cache_clear()
    assert parse(text) == first
