"""The strategy/v1 JSON Schema: one source (the model), served, and in agreement with the spec.

The schema is generated from core.content.Strategy. These tests hold it to three things:
it is what the service publishes (at its own URL and inside the OpenAPI document); it
never refuses a document the service accepts (so a client that checks with it first
loses nothing); and it says what the shared spec's tables say, field by field.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from core.content import validate
from core.errors import InvalidContent
from core.loading import parse
from core.schema import SCHEMA_ID, SCHEMA_PATH, strategy_components, strategy_schema
from service.api import openapi_document
from tests.app_fixtures import make_test_app
from tests.conftest import ROOT, example_path

SPEC_FILE = ROOT.parent / "shared" / "spec" / "content-format.md"
SCHEMA = strategy_schema()
VALIDATOR = Draft202012Validator(SCHEMA)
EXAMPLES = ("udkast-1", "udkast-2")


def example(name: str, kind: str = "yaml") -> Any:
    """Return a reference draft as the service reads it (dates and numbers stay text)."""
    data = parse(example_path(name).read_bytes(), "yaml")
    if kind == "json":
        return parse(json.dumps(data, ensure_ascii=False).encode("utf-8"), "json")
    return data


def schema_accepts(document: Any) -> bool:
    return bool(VALIDATOR.is_valid(document))


def service_accepts(document: Any) -> bool:
    try:
        validate(document)
    except InvalidContent:
        return False
    return True


# --- the schema itself ----------------------------------------------------------------


def test_the_schema_is_a_valid_2020_12_schema_that_names_itself():
    Draft202012Validator.check_schema(SCHEMA)

    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == SCHEMA_ID
    assert SCHEMA["title"] == "strategy/v1"
    assert "strategy/v1" in SCHEMA["description"]


def test_the_schema_refuses_an_empty_object_naming_the_required_fields():
    missing = {e.message.split("'")[1] for e in VALIDATOR.iter_errors({})}

    assert missing == {"format", "document", "visions"}


@pytest.mark.parametrize("kind", ["yaml", "json"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_schema_accepts_both_reference_drafts(name, kind):
    document = example(name, kind)

    assert [e.message for e in VALIDATOR.iter_errors(document)] == []
    assert service_accepts(document)


def test_the_schema_refuses_what_the_format_forbids():
    base = example("udkast-2")
    wrong_format = {**base, "format": "strategy/v2"}
    no_visions = {**base, "visions": []}
    unknown_field = {**base, "document": {**base["document"], "colour": "red"}}
    bad_slug = {**base, "document": {**base["document"], "slug": "Social Strategi"}}
    bad_state = copy.deepcopy(base)
    bad_state["timeline"][0]["state"] = "maybe"

    for document in (wrong_format, no_visions, unknown_field, bad_slug, bad_state):
        assert not schema_accepts(document)
        assert not service_accepts(document)


def test_a_number_in_a_text_field_is_text_for_the_schema_as_for_the_service():
    document = example("udkast-2")
    document["signs_of_success"][0]["baseline"] = 12
    document["signs_of_success"][0]["target"] = 4.1

    assert schema_accepts(document)
    assert service_accepts(document)


# --- the schema never refuses what the service accepts --------------------------------

REPLACEMENTS: st.SearchStrategy[Any] = st.sampled_from(
    [None, 0, 12, 4.5, True, "", " ", "ny tekst", "x" * 301, "2018-03-02", [], {}, ["a"]]
)
# Unknown names; `from_` is left out: it is the known disagreement tested below.
NEW_KEYS = st.sampled_from(["extra", "Title", "id", "notes", "status"])


def _paths(value: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*here, index))


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_document_the_schema_refuses_the_service_refuses_too(data):
    """A client that checks with the schema first never drops a document we would take."""
    document = copy.deepcopy(example(data.draw(st.sampled_from(EXAMPLES))))
    path = data.draw(st.sampled_from(list(_paths(document))))
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "add" or not path:
        target = _at(document, path)
        if not isinstance(target, dict):
            return
        target[data.draw(NEW_KEYS)] = data.draw(REPLACEMENTS)
    else:
        parent = _at(document, path[:-1])
        if action == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(REPLACEMENTS)

    assert schema_accepts(document) or not service_accepts(document), path


def test_the_service_reads_no_field_name_the_schema_does_not_know():
    document = example("udkast-2")
    entry = document["consultation"][0]
    entry["from_"] = entry.pop("from")

    assert not schema_accepts(document)
    assert not service_accepts(document)


# --- one source: served, and inside the OpenAPI document ------------------------------


def test_the_schema_is_served_without_a_token(tmp_path):
    made = make_test_app(tmp_path)
    response = made.app.test_client().get(SCHEMA_PATH)

    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert response.get_json() == SCHEMA


def _as_standalone(node: Any) -> Any:
    """Rewrite OpenAPI component references into the standalone schema's $defs ones."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/components/schemas/", "#/$defs/")
                if key == "$ref"
                else _as_standalone(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_as_standalone(item) for item in node]
    return node


def test_the_openapi_document_embeds_the_same_schema():
    components = openapi_document()["components"]["schemas"]
    generated = strategy_components()
    standalone = {k: v for k, v in SCHEMA.items() if k not in ("$schema", "$id", "$defs")}

    assert {name: components[name] for name in generated} == generated
    assert _as_standalone(generated["Strategy"]) == standalone
    assert {name: _as_standalone(generated[name]) for name in SCHEMA["$defs"]} == SCHEMA["$defs"]


# --- the shared spec says the same -----------------------------------------------------

# Each heading of the spec names a part of the document: the top level, or the top-level
# field that holds it. A new heading with a table fails the test until it is added here.
PARTS = {
    "Top level": (),
    "`document`": ("document",),
    "Vision": ("visions",),
    "Indicator (`signs_of_success`)": ("signs_of_success",),
    "Section": ("sections",),
    "Milestone (`timeline`)": ("timeline",),
    "Consultation input": ("consultation",),
}
NOT_PARTS = {"Rich text", "Errors"}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref, take the non-null branch of an optional field, and a list's items."""
    while True:
        if "$ref" in node:
            node = SCHEMA["$defs"][node["$ref"].removeprefix("#/$defs/")]
        elif "anyOf" in node:
            node = next(branch for branch in node["anyOf"] if branch.get("type") != "null")
        elif node.get("type") == "array" and "properties" not in node:
            node = node["items"]
        else:
            return node


def _part(path: tuple[str, ...]) -> dict[str, Any]:
    node: dict[str, Any] = SCHEMA
    for key in path:
        node = _resolve(node["properties"][key])
    return node


def _spec_sections() -> dict[str, list[str]]:
    if not SPEC_FILE.exists():
        pytest.fail(f"the shared spec is missing: {SPEC_FILE}")
    sections: dict[str, list[str]] = {}
    current = None
    for line in SPEC_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def _table(lines: list[str]) -> list[dict[str, str]]:
    """Return the rows of the first Markdown table in `lines`, by column name."""
    rows = [line for line in lines if line.startswith("|")]
    if not rows:
        return []
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in row.strip("|").split("|")), strict=True))
        for row in rows[2:]
    ]


def _ticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def test_every_part_of_the_spec_is_known_here():
    assert set(_spec_sections()) == set(PARTS) | NOT_PARTS


@pytest.mark.parametrize("heading", list(PARTS))
def test_the_spec_and_the_schema_name_the_same_fields(heading):
    lines = _spec_sections()[heading]
    part = _part(PARTS[heading])
    rows = _table(lines)
    if rows:
        named = {row["key"].strip("`"): row["required"].startswith("yes") for row in rows}
    else:
        # A part described in a sentence, as `{id, title, body}`: its names, and the ones
        # the sentence calls required.
        text = " ".join(lines)
        braces = next(t for t in _ticked(text) if t.startswith("{"))
        said = set(re.findall(r"`(\w+)`[^`,;]*\brequired\b", text))
        named = {name.strip(): name.strip() in said for name in braces.strip("{}").split(",")}
        assert said <= set(part["required"]), heading
        assert set(named) == set(part["properties"]), heading
        return

    assert set(named) == set(part["properties"]), heading
    assert {name for name, required in named.items() if required} == set(part["required"])


def test_the_spec_and_the_schema_agree_on_values_patterns_and_counts():
    checked = 0
    for heading, path in PARTS.items():
        part = _part(path)
        for row in _table(_spec_sections()[heading]):
            name = row["key"].strip("`")
            field = _resolve(part["properties"][name])
            raw = part["properties"][name]
            ticked = _ticked(row["type"])
            if ticked and ticked[0].startswith("^"):
                assert field["pattern"] == ticked[0], name
                checked += 1
            elif ticked and "enum" in field:
                assert set(ticked) == set(field["enum"]), name
                checked += 1
            default = re.search(r"default `([^`]+)`", row["required"])
            if default:
                assert raw["default"] == default.group(1), name
                checked += 1
            if name == "format":
                assert field["const"] == _ticked(row["meaning"])[0]
                checked += 1
            span = re.search(r"(\d+)–(\d+)", row["type"] + " " + row["required"])
            if span:
                low, high = map(int, span.groups())
                counted = raw if raw.get("type") == "array" else field
                kind = "Items" if counted.get("type") == "array" else "Length"
                assert (counted[f"min{kind}"], counted[f"max{kind}"]) == (low, high), name
                checked += 1
            if row["type"].startswith("list of `{"):
                inner = _ticked(row["type"])[0].strip("{}").split(",")
                names = {n.strip().rstrip("?"): not n.strip().endswith("?") for n in inner}
                assert set(names) == set(field["properties"]), name
                assert {n for n, req in names.items() if req} == set(field["required"]), name
                checked += 1

    # format, slug, title, language and status (values, defaults), visions, authors, and
    # a consultation input's status (values, default)
    assert checked >= 11
