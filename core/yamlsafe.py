"""Read YAML safely: no aliases, no tags, no duplicate keys, bounded depth, dates as text.

Two passes over the text, both in libyaml's C code where PyYAML has it (about ten
times faster than the pure-Python parser on a strategy document): first the event
stream is checked, with no recursion, so nothing deep or aliased ever reaches the
composer; then the checked text is composed and constructed.

libyaml 0.2.6 (PyYAML 6.0.4's wheels) has a nesting limit of its own (1000 levels): its
scanner looks ahead along a line and can refuse `[[[[…` before the parser hands us a
single event of it. Whenever libyaml refuses a document, the text up to where it stopped
is measured again with PyYAML's pure-Python parser, which has no limit of its own, so a
document nested too deeply gets our message, with its position, whichever parser sees
it first and whatever libyaml calls it. That second walk starts at the last top-level key
before the error, so it reads a few lines of an ordinary document; a document whose root
is one flow collection (JSON written as YAML) is read again from its start, which costs
about what constructing a valid document of that size costs.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from core.errors import MalformedInput

MAX_DEPTH = 32  # the format itself nests at most 5 levels deep
# No field of the format is a number; a longer one is a mistake or an attack on int().
MAX_NUMBER_DIGITS = 100
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# The common mistakes behind a syntax error, told in English after the parser's message
# (core.problem_text words them in Danish from the hint's code).
HINTS_EN = {
    "colon": '; a value holding a colon and a space needs quotes, e.g. title: "Mål: 80 %"',
    "tab": "; indent with spaces, not tabs",
    "quote": "; a quoted text is not closed: end it with the same quote it starts with",
}
# A line `key: value: more`, whose value holds ": " without quotes around it.
_COLON_IN_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s'\"#][^:#]*:\s+[^\s'\"|>&*!\[{][^#]*?:(?:\s|$)")

_C = bool(getattr(yaml, "__with_libyaml__", False))
_Base: Any = yaml.CSafeLoader if _C else yaml.SafeLoader
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODE = (yaml.ScalarEvent, yaml.AliasEvent, *_OPEN)


class _Loader(_Base):  # type: ignore[misc]
    """A safe loader whose constructors keep numbers and dates as the author wrote them."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                # A list or mapping as a key cannot name a field (and is unhashable).
                line = str(key_node.start_mark.line + 1)
                raise MalformedInput(
                    f"line {line}: a key must be a plain name, not a list or a mapping",
                    code="key_not_plain",
                    values=(("line", line),),
                )
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                line = str(key_node.start_mark.line + 1)
                raise MalformedInput(
                    f"line {line}: the key {key!r} appears twice",
                    code="duplicate_key",
                    values=(("line", line), ("key", str(key))),
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> Any:
        """Read a plain decimal as an int; keep other YAML 1.1 integers as written.

        No field of the format is a number, so numbers end up as text anyway, and
        YAML 1.1 would read `0700` as 448 (octal) and `10:30` as 630 (base 60).
        """
        value = str(node.value)
        _check_digits(value, node.start_mark.line + 1)
        return int(value) if _DECIMAL.fullmatch(value) else value

    def construct_yaml_float(self, node: Any) -> Any:
        """Keep a decimal number as written (`4.10` stays `4.10`); refuse .inf and .nan."""
        value = str(node.value)
        _check_digits(value, node.start_mark.line + 1)
        if not math.isfinite(super().construct_yaml_float(node)):
            line = str(node.start_mark.line + 1)
            raise MalformedInput(
                f"line {line}: {value} is not a number this format allows",
                code="number_not_allowed",
                values=(("line", line), ("value", value)),
            )
        return value


def _check_digits(value: str, line: int) -> None:
    """Refuse a number longer than any text field could want, before anything converts it."""
    digits = sum(char.isdigit() for char in value)
    if digits > MAX_NUMBER_DIGITS:
        raise MalformedInput(
            f"line {line}: a number with {digits} digits is too long "
            "(put it in quotes if it is text)",
            code="number_too_long",
            values=(("line", str(line)), ("digits", str(digits))),
        )


def too_deep(line: int, column: int) -> MalformedInput:
    """Return the refusal of a document nested deeper than MAX_DEPTH, at a 1-based position."""
    return MalformedInput(
        f"line {line}, column {column}: nested too deeply (more than {MAX_DEPTH} levels)",
        code="input_too_deep",
        values=(("line", str(line)), ("column", str(column)), ("max", str(MAX_DEPTH))),
    )


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
# Timestamps stay strings, so the content model reports a bad date with its field path
# instead of the parser failing on the whole document.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str) -> Any:
    """Parse one YAML document into dicts, lists and scalars, or raise MalformedInput."""
    try:
        _check_events(text)
        loader = _Loader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except MalformedInput:
        raise
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(text, exc) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise MalformedInput(
            f"not valid YAML: {exc}", code="yaml_syntax", values=(("detail", str(exc)),)
        ) from None


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> MalformedInput:
    """Refuse a document the parser cannot read, at its line and column, with a hint."""
    mark = exc.problem_mark
    if mark is None:
        return MalformedInput(f"not valid YAML: {exc.problem}", code="yaml_syntax")
    line, column = str(mark.line + 1), str(mark.column + 1)
    hint = _yaml_hint(text, exc)
    return MalformedInput(
        f"line {line}: not valid YAML: {exc.problem} (column {column}){HINTS_EN.get(hint, '')}",
        code="yaml_syntax",
        values=(("line", line), ("column", column), ("hint", hint)),
    )


def _yaml_hint(text: str, exc: yaml.MarkedYAMLError) -> str:
    """Name the common mistake behind a syntax error: a tab, an open quote, a colon."""
    lines = text.splitlines()
    marks = [m for m in (exc.context_mark, exc.problem_mark) if m is not None]
    near = [lines[m.line] for m in marks if m.line < len(lines)]
    if exc.problem_mark is not None:
        # The mistake is often on the line before the one the parser stopped at.
        near += lines[max(0, exc.problem_mark.line - 1) : exc.problem_mark.line]
    if any("\t" in line[: len(line) - len(line.lstrip())] for line in near):
        return "tab"
    context = exc.context_mark
    if context is not None and context.line < len(lines):
        opener = lines[context.line][context.column : context.column + 1]
        if opener in ("'", '"'):
            return "quote"
    if any(_COLON_IN_VALUE.match(line) for line in near):
        return "colon"
    return ""


@dataclass
class _Resume:
    """Where a second walk may start: the latest key of a root mapping that begins a line.

    The text from such a key to the end parses as the same root mapping, with the same
    depths below it, so a second walk need not read the document from its beginning.
    """

    index: int = 0
    line: int = 0


def _check_events(text: str) -> None:
    """Refuse aliases, explicit tags and deep nesting, reading events one at a time."""
    resume = _Resume()
    try:
        _walk_events(_Base, text, resume=resume)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if _C and mark is not None and mark.index >= resume.index:
            # libyaml stopped here; if it was for nesting, the pure-Python parser finds it
            # in the text before this point and raises our refusal. Any other error it
            # meets in the cut text is an artefact of the cut: libyaml's error stands.
            with contextlib.suppress(yaml.YAMLError, RecursionError):
                cut = text[resume.index : mark.index + 1]
                _walk_events(yaml.SafeLoader, cut, first_line=resume.line)
        raise


def _walk_events(
    loader_class: Any, text: str, *, first_line: int = 0, resume: _Resume | None = None
) -> None:
    """Read the events of `text`; `first_line` is the 0-based line of its first character."""
    loader = loader_class(text)
    depth = 0
    root_keys: int | None = None  # nodes read so far in a block root mapping at column 0
    try:
        while loader.check_event():
            event = loader.get_event()
            mark = event.start_mark
            line = first_line + mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise MalformedInput(
                    f"line {line}: YAML aliases (*name) are not allowed",
                    code="yaml_alias",
                    values=(("line", str(line)),),
                )
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":  # the parser sets a tag only when one is written
                raise MalformedInput(
                    f"line {line}: YAML tags ({tag}) are not allowed",
                    code="yaml_tag",
                    values=(("line", str(line)), ("tag", tag)),
                )
            if depth == 1 and root_keys is not None and isinstance(event, _NODE):
                if resume is not None and root_keys % 2 == 0 and mark.column == 0:
                    resume.index, resume.line = mark.index, mark.line
                root_keys += 1
            if isinstance(event, _OPEN):
                if depth == 0:
                    block = isinstance(event, yaml.MappingStartEvent) and not event.flow_style
                    root_keys = 0 if block and mark.column == 0 else None
                depth += 1
                if depth > MAX_DEPTH:
                    raise too_deep(line, mark.column + 1)
            elif isinstance(event, _CLOSE):
                depth -= 1
    finally:
        loader.dispose()


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> MalformedInput:
    # libyaml counts bytes of the UTF-8 text; the pure-Python reader counts characters.
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore") if _C else text
    line = before.count("\n", 0, None if _C else exc.position) + 1
    if isinstance(exc.character, int):
        character = f"U+{exc.character:04X}"
        return MalformedInput(
            f"line {line}: the character {character} is not allowed in a document",
            code="input_character",
            values=(("line", str(line)), ("character", character)),
        )
    return MalformedInput(
        f"line {line}: not valid YAML: {exc.reason}",
        code="yaml_syntax",
        values=(("line", str(line)),),
    )
