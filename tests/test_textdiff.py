"""Word and paragraph diffs: whole words, whitespace-tolerant, and exact to apply."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.paragraphdiff import diff_paragraphs
from core.textdiff import Op, apply_ops, count_words, diff_text, tokenise
from tests.diff_oracles import apply_paragraph_ops, revert_ops

PIECES = ["og", "i", "Det", "liv", "ven", "12.000", "7.000", "2018-03-02", "æble", "–"]
PIECES += [" ", " ", "  ", "\n", "\t", ".", ",", ":", "-", "(", ")"]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(alphabet="ab æ.,-:1\n", max_size=40),
)
paragraph_lists = st.lists(
    st.lists(st.sampled_from(["Et godt liv", "og venner", "12.000 årsværk", "Vi lærer", "."]))
    .map(" ".join)
    .filter(bool),
    max_size=8,
)


def shown(ops: tuple[Op, ...]) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[op.op].format(op.text) for op in ops)


def test_tokeniser_keeps_numbers_dates_and_words_whole() -> None:
    assert tokenise("cirka 12.000 årsværk, 2018-03-02.") == [
        "cirka",
        " ",
        "12.000",
        " ",
        "årsværk",
        ",",
        " ",
        "2018-03-02",
        ".",
    ]


def test_a_changed_number_is_one_replacement() -> None:
    ops = diff_text("cirka 7.000 årsværk", "cirka 12.000 årsværk")
    assert shown(ops) == "cirka [-7.000 -]{+12.000 +}årsværk"


def test_a_rewritten_phrase_reads_as_one_replacement() -> None:
    ops = diff_text(
        "om at have nære relationer til familie og venner.",
        "om relationer, der giver styrke.",
    )
    assert shown(ops) == (
        "om [-at have nære relationer til familie og venner-]{+relationer, der giver styrke+}."
    )


def test_reflowed_whitespace_is_not_a_change() -> None:
    old, new = "Et godt liv\nhandler om  mere", "Et godt liv handler om mere"
    ops = diff_text(old, new)
    assert {op.op for op in ops} == {"equal"}
    assert apply_ops(old, ops) == new
    assert revert_ops(ops) == old


def test_apply_ops_refuses_ops_of_another_text() -> None:
    ops = diff_text("a b c", "a c")
    with pytest.raises(ValueError):
        apply_ops("a x c", ops)


def test_count_words_ignores_punctuation() -> None:
    assert count_words("Alle skal have en ven – 12.000!") == 6


def test_a_removed_paragraph_is_removed_whole() -> None:
    old = [
        "Socialforvaltningen har cirka 7.000 årsværk fordelt på mere end 300 enheder.",
        "Vi vil være en organisation, hvor medarbejderne trives og lærer af fejl.",
    ]
    new = ["Vi vil være en organisation, hvor medarbejderne trives og lærer af fejl sammen."]
    ops = diff_paragraphs(old, new)
    assert [op.op for op in ops] == ["delete", "change"]
    assert ops[0].old == old[0]
    assert apply_paragraph_ops(old, ops) == new


def test_unrelated_paragraphs_are_deleted_and_inserted() -> None:
    ops = diff_paragraphs(["Helt andre ord her i dag"], ["Intet tilfælles med det gamle"])
    assert [op.op for op in ops] == ["delete", "insert"]


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_ops_rebuild_both_texts_exactly(old: str, new: str) -> None:
    ops = diff_text(old, new)
    assert apply_ops(old, ops) == new
    assert revert_ops(ops) == old


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_ops_never_split_a_token(old: str, new: str) -> None:
    bounds, pos = {0}, 0
    for token in tokenise(new):
        pos += len(token)
        bounds.add(pos)
    pos = 0
    for op in diff_text(old, new):
        if op.op != "delete":
            pos += len(op.text)
            assert pos in bounds


@settings(max_examples=100, deadline=None)
@given(texts)
def test_a_text_against_itself_is_all_equal(text: str) -> None:
    assert all(op.op == "equal" for op in diff_text(text, text))


@settings(max_examples=200, deadline=None)
@given(paragraph_lists, paragraph_lists)
def test_paragraph_ops_rebuild_the_new_paragraphs(old: list[str], new: list[str]) -> None:
    assert apply_paragraph_ops(old, diff_paragraphs(old, new)) == new
