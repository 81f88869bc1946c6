"""Read YAML or JSON bytes into plain Python data, safely and within bounds."""

from __future__ import annotations

import json
import math
from typing import Any

from core.errors import InputTooLarge, MalformedInput, UnsupportedMediaType
from core.yamlsafe import HINTS_EN, MAX_DEPTH, MAX_NUMBER_DIGITS, parse_yaml, too_deep

MAX_INPUT_BYTES = 2 * 1024 * 1024

YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
JSON_TYPES = {"application/json"}


def media_type_of(filename: str | None, declared: str | None) -> str:
    """Choose `yaml` or `json` from a declared media type or else a file name."""
    base = (declared or "").split(";")[0].strip().lower()
    if base in YAML_TYPES:
        return "yaml"
    if base in JSON_TYPES:
        return "json"
    if base and base not in ("application/octet-stream", "text/plain"):
        raise UnsupportedMediaType(f"cannot read {base}: send application/json or application/yaml")
    name = (filename or "").lower()
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if name.endswith(".json"):
        return "json"
    if base == "text/plain" or not name:
        return "yaml"  # YAML is a superset of JSON, so this reads both
    raise UnsupportedMediaType(
        f"cannot tell the format of {filename!r}: name it .yaml, .yml or .json"
    )


def parse(data: bytes, kind: str, max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """Parse `data` as `kind` ("yaml" or "json") into dicts, lists and scalars."""
    if len(data) > max_bytes:
        raise InputTooLarge(f"the document is larger than {_size(max_bytes)}")
    text = _decode(data)
    if not text.strip():
        raise MalformedInput("the document is empty", code="input_empty")
    result = _parse_json(text) if kind == "json" else parse_yaml(text)
    if result is None:
        raise MalformedInput("the document is empty (it holds only null)", code="input_empty")
    return result


def _size(n: int) -> str:
    return f"{n // 1024} KiB" if n >= 1024 else f"{n} bytes"


# Byte order marks of the encodings people save by mistake; UTF-32's come first, since
# UTF-32LE's starts with UTF-16LE's.
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(data: bytes) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise MalformedInput(
                f"the document is {name}; save it as UTF-8",
                code="input_encoding",
                values=(("encoding", name),),
            )
    head = data[:4]
    if len(head) == 4 and ((head[0] == head[2] == 0) or (head[1] == head[3] == 0)):
        # Without a mark, UTF-16 and UTF-32 still show zero bytes beside the first ASCII
        # characters (the patterns of RFC 4627, section 3); text in UTF-8 never does.
        raise MalformedInput(
            "the document is UTF-16 or UTF-32; save it as UTF-8",
            code="input_encoding",
            values=(("encoding", "UTF-16/UTF-32"),),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedInput(
            f"the document is not valid UTF-8 (byte {exc.start})",
            code="input_not_utf8",
            values=(("byte", str(exc.start)),),
        ) from None


def _parse_json(text: str) -> Any:
    _check_json_depth(text)

    def no_constants(name: str) -> Any:
        raise MalformedInput(
            f"{name} is not a number JSON allows", code="json_constant", values=(("value", name),)
        )

    def short(literal: str) -> str:
        digits = sum(char.isdigit() for char in literal)
        if digits > MAX_NUMBER_DIGITS:
            raise MalformedInput(
                f"a number with {digits} digits is too long (put it in quotes if it is text)",
                code="number_too_long",
                values=(("digits", str(digits)),),
            )
        return literal

    def as_written(literal: str) -> str:
        # As in YAML: no field is a number, and a text field keeps `4.10` as `4.10`,
        # which float() would turn into 4.1.
        short(literal)
        if not math.isfinite(float(literal)):
            raise MalformedInput(
                f"{literal} is too large a number",
                code="number_too_large",
                values=(("value", literal),),
            )
        return literal

    def short_int(literal: str) -> int:
        return int(short(literal))

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise MalformedInput(
                    f"the key {key!r} appears twice in one object",
                    code="duplicate_key",
                    values=(("key", key),),
                )
            result[key] = value
        return result

    try:
        return json.loads(
            text,
            parse_constant=no_constants,
            parse_float=as_written,
            parse_int=short_int,
            object_pairs_hook=unique_keys,
        )
    except json.JSONDecodeError as exc:
        line, column = str(exc.lineno), str(exc.colno)
        hint = _json_hint(text, exc)
        raise MalformedInput(
            f"line {line}: not valid JSON: {exc.msg} (column {column}){HINTS_EN.get(hint, '')}",
            code="json_syntax",
            values=(("line", line), ("column", column), ("hint", hint)),
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise MalformedInput(
            f"not valid JSON: {exc}", code="json_syntax", values=(("detail", str(exc)),)
        ) from None


def _json_hint(text: str, exc: json.JSONDecodeError) -> str:
    """Name the common mistake behind a JSON syntax error, if it is one we recognise."""
    lines = text.splitlines()
    line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
    if line.replace('\\"', "").count('"') % 2 == 1:
        return "quote"  # a string opened and not closed on its line
    return ""


def _check_json_depth(text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before the recursive parser sees it."""
    depth = 0
    in_string = False
    escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line_start = text.rfind("\n", 0, index) + 1
                raise too_deep(text.count("\n", 0, index) + 1, index - line_start + 1)
        elif char in "]}":
            depth -= 1
