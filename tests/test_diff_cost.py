"""The diff's cost is bounded: hostile texts take the coarse path and the diff stays exact.

Work is counted, not timed: every Python line executed while `compare()` runs (difflib
is pure Python, so its inner loops count too). A diff that ran away would pass the
limit and be stopped there, so these tests fail fast instead of hanging.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.alignment import COMPARE_BUDGET, WorkBudget, align, work_budget
from core.content import Strategy, validate
from core.diff import Comparison, compare
from core.textdiff import apply_ops, diff_text
from tests.diff_oracles import apply_paragraph_ops, revert_ops

T = TypeVar("T")


class TooMuchWork(Exception):
    """The counted code ran more lines than the test allows."""


def lines_run(limit: int, call: Callable[[], T]) -> tuple[int, T]:
    """Run call() and return the Python lines it executed; raise TooMuchWork past limit."""
    count = 0

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
            if count > limit:
                raise TooMuchWork(f"more than {limit} lines")
        return on_line

    before = sys.gettrace()
    sys.settrace(on_line)
    try:
        result = call()
    finally:
        sys.settrace(before)
    return count, result


def hostile_pair(
    udkast2: Strategy, bodies: dict[int, tuple[str, str]]
) -> tuple[Strategy, Strategy]:
    """Two drafts of the reference that differ in the bodies of the given visions."""
    old, new = udkast2.to_data(), udkast2.to_data()
    for index, (before, after) in bodies.items():
        old["visions"][index]["body"], new["visions"][index]["body"] = before, after
    return validate(old), validate(new)


def two_letter_text(seed: int, words: int) -> str:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    return " ".join(rng.choice("ab") for _ in range(words))


def assert_exact(result: Comparison) -> None:
    """Every changed body's ops rebuild the new paragraphs from the old ones."""
    from core import richtext

    for change in result.parts:
        for f in change.fields:
            if f.type == "rich":
                olds = richtext.paragraphs(richtext.parse(f.old)) if f.old else []
                news = richtext.paragraphs(richtext.parse(f.new)) if f.new else []
                assert apply_paragraph_ops(olds, f.paragraphs) == news


# Linear work (splitting into words and paragraphs, building ops) runs about 10
# lines a word and 150 a paragraph here, and a unit of the budget about 5 lines of
# difflib; the bounds allow about twice the first two and a little more than the
# third. Unbounded matching of the same texts runs hundreds of millions of lines.
LINES_PER_WORD = 20
LINES_PER_PARAGRAPH = 300
LINES_PER_UNIT = 6
LINES_FIXED = 200_000


def bounded_compare(
    old: Strategy, new: Strategy, words: int, paragraphs: int = 2
) -> tuple[Comparison, WorkBudget]:
    """compare() with its work counted; fail if it passes linear work plus what it charged."""
    linear = LINES_FIXED + LINES_PER_WORD * words + LINES_PER_PARAGRAPH * paragraphs
    with work_budget() as budget:
        lines, result = lines_run(
            linear + LINES_PER_UNIT * COMPARE_BUDGET, lambda: compare(old, new)
        )
    assert budget.spent <= COMPARE_BUDGET
    assert lines <= linear + LINES_PER_UNIT * budget.spent
    assert_exact(result)
    return result, budget


def test_a_long_repeated_word_plus_one_is_one_inserted_word(udkast2: Strategy) -> None:
    # The attack of issue 8: 13-29 s in a web request before the bound.
    old, new = hostile_pair(udkast2, {0: ("a " * 12000, "a " * 12000 + " b")})
    result, _ = bounded_compare(old, new, 24_000)
    body = next(f for f in result.parts[0].fields if f.name == "body")
    assert (body.words_added, body.words_removed) == (1, 0)
    [change] = [p for p in body.paragraphs if p.op == "change"]
    assert [op.text.strip() for op in change.ops if op.op == "insert"] == ["b"]


def test_random_two_letter_texts_stay_within_the_bound_and_exact(udkast2: Strategy) -> None:
    before, after = two_letter_text(1, 20_000), two_letter_text(2, 20_000)
    old, new = hostile_pair(udkast2, {0: (before, after)})
    bounded_compare(old, new, 40_000)
    ops = lines_run(LINES_FIXED + LINES_PER_WORD * 40_000, lambda: diff_text(before, after))[1]
    assert apply_ops(before, ops) == after and revert_ops(ops) == before


def test_twice_the_hostile_text_is_at_most_about_twice_the_work(udkast2: Strategy) -> None:
    def work(words: int) -> int:
        before, after = two_letter_text(3, words), two_letter_text(4, words) + " c"
        old, new = hostile_pair(udkast2, {0: (before, after)})
        return lines_run(10 * LINES_FIXED, lambda: compare(old, new))[0]

    small, large = work(6_000), work(12_000)
    assert large <= 2.5 * small


def test_repeated_paragraphs_and_list_items_stay_within_the_bound(udkast2: Strategy) -> None:
    pairs = {
        0: ("a\n\n" * 1000, "a\n\n" * 500 + "b\n\n" + "a\n\n" * 499),
        1: ("- a\n- b\n" * 500, "- b\n- a\n" * 500),
        2: (
            two_letter_text(5, 999).replace(" ", "\n\n"),
            two_letter_text(6, 999).replace(" ", "\n\n"),
        ),
    }
    old, new = hostile_pair(udkast2, pairs)
    result, _ = bounded_compare(old, new, 6_000, paragraphs=6_000)
    first = next(f for f in result.parts[0].fields if f.name == "body")
    assert [p.op for p in first.paragraphs if p.op != "equal"] == ["delete", "insert"]


def test_one_budget_bounds_every_field_of_a_comparison() -> None:
    """Real text that difflib can afford, given less budget: coarser, exact, and capped."""
    from bench.diff_bench import drafts

    old, new = drafts("M")
    with work_budget() as ample:
        compare(old, new)
    assert ample.fallbacks == 0  # ordinary drafts never take the coarse path
    small = ample.spent // 4
    with work_budget(small) as budget:
        result = compare(old, new)
    assert 0 < budget.spent <= small and budget.fallbacks >= 1
    assert_exact(result)
    for change in result.parts:
        for f in change.fields:
            if f.type == "text":
                assert apply_ops(f.old or "", f.ops) == (f.new or "")


# --- align() itself: any budget, down to none, gives an exact alignment -----------------

items = st.lists(st.sampled_from("abcde"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(items, items, st.integers(0, 3_000), st.booleans())
def test_align_is_exact_on_any_budget(a: list[str], b: list[str], units: int, junk: bool) -> None:
    with work_budget(units):
        codes = align(a, b, autojunk=junk)
    i = j = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))


def test_with_no_budget_left_the_common_ends_still_match() -> None:
    a, b = list("xyzaabbxyz"), list("xyzbbaaxyz")
    with work_budget(0) as budget:
        codes = align(a, b)
    assert codes == [("equal", 0, 3, 0, 3), ("replace", 3, 7, 3, 7), ("equal", 7, 10, 7, 10)]
    assert budget.fallbacks == 1


@pytest.mark.parametrize("units", [0, 50])
def test_a_unique_word_anchors_the_coarse_alignment(units: int) -> None:
    a = ["a", "b"] * 50 + ["anchor"] + ["a", "b"] * 50
    b = ["b", "a"] * 50 + ["anchor"] + ["b", "a"] * 50
    with work_budget(units):
        codes = align(a, b)
    assert ("equal", 100, 101, 100, 101) in codes or any(
        tag == "equal" and i1 <= 100 < i2 for tag, i1, i2, _, _ in codes
    )
