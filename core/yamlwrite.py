"""Write content as YAML people can read and edit, that reads back to the same content.

Block style, keys in the format's order, Danish letters as they are, texts of several
lines as `|` blocks, dates as plain ISO text. core.yamlsafe reads it back to the same
data (tests/test_content_out.py checks that for any valid content).
"""

from __future__ import annotations

from typing import Any

import yaml

WIDTH = 100  # long one-line texts fold at about this width; they read back unchanged


class _Dumper(yaml.SafeDumper):
    """The safe dumper (pure Python: libyaml's cannot indent lists), without dates."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        # Indent list items under their key, as people and the examples write them.
        return super().increase_indent(flow, False)


# core.yamlsafe keeps dates as text, so a date needs no quotes to stay one.
_Dumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


# Line breaks YAML knows besides "\n": in a plain text or a block a reader turns them
# into a space or a "\n", so only double quotes (which escape them) keep them as they are.
_OTHER_BREAKS = frozenset("\r\x85\u2028\u2029")


def _text(dumper: Any, value: str) -> Any:
    # A text of several lines as a `|` block; the emitter falls back to quotes where a
    # block could not hold it exactly (trailing spaces on a line, say).
    if _OTHER_BREAKS.intersection(value):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(data: dict[str, Any]) -> str:
    """Return content data (Strategy.to_data(), in its key order) as YAML text."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=WIDTH,
        indent=2,
    )
    return text
