"""Consultation traceability: which inputs point at which changes, and the høringsnotat."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.content import ConsultationInput, Strategy
from core.labels import labels
from core.parts import PartChange, PartKind
from core.shortening import shortened

Check = Literal["changed", "unchanged", "not_checkable", "carried_over", "not_applicable"]
DONE = ("incorporated", "partly")
# Reserved `affects` words, and the kind of part whose changes answer them.
RESERVED: dict[str, PartKind] = {
    "foreword": "foreword",
    "signs_of_success": "indicator",
    "timeline": "milestone",
}
UNCHECKABLE = ("layout",)  # how the document looks is not in its content
# An indicator is named by its text, which may run to 2,000 characters; a list of what an
# input concerns must stay a list of names.
NAME_MAX = 60


@dataclass(frozen=True)
class PartRef:
    """A link from an input to a changed part."""

    kind: PartKind
    id: str
    title: str


@dataclass(frozen=True)
class InputReport:
    """One input as the høringsnotat shows it, with the changes it points at."""

    id: str
    date: str | None
    input: str
    response: str | None
    status: str
    status_label: str
    affects: tuple[str, ...]
    new_in_draft: bool
    old_status: str | None
    check: Check
    changes: tuple[PartRef, ...]
    flag: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class InputGroup:
    """The inputs from one committee or stakeholder."""

    source: str
    inputs: tuple[InputReport, ...]


@dataclass(frozen=True)
class Flag:
    """An input whose status the changes do not bear out."""

    input: str
    source: str
    message: str
    unchanged: tuple[str, ...]


@dataclass(frozen=True)
class ConsultationReport:
    """The høringsnotat: inputs grouped by who gave them, and the flags."""

    groups: tuple[InputGroup, ...]
    flags: tuple[Flag, ...]


NAMED: tuple[PartKind, ...] = ("vision", "indicator", "section")  # the kinds `affects` names


class _Targets:
    """Which entries point at which parts, indexed by id and by reserved kind."""

    def __init__(self, entries: Sequence[ConsultationInput]) -> None:
        self.by_id: dict[str, list[int]] = {}
        self.by_kind: dict[PartKind, list[int]] = {}
        for k, entry in enumerate(entries):
            for target in dict.fromkeys(entry.affects):
                if target in RESERVED:
                    self.by_kind.setdefault(RESERVED[target], []).append(k)
                else:
                    self.by_id.setdefault(target, []).append(k)

    def pointing_at(self, part: PartChange) -> list[int]:
        """Return the indices of the entries pointing at the part, in their order."""
        hits = set(self.by_kind.get(part.kind, ()))
        if part.kind in NAMED:
            hits.update(self.by_id.get(part.id, ()))
        return sorted(hits)


def link_inputs(parts: Sequence[PartChange], old: Strategy, new: Strategy) -> list[PartChange]:
    """Return the parts with the ids of the inputs (new draft first) that point at each."""
    known = {entry.id for entry in new.consultation}
    entries = [*new.consultation, *(e for e in old.consultation if e.id not in known)]
    # Indexed once, not every input tested against every part: 600 inputs of 40 targets
    # against some 400 changed parts would be millions of steps.
    targets = _Targets(entries)
    out = []
    for part in parts:
        if part.kind == "consultation":
            out.append(part)
            continue
        ids = tuple(entries[k].id for k in targets.pointing_at(part))
        out.append(dataclasses.replace(part, inputs=ids))
    return out


def report(parts: Sequence[PartChange], old: Strategy, new: Strategy) -> ConsultationReport:
    """Group the new draft's inputs by source, link them to changes and flag mismatches."""
    language = new.document.language
    previous = {entry.id: entry for entry in old.consultation}
    names = part_names(new)
    groups: dict[str, list[InputReport]] = {}
    flags: list[Flag] = []
    linked = [p for p in parts if p.kind != "consultation"]
    targets = _Targets(new.consultation)
    pointing: dict[int, list[int]] = {}  # entry → the linked parts it points at, in order
    for index, part in enumerate(linked):
        for k in targets.pointing_at(part):
            pointing.setdefault(k, []).append(index)
    for k, entry in enumerate(new.consultation):
        changes = tuple(
            PartRef(linked[i].kind, linked[i].id, linked[i].title) for i in pointing.get(k, ())
        )
        before = previous.get(entry.id)
        old_status = before.status if before else None
        check, unchanged = _check(entry, old_status, before is None, changes)
        text = labels(language)
        flag = note = None
        if check == "unchanged":
            status = text[f"status.{entry.status}"].lower()
            flag = text["diff.flag_unchanged"].format(
                status=status, parts=_join([names.get(t, t) for t in unchanged], language)
            )
            flags.append(Flag(entry.id, entry.from_, flag, unchanged))
        skipped = [names.get(t, t) for t in entry.affects if t in UNCHECKABLE]
        if skipped and entry.status in DONE:
            note = text["diff.not_checkable"].format(parts=_join(skipped, language))
        groups.setdefault(entry.from_, []).append(
            InputReport(
                id=entry.id,
                date=entry.date.isoformat() if entry.date else None,
                input=entry.input,
                response=entry.response,
                status=entry.status,
                status_label=text[f"status.{entry.status}"],
                affects=tuple(entry.affects),
                new_in_draft=before is None,
                old_status=old_status,
                check=check,
                changes=changes,
                flag=flag,
                note=note,
            )
        )
    return ConsultationReport(
        tuple(InputGroup(source, tuple(items)) for source, items in groups.items()), tuple(flags)
    )


def _check(
    entry: ConsultationInput, old_status: str | None, is_new: bool, changes: tuple[PartRef, ...]
) -> tuple[Check, tuple[str, ...]]:
    """Tell whether the changes bear out the input's status; return the unchanged targets.

    Only an input that became incorporated (or partly) in this draft is checked: one
    carried over with the same status was worked in earlier, so an unchanged part now
    proves nothing. "Incorporated" expects every named part to change; "partly", one.
    """
    if entry.status not in DONE:
        return "not_applicable", ()
    if not is_new and old_status == entry.status:
        return "carried_over", ()
    targets = [t for t in entry.affects if t not in UNCHECKABLE]
    if not targets:
        return "not_checkable", ()
    changed_ids = {ref.id for ref in changes}
    changed_kinds = {ref.kind for ref in changes}
    unchanged = tuple(
        t
        for t in targets
        if (RESERVED[t] not in changed_kinds if t in RESERVED else t not in changed_ids)
    )
    complete = not unchanged if entry.status == "incorporated" else len(unchanged) < len(targets)
    return ("changed", ()) if complete else ("unchanged", unchanged)


def part_names(strategy: Strategy) -> dict[str, str]:
    """Map every id an input can concern to what readers call it, in the draft's language."""
    text = labels(strategy.document.language)
    names = {k.removeprefix("target."): v for k, v in text.items() if k.startswith("target.")}
    names.update({v.id: v.title for v in strategy.visions})
    names.update({i.id: shortened(i.indicator, NAME_MAX) for i in strategy.signs_of_success})
    names.update({s.id: s.title for s in strategy.sections})
    return names


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {labels(language)['diff.and']} {items[-1]}"
