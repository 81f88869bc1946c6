"""`compare(old, new)`: what changed between two drafts, by part and by word, and why.

Parts are matched by id first (milestones by content), so a moved vision is a move;
inside changed text fields, paragraphs are aligned before words are diffed. The
result is frozen dataclasses; `Comparison.to_json()` gives plain dicts and lists, which is
what the store keeps, and `comparison_view()` builds from that JSON what every reader
walks (the web diff page and the comparison PDF). The tracked-changes DOCX walks the
dataclasses themselves, rebuilt from the same stored JSON (`comparison_from_json`), so
a pair of drafts is compared once however many outputs show it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from core.alignment import work_budget
from core.consultation import ConsultationReport, link_inputs, report
from core.content import Strategy
from core.labels import labels
from core.parts import PartChange, PartKind, diff_parts

KINDS: tuple[PartKind, ...] = (
    "foreword",
    "vision",
    "indicator",
    "section",
    "milestone",
    "consultation",
)
METADATA = ("title", "subtitle", "organisation", "language", "status", "draft_label", "date")


@dataclass(frozen=True)
class MetadataChange:
    """A changed document field (status, draft label, date, …)."""

    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class KindCount:
    """How many parts of one kind were added, removed, moved and changed."""

    added: int = 0
    removed: int = 0
    moved: int = 0
    changed: int = 0


@dataclass(frozen=True)
class VisionSummary:
    """What changed in one vision of the new draft (or a removed one)."""

    id: str
    title: str
    status: str
    moved: bool
    words_added: int
    words_removed: int
    indicators_changed: int
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """Counts per kind, words added and removed overall and per vision, flags."""

    counts: dict[str, KindCount]
    words_added: int
    words_removed: int
    visions: tuple[VisionSummary, ...]
    metadata_changed: int
    flags: int


@dataclass(frozen=True)
class Comparison:
    """Everything that changed from one draft to the next."""

    language: str
    metadata_changes: tuple[MetadataChange, ...]
    parts: tuple[PartChange, ...]
    summary: Summary
    consultation: ConsultationReport

    @property
    def is_empty(self) -> bool:
        """Tell whether the drafts have the same content (whitespace aside)."""
        return not self.metadata_changes and not self.parts

    def part(self, kind: PartKind, ident: str) -> PartChange | None:
        """Return the change of one part, if it changed."""
        return next((p for p in self.parts if p.kind == kind and p.id == ident), None)

    def title(self, old_name: str, new_name: str) -> str:
        """Return the heading "Ændringer fra <old> til <new>" in the document's language."""
        return labels(self.language)["cmp.title"].format(old=old_name, new=new_name)

    def anchored(self) -> frozenset[tuple[str, str]]:
        """Return the (kind, id) of every changed part a link can point at."""
        return frozenset((p.kind, p.id) for p in self.parts if p.kind != "consultation")

    def to_json(self) -> dict[str, Any]:
        """Return the comparison as plain dicts and lists for the API."""
        data: dict[str, Any] = _plain(self)
        data["is_empty"] = self.is_empty
        return data


@dataclass(frozen=True)
class InputRef:
    """An input of the høringsnotat as a changed part lists it."""

    id: str
    source: str
    input: str
    status: str
    status_label: str


@dataclass(frozen=True)
class ComparisonView:
    """A comparison as its readers walk it: the stored JSON and what is derived from it once.

    `data` is `Comparison.to_json()` (parts, summary, consultation, metadata changes,
    is_empty); the rest indexes it for the templates.
    """

    data: Mapping[str, Any]
    language: str
    inputs: dict[str, InputRef]  # by input id, in the høringsnotat's order
    anchored: frozenset[tuple[str, str]]  # the (kind, id) a link can point at
    moves: tuple[Mapping[str, Any], ...]  # moved parts, consultation inputs aside
    headlines: tuple[tuple[Mapping[str, Any], Mapping[str, Any]], ...]  # (vision, field)
    pending: tuple[InputRef, ...]

    def title(self, old_name: str, new_name: str) -> str:
        """Return the heading "Ændringer fra <old> til <new>" in the document's language."""
        return labels(self.language)["cmp.title"].format(old=old_name, new=new_name)


def comparison_view(data: Mapping[str, Any]) -> ComparisonView:
    """Build the view of a comparison from its JSON (`Comparison.to_json()`, as stored)."""
    parts: list[Mapping[str, Any]] = data["parts"]
    inputs = {
        entry["id"]: InputRef(
            entry["id"], group["source"], entry["input"], entry["status"], entry["status_label"]
        )
        for group in data["consultation"]["groups"]
        for entry in group["inputs"]
    }
    return ComparisonView(
        data=data,
        language=data["language"],
        inputs=inputs,
        anchored=frozenset((p["kind"], p["id"]) for p in parts if p["kind"] != "consultation"),
        moves=tuple(p for p in parts if p["moved"] and p["kind"] != "consultation"),
        headlines=tuple(
            (p, f)
            for p in parts
            if p["kind"] == "vision"
            for f in p["fields"]
            if f["name"] == "headline"
        ),
        pending=tuple(i for i in inputs.values() if i.status == "pending"),
    )


def comparison_from_json(data: Mapping[str, Any]) -> Comparison:
    """Rebuild a Comparison from its JSON (`Comparison.to_json()`, as stored)."""
    return _adapter().validate_python(data)


@cache
def _adapter() -> TypeAdapter[Comparison]:
    # Built on first use: a few milliseconds that `udkast validate` need not spend.
    return TypeAdapter(Comparison)


def compare(old: Strategy, new: Strategy) -> Comparison:
    """Compare two validated drafts of one strategy."""
    with work_budget():  # one bound on the matching work of the whole comparison
        parts = link_inputs(diff_parts(old, new), old, new)
    consultation = report(parts, old, new)
    metadata = _metadata(old, new)
    return Comparison(
        language=new.document.language,
        metadata_changes=metadata,
        parts=tuple(parts),
        summary=_summary(parts, new, len(metadata), len(consultation.flags)),
        consultation=consultation,
    )


def _metadata(old: Strategy, new: Strategy) -> tuple[MetadataChange, ...]:
    changes = []
    for name in METADATA:
        before, after = getattr(old.document, name), getattr(new.document, name)
        if before != after:
            changes.append(MetadataChange(name, _jsonable(before), _jsonable(after)))
    authors = [_author(a.name, a.role) for a in old.document.authors]
    now = [_author(a.name, a.role) for a in new.document.authors]
    if authors != now:
        changes.append(MetadataChange("authors", authors, now))
    return tuple(changes)


def _author(name: str, role: str | None) -> str:
    return f"{name} ({role})" if role else name


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _summary(parts: list[PartChange], new: Strategy, metadata: int, flags: int) -> Summary:
    counts: dict[str, KindCount] = {kind: KindCount() for kind in KINDS}
    for p in parts:
        c = counts[p.kind]
        counts[p.kind] = KindCount(
            added=c.added + (p.status == "added"),
            removed=c.removed + (p.status == "removed"),
            moved=c.moved + p.moved,
            changed=c.changed + (p.status == "changed"),
        )
    by_id = {p.id: p for p in parts if p.kind == "vision"}
    rows: list[tuple[str, str, PartChange | None]]
    rows = [(v.id, v.title, by_id.get(v.id)) for v in new.visions]
    rows += [(p.id, p.title, p) for p in by_id.values() if p.status == "removed"]
    visions = []
    for ident, title, change in rows:
        added, removed = _words(change) if change else (0, 0)
        indicators = sum(1 for q in parts if q.kind == "indicator" and q.vision == ident)
        visions.append(
            VisionSummary(
                ident,
                title,
                change.status if change else "unchanged",
                bool(change and change.moved),
                added,
                removed,
                indicators,
                change.inputs if change else (),
            )
        )
    words = [_words(p) for p in parts]
    return Summary(
        counts=counts,
        words_added=sum(a for a, _ in words),
        words_removed=sum(r for _, r in words),
        visions=tuple(visions),
        metadata_changed=metadata,
        flags=flags,
    )


def _words(part: PartChange) -> tuple[int, int]:
    return sum(f.words_added for f in part.fields), sum(f.words_removed for f in part.fields)


def _plain(value: Any) -> Any:
    """Turn dataclasses, tuples and dicts into JSON-ready data, field by field."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
