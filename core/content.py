"""The strategy/v1 content model and `load`, which turns bytes into a validated Strategy."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from core import budget, richtext
from core.errors import InvalidContent, Problem
from core.loading import MAX_INPUT_BYTES, media_type_of, parse
from core.shortening import shortened
from core.yamlsafe import MAX_DEPTH

FORMAT = "strategy/v1"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
RESERVED_TARGETS = ("foreword", "signs_of_success", "timeline", "layout")

# Size limits, documented in README.md: generous for a real strategy, small enough
# that one document can never exhaust a renderer.
MAX_LINE = 300  # headlines, titles, labels, names
MAX_TEXT = 2_000  # plain-text fields such as an indicator or a consultation input
MAX_RICH = 50_000  # one rich-text field (about six pages)
MAX_KEY = 100  # a field name; real ones are short words, and a path must stay readable
# The longest word (run without a space) in a plain-text field. These fields are laid out
# in narrow table cells, where the PDF engine's cost grows steeply with a word's length:
# 100 consultation inputs with 300-character words took 18 s instead of 4 s. Long
# Danish compounds and most web addresses stay well under it.
MAX_WORD = 100
LIMITS = {
    "visions": 12,
    "commitments": 20,
    "signs_of_success": 100,
    "sections": 30,
    "timeline": 60,
    "consultation": 300,
    "authors": 30,
    "affects": 40,
}

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _date(value: Any) -> Any:
    """Accept an ISO date string (YYYY-MM-DD) or a date; reject anything looser."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date without a time, written YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{_shown(value)} is not a real date") from None
    if isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not a date written YYYY-MM-DD, e.g. 2018-03-02")
    raise ValueError(f"must be a date written YYYY-MM-DD, not {_type_name(value)}")


def _rich(value: str) -> str:
    try:
        richtext.parse(value)
    except richtext.RichTextError as exc:
        raise ValueError(str(exc)) from None
    return value


def _plain_text(value: str) -> str:
    """Refuse a blank plain-text value, or one with a word too long to lay out in a cell."""
    if not value.strip():
        raise ValueError("must not be empty")
    longest = max(map(len, value.split()))
    if longest > MAX_WORD:
        raise ValueError(f"has a word of {longest} characters without a space; at most {MAX_WORD}")
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
# One-line values (titles, headlines, names) lose the spaces around them: they are set
# between other words ("Vedrører: Et godt liv, Alle skal have en ven"), where a stray
# space shows. Longer texts keep theirs (they are compared whitespace-tolerantly).
Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_LINE),
    AfterValidator(_plain_text),
]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_plain_text)]
RichText = Annotated[str, StringConstraints(max_length=MAX_RICH), AfterValidator(_rich)]
IsoDate = Annotated[dt.date, BeforeValidator(_date)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=False,
        coerce_numbers_to_str=True,  # `baseline: 12` means the text "12"
    )


class Author(_Model):
    """A person or unit credited with the document."""

    name: Line
    role: Line | None = None


class DocumentInfo(_Model):
    """Metadata shown on the cover and in headers, and stored with every draft."""

    slug: Slug
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        AfterValidator(_plain_text),
    ]
    subtitle: Line | None = None
    organisation: Line | None = None
    language: Literal["da", "en"] = "da"
    status: Literal["draft", "consultation", "final"] = "draft"
    draft_label: Annotated[str, StringConstraints(max_length=80)] | None = None
    date: IsoDate | None = None
    authors: Annotated[list[Author], Field(max_length=LIMITS["authors"])] = []


class Vision(_Model):
    """One of the strategy's visions, shown as a card."""

    id: Slug
    title: Line
    headline: Line
    body: RichText | None = None
    commitments: Annotated[list[Text], Field(max_length=LIMITS["commitments"])] = []


class Indicator(_Model):
    """A sign of success: what is measured, today's value and the target."""

    id: Slug
    vision: Slug | None = None
    indicator: Text
    baseline: Line | None = None
    target: Line | None = None
    data_source: Line | None = None


class Section(_Model):
    """A free section rendered after the indicators."""

    id: Slug
    title: Line
    body: RichText | None = None


class Milestone(_Model):
    """A step of the process: a meeting, a hearing, the adoption."""

    date: IsoDate
    event: Text
    state: Literal["done", "planned", "cancelled"] = "planned"


class ConsultationInput(_Model):
    """Input received from a committee or stakeholder, and what was done with it."""

    id: Slug
    from_: Line = Field(alias="from")
    date: IsoDate | None = None
    input: Text
    response: Text | None = None
    status: Literal["incorporated", "partly", "declined", "pending"] = "pending"
    affects: Annotated[list[str], Field(max_length=LIMITS["affects"])] = []


class Strategy(_Model):
    """A whole strategy draft in format strategy/v1."""

    format: Literal["strategy/v1"]
    document: DocumentInfo
    foreword: RichText | None = None
    visions: Annotated[list[Vision], Field(min_length=1, max_length=LIMITS["visions"])]
    signs_of_success: Annotated[list[Indicator], Field(max_length=LIMITS["signs_of_success"])] = []
    sections: Annotated[list[Section], Field(max_length=LIMITS["sections"])] = []
    timeline: Annotated[list[Milestone], Field(max_length=LIMITS["timeline"])] = []
    consultation: Annotated[list[ConsultationInput], Field(max_length=LIMITS["consultation"])] = []

    def vision(self, vision_id: str) -> Vision | None:
        """Return the vision with this id, if any."""
        return next((v for v in self.visions if v.id == vision_id), None)

    def to_data(self) -> dict[str, Any]:
        """Return the strategy as JSON-ready data in the content format (dates as strings)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def load(
    data: bytes,
    media_type: str | None = None,
    filename: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Strategy:
    """Read YAML or JSON bytes and return a validated Strategy, or raise a domain error."""
    return validate(parse(data, media_type_of(filename, media_type), max_bytes))


def validate(data: Any) -> Strategy:
    """Validate parsed data; raise InvalidContent listing every problem with its path."""
    if not isinstance(data, dict):
        raise InvalidContent(
            [
                Problem(
                    "",
                    "the document must be a set of named fields (format, document, visions, …), "
                    f"not {_type_name(data)}",
                )
            ]
        )
    fmt = data.get("format")
    if fmt is not None and fmt != FORMAT:
        # Another format's rules are unknown here, so any further problem would be noise.
        raise InvalidContent([Problem("format", _format_message(fmt))])
    problems: list[Problem] = []
    clean = _walk(data, "", 0, problems)
    # A field with a control character gets that one message; what the model says
    # about the same text (not a slug, not valid unicode) adds nothing.
    flagged = {p.path for p in problems}
    problems += _reference_problems(clean)
    try:
        strategy = Strategy.model_validate(clean)
    except ValidationError as exc:
        problems += [p for p in _pydantic_problems(exc) if p.path not in flagged]
    if not problems:
        # Only a document whose every field is within its own limits is summed up.
        problems = budget.layout_problems(clean)
    if problems:
        raise InvalidContent(problems)
    return strategy


def _format_message(fmt: object) -> str:
    if isinstance(fmt, str):
        return f"this service reads only {FORMAT!r}, not {_shown(fmt)}"
    return f"must be the text {FORMAT!r}, not {_type_name(fmt)}"


def _shown(value: str, limit: int = 60) -> str:
    """Quote a value for a message, shortened so one huge field cannot flood the answer."""
    return repr(shortened(value, limit))


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = [part for part in err["loc"] if not _is_validator_name(part)]
        out.append(Problem(_path(loc), _message(err)))
    return out


def _is_validator_name(part: object) -> bool:
    # Some unions add the branch name to the location, e.g. "function-after[...]".
    return isinstance(part, str) and "[" in part


def _path(loc: list[Any]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field (see the content format for the fields this part may have)"
    if kind == "string_too_long":
        return f"too long: at most {ctx['max_length']} characters"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_long":
        return f"too many entries: at most {ctx['max_length']}"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} entry"
    if kind == "string_pattern_mismatch":
        return (
            "must be lower-case letters, digits and hyphens (at most 64), "
            "starting with a letter or digit"
        )
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind in ("string_type", "model_type", "list_type", "dict_type"):
        wanted = {"string_type": "text", "list_type": "a list"}.get(kind, "a group of fields")
        return f"must be {wanted}, not {_type_name(err.get('input'))}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def _type_name(value: object) -> str:
    if value is None:
        return "empty (null)"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a group of fields",
    }.get(type(value), type(value).__name__)


def _walk(value: Any, path: str, depth: int, problems: list[Problem]) -> Any:
    """Report unusable characters and field names anywhere; return a copy without them.

    The copy drops field names that are not text (YAML reads `1:` and `null:` as a number
    and as null) or that hold control characters, so the model reports each problem once
    and no path or message carries a character that XML cannot hold.
    """
    if isinstance(value, str):
        match = _BAD_CHARS.search(value)
        if match:
            code = f"U+{ord(match.group()):04X}"
            problems.append(
                Problem(path, f"contains the control character {code} at offset {match.start()}")
            )
        return value
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        # Parsed input never gets here (the loader caps depth); data built in code might.
        problems.append(Problem(path, f"nested more than {MAX_DEPTH} levels deep"))
        return None
    if isinstance(value, list):
        return [_walk(item, f"{path}[{i}]", depth + 1, problems) for i, item in enumerate(value)]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(
                    Problem(
                        path,
                        f"the field name {_key_label(key)} is not text; "
                        "field names are words such as title or id",
                    )
                )
            elif _BAD_CHARS.search(key) or len(key) > MAX_KEY:
                problems.append(
                    Problem(
                        path,
                        "a field name holds a control character "
                        f"or is longer than {MAX_KEY} characters",
                    )
                )
            else:
                out[key] = _walk(item, f"{path}.{key}" if path else key, depth + 1, problems)
        return out
    return value


def _key_label(key: object) -> str:
    """Show a non-text field name as the author wrote it in YAML."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return _shown(str(key), 40).strip("'\"")


def _as_id(value: object) -> str | None:
    """Return an id as the model will read it (numbers become text), or None if unusable."""
    if isinstance(value, str):
        # An id with a control character is reported as such, not also as unknown.
        return None if _BAD_CHARS.search(value) else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # the same rule as the model's coerce_numbers_to_str
    return None


def _entries(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _complete(data: dict[str, Any], key: str, required: bool = False) -> bool:
    """Tell whether every part of this kind is an object with a usable id.

    Only then can a reference to an unknown id be called dangling: if `visions` is
    missing or one vision has no id, the real problem is already reported there.
    """
    items = data.get(key)
    if items is None:
        return not required
    return (
        isinstance(items, list)
        and (bool(items) or not required)
        and all(isinstance(item, dict) and _as_id(item.get("id")) for item in items)
    )


def _reference_problems(data: dict[str, Any]) -> list[Problem]:
    """Check id uniqueness across the document and that every reference names a real part."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for key in ("visions", "signs_of_success", "sections", "consultation"):
        for i, item in _entries(data, key):
            ident = _as_id(item.get("id"))
            if ident is None:
                continue
            here = f"{key}[{i}].id"
            if ident in RESERVED_TARGETS:
                problems.append(Problem(here, f"{ident!r} is a reserved word; choose another id"))
            elif ident in seen:
                problems.append(
                    Problem(here, f"the id {_shown(ident)} is already used at {seen[ident]}")
                )
            else:
                seen[ident] = here
    if _complete(data, "visions", required=True):
        vision_ids = {_as_id(item.get("id")) for _, item in _entries(data, "visions")}
        for i, item in _entries(data, "signs_of_success"):
            ref = _as_id(item.get("vision"))
            if ref is not None and ref not in vision_ids:
                problems.append(
                    Problem(f"signs_of_success[{i}].vision", f"no vision has the id {_shown(ref)}")
                )
    if all(
        _complete(data, key, required=key == "visions")
        for key in ("visions", "signs_of_success", "sections")
    ):
        targets = {k for k, where in seen.items() if not where.startswith("consultation")}
        targets |= set(RESERVED_TARGETS)
        for i, item in _entries(data, "consultation"):
            affects = item.get("affects")
            for j, value in enumerate(affects if isinstance(affects, list) else []):
                ref = _as_id(value)  # anything else is a type problem the model reports
                if ref is not None and ref not in targets:
                    problems.append(
                        Problem(
                            f"consultation[{i}].affects[{j}]",
                            f"{_shown(ref)} names no vision, indicator or section "
                            f"(nor one of {', '.join(RESERVED_TARGETS)})",
                        )
                    )
    return problems
