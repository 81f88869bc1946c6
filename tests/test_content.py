"""The content model: the shared examples pass, and every broken document is named exactly."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from core.content import LIMITS, MAX_RICH, Strategy, load, validate
from core.errors import MAX_PROBLEMS, InvalidContent, Problem
from core.loading import parse
from tests.conftest import example_path


def example_data(name: str) -> dict[str, Any]:
    """Return a shared example as parsed data (dates still text), ready to be broken."""
    data = parse(example_path(name).read_bytes(), "yaml")
    assert isinstance(data, dict)
    return data


BASE = example_data("udkast-1")


def _steps(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]


def _parent(data: Any, path: str) -> tuple[Any, str | int]:
    *head, last = _steps(path)
    for step in head:
        data = data[step]
    return data, last


def put(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set the field at `path` to `value`."""

    def change(data: dict[str, Any]) -> None:
        parent, last = _parent(data, path)
        parent[last] = value

    return change


def drop(path: str) -> Callable[[dict[str, Any]], None]:
    """Remove the field at `path`."""

    def change(data: dict[str, Any]) -> None:
        parent, last = _parent(data, path)
        del parent[last]

    return change


def both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """Apply several changes in turn."""

    def change(data: dict[str, Any]) -> None:
        for one in changes:
            one(data)

    return change


def extra_visions(count: int) -> Callable[[dict[str, Any]], None]:
    """Append `count` valid visions with fresh ids."""

    def change(data: dict[str, Any]) -> None:
        for n in range(count):
            data["visions"].append({"id": f"ekstra-{n}", "title": "Ekstra", "headline": "Mere"})

    return change


def problems_of(data: Any) -> list[Problem]:
    with pytest.raises(InvalidContent) as info:
        validate(data)
    return info.value.problems


def broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    change(data)
    return data


# (name, change, exact set of problem paths, a word each message for the path must hold)
CASES: list[tuple[str, Callable[[dict[str, Any]], None], set[str], str]] = [
    ("missing format", drop("format"), {"format"}, "required"),
    ("missing document", drop("document"), {"document"}, "required"),
    ("missing slug", drop("document.slug"), {"document.slug"}, "required"),
    ("missing title", drop("document.title"), {"document.title"}, "required"),
    # A missing part must not also make every reference to it dangle.
    ("missing visions", drop("visions"), {"visions"}, "required"),
    ("missing vision id", drop("visions[1].id"), {"visions[1].id"}, "required"),
    ("missing vision title", drop("visions[2].title"), {"visions[2].title"}, "required"),
    ("missing headline", drop("visions[3].headline"), {"visions[3].headline"}, "required"),
    (
        "missing indicator",
        drop("signs_of_success[0].indicator"),
        {"signs_of_success[0].indicator"},
        "required",
    ),
    ("missing from", drop("consultation[0].from"), {"consultation[0].from"}, "required"),
    ("missing input", drop("consultation[1].input"), {"consultation[1].input"}, "required"),
    ("missing milestone date", drop("timeline[0].date"), {"timeline[0].date"}, "required"),
    ("missing milestone event", drop("timeline[1].event"), {"timeline[1].event"}, "required"),
    ("title a number list", put("document.title", [1, 2]), {"document.title"}, "text"),
    ("empty title", put("document.title", "  "), {"document.title"}, "empty"),
    ("visions a dict", put("visions", {"a": 1}), {"visions"}, "list"),
    ("visions null", put("visions", None), {"visions"}, "list"),
    ("vision a string", put("visions[1]", "Det hele liv"), {"visions[1]"}, "fields"),
    (
        "commitments a string",
        put("visions[0].commitments", "x"),
        {"visions[0].commitments"},
        "list",
    ),
    ("impossible date", put("document.date", "2024-13-45"), {"document.date"}, "real date"),
    ("loose date", put("timeline[0].date", "2018-3-2"), {"timeline[0].date"}, "YYYY-MM-DD"),
    (
        "datetime text",
        put("consultation[0].date", "2018-03-02T10:00:00"),
        {"consultation[0].date"},
        "YYYY-MM-DD",
    ),
    ("datetime", put("document.date", dt.datetime(2018, 3, 2, 10)), {"document.date"}, "time"),
    ("integer date", put("document.date", 20180302), {"document.date"}, "number"),
    ("language", put("document.language", "de"), {"document.language"}, "'da'"),
    ("status", put("document.status", "published"), {"document.status"}, "'final'"),
    ("milestone state", put("timeline[2].state", "finished"), {"timeline[2].state"}, "'done'"),
    (
        "consultation status",
        put("consultation[0].status", "accepted"),
        {"consultation[0].status"},
        "'partly'",
    ),
    ("upper-case slug", put("document.slug", "Socialstrategi"), {"document.slug"}, "lower-case"),
    ("slug with spaces", put("document.slug", "social strategi"), {"document.slug"}, "hyphens"),
    ("slug too long", put("document.slug", "s" * 65), {"document.slug"}, "64"),
    (
        "vision id not a slug, and the reference to it",
        both(put("visions[2].id", "Tillid Og"), put("signs_of_success[3].vision", "Tillid Og")),
        {"visions[2].id", "signs_of_success[3].vision"},
        "lower-case",
    ),
    (
        "vision and indicator share an id",
        put("signs_of_success[0].id", "det-hele-liv"),
        {"signs_of_success[0].id"},
        "visions[1].id",
    ),
    (
        "indicator names no vision",
        put("signs_of_success[3].vision", "tillid"),
        {"signs_of_success[3].vision"},
        "'tillid'",
    ),
    (
        "indicator names an indicator",
        put("signs_of_success[3].vision", "trivsel"),
        {"signs_of_success[3].vision"},
        "no vision",
    ),
    (
        "consultation affects an unknown id",
        put("consultation[1].affects", ["foreword", "budget"]),
        {"consultation[1].affects[1]"},
        "'budget'",
    ),
    (
        "consultation affects another input",
        put("consultation[1].affects", ["bc-voksne-1"]),
        {"consultation[1].affects[0]"},
        "names no",
    ),
    (
        "affects not a list",
        put("consultation[0].affects", "foreword"),
        {"consultation[0].affects"},
        "list",
    ),
    (
        "reserved id",
        put("signs_of_success[4].id", "timeline"),
        {"signs_of_success[4].id"},
        "reserved",
    ),
    # Another format's rules are unknown, so the other breakage is not reported.
    (
        "format v2",
        both(put("format", "strategy/v2"), drop("document.title")),
        {"format"},
        "'strategy/v1'",
    ),
    ("format a list", put("format", ["strategy/v1"]), {"format"}, "text"),
    ("unknown top-level field", put("colour", "blue"), {"colour"}, "unknown field"),
    ("unknown vision field", put("visions[0].subtitle", "x"), {"visions[0].subtitle"}, "unknown"),
    ("no visions", put("visions", []), {"visions"}, "at least 1"),
    ("13 visions", extra_visions(13 - 4), {"visions"}, "12"),
    ("NUL", put("document.title", "Soc\x00ial"), {"document.title"}, "U+0000 at offset 3"),
    (
        "vertical tab",
        put("visions[0].commitments[1]", "a\x0bb"),
        {"visions[0].commitments[1]"},
        "U+000B at offset 1",
    ),
    ("escape", put("foreword", "\x1b[31mrød"), {"foreword"}, "U+001B at offset 0"),
    ("U+FFFE", put("timeline[0].event", "x\ufffe"), {"timeline[0].event"}, "U+FFFE at offset 1"),
    (
        "control character in a list of ids",
        put("consultation[0].affects[0]", "fore\x00word"),
        {"consultation[0].affects[0]"},
        "offset 4",
    ),
    ("title of 201 characters", put("document.title", "x" * 201), {"document.title"}, "200"),
    ("headline too long", put("visions[0].headline", "x" * 301), {"visions[0].headline"}, "300"),
    (
        "rich text too long",
        put("visions[0].body", "x" * (MAX_RICH + 1)),
        {"visions[0].body"},
        "too long",
    ),
    (
        "lists nested too deep",
        put("visions[1].body", "".join("  " * i + "- punkt\n" for i in range(8))),
        {"visions[1].body"},
        "nested",
    ),
    (
        "too many commitments",
        put("visions[0].commitments", ["x"] * (LIMITS["commitments"] + 1)),
        {"visions[0].commitments"},
        "at most",
    ),
    ("author a string", put("document.authors", ["Kontor"]), {"document.authors[0]"}, "fields"),
    # YAML reads `1:` and `null:` as a number and as null, not as field names.
    (
        "number and null as field names",
        lambda data: data["visions"][0].update({1: "x", None: "y"}),
        {"visions[0]"},
        "not text",
    ),
]


@pytest.mark.parametrize(
    ("change", "paths", "word"),
    [pytest.param(change, paths, word, id=name) for name, change, paths, word in CASES],
)
def test_invalid_document_names_exactly_its_problems(
    change: Callable[[dict[str, Any]], None], paths: set[str], word: str
) -> None:
    problems = problems_of(broken(change))
    assert {p.path for p in problems} == paths, problems
    assert all(word in p.message for p in problems), problems


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("name", ["udkast-1", "udkast-2"])
def test_shared_examples_validate_and_round_trip(name: str) -> None:
    strategy = load(example_path(name).read_bytes(), filename=f"{name}.yaml")
    assert isinstance(strategy, Strategy)
    assert validate(strategy.to_data()) == strategy
    # The data also survives JSON, as the web form sends it.
    assert validate(json.loads(json.dumps(strategy.to_data()))) == strategy


def test_fixtures_hold_the_examples(udkast1: Strategy, udkast2: Strategy) -> None:
    assert udkast1.document.draft_label == "Udkast 1"
    assert udkast2.visions[0].id == "det-hele-liv"
    assert udkast1.document.date == dt.date(2018, 3, 2)
    assert udkast1.consultation[0].from_ == "BorgercenterMED Voksne"


def test_one_line_values_lose_the_spaces_around_them(udkast2: Strategy) -> None:
    # Set between other words ("Vedrører: Et godt liv, ..."), a stray space would show.
    data = udkast2.to_data()
    data["document"]["title"] = "  Socialstrategi \t"
    data["visions"][0]["title"] = " Det hele liv  "
    data["visions"][0]["headline"] = "Et godt liv "
    strategy = validate(data)
    assert strategy.document.title == "Socialstrategi"
    assert (strategy.visions[0].title, strategy.visions[0].headline) == (
        "Det hele liv",
        "Et godt liv",
    )
    data["visions"][0]["title"] = "   "
    [problem] = problems_of(data)
    assert problem.path == "visions[0].title"


def test_format_v2_is_one_clear_error() -> None:
    data = broken(both(put("format", "strategy/v2"), put("visions", "x")))
    [problem] = problems_of(data)
    assert problem == Problem("format", "this service reads only 'strategy/v1', not 'strategy/v2'")


def test_many_problems_are_reported_together_in_path_order() -> None:
    data = broken(
        both(
            extra_visions(11 - 4),
            drop("visions[10].headline"),
            put("visions[2].title", ""),
            put("document.language", "sv"),
            put("timeline[3].date", "2018-02-30"),
            put("consultation[1].affects", ["signs_of_success", "ukendt"]),
        )
    )
    problems = problems_of(data)
    assert [p.path for p in problems] == [
        "consultation[1].affects[1]",
        "document.language",
        "timeline[3].date",
        "visions[2].title",
        "visions[10].headline",
    ]
    message = str(InvalidContent(problems))
    assert "visions[10].headline: required" in message


def test_lone_surrogate_from_json_is_named_with_its_offset() -> None:
    data = copy.deepcopy(BASE)
    raw = json.dumps(data).replace('"Vores f', '"Vo\\ud800res f', 1).encode()
    with pytest.raises(InvalidContent) as info:
        load(raw, "application/json")
    [problem] = info.value.problems
    assert problem.path == "document.subtitle"
    assert "U+D800 at offset 2" in problem.message


def test_control_character_in_a_field_name_does_not_reach_the_path() -> None:
    [problem] = problems_of(broken(put("visions[0].ti\x00tle", "x")))
    assert problem.path == "visions[0]"
    assert "control character" in problem.message
    assert "\x00" not in str(problem)


def test_top_level_list_is_invalid_content_with_a_clear_message() -> None:
    [problem] = problems_of([BASE])
    assert problem.path == ""
    assert "not a list" in problem.message
    assert str(problem) == problem.message


@pytest.mark.parametrize("value", [None, "strategy", 3, True])
def test_top_level_scalar_is_invalid_content(value: object) -> None:
    [problem] = problems_of(value)
    assert problem.path == ""


def test_yaml_number_and_null_keys_through_load() -> None:
    raw = example_path("udkast-1").read_bytes() + b"\n1: x\nnull: y\n"
    with pytest.raises(InvalidContent) as info:
        load(raw, filename="udkast.yaml")
    assert [p.path for p in info.value.problems] == ["", ""]
    assert {p.message.split()[3] for p in info.value.problems} == {"1", "null"}


def test_numeric_ids_are_read_as_text_and_references_to_them_work() -> None:
    data = broken(
        both(
            put("visions[0].id", 2018),
            put("signs_of_success[0].vision", "2018"),
            put("signs_of_success[1].vision", 2018),
            put("consultation[0].affects", [2018]),
        )
    )
    strategy = validate(data)
    assert strategy.visions[0].id == "2018"
    assert strategy.signs_of_success[1].vision == "2018"


def test_number_and_text_ids_that_read_the_same_are_duplicates() -> None:
    data = broken(both(put("visions[0].id", 7), put("visions[1].id", "7")))
    problems = problems_of(data)
    assert "visions[1].id" in {p.path for p in problems}


def test_unhashable_id_is_a_type_problem_not_a_crash() -> None:
    problems = problems_of(broken(put("visions[0].id", ["x"])))
    assert [p.path for p in problems] == ["visions[0].id"]


def test_deep_data_built_in_code_is_refused_without_recursion_error() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    problems = problems_of(broken(put("visions[0].commitments", deep)))
    assert any("nested" in p.message for p in problems)


def test_huge_values_do_not_flood_messages() -> None:
    problems = problems_of(broken(put("format", "v" * 100_000)))
    assert len(problems[0].message) < 200


def test_a_flood_of_problems_is_capped() -> None:
    data = broken(put("signs_of_success", [{"id": "x", "indicator": "\x00"}] * 10_000))
    problems = problems_of(data)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == Problem("", f"and {20_000 - MAX_PROBLEMS} more problems")
    assert problems[0].path == "signs_of_success"  # the limit on entries comes first


def test_defaults() -> None:
    data = broken(both(drop("document.language"), drop("document.status")))
    strategy = validate(data)
    assert (strategy.document.language, strategy.document.status) == ("da", "draft")
    assert strategy.consultation[0].status == "incorporated"


# --- properties -----------------------------------------------------------------------

_KEYS = st.sampled_from(
    ["format", "document", "visions", "id", "title", "headline", "vision", "affects", "date"]
) | st.text(max_size=8)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["strategy/v1", "det-hele-liv", "2018-03-02", "foreword"])
)
JSON_LIKE = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(_KEYS | st.integers() | st.none(), children, max_size=5)
    ),
    max_leaves=25,
)


def pydantic_messages(data: Any) -> set[str]:
    """Return what pydantic itself says about `data`, to tell its phrasing from ours."""
    try:
        Strategy.model_validate(data)
    except ValidationError as exc:
        return {error["msg"] for error in exc.errors(include_url=False)}
    return set()


def _check_only_invalid_content(data: Any) -> None:
    try:
        validate(data)
    except InvalidContent as exc:
        assert exc.problems
        theirs = pydantic_messages(data)
        for problem in exc.problems:
            assert problem.path or problem.message
            assert problem.message
            # Our own words: whatever pydantic says, the person reads our message.
            assert problem.message not in theirs, problem


@settings(max_examples=300, deadline=None)
@given(JSON_LIKE)
def test_validate_raises_only_invalid_content(data: Any) -> None:
    _check_only_invalid_content(data)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["document", "visions", "signs_of_success", "consultation", "timeline"]),
    JSON_LIKE,
)
def test_validate_raises_only_invalid_content_near_a_valid_document(key: str, value: Any) -> None:
    # Random data alone rarely gets past the top level; grafting it into a real
    # document exercises the model's deeper parts.
    data = copy.deepcopy(BASE)
    data[key] = value
    _check_only_invalid_content(data)


# Every kind of value a person might put in the wrong place, in every field of a document.
WRONG_VALUES: list[Any] = [None, True, 7, 1.5, 10**30, "text", "", [], {}, ["x"], {"x": 1}]


def _every_field(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _every_field(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _every_field(item, (*path, index))


def test_a_wrong_value_in_any_field_is_named_in_our_words_with_a_path() -> None:
    base = example_data("udkast-2")
    refused = 0
    for path in _every_field(base):
        for value in WRONG_VALUES:
            data = copy.deepcopy(base)
            parent: Any = data
            last = path[-1]
            for step in path[:-1]:
                parent = parent[step]
            parent[last] = value
            try:
                validate(data)
            except InvalidContent as exc:
                refused += 1
                theirs = pydantic_messages(data)
                for problem in exc.problems:
                    assert problem.path, (path, value, problem)
                    assert problem.message not in theirs, (path, value, problem)
    assert refused > 1000  # most wrong values are wrong; the sweep did reach the model
