"""What one rich-text field may cost is bounded before the parser or a renderer sees it."""

from __future__ import annotations

import copy

import pytest
import yaml

from core import budget, content, richtext
from core.content import load
from core.errors import InvalidContent
from tests.conftest import example_path

BASE = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))


def problems_of(data: dict) -> dict[str, str]:
    with pytest.raises(InvalidContent) as caught:
        load(yaml.safe_dump(data, allow_unicode=True).encode())
    return {p.path: p.message for p in caught.value.problems}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("![" * (richtext.MAX_BRACKETS + 1), "square brackets"),
        ("[a" * (richtext.MAX_BRACKETS + 1), "square brackets"),
        ("*a* " * (richtext.MAX_DELIMITERS // 2 + 1), "emphasis characters"),
        ("_a " * (richtext.MAX_DELIMITERS + 1), "emphasis characters"),
        ("- a\n" * (richtext.MAX_BLOCKS + 1), "paragraphs and list items"),
        ("a\n\n" * (richtext.MAX_BLOCKS + 1), "paragraphs and list items"),
    ],
)
def test_a_field_over_a_cost_cap_is_refused_with_its_path(text, words):
    data = copy.deepcopy(BASE)
    data["visions"][1]["body"] = text

    problems = problems_of(data)

    assert list(problems) == ["visions[1].body"]
    assert words in problems["visions[1].body"]


def test_the_density_caps_refuse_before_the_markdown_parser_runs(monkeypatch):
    calls = []
    real = richtext._MD.parse
    monkeypatch.setattr(richtext._MD, "parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    richtext.parse.cache_clear()

    with pytest.raises(richtext.RichTextError):
        richtext.parse("![" * (richtext.MAX_BRACKETS + 1))

    assert calls == []


def test_text_at_the_caps_is_accepted():
    links = " ".join(f"[{i}](http://e.dk)" for i in range(richtext.MAX_FORMATTED_RUNS))
    nested = "- a\n  - b\n" * (richtext.MAX_BLOCKS // 2)
    for text in (links, nested, "***s*** " * (richtext.MAX_FORMATTED_RUNS - 10)):
        data = copy.deepcopy(BASE)
        data["visions"][0]["body"] = text
        load(yaml.safe_dump(data, allow_unicode=True).encode())


def test_a_document_near_two_mib_of_link_openers_is_refused_field_by_field():
    data = copy.deepcopy(BASE)
    data["sections"] = [
        {"id": f"s{i}", "title": f"Afsnit {i}", "body": "![" * 24_400} for i in range(30)
    ]
    first = data["visions"][0]
    extra = [{**copy.deepcopy(first), "id": f"v{i}"} for i in range(12 - len(data["visions"]))]
    data["visions"] += extra
    for vision in data["visions"]:
        vision["body"] = "![" * 24_400
    size = len(yaml.safe_dump(data).encode())
    assert 1_950_000 < size < 2 * 1024 * 1024

    problems = problems_of(data)

    expected = [f"sections[{i}].body" for i in range(30)]
    expected += [f"visions[{i}].body" for i in range(len(data["visions"]))]
    assert sorted(problems) == sorted(expected)


@pytest.mark.parametrize(
    ("path", "place"),
    [
        ("consultation[0].from", lambda d, w: d["consultation"][0].__setitem__("from", w)),
        ("consultation[0].input", lambda d, w: d["consultation"][0].__setitem__("input", w)),
        ("visions[0].headline", lambda d, w: d["visions"][0].__setitem__("headline", w)),
        (
            "signs_of_success[0].data_source",
            lambda d, w: d["signs_of_success"][0].__setitem__("data_source", w),
        ),
    ],
)
def test_a_word_too_long_for_a_table_cell_is_refused(path, place):
    # 100 inputs whose `from` was one 300-character word kept the PDF renderer busy
    # for a minute: narrow cells make every long word expensive to break.
    data = copy.deepcopy(BASE)
    place(data, "Udvalget " + "W" * (content.MAX_WORD + 1))

    problems = problems_of(data)

    assert list(problems) == [path]
    assert f"{content.MAX_WORD + 1} characters" in problems[path]


def test_a_word_at_the_cap_is_accepted():
    data = copy.deepcopy(BASE)
    data["consultation"][0]["from"] = "https://" + "a" * (content.MAX_WORD - 8)
    load(yaml.safe_dump(data, allow_unicode=True).encode())


def test_a_document_too_large_to_lay_out_is_refused_as_a_whole():
    # Every field is within its own limits; together they are far past what renders in time.
    data = copy.deepcopy(BASE)
    data["sections"] = [
        {"id": f"s{i}", "title": f"Afsnit {i}", "body": "- punkt\n" * (400 + i)}
        for i in range(budget.MAX_BLOCKS // 400 + 1)
    ]

    problems = problems_of(data)

    assert list(problems) == [""]
    assert "paragraphs and list items" in problems[""]
    assert "sections[12].body: 412" in problems[""]  # the largest field is named


def test_a_document_with_too_many_words_is_refused():
    words_per_section = budget.MAX_WORDS // 30 + 10
    data = copy.deepcopy(BASE)
    data["sections"] = [
        {"id": f"s{i}", "title": "Afsnit", "body": "ord " * words_per_section} for i in range(30)
    ]

    problems = problems_of(data)

    assert list(problems) == [""]
    assert f"at most {budget.MAX_WORDS:,}" in problems[""]


def test_the_largest_generated_benchmark_document_is_within_the_budget():
    from bench.generate import generate

    load(yaml.safe_dump(generate("L"), allow_unicode=True).encode())
