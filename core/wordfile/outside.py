"""Text outside udkast's fields: what the renderer printed there, and what a person typed.

The renderer lists the text it writes between the fields (headings, labels, the cover's
fixed words) in the custom XML part, as short hashes of each paragraph's text. Reading
the file back, a paragraph outside every field whose text is not among them was typed by
someone: it cannot come back into the content, so it is named in a warning instead of
dropped without a word. The tables of the content sit in controls of their own, read
by core/wordfile/tables.py; the tables that only lay out a part (a vision's card) are
compared like any paragraph. What Word regenerates (the contents, fields) is not.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from core.errors import Problem
from core.wordfile.richtext import Revisions, w

TAG_PREFIX = "udkast:"
# A person who pasted a page outside the fields hears of the first few places, not of
# every paragraph: the message has to stay readable.
MAX_WARNINGS = 10
_FIELD_MARKS = (w("fldChar"), w("instrText"), w("fldSimple"))


def fingerprint(text: str) -> str:
    """Return the short hash the custom XML part lists for one paragraph's fixed text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def outside_texts(
    body: Any, style_names: Mapping[str, str], revisions: Revisions = "accept"
) -> list[tuple[str, str]]:
    """Return each paragraph's text outside the fields, with the place of the field before it.

    Whitespace is collapsed; empty paragraphs are left out, and so are the table of
    contents and paragraphs holding a field (Word rewrites their text).
    """
    found: list[tuple[str, str]] = []
    before = ""
    for element in body.iter(w("p"), w("sdt")):
        if element.tag == w("sdt"):
            tag = element.find(f"{w('sdtPr')}/{w('tag')}")
            value = tag.get(w("val"), "") if tag is not None else ""
            if value.startswith(TAG_PREFIX):
                before = value[len(TAG_PREFIX) :]
            continue
        if next(element.iterancestors(w("sdt")), None) is not None:
            continue
        if _regenerated(element, style_names):
            continue
        text = " ".join(_own_text(element, revisions).split())
        if text:
            found.append((text, before))
    return found


def typed_outside(
    found: Iterable[tuple[str, str]], printed: Iterable[str], data: Mapping[str, Any]
) -> list[Problem]:
    """Return a warning for each text outside the fields that the renderer did not print.

    `printed` is the custom XML part's list of hashes; `data` the content read so far,
    to name the field before each text by its path (`visions[1].headline`).
    """
    left = Counter(printed)
    problems: list[Problem] = []
    extra = 0
    for text, before in found:
        digest = fingerprint(text)
        if left[digest] > 0:
            left[digest] -= 1
            continue
        if len(problems) == MAX_WARNINGS:
            extra += 1
            continue
        problems.append(
            Problem(
                _path_of(data, before),
                f"text typed outside the fields was left out: {text[:80]!r}",
                code="word_typed_outside",
                args=(("value", text),),
            )
        )
    if extra:
        problems.append(
            Problem(
                "",
                f"{extra} more paragraph(s) typed outside the fields were left out",
                code="word_typed_outside_more",
                args=(("count", str(extra)),),
            )
        )
    return problems


def _regenerated(p: Any, style_names: Mapping[str, str]) -> bool:
    """Say whether Word writes this paragraph's text itself (a field, the contents)."""
    if any(next(p.iter(mark), None) is not None for mark in _FIELD_MARKS):
        return True
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    name = style_names.get(style.get(w("val"), ""), "") if style is not None else ""
    # Built-in styles keep their English name ("toc 1") whatever Word's language.
    return name.lower().startswith("toc ")


def _own_text(element: Any, revisions: Revisions) -> str:
    """Return the text of a paragraph's runs that are in no content control."""
    parts: list[str] = []
    for child in element:
        tag = child.tag
        if tag == w("sdt"):
            continue
        if tag == w("r"):
            parts.extend(t.text or "" for t in child if t.tag in (w("t"), w("delText")))
        elif (tag == w("ins") and revisions == "reject") or (
            tag == w("del") and revisions == "accept"
        ):
            continue
        else:
            parts.append(_own_text(child, revisions))
    return "".join(parts)


def _path_of(data: Mapping[str, Any], place: str) -> str:
    """Return the content path of a field's place (`visions[id].x` → `visions[0].x`)."""
    head, _, key = place.rpartition(".")
    name, _, ident = head.partition("[")
    if not ident:
        return place
    ident = ident.rstrip("]")
    for index, item in enumerate(data.get(name) or []):
        if isinstance(item, Mapping) and item.get("id") == ident:
            return f"{name}[{index}].{key}"
    return ""
