"""Word ops as HTML: `<ins>` and `<del>` around escaped text, whitespace kept outside.

Shared by the web pages and the comparison PDF, so a change reads the same in both.
Whitespace stays outside the marks so that the bracket markers the stylesheet adds
("[+…]", "[−…]") hug the words, and a change of whitespace alone is not shown at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

_TAGS = {"insert": "ins", "delete": "del"}


def redline_html(ops: Iterable[Mapping[str, Any]]) -> Markup:
    """Render word ops ({op, text}) as escaped text with `<ins>`/`<del>` marks."""
    out: list[str] = []
    for op in ops:
        text = str(op["text"])
        tag = _TAGS.get(str(op["op"]))
        if tag is None:
            out.append(str(escape(text)))
            continue
        core = text.strip()
        if not core:
            # Deleted whitespace reads as nothing; inserted whitespace still separates words.
            out.append(" " if tag == "ins" else "")
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        out.append(f"{_space(lead)}<{tag}>{escape(core)}</{tag}>{_space(trail)}")
    return Markup("".join(out))  # noqa: S704  # every text above is escaped


def value_text(value: Any, names: Mapping[str, str] | None = None) -> str:
    """Show a plain field value (a date, a state, a list of ids) as one line of text."""
    if value is None:
        return "–"
    names = names or {}
    if isinstance(value, list | tuple):
        return ", ".join(names.get(str(v), str(v)) for v in value) or "–"
    return names.get(str(value), str(value))


def _space(text: str) -> str:
    return " " if text else ""
