"""compare() on generated pairs, checked against an oracle that walks both drafts itself.

The oracle does not use compare()'s own tables: it reads every field of both drafts'
content (whatever fields the format has) and derives what must be reported, so a
compare() that drops a change, or reports one that is not there, fails here.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings

from core import richtext
from core.content import Strategy
from core.diff import Comparison, compare, comparison_from_json
from core.parts import PartChange
from core.textdiff import apply_ops
from tests.diff_oracles import apply_paragraph_ops
from tests.strategy_pairs import draft_pairs

# Content keys and the part kind compare() names them by; milestones have no id.
KINDS = {
    "visions": "vision",
    "signs_of_success": "indicator",
    "sections": "section",
    "consultation": "consultation",
}
RICH = {"body"}  # rich text: paragraphs and markup
LISTS = {"commitments"}  # lists of texts
VALUES = {"vision", "date", "state", "status", "affects"}  # compared exactly
Report = set[tuple[str, ...]]
# Generating a pair validates two drafts; on a busy machine that alone can trip
# Hypothesis's too-slow check, which says nothing about the diff.
SLOW_OK = [HealthCheck.too_slow]


def words(value: Any) -> str:
    """A text with whitespace runs collapsed: reflowing is no change."""
    return " ".join(str(value or "").split())


def paragraph_words(value: Any) -> list[str]:
    return [words(p) for p in richtext.paragraphs(richtext.parse(value))] if value else []


def differs(name: str, old: Any, new: Any) -> bool:
    """Tell whether a reader sees a difference between two values of one field."""
    if name in VALUES:
        return bool(old != new)
    if name in LISTS:
        return [words(x) for x in old or []] != [words(x) for x in new or []]
    if name in RICH:  # the words, the markup, and where paragraphs break
        return words(old) != words(new) or paragraph_words(old) != paragraph_words(new)
    return words(old) != words(new)


def fields_that_differ(old: dict[str, Any] | None, new: dict[str, Any] | None) -> set[str]:
    old, new = old or {}, new or {}
    names = (set(old) | set(new)) - {"id"}
    return {name for name in names if differs(name, old.get(name), new.get(name))}


def expected(old: dict[str, Any], new: dict[str, Any]) -> Report:
    """What must be reported: metadata, foreword, and every part kind with ids."""
    assert set(old) | set(new) <= {"format", "document", "foreword", "timeline", *KINDS}
    out: Report = set()
    names = (set(old["document"]) | set(new["document"])) - {"slug"}
    for name in names:
        if old["document"].get(name) != new["document"].get(name):
            out.add(("metadata", name))
    if differs("body", old.get("foreword"), new.get("foreword")):
        state = "changed" if "foreword" in old and "foreword" in new else "added/removed"
        out.add(("foreword", state))
    for key, kind in KINDS.items():
        before = {item["id"]: item for item in old.get(key, [])}
        after = {item["id"]: item for item in new.get(key, [])}
        out |= {(kind, ident, "removed") for ident in before.keys() - after.keys()}
        out |= {(kind, ident, "added") for ident in after.keys() - before.keys()}
        for ident in before.keys() & after.keys():
            fields = fields_that_differ(before[ident], after[ident])
            out |= {(kind, ident, "field", name) for name in fields}
    return out


def reported(result: Comparison) -> Report:
    out: Report = {("metadata", m.name) for m in result.metadata_changes}
    for part in result.parts:
        if part.kind == "foreword":
            out.add(("foreword", "changed" if part.status == "changed" else "added/removed"))
        elif part.kind == "milestone":
            continue
        elif part.status in ("added", "removed"):
            out.add((part.kind, part.id, part.status))
        else:
            out |= {(part.kind, part.id, "field", f.name) for f in part.fields}
            assert part.fields or part.moved, f"{part.kind} {part.id} reported without a change"
    return out


def longest_increasing(seq: list[int]) -> int:
    tops: list[int] = []
    for x in seq:
        at = bisect.bisect_left(tops, x)
        tops[at : at + 1] = [x]
    return len(tops)


def check_moves(result: Comparison, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Moved parts are few as can be, and the others kept their order."""
    for key, kind in KINDS.items():
        before = [item["id"] for item in old.get(key, [])]
        after = [item["id"] for item in new.get(key, [])]
        common = [ident for ident in before if ident in after]
        moved = {p.id for p in result.parts if p.kind == kind and p.moved}
        assert moved <= set(common)
        stayed = [after.index(ident) for ident in common if ident not in moved]
        assert stayed == sorted(stayed), f"{kind}: {stayed} kept their place but not their order"
        positions = [after.index(ident) for ident in common]
        assert len(moved) == len(common) - longest_increasing(positions)


def milestone_key(m: dict[str, Any]) -> tuple[str, str, str]:
    return m["date"], words(m["event"]), m.get("state", "planned")


def check_milestones(result: Comparison, old: list[Any], new: list[Any]) -> None:
    """Milestones have no id: the reported ones must account for every difference.

    Their indices are places in the timeline as drawn, in date order; none ever moves.
    """
    old, new = sorted(old, key=_date), sorted(new, key=_date)  # stable, as in_date_order
    parts = [p for p in result.parts if p.kind == "milestone"]
    assert not any(p.moved for p in parts)
    seen_old = [p.old_index for p in parts if p.old_index is not None]
    seen_new = [p.new_index for p in parts if p.new_index is not None]
    assert len(set(seen_old)) == len(seen_old) and len(set(seen_new)) == len(seen_new)
    for p in parts:
        if p.status in ("changed", "unchanged"):
            assert p.old_index is not None and p.new_index is not None
            names = fields_that_differ(old[p.old_index], new[p.new_index])
            assert {f.name for f in p.fields} == names
            assert p.fields or p.moved
    # Whatever is not reported is the same on both sides.
    rest_old = Counter(milestone_key(m) for i, m in enumerate(old) if i not in seen_old)
    rest_new = Counter(milestone_key(m) for j, m in enumerate(new) if j not in seen_new)
    assert rest_old == rest_new


def _date(m: dict[str, Any]) -> str:
    return str(m["date"])  # ISO dates sort as the dates do


def check_ops_rebuild(result: Comparison) -> None:
    for change in result.parts:
        for f in change.fields:
            if f.type == "text":
                assert apply_ops(f.old or "", f.ops) == (f.new or "")
            elif f.type in ("rich", "list"):
                olds = _paragraphs(change, f.type, f.old)
                assert apply_paragraph_ops(olds, f.paragraphs) == _paragraphs(change, f.type, f.new)


def _paragraphs(change: PartChange, kind: str, value: Any) -> list[str]:
    if kind == "list":
        return list(value or [])
    return richtext.paragraphs(richtext.parse(value)) if value else []


@settings(max_examples=250, deadline=None, suppress_health_check=SLOW_OK)
@given(draft_pairs())
def test_every_change_is_reported_and_nothing_else(pair: tuple[Strategy, Strategy]) -> None:
    old, new = pair
    result = compare(old, new)
    before, after = old.to_data(), new.to_data()
    assert reported(result) == expected(before, after)
    check_moves(result, before, after)
    check_milestones(result, before.get("timeline", []), after.get("timeline", []))
    keys = [(p.kind, p.id) for p in result.parts if p.kind != "milestone"]
    assert len(keys) == len(set(keys)), "a part is reported twice"
    assert result.is_empty == (not expected(before, after) and not result.parts)


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(draft_pairs())
def test_the_ops_of_every_reported_field_rebuild_the_new_draft(
    pair: tuple[Strategy, Strategy],
) -> None:
    check_ops_rebuild(compare(*pair))


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(draft_pairs())
def test_the_stored_json_rebuilds_the_same_comparison(pair: tuple[Strategy, Strategy]) -> None:
    # The tracked-changes DOCX renders from the diff the worker stored, not a fresh one.
    result = compare(*pair)
    stored = json.loads(json.dumps(result.to_json()))  # as the store keeps it
    assert comparison_from_json(stored) == result


def points_at(affects: list[str], part: PartChange) -> bool:
    """An input concerns a part it names by id, or a whole kind by a reserved word."""
    kinds = {"foreword": "foreword", "signs_of_success": "indicator", "timeline": "milestone"}
    named = part.kind in ("vision", "indicator", "section") and part.id in affects
    return named or any(kinds.get(target) == part.kind for target in affects)


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(draft_pairs())
def test_each_change_lists_the_inputs_that_point_at_it(pair: tuple[Strategy, Strategy]) -> None:
    old, new = pair
    result = compare(old, new)
    known = {entry.id for entry in new.consultation}
    entries = [*new.consultation, *(e for e in old.consultation if e.id not in known)]
    for part in result.parts:
        if part.kind != "consultation":
            assert part.inputs == tuple(e.id for e in entries if points_at(e.affects, part))
    reports = {e.id: e for group in result.consultation.groups for e in group.inputs}
    for entry in new.consultation:
        expected_refs = [
            (p.kind, p.id)
            for p in result.parts
            if p.kind != "consultation" and points_at(entry.affects, p)
        ]
        assert [(ref.kind, ref.id) for ref in reports[entry.id].changes] == expected_refs
