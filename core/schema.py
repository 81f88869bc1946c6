"""The strategy/v1 JSON Schema, generated from the content model so the two cannot drift.

`core.content.Strategy` is the one source: field names (by alias, so `from`), required
fields, types, patterns, enumerations and length limits all come from pydantic. The
schema is a necessary condition, not a sufficient one: what JSON Schema cannot say (ids
unique across the document, references that name real parts, rich text, the longest
word, the whole document's budget) is checked by `core.content.validate`, which answers
every problem at once. So a document the schema refuses is always refused, and one it
accepts may still be refused with its problems listed.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from core.content import FORMAT, Strategy

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:udkast:schema:strategy-v1"
# Where the service publishes it (service.api serves it without a token).
SCHEMA_PATH = "/api/v1/schema/strategy-v1.json"
TITLE = FORMAT
DESCRIPTION = (
    "A strategy draft in the udkast content format strategy/v1, as YAML or JSON. "
    "A text field also takes a number, which is read as text exactly as written "
    "(`4.10` stays `4.10`). Beyond this schema the service checks that ids are unique "
    "across the document, that every reference names a real part, the rich text, the "
    "longest word and the size of the whole document; it lists every problem at once."
)

# Every model of the format shares this setting (core.content._Model); the schema says
# what it means instead of promising text only.
_NUMBERS_AS_TEXT = bool(Strategy.model_config.get("coerce_numbers_to_str"))


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, with text fields that also take a number, as the model does."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        """Describe a text field; a number is accepted wherever the model reads one as text."""
        json_schema = super().str_schema(schema)
        if _NUMBERS_AS_TEXT:
            json_schema["type"] = ["string", "number"]
        return json_schema


def _generated(ref_template: str) -> dict[str, Any]:
    schema = Strategy.model_json_schema(
        by_alias=True, ref_template=ref_template, schema_generator=_Generator, mode="validation"
    )
    schema.update(title=TITLE, description=DESCRIPTION)
    return schema


def strategy_schema() -> dict[str, Any]:
    """Return the standalone strategy/v1 JSON Schema (2020-12), its parts under `$defs`."""
    return {"$schema": DIALECT, "$id": SCHEMA_ID, **_generated("#/$defs/{model}")}


def strategy_components(ref_template: str = "#/components/schemas/{model}") -> dict[str, Any]:
    """Return the same schema as named schemas for an OpenAPI 3.1 document's components.

    `Strategy` is the whole document; the others are its parts (Vision, Indicator, …),
    referred to through `ref_template`. No `$id` here: inside an OpenAPI document it
    would move the base that `#/components/…` references resolve against.
    """
    schema = _generated(ref_template)
    parts: dict[str, Any] = schema.pop("$defs", {})
    return {**parts, "Strategy": schema}
