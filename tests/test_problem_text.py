"""Problems worded for a person: Danish and English, counted from 1, parts named by title."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core import problem_text
from core.budget import MAX_WORDS
from core.content import validate
from core.errors import InvalidContent, MalformedInput, Problem
from core.loading import parse
from core.problem_text import HINTS, WHAT, ProblemText, codes, describe, describe_all
from core.yamlsafe import HINTS_EN
from tests.test_content import BASE, CASES, drop, put

CORE = Path(__file__).resolve().parent.parent / "core"


def invalid(change: Callable[[dict[str, Any]], None]) -> InvalidContent:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(InvalidContent) as info:
        validate(data)
    return info.value


def texts(change: Callable[[dict[str, Any]], None], language: str = "da") -> list[ProblemText]:
    exc = invalid(change)
    return describe_all(exc.problems, exc.data, language)


def codes_used_in_core() -> set[str]:
    """Every problem code written in core/ (`code="..."`), the loader's included."""
    found: set[str] = set()
    for source in CORE.glob("*.py"):
        found |= set(re.findall(r'\bcode="([a-z_]+)"', source.read_text(encoding="utf-8")))
    return found


# --- the tables ----------------------------------------------------------------------------


def test_every_code_used_in_core_has_a_danish_and_an_english_text() -> None:
    used = codes_used_in_core()
    assert len(used) > 40  # the scan found the codes, not nothing
    for language in problem_text.LANGUAGES:
        assert used <= set(WHAT[language]), (language, used - set(WHAT[language]))


def test_both_languages_word_the_same_codes_and_hints() -> None:
    assert set(WHAT["da"]) == set(WHAT["en"]) == codes()
    assert set(HINTS["da"]) == set(HINTS["en"]) == set(HINTS_EN)


def test_every_problem_made_in_core_says_its_code() -> None:
    # Each `Problem(` call in core names its code, so no problem reaches a person unworded.
    for source in CORE.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for call in re.finditer(r"\bProblem\(", text):
            if text[: call.start()].rstrip().endswith("class"):
                continue
            body = text[call.start() : call.start() + 400]
            assert "code=" in body, f"{source.name}: {body[:120]}"


# --- every broken document of the content tests, in Danish ----------------------------------


@pytest.mark.parametrize("change", [pytest.param(change, id=name) for name, change, _, _ in CASES])
def test_every_problem_gets_a_danish_text_and_a_place_counted_from_1(change) -> None:
    exc = invalid(change)
    for problem in exc.problems:
        assert problem.code in codes(), problem
        text = describe(problem, exc.data, "da")
        assert text.what and text.part
        assert text.what != problem.message  # worded by us, not the API's English
        assert text.path == problem.path
        for index in re.findall(r"\[(\d+)\]", problem.path)[:1]:
            # The first index of a path is a part's number, counted from 1 for people.
            assert re.search(rf"\b{int(index) + 1}\b", text.where), (problem.path, text.where)


@pytest.mark.parametrize("change", [pytest.param(change, id=name) for name, change, _, _ in CASES])
def test_a_vision_is_named_by_its_number_and_title(change) -> None:
    exc = invalid(change)
    for problem in exc.problems:
        match = re.match(r"visions\[(\d+)\]", problem.path)
        if not match:
            continue
        index = int(match.group(1))
        vision = exc.data["visions"][index]
        text = describe(problem, exc.data, "da")
        assert text.part.startswith(f"Vision {index + 1}")
        if isinstance(vision, dict) and isinstance(vision.get("title"), str):
            assert f"«{vision['title']}»" in text.part


# --- where ---------------------------------------------------------------------------------


def test_a_missing_headline_reads_as_the_issue_asks() -> None:
    [text] = texts(drop("visions[1].headline"))

    assert text.where == "Vision 2 «Det hele liv», overskriften"
    assert text.what == "mangler"
    assert text.sentence == "Vision 2 «Det hele liv»: overskriften mangler"
    assert text.path == "visions[1].headline"


def test_the_same_in_english() -> None:
    [text] = texts(drop("visions[1].headline"), "en")

    assert text.where == "Vision 2 «Det hele liv», the headline"
    assert text.what == "is missing"


def test_a_vision_without_a_title_is_named_by_its_number() -> None:
    [text] = texts(drop("visions[2].title"))

    assert text.where == "Vision 3, titlen"


def test_a_sign_of_success_is_named_by_its_vision() -> None:
    vision = BASE["signs_of_success"][2]["vision"]
    title = next(v["title"] for v in BASE["visions"] if v["id"] == vision)

    [text] = texts(put("signs_of_success[2].target", "x" * 301))

    assert text.part == f"Succeskriterium 3 (vision «{title}»)"
    assert text.field == "målet"
    assert "300" in text.what


def test_a_milestone_is_named_by_its_date() -> None:
    year, _, day = (int(part) for part in str(BASE["timeline"][1]["date"]).split("-"))

    [da] = texts(drop("timeline[1].event"))
    [en] = texts(drop("timeline[1].event"), "en")

    assert da.part.startswith("Milepæl 2 (")
    assert f"{day}. " in da.part and str(year) in da.part
    assert en.part.startswith("Milestone 2 (")
    assert da.field == "begivenheden"


def test_a_consultation_input_is_named_by_who_sent_it() -> None:
    sender = BASE["consultation"][1]["from"]

    [text] = texts(put("consultation[1].affects", ["foreword", "budget"]))

    assert text.part == f"Høringssvar 2 fra «{sender}»"
    assert text.field == "«Vedrører», punkt 2"
    assert "«budget»" in text.what


def test_a_document_field_is_named_in_words() -> None:
    [text] = texts(put("document.title", "  "))

    assert text.where == "Dokumentet, titlen"
    assert text.what == "skal udfyldes"


def test_an_unknown_field_is_named_in_what_and_its_part_in_where() -> None:
    [text] = texts(put("visions[0].subtitle", "x"))

    assert text.part.startswith("Vision 1 «")
    assert text.field == ""
    assert text.what == "feltet «subtitle» findes ikke her"


def test_a_duplicate_id_names_the_part_that_has_it() -> None:
    [text] = texts(put("signs_of_success[0].id", "det-hele-liv"))

    assert text.what == "«det-hele-liv» bruges allerede af Vision 2 «Det hele liv»"


def test_a_control_character_is_counted_from_1() -> None:
    [text] = texts(put("document.title", "Soc\x00ial"))

    assert text.what == "indeholder kontroltegnet U+0000 ved tegn 4"


def test_choices_are_listed_in_the_language() -> None:
    [text] = texts(put("document.language", "de"))

    assert text.what == "skal være «da» eller «en»"


def test_a_wrong_type_is_named_in_danish() -> None:
    [text] = texts(put("visions", {"a": 1}))

    assert text.sentence == "Dokumentet: visionerne skal være en liste, ikke en gruppe af felter"


def test_a_long_title_is_shortened_and_put_on_one_line() -> None:
    long_title = "Et langt\nnavn " + "ord " * 60

    [text] = texts(
        lambda data: (put("visions[0].title", long_title)(data), drop("visions[0].headline")(data))
    )

    assert "\n" not in text.part
    assert len(text.part) < 60
    assert text.part.endswith("…»")


def test_describe_never_fails_on_data_of_the_wrong_shape() -> None:
    problem = Problem("visions[3].commitments[0]", "required", code="missing")
    for data in (None, [], "x", {"visions": "x"}, {"visions": [None, 1, [], {"title": ["x"]}]}):
        text = describe(problem, data)
        assert text.part == "Vision 4"
        assert text.field == "«Det gør vi», punkt 1"


def test_whole_document_limits_are_worded_with_danish_numbers() -> None:
    problem = Problem(
        "",
        "the document has …",
        code="too_many_words",
        args=(("count", "120000"), ("max", str(MAX_WORDS))),
    )

    text = describe(problem, BASE)

    assert text.sentence == "Dokumentet: har 120.000 ord; højst 100.000: del det op"


def test_the_cap_on_listed_problems_is_worded_too() -> None:
    many = [Problem(f"x{n}", "m", code="missing") for n in range(250)]
    last = InvalidContent(many).problems[-1]

    assert describe(last, None).what == "og 50 fejl mere"


# --- the loader: line and column, and a hint for the common mistakes ------------------------


def refused(text: str, kind: str = "yaml") -> MalformedInput:
    with pytest.raises(MalformedInput) as info:
        parse(text.encode("utf-8"), kind)
    return info.value


@pytest.mark.parametrize(
    ("text", "hint", "line"),
    [
        ("format: strategy/v1\ndocument:\n  title: Mål: 80 % i job\n  slug: x\n", "colon", "3"),
        ("format: strategy/v1\ndocument:\n\ttitle: x\n", "tab", "3"),
        ('format: strategy/v1\ndocument:\n  title: "Socialstrategi\n  slug: x\n', "quote", None),
        ("format: strategy/v1\ndocument:\n  title: 'Socialstrategi\n  slug: x\n", "quote", None),
    ],
    ids=["colon in a value", "tab", "double quote", "single quote"],
)
def test_a_yaml_mistake_gets_its_line_column_and_a_hint(text, hint, line) -> None:
    exc = refused(text)
    problem = exc.problem

    assert problem.arg("hint") == hint
    assert problem.arg("column")
    if line:
        assert problem.arg("line") == line
        assert f"line {line}" in str(exc)
    da = describe(problem, None, "da")
    assert da.field == f"linje {problem.arg('line')}, kolonne {problem.arg('column')}"
    assert da.what.startswith("er ikke gyldig YAML; ")
    assert da.what.endswith(HINTS["da"][hint])
    assert f"(column {problem.arg('column')})" in str(exc)  # the API says it too


def test_an_unclosed_json_string_gets_a_hint() -> None:
    exc = refused('{"format": "strategy/v1,\n "document": {}}', "json")

    assert exc.problem.arg("hint") == "quote"
    assert exc.problem.arg("line") == "1"
    assert describe(exc.problem, None).sentence.startswith("Dokumentet: linje 1, kolonne ")


def test_a_yaml_error_without_a_common_mistake_has_no_hint() -> None:
    exc = refused("format: [strategy/v1\n")

    assert exc.problem.arg("hint") == ""
    assert describe(exc.problem, None).what == "er ikke gyldig YAML"


def test_every_loader_refusal_has_a_code() -> None:
    for text, kind in (
        ("a: &x 1\nb: *x\n", "yaml"),
        ("a: !!str 1\n", "yaml"),
        ("a: 1\na: 2\n", "yaml"),
        ('{"a": 1, "a": 2}', "json"),
        ('{"a": NaN}', "json"),
        ("a: " + "9" * 101 + "\n", "yaml"),
        ("a: .inf\n", "yaml"),
        ("   ", "yaml"),
        ("null\n", "yaml"),
        ("[" * 40 + "]" * 40, "json"),
        ("a: \x1b\n", "yaml"),
    ):
        problem = refused(text, kind).problem
        assert problem.code in codes() and problem.code != "malformed", (text, problem)
        assert describe(problem, None).what


def test_a_refusal_from_the_service_is_worded_too() -> None:
    problem = MalformedInput("choose a file or paste the document").problem

    assert problem.code == "malformed"
    assert describe(problem, None).what.startswith("kunne ikke læses")
