"""The loader: hostile and broken bytes become a named domain error, quickly, never a crash."""

from __future__ import annotations

import itertools
import json

import pytest

from core.content import load, validate
from core.errors import InputTooLarge, InvalidContent, MalformedInput, UnsupportedMediaType
from core.loading import MAX_INPUT_BYTES, media_type_of, parse
from core.yamlsafe import MAX_DEPTH
from tests.conftest import example_path

EXAMPLE = example_path("udkast-1").read_bytes()


def alias_bomb() -> bytes:
    """The classic billion laughs: nine levels of nine references each."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines).encode()


def test_alias_bomb_is_refused_at_its_first_alias() -> None:
    # Refused on the event stream, so nothing is ever expanded.
    with pytest.raises(MalformedInput, match=r"line 2: .*aliases"):
        parse(alias_bomb(), "yaml")


def test_single_alias_is_refused_too() -> None:
    with pytest.raises(MalformedInput, match=r"line 2: .*aliases"):
        parse(b"a: &x text\nb: *x\n", "yaml")


@pytest.mark.parametrize(
    "text",
    [
        b'!!python/object/apply:os.system ["echo hi"]',
        b'a: !!python/object/apply:os.system ["echo hi"]',
        b"a: !!str 12",
        b"a: !custom x",
        b"!!map {a: 1}",
    ],
)
def test_explicit_tags_are_refused(text: bytes) -> None:
    with pytest.raises(MalformedInput, match="tags"):
        parse(text, "yaml")


def test_duplicate_key_in_yaml() -> None:
    with pytest.raises(MalformedInput, match=r"line 3: the key 'title' appears twice"):
        parse(b"document:\n  title: a\n  title: b\n", "yaml")


def test_duplicate_key_in_json() -> None:
    with pytest.raises(MalformedInput, match="'title' appears twice"):
        parse(b'{"document": {"title": "a", "title": "b"}}', "json")


def test_list_as_yaml_key_is_refused_not_a_crash() -> None:
    with pytest.raises(MalformedInput, match="plain name"):
        parse(b"? [a, b]\n: x\n", "yaml")


def test_yaml_merge_key_is_malformed_not_a_crash() -> None:
    with pytest.raises(MalformedInput):
        parse(b"<<: {a: 1}\nb: 2\n", "yaml")


# Each document, and where it passes MAX_DEPTH (line, column). libyaml 0.2.6 refuses
# some of these itself before our own count sees them; the message is ours either way.
DEEP = [
    (b"[" * 100_000, (1, MAX_DEPTH + 1)),
    (b"[" * 1_001 + b"]" * 1_001, (1, MAX_DEPTH + 1)),
    (b"[\n" * 2_000, (MAX_DEPTH + 1, 1)),
    (b'{"a": ' * 2_000, (1, 6 * MAX_DEPTH + 1)),
    (b'{"title": "x",\n "visions": ' + b"[" * 5_000, (2, 12 + MAX_DEPTH)),
]
DEEP_YAML_ONLY = [
    (b"a: 1\nb:\n  c: " + b"[" * 2_000, (3, 5 + MAX_DEPTH - 1)),
    (b"- " * 2_000 + b"x", (1, 2 * MAX_DEPTH + 1)),
    (b"".join(b" " * i + b"k:\n" for i in range(1_100)), (MAX_DEPTH + 1, MAX_DEPTH + 1)),
    ("a: \u00e6\u00f8\u00e5\nb: ".encode() + b"[" * 2_000, (2, 3 + MAX_DEPTH)),
]


@pytest.mark.parametrize(("text", "where"), DEEP)
@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_deep_nesting_is_refused_with_its_position(
    kind: str, text: bytes, where: tuple[int, int]
) -> None:
    line, column = where
    with pytest.raises(MalformedInput) as info:
        parse(text, kind)
    assert str(info.value) == (
        f"line {line}, column {column}: nested too deeply (more than {MAX_DEPTH} levels)"
    )


@pytest.mark.parametrize(("text", "where"), DEEP_YAML_ONLY)
def test_deep_yaml_block_and_flow_nesting_is_refused_with_its_position(
    text: bytes, where: tuple[int, int]
) -> None:
    line, column = where
    with pytest.raises(MalformedInput, match=f"^line {line}, column {column}: nested too deeply"):
        parse(text, "yaml")


def test_deep_nesting_at_the_end_of_a_large_document() -> None:
    # Everything before the deep part is valid, so only the deep part can be refused.
    filler = b"".join(b"k%d: [a, {b: c}]\n" % i for i in range(60_000))
    body = filler + b"last: " + b"[" * 3_000
    assert len(body) < MAX_INPUT_BYTES
    with pytest.raises(MalformedInput, match=r"^line 60001, column 38: nested too deeply"):
        parse(body, "yaml")


def test_other_yaml_errors_keep_their_own_message() -> None:
    # A broken document that is not deep is not called deep.
    with pytest.raises(MalformedInput) as info:
        parse(b"a: [1, 2\nb: c: d\n" + b"[" * 20, "yaml")
    assert "nested" not in str(info.value)
    assert str(info.value).startswith("line ")


def test_nesting_up_to_the_cap_is_fine() -> None:
    depth = MAX_DEPTH
    assert parse(b"[" * depth + b"]" * depth, "json") == parse(b"[" * depth + b"]" * depth, "yaml")


def test_brackets_inside_json_strings_do_not_count() -> None:
    assert parse(json.dumps({"a": "[" * 1000}).encode(), "json") == {"a": "[" * 1000}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b'{"a": -Infinity}', "-Infinity"),
        (b'{"a": 1e400}', "too large"),
        (b'{"a": ' + b"9" * 5000 + b"}", "5000 digits"),
        (b'{"a": -' + b"9" * 5000 + b"}", "5000 digits"),
        (b'{"a": 1.' + b"0" * 99_999 + b"}", "100000 digits"),
        (b'{"a": 1e' + b"0" * 200 + b"1}", "202 digits"),
    ],
)
def test_json_numbers_no_field_can_hold(text: bytes, word: str) -> None:
    with pytest.raises(MalformedInput, match=word):
        parse(text, "json")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (b"a: " + b"9" * 5000, "5000 digits"),
        (b"a: 1." + b"0" * 99_999, "100000 digits"),
        (b"a: .inf", "not a number"),
        (b"a: .nan", "not"),
    ],
)
def test_yaml_numbers_no_field_can_hold(text: bytes, word: str) -> None:
    with pytest.raises(MalformedInput, match=word):
        parse(text, "yaml")


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_invalid_utf8(kind: str) -> None:
    with pytest.raises(MalformedInput, match=r"not valid UTF-8 \(byte 6\)"):
        parse(b'{"a": \xff\xfe}', kind)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16"),  # with a byte order mark
        ("utf-16-be", "UTF-16"),  # and without one
        ("utf-16-le", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-be", "UTF-32"),
        ("utf-32-le", "UTF-32"),
    ],
)
@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_utf16_and_utf32_are_refused_with_a_hint(kind: str, encoding: str, name: str) -> None:
    with pytest.raises(MalformedInput, match=f"{name}.*save it as UTF-8"):
        parse('{"a": "b"}'.encode(encoding), kind)


def test_utf32_with_its_mark_is_not_called_utf16() -> None:
    with pytest.raises(MalformedInput) as info:
        parse(b"\xff\xfe\x00\x00" + "a: b".encode("utf-32-le"), "yaml")
    assert "UTF-32" in str(info.value)
    assert "UTF-16" not in str(info.value)


def test_utf8_bom_is_accepted() -> None:
    assert load(b"\xef\xbb\xbf" + EXAMPLE, "application/yaml") == load(EXAMPLE, "text/yaml")
    assert parse(b'\xef\xbb\xbf{"a": 1}', "json") == {"a": 1}


@pytest.mark.parametrize("kind", ["json", "yaml"])
@pytest.mark.parametrize("body", [b"", b"   \n\t\r\n "])
def test_empty_and_blank_bodies(kind: str, body: bytes) -> None:
    with pytest.raises(MalformedInput, match="empty"):
        parse(body, kind)


@pytest.mark.parametrize(("kind", "body"), [("json", b"null"), ("yaml", b"null"), ("yaml", b"~")])
def test_top_level_null(kind: str, body: bytes) -> None:
    with pytest.raises(MalformedInput, match="null"):
        parse(body, kind)


@pytest.mark.parametrize(
    ("media_type", "body"), [("application/json", b"[1, 2]"), ("text/yaml", b"- a")]
)
def test_top_level_list_is_invalid_content(media_type: str, body: bytes) -> None:
    # Readable, but not a strategy: 422 with one top-level message, never a crash.
    with pytest.raises(InvalidContent) as info:
        load(body, media_type)
    [problem] = info.value.problems
    assert problem.path == ""
    assert "not a list" in problem.message


def test_yaml_control_character_is_named_with_its_line() -> None:
    with pytest.raises(MalformedInput, match=r"line 2: the character U\+001B"):
        parse(b"a: b\nc: \x1b[31m\n", "yaml")


def test_input_over_the_limit() -> None:
    body = b"a: " + b"x" * MAX_INPUT_BYTES
    with pytest.raises(InputTooLarge):
        parse(body, "yaml")
    with pytest.raises(InputTooLarge):
        load(body, "application/json")


def test_input_at_the_limit_is_read() -> None:
    body = b'"' + b"x" * (MAX_INPUT_BYTES - 2) + b'"'
    assert len(parse(body, "json")) == MAX_INPUT_BYTES - 2


def test_the_limit_can_be_raised_or_lowered_by_the_caller() -> None:
    body = b'"' + b"x" * MAX_INPUT_BYTES + b'"'
    assert len(parse(body, "json", max_bytes=2 * MAX_INPUT_BYTES)) == MAX_INPUT_BYTES
    with pytest.raises(InputTooLarge, match="larger than 1 KiB"):
        load(b"a: " + b"x" * 1024, "application/yaml", max_bytes=1024)


@pytest.mark.parametrize(
    ("filename", "declared", "kind"),
    [
        (None, "application/json", "json"),
        (None, "application/json; charset=utf-8", "json"),
        (None, "application/yaml", "yaml"),
        (None, "text/yaml", "yaml"),
        (None, "application/x-yaml", "yaml"),
        ("udkast.yaml", None, "yaml"),
        ("udkast.YML", None, "yaml"),
        ("udkast.json", None, "json"),
        ("udkast.json", "application/octet-stream", "json"),
        # A declared type wins over the name.
        ("udkast.json", "application/yaml", "yaml"),
        (None, None, "yaml"),
    ],
)
def test_media_type_of(filename: str | None, declared: str | None, kind: str) -> None:
    assert media_type_of(filename, declared) == kind


@pytest.mark.parametrize(
    ("filename", "declared"),
    [
        (None, "text/html"),
        (None, "application/pdf"),
        ("udkast.docx", None),
        ("x.yaml", "image/png"),
    ],
)
def test_unsupported_media_type(filename: str | None, declared: str | None) -> None:
    with pytest.raises(UnsupportedMediaType, match=r"\.yaml|application/json"):
        media_type_of(filename, declared)


@pytest.mark.parametrize("name", ["udkast-1", "udkast-2"])
def test_json_of_an_example_validates_to_the_same_strategy(name: str) -> None:
    raw = example_path(name).read_bytes()
    as_yaml = load(raw, filename=f"{name}.yaml")
    data = parse(raw, "yaml")
    as_json = load(json.dumps(data, ensure_ascii=False).encode(), "application/json")
    assert as_json == as_yaml
    assert validate(data) == as_yaml


def test_yaml_dates_stay_text_so_a_bad_one_has_a_path() -> None:
    assert parse(b"date: 2018-03-02", "yaml") == {"date": "2018-03-02"}
    with pytest.raises(InvalidContent) as info:
        load(EXAMPLE.replace(b"date: 2018-03-02\n  authors", b"date: 2018-02-30\n  authors"))
    assert [p.path for p in info.value.problems] == ["document.date"]


def test_yaml_numbers_keep_what_the_author_wrote() -> None:
    text = b"a: 12\nb: -3\nc: 0700\nd: 10:30\ne: 4.10\nf: 1_000\ng: 0x1F\n"
    assert parse(text, "yaml") == {
        "a": 12,
        "b": -3,
        "c": "0700",
        "d": "10:30",
        "e": "4.10",
        "f": "1_000",
        "g": "0x1F",
    }


def test_a_number_in_a_text_field_reads_as_written() -> None:
    raw = EXAMPLE.replace(b'baseline: "71 (2017)"', b"baseline: 71.50")
    assert load(raw).signs_of_success[4].baseline == "71.50"


def test_json_numbers_keep_what_the_author_wrote() -> None:
    text = b'{"a": 12, "b": -3, "c": 4.10, "d": 12345678901234567890.5, "e": 1E+3, "f": -0.0}'
    assert parse(text, "json") == {
        "a": 12,
        "b": -3,
        "c": "4.10",
        "d": "12345678901234567890.5",
        "e": "1E+3",
        "f": "-0.0",
    }


@pytest.mark.parametrize("number", ["4.10", "12345678901234567890.5", "12345678901234567890"])
def test_a_json_number_in_a_text_field_reads_as_written(number: str) -> None:
    data = parse(EXAMPLE, "yaml")
    data["signs_of_success"][4]["baseline"] = "NUMBER"
    raw = json.dumps(data, ensure_ascii=False).replace('"NUMBER"', number).encode()
    assert load(raw, "application/json").signs_of_success[4].baseline == number


def test_several_yaml_documents_are_refused() -> None:
    with pytest.raises(MalformedInput, match="YAML"):
        parse(b"a: 1\n---\nb: 2\n", "yaml")


def test_yaml_syntax_error_has_a_line() -> None:
    with pytest.raises(MalformedInput, match="line 2"):
        parse(b"a: 1\nb: c: d\n", "yaml")


def test_json_syntax_error_has_a_line() -> None:
    with pytest.raises(MalformedInput, match="line 2: not valid JSON"):
        parse(b'{"a": 1,\n "b": }', "json")
