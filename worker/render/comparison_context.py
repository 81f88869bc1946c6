"""What the comparison template needs: the comparison view, chapters in reading order.

The comparison only lists parts that changed or moved; the reader also needs to see
where the unchanged ones stand, so runs of unchanged parts become one short line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core import plain_language
from core.consultation import part_names
from core.content import Strategy
from core.diff import KINDS, ComparisonView
from core.labels import labels
from core.matching import in_date_order
from core.view import date_text
from templates.filters import value_text


@dataclass(frozen=True)
class Entry:
    """A changed part (its to_json data), or a run of unchanged parts by title."""

    part: Mapping[str, Any] | None = None
    unchanged: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chapter:
    """The changes of one kind of part, in the new draft's reading order."""

    kind: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    new_inputs: int = 0  # added consultation inputs: the report shows them, not the redline


def draft_name(strategy: Strategy, fallback: str) -> str:
    """Name a draft as readers do: its draft label, or "the previous draft"."""
    return strategy.document.draft_label or fallback


def comparison_context(old: Strategy, new: Strategy, view: ComparisonView) -> dict[str, Any]:
    """Return the template values of a comparison: its view, and what the PDF adds to it."""
    language = view.language
    text = labels(language)
    old_name = draft_name(old, text["cmp.previous"])
    new_name = draft_name(new, text["cmp.current"])

    def date(value: dt.date | None) -> str:
        return date_text(value, language)

    def meta_value(name: str, value: Any) -> str:
        if name == "date" and isinstance(value, str):
            return date(dt.date.fromisoformat(value))
        return value_text(value)

    return {
        "c": view.data,
        "doc": new.document,
        "L": text,
        "lang": language,
        "date": date,
        "date_iso": lambda value: date(dt.date.fromisoformat(value)),
        "meta_value": meta_value,
        "title": view.title(old_name, new_name),
        "old": {"name": old_name, "date": date(old.document.date)},
        "new": {"name": new_name, "date": date(new.document.date)},
        "chapters": chapters(new, view.data["parts"], text),
        "inputs": view.inputs,
        "anchored": view.anchored,
        "headlines": view.headlines,
        "moves": view.moves,
        "pending": view.pending,
        # Both drafts' parts, so a removed part is named too; the new draft's names win.
        "names": part_names(old) | part_names(new),
        # LIX and advice before → after, as the web page shows it, in the document's words.
        "plain": plain_language.change(old, new, language),
    }


def chapters(
    new: Strategy, parts: Sequence[Mapping[str, Any]], text: dict[str, str]
) -> list[Chapter]:
    """Group the parts by kind, with unchanged parts collapsed into runs, in reading order."""
    titles = _titles(new)
    out = []
    for kind in KINDS:
        own = [p for p in parts if p["kind"] == kind]
        if kind == "consultation":
            added = sum(1 for p in own if p["status"] == "added")
            shown = [Entry(part=p) for p in own if p["status"] != "added"]
            if own:
                out.append(Chapter(kind, text[f"cmp.kind.{kind}"], shown, added))
            continue
        entries = _interleave(own, titles[kind])
        if entries:
            out.append(Chapter(kind, text[f"cmp.kind.{kind}"], entries))
    return out


def _interleave(own: list[Mapping[str, Any]], titles: list[str]) -> list[Entry]:
    """Put runs of unchanged parts (by new position) between the changed ones."""
    entries: list[Entry] = []
    position = 0

    def unchanged_until(limit: int) -> None:
        if position < limit:
            entries.append(Entry(unchanged=tuple(titles[position:limit])))

    # `own` is in reading order: each kept or added part at its new position, a removed
    # one right after its old predecessor, so the gaps between positions are unchanged.
    for part in own:
        index = part["new_index"]
        if index is not None:
            unchanged_until(index)
            position = index + 1
        entries.append(Entry(part=part))
    unchanged_until(len(titles))
    return entries


def _titles(strategy: Strategy) -> dict[str, list[str]]:
    """Return what a reader calls each part of a draft, by kind, in reading order."""
    text = labels(strategy.document.language)
    return {
        "foreword": [text["foreword"]] if strategy.foreword else [],
        "vision": [v.title for v in strategy.visions],
        "indicator": [i.indicator for i in strategy.signs_of_success],
        "section": [s.title for s in strategy.sections],
        # As the document draws them, and as core.parts numbers them: by date.
        "milestone": [strategy.timeline[i].event for i in in_date_order(strategy.timeline)],
        "consultation": [c.from_ for c in strategy.consultation],
    }
