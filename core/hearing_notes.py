"""The høringsnotat as its own document: a version's inputs by who gave them, and what they changed.

Built once from a validated strategy and, when there is one, its previous version with
their comparison (core.diff.compare, as stored): the inputs, their grouping and the
changes each input points at come from the comparison's own report
(core.consultation.report), so the høringsnotat and the comparison never disagree. A
first version shows its inputs with response and status only. The PDF template and the
DOCX writer only lay the view out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from core.consultation import UNCHECKABLE, ConsultationReport, InputReport, part_names
from core.content import DocumentInfo, Strategy
from core.diff import Comparison, compare
from core.labels import format_date, labels
from core.parts import FieldChange, PartChange
from core.shortening import shortened
from core.view import date_text

STATUSES = ("incorporated", "partly", "declined", "pending")  # the order a summary counts
EXCERPT = 90  # characters of each side of a before → after excerpt
CONTEXT_WORDS = 3  # unchanged words an excerpt keeps before the first change


@dataclass(frozen=True)
class Excerpt:
    """A short before → after of a changed part's first changed field."""

    field: str  # the field as readers call it ("Overskrift")
    before: str
    after: str


@dataclass(frozen=True)
class CausedChange:
    """A change an input points at: the part by name, what happened to it, an excerpt."""

    kind: str  # the part's kind ("vision", "indicator", …)
    kind_label: str  # "Vision", "Tegn på succes", …
    name: str
    status: str  # "changed", "added", "removed" or "moved"
    status_label: str
    moved: str | None  # "Flyttet fra plads 2 til 1", when a changed part moved too
    fields: tuple[str, ...]  # the changed fields as readers call them
    excerpt: Excerpt | None


@dataclass(frozen=True)
class NoteInput:
    """One input: what was said, the answer, its status and the changes it caused."""

    id: str
    date: str  # as readers write it; "" without one
    input: str
    response: str | None
    status: str
    status_label: str
    concerns: tuple[str, ...]  # the parts it concerns, by name
    new_in_version: bool  # not in the previous version (False for a first version)
    status_was: str | None  # "Før: Afventer", when its status changed since then
    changes: tuple[CausedChange, ...]
    no_change: str | None  # what stands in place of changes when there are none to list
    flag: str | None  # "marked incorporated, but … did not change"
    note: str | None  # parts the content cannot show a change of (the layout)


@dataclass(frozen=True)
class NoteGroup:
    """The inputs from one committee, organisation or person."""

    source: str
    anchor: str
    inputs: tuple[NoteInput, ...]


@dataclass(frozen=True)
class StatusCount:
    """How many inputs have one status."""

    status: str
    label: str
    count: int


@dataclass(frozen=True)
class FlagLine:
    """An input whose status its changes do not bear out, for the summary."""

    source: str
    anchor: str  # the input's anchor
    message: str


@dataclass(frozen=True)
class HearingNotes:
    """The høringsnotat of one version, as the PDF and the DOCX show it."""

    info: DocumentInfo
    language: str
    labels: Mapping[str, str]
    title: str  # "Høringsnotat" / "Consultation report"
    version: str  # the draft label; "" without one
    date: str  # the version's date as readers write it; "" without one
    compared: bool  # whether the changes each input caused are known
    basis: str  # "Ændringerne er vist i forhold til Udkast 1 (…)." or the first-version note
    lead: str  # "12 input fra 3 afsendere"
    new_inputs: int | None  # inputs new in this version (None for a first version)
    statuses: tuple[StatusCount, ...]  # the statuses that occur, in STATUSES order
    flags: tuple[FlagLine, ...]
    groups: tuple[NoteGroup, ...]


def hearing_notes(
    strategy: Strategy, previous: Strategy | None = None, comparison: Comparison | None = None
) -> HearingNotes:
    """Build the høringsnotat of a version, with the changes since `previous` when given.

    `comparison` is `compare(previous, strategy)` when the caller has it (the worker's
    stored diff); without it the versions are compared here.
    """
    info = strategy.document
    language = info.language
    text = MappingProxyType(labels(language))
    if previous is not None:
        found = compare(previous, strategy) if comparison is None else comparison
        names = part_names(previous) | part_names(strategy)  # a removed part is named too
        groups = _compared_groups(found, names, text, language)
        flags = tuple(
            FlagLine(f.source, _input_anchor(f.input), f.message) for f in found.consultation.flags
        )
        basis = text["notes.compared"].format(previous=_version_name(previous, text))
        new_inputs: int | None = sum(1 for i in _inputs(groups) if i.new_in_version)
    else:
        groups = _first_groups(strategy, part_names(strategy), text)
        flags, basis, new_inputs = (), text["notes.first"], None
    inputs = list(_inputs(groups))
    statuses = tuple(
        StatusCount(s, text[f"status.{s}"], n)
        for s in STATUSES
        if (n := sum(1 for i in inputs if i.status == s))
    )
    return HearingNotes(
        info=info,
        language=language,
        labels=text,
        title=text["consultation_report"],
        version=info.draft_label or "",
        date=date_text(info.date, language),
        compared=previous is not None,
        basis=basis,
        lead=_lead(len(inputs), len(groups), text),
        new_inputs=new_inputs,
        statuses=statuses,
        flags=flags,
        groups=groups,
    )


def _inputs(groups: Iterable[NoteGroup]) -> Iterable[NoteInput]:
    return (item for group in groups for item in group.inputs)


def _lead(inputs: int, senders: int, text: Mapping[str, str]) -> str:
    if not inputs:  # a build has no høringsnotat then; a direct render still says so
        return text["notes.none"]
    who = text["notes.sender_one"] if senders == 1 else text["notes.sender_many"]
    key = "notes.inputs_one" if inputs == 1 else "notes.inputs"
    return text[key].format(n=inputs, senders=who.format(n=senders))


def _version_name(strategy: Strategy, text: Mapping[str, str]) -> str:
    """Name the previous version as the comparison does: its label, and its date."""
    info = strategy.document
    name = info.draft_label or text["cmp.previous"]
    return f"{name} ({format_date(info.date, info.language)})" if info.date else name


def _input_anchor(ident: str) -> str:
    return f"i-{ident}"


def _first_groups(
    strategy: Strategy, names: Mapping[str, str], text: Mapping[str, str]
) -> tuple[NoteGroup, ...]:
    """Group a first version's inputs by who gave them, in the order they first appear."""
    language = strategy.document.language
    by_source: dict[str, list[NoteInput]] = {}
    for entry in strategy.consultation:
        by_source.setdefault(entry.from_, []).append(
            NoteInput(
                id=entry.id,
                date=date_text(entry.date, language),
                input=entry.input,
                response=entry.response,
                status=entry.status,
                status_label=text[f"status.{entry.status}"],
                concerns=tuple(names.get(t, t) for t in entry.affects),
                new_in_version=False,
                status_was=None,
                changes=(),
                no_change=None,
                flag=None,
                note=None,
            )
        )
    return tuple(
        NoteGroup(source, f"g-{n}", tuple(items))
        for n, (source, items) in enumerate(by_source.items(), start=1)
    )


def _compared_groups(
    found: Comparison, names: Mapping[str, str], text: Mapping[str, str], language: str
) -> tuple[NoteGroup, ...]:
    """Take the comparison's own report, each change named and excerpted once."""
    report: ConsultationReport = found.consultation
    parts = {(p.kind, p.id): p for p in found.parts if p.kind != "consultation"}
    caused: dict[tuple[str, str], CausedChange] = {}

    def change_of(kind: str, ident: str) -> CausedChange | None:
        # A part several inputs point at is named and excerpted once.
        key = (kind, ident)
        if key not in caused and key in parts:
            caused[key] = _caused(parts[key], names, text)
        return caused.get(key)

    return tuple(
        NoteGroup(
            group.source,
            f"g-{n}",
            tuple(_compared_input(item, change_of, names, text, language) for item in group.inputs),
        )
        for n, group in enumerate(report.groups, start=1)
    )


def _compared_input(
    item: InputReport,
    change_of: Callable[[str, str], CausedChange | None],
    names: Mapping[str, str],
    text: Mapping[str, str],
    language: str,
) -> NoteInput:
    changes = tuple(c for ref in item.changes if (c := change_of(ref.kind, ref.id)) is not None)
    was = None
    if not item.new_in_draft and item.old_status and item.old_status != item.status:
        was = text["cmp.status_was"].format(status=text[f"status.{item.old_status}"])
    when = date_text(dt.date.fromisoformat(item.date), language) if item.date else ""
    no_change = None
    if not changes:
        # The layout is not in the content: the input's note says so, not "no change".
        checkable = any(t not in UNCHECKABLE for t in item.affects)
        no_change = text["notes.no_change"] if checkable else (None if item.note else "–")
    return NoteInput(
        id=item.id,
        date=when,
        input=item.input,
        response=item.response,
        status=item.status,
        status_label=item.status_label,
        concerns=tuple(names.get(t, t) for t in item.affects),
        new_in_version=item.new_in_draft,
        status_was=was,
        changes=changes,
        no_change=no_change,
        flag=item.flag,
        note=item.note,
    )


def _caused(part: PartChange, names: Mapping[str, str], text: Mapping[str, str]) -> CausedChange:
    """Say what happened to a part an input points at, with a short excerpt."""
    moved = (
        text["cmp.moved_from"].format(old=part.old_index + 1, new=part.new_index + 1)
        if part.moved and part.old_index is not None and part.new_index is not None
        else None
    )
    status = "moved" if part.status == "unchanged" else part.status
    changed = part.status == "changed"
    # A part that only moved says where from and to in its status; a changed one beside it.
    label = moved if status == "moved" and moved else text[f"cmp.{status}"]
    return CausedChange(
        kind=part.kind,
        kind_label=text[f"notes.kind.{part.kind}"],
        name=part.title,  # as the comparison's report names it
        status=status,
        status_label=label,
        moved=moved if status != "moved" else None,
        fields=tuple(field_label(f.name, text) for f in part.fields) if changed else (),
        excerpt=_excerpt(part.fields, names, text) if changed else None,
    )


def field_label(name: str, text: Mapping[str, str]) -> str:
    """Name a field as the comparison does ("Overskrift", "Det gør vi", …)."""
    return text.get(f"cmp.field.{name}") or text.get(name) or name


def _excerpt(
    fields: tuple[FieldChange, ...], names: Mapping[str, str], text: Mapping[str, str]
) -> Excerpt | None:
    """Return a before → after of the first field that has one: a line, then a paragraph."""
    for f in fields:
        if f.type == "text" and f.old and f.new:
            return Excerpt(field_label(f.name, text), *_window(f.old, f.new))
        if f.type == "value" and f.old is not None and f.new is not None:
            before, after = _value(f.old, names), _value(f.new, names)
            return Excerpt(field_label(f.name, text), before, after)
    for f in fields:
        ops = f.paragraphs
        pair = next(((p.old, p.new) for p in ops if p.op == "change"), None)
        if pair is None:
            deleted = next((p.old for p in ops if p.op == "delete"), None)
            inserted = next((p.new for p in ops if p.op == "insert"), None)
            pair = (deleted, inserted)
        if pair[0] and pair[1]:
            return Excerpt(field_label(f.name, text), *_window(pair[0], pair[1]))
    return None


def _value(value: Any, names: Mapping[str, str]) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(names.get(str(v), str(v)) for v in value) or "–"
    return names.get(str(value), str(value))


def _window(old: str, new: str) -> tuple[str, str]:
    """Cut both texts to where they start to differ (a few words before), then shorten."""
    before, after = old.split(), new.split()
    same = 0
    while same < min(len(before), len(after)) and before[same] == after[same]:
        same += 1
    start = max(0, same - CONTEXT_WORDS)
    lead = "…" if start else ""
    return (
        lead + shortened(" ".join(before[start:]), EXCERPT),
        lead + shortened(" ".join(after[start:]), EXCERPT),
    )
