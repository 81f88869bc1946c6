"""Match the parts of two drafts (by id, milestones by content) and diff their fields.

Milestones are compared in date order, the order both documents draw the timeline in
(`core.matching.in_date_order`): their indices are places in the drawn timeline, and a
milestone never "moves", since its date alone decides its place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from core import richtext
from core.content import ConsultationInput, Indicator, Milestone, Section, Strategy, Vision
from core.labels import labels
from core.matching import id_pairs, in_date_order, milestone_pairs, moved_positions
from core.paragraphdiff import ParagraphOp, diff_paragraphs, paragraph_words
from core.textdiff import Op, diff_text, normalise, ops_words

PartKind = Literal["foreword", "vision", "indicator", "section", "milestone", "consultation"]
FieldType = Literal["text", "rich", "list", "value"]
PartStatus = Literal["added", "removed", "changed", "unchanged"]
Item = Vision | Indicator | Section | Milestone | ConsultationInput


@dataclass(frozen=True)
class FieldChange:
    """One changed field: text fields carry word ops, rich text and lists paragraph ops."""

    name: str
    type: FieldType
    old: Any
    new: Any
    ops: tuple[Op, ...] = ()
    paragraphs: tuple[ParagraphOp, ...] = ()
    words_added: int = 0
    words_removed: int = 0


@dataclass(frozen=True)
class PartChange:
    """A part that was added, removed, moved or changed; `inputs` are the inputs naming it."""

    kind: PartKind
    id: str
    title: str
    status: PartStatus
    moved: bool
    old_index: int | None
    new_index: int | None
    fields: tuple[FieldChange, ...]
    vision: str | None = None
    inputs: tuple[str, ...] = ()


# The fields compared for each kind, in the order a reader meets them.
FIELDS: dict[PartKind, tuple[tuple[str, FieldType], ...]] = {
    "vision": (("title", "text"), ("headline", "text"), ("body", "rich"), ("commitments", "list")),
    "indicator": (
        ("vision", "value"),
        ("indicator", "text"),
        ("baseline", "text"),
        ("target", "text"),
        ("data_source", "text"),
    ),
    "section": (("title", "text"), ("body", "rich")),
    "milestone": (("date", "value"), ("event", "text"), ("state", "value")),
    "consultation": (
        ("from", "text"),
        ("date", "value"),
        ("input", "text"),
        ("response", "text"),
        ("status", "value"),
        ("affects", "value"),
    ),
}


def diff_field(name: str, kind: FieldType, old: Any, new: Any) -> FieldChange | None:
    """Return how one field changed, or None if it did not (whitespace does not count)."""
    if kind == "text":
        if normalise(old) == normalise(new):
            return None
        ops = diff_text(old, new)
        added, removed = ops_words(ops)
        return FieldChange(name, kind, old, new, ops, (), added, removed)
    if kind in ("rich", "list"):
        olds, news = _paragraphs(kind, old), _paragraphs(kind, new)
        same_text = [normalise(p) for p in olds] == [normalise(p) for p in news]
        if same_text and (kind == "list" or normalise(old) == normalise(new)):
            return None  # a rich field whose markup alone changed is still reported
        pops = diff_paragraphs(olds, news)
        added, removed = paragraph_words(pops)
        return FieldChange(name, kind, old, new, (), pops, added, removed)
    return None if old == new else FieldChange(name, kind, old, new)


def _paragraphs(kind: FieldType, value: Any) -> list[str]:
    if kind == "list":
        return list(value or [])
    return richtext.paragraphs(richtext.parse(value or "")) if value else []


def _value(item: Item | None, name: str) -> Any:
    """Return a field as JSON-ready data (dates as ISO text, lists as lists)."""
    if item is None:
        return None
    value = getattr(item, "from_" if name == "from" else name)
    if isinstance(value, dt.date):
        return value.isoformat()
    return list(value) if isinstance(value, list) else value


def diff_fields(kind: PartKind, old: Item | None, new: Item | None) -> tuple[FieldChange, ...]:
    """Diff every field of a part; a missing side counts as empty."""
    changes = (diff_field(n, t, _value(old, n), _value(new, n)) for n, t in FIELDS[kind])
    return tuple(c for c in changes if c is not None)


def diff_kind(
    kind: PartKind,
    old: Sequence[Item],
    new: Sequence[Item],
    pairs: list[tuple[int, int]],
    *,
    moves: bool = True,
) -> list[PartChange]:
    """Return the added, removed, moved and changed parts of one kind, in reading order.

    With `moves` false, no part counts as moved (milestones: their date places them).
    """
    moved = moved_positions(pairs) if moves else set()
    found: list[tuple[float, PartChange]] = []
    matched_old = {o: n for o, n in pairs}
    matched_new = set(matched_old.values())
    last_new = -1
    for i, item in enumerate(old):
        if i in matched_old:
            j = matched_old[i]
            last_new = max(last_new, j)
            fields = diff_fields(kind, item, new[j])
            if fields or j in moved:
                status: PartStatus = "changed" if fields else "unchanged"
                found.append((j, _part(kind, new[j], status, j in moved, i, j, fields)))
        else:
            # A removed part is shown where it stood: after its old predecessor.
            part = _part(kind, item, "removed", False, i, None, diff_fields(kind, item, None))
            found.append((last_new + 0.5, part))
    for j, item in enumerate(new):
        if j not in matched_new:
            part = _part(kind, item, "added", False, None, j, diff_fields(kind, None, item))
            found.append((j, part))
    return [part for _, part in sorted(found, key=lambda pair: pair[0])]


def _part(
    kind: PartKind,
    item: Item,
    status: PartStatus,
    moved: bool,
    old_index: int | None,
    new_index: int | None,
    fields: tuple[FieldChange, ...],
) -> PartChange:
    ident, title, vision = _describe(item)
    return PartChange(kind, ident, title, status, moved, old_index, new_index, fields, vision)


def _describe(item: Item) -> tuple[str, str, str | None]:
    """Return a part's id, the title a reader knows it by, and the vision it belongs to."""
    if isinstance(item, Vision):
        return item.id, item.title, item.id
    if isinstance(item, Indicator):
        return item.id, item.indicator, item.vision
    if isinstance(item, Section):
        return item.id, item.title, None
    if isinstance(item, Milestone):
        # No id in the format: the date names it (not always unique; the indices are).
        return item.date.isoformat(), item.event, None
    return item.id, item.from_, None


def diff_parts(old: Strategy, new: Strategy) -> list[PartChange]:
    """Return every changed part of the document, in reading order."""
    parts = _foreword(old, new)
    parts += diff_kind("vision", old.visions, new.visions, id_pairs(old.visions, new.visions))
    olds, news = old.signs_of_success, new.signs_of_success
    parts += diff_kind("indicator", olds, news, id_pairs(olds, news))
    parts += diff_kind("section", old.sections, new.sections, id_pairs(old.sections, new.sections))
    parts += _milestones(old, new)
    olds_c, news_c = old.consultation, new.consultation
    return parts + diff_kind("consultation", olds_c, news_c, id_pairs(olds_c, news_c))


def _milestones(old: Strategy, new: Strategy) -> list[PartChange]:
    """Diff the timelines in date order; pairs are found on the drafts' own order.

    Pairing on the drafts' order keeps the pairs the redline's timeline table finds
    (`milestone_pairs` on the same lists), whatever order the dates put them in.
    """
    old_order, new_order = in_date_order(old.timeline), in_date_order(new.timeline)
    old_place = {i: place for place, i in enumerate(old_order)}
    new_place = {j: place for place, j in enumerate(new_order)}
    pairs = [(old_place[i], new_place[j]) for i, j in milestone_pairs(old.timeline, new.timeline)]
    olds = [old.timeline[i] for i in old_order]
    news = [new.timeline[j] for j in new_order]
    return diff_kind("milestone", olds, news, pairs, moves=False)


def _foreword(old: Strategy, new: Strategy) -> list[PartChange]:
    field = diff_field("body", "rich", old.foreword, new.foreword)
    if field is None:
        return []
    before, after = old.foreword is not None, new.foreword is not None
    status: PartStatus = "changed" if before and after else "added" if after else "removed"
    title = labels(new.document.language)["foreword"]
    return [
        PartChange(
            "foreword",
            "foreword",
            title,
            status,
            False,
            0 if before else None,
            0 if after else None,
            (field,),
        )
    ]
