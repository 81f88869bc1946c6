"""Read YAML safely: no aliases, no tags, no duplicate keys, bounded depth, dates as text.

Two passes over the text, both in libyaml's C code where PyYAML has it (about ten
times faster than the pure-Python parser on a strategy document): first the event
stream is checked, with no recursion, so nothing deep or aliased ever reaches the
composer; then the checked text is composed and constructed.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from core.problems import MalformedInput

MAX_DEPTH = 32  # the format itself nests at most 5 levels deep
# No field of the format is a number; a longer one is a mistake or an attack on int().
MAX_NUMBER_DIGITS = 100
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")

_C = bool(getattr(yaml, "__with_libyaml__", False))
_Base: Any = yaml.CSafeLoader if _C else yaml.SafeLoader
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _Loader(_Base):  # type: ignore[misc]
    """A safe loader whose constructors keep numbers and dates as the author wrote them."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                # A list or mapping as a key cannot name a field (and is unhashable).
                raise MalformedInput(
                    f"line {key_node.start_mark.line + 1}: a key must be a plain name, "
                    "not a list or a mapping"
                )
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise MalformedInput(
                    f"line {key_node.start_mark.line + 1}: the key {key!r} appears twice"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> Any:
        """Read a plain decimal as an int; keep other YAML 1.1 integers as written.

        No field of the format is a number, so numbers end up as text anyway, and
        YAML 1.1 would read `0700` as 448 (octal) and `10:30` as 630 (base 60).
        """
        value = str(node.value)
        digits = sum(char.isdigit() for char in value)
        if digits > MAX_NUMBER_DIGITS:
            raise MalformedInput(
                f"line {node.start_mark.line + 1}: a number with {digits} digits is too long "
                "(put it in quotes if it is text)"
            )
        return int(value) if _DECIMAL.fullmatch(value) else value

    def construct_yaml_float(self, node: Any) -> Any:
        """Keep a decimal number as written (`4.10` stays `4.10`); refuse .inf and .nan."""
        value = str(node.value)
        if not math.isfinite(super().construct_yaml_float(node)):
            raise MalformedInput(
                f"line {node.start_mark.line + 1}: {value} is not a number this format allows"
            )
        return value


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
        raise MalformedInput(_reader_message(text, exc)) from None
    except yaml.MarkedYAMLError as exc:
        where = f"line {exc.problem_mark.line + 1}: " if exc.problem_mark else ""
        raise MalformedInput(f"{where}not valid YAML: {exc.problem}") from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise MalformedInput(f"not valid YAML: {exc}") from None


def _check_events(text: str) -> None:
    """Refuse aliases, explicit tags and deep nesting, reading events one at a time."""
    loader = _Base(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise MalformedInput(f"line {line}: YAML aliases (*name) are not allowed")
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":  # the parser sets a tag only when one is written
                raise MalformedInput(f"line {line}: YAML tags ({tag}) are not allowed")
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise MalformedInput(f"line {line}: nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, _CLOSE):
                depth -= 1
    finally:
        loader.dispose()


def _reader_message(text: str, exc: yaml.reader.ReaderError) -> str:
    # libyaml counts bytes of the UTF-8 text; the pure-Python reader counts characters.
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore") if _C else text
    line = before.count("\n", 0, None if _C else exc.position) + 1
    if isinstance(exc.character, int):
        return f"line {line}: the character U+{exc.character:04X} is not allowed in a document"
    return f"line {line}: not valid YAML: {exc.reason}"
