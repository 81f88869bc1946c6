"""compare(): the reference drafts, traceability, flags and the properties of the diff."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import richtext
from core.alignment import COMPARE_BUDGET, work_budget
from core.content import Strategy, validate
from core.diff import Comparison, compare
from core.parts import FieldChange, PartChange
from core.textdiff import apply_ops
from tests.diff_oracles import apply_paragraph_ops


def edited(strategy: Strategy, **changes: Any) -> Strategy:
    """Return a copy of a strategy with top-level content keys replaced."""
    data = strategy.to_data()
    data.update(changes)
    return validate(data)


def part(result: Comparison, kind: str, ident: str) -> PartChange:
    found = result.part(kind, ident)  # type: ignore[arg-type]
    assert found is not None, f"{kind} {ident} did not change"
    return found


def field(change: PartChange, name: str) -> FieldChange:
    return next(f for f in change.fields if f.name == name)


@pytest.fixture(scope="module")
def result(udkast1: Strategy, udkast2: Strategy) -> Comparison:
    return compare(udkast1, udkast2)


def test_moving_det_hele_liv_first_is_one_move(result: Comparison) -> None:
    visions = [p for p in result.parts if p.kind == "vision"]
    assert [p.id for p in visions if p.moved] == ["det-hele-liv"]
    moved = part(result, "vision", "det-hele-liv")
    assert (moved.old_index, moved.new_index) == (1, 0)
    assert all(p.status != "added" and p.status != "removed" for p in visions)


def test_the_new_headline_is_a_change_of_that_field(result: Comparison) -> None:
    headline = field(part(result, "vision", "det-hele-liv"), "headline")
    assert (headline.old, headline.new) == (
        "Et godt liv med nære relationer",
        "Alle skal have en ven",
    )
    assert [op.op for op in headline.ops] == ["delete", "insert"]
    assert headline.ops[1].text == "Alle skal have en ven"


def test_the_new_indicator_is_added_and_ensomhed_follows_its_vision(result: Comparison) -> None:
    assert part(result, "indicator", "ulighed-sundhed").status == "added"
    ensomhed = part(result, "indicator", "ensomhed")
    assert ensomhed.moved and ensomhed.status == "unchanged"


def test_the_aarsvaerk_paragraph_is_removed_whole(result: Comparison) -> None:
    body = field(part(result, "vision", "sund-organisation"), "body")
    deleted = [op for op in body.paragraphs if op.op == "delete"]
    assert len(deleted) == 1
    assert deleted[0].old is not None and "7.000 årsværk" in deleted[0].old
    assert [op.op for op in body.paragraphs] == ["delete", "change"]


def test_a_new_commitment_is_an_added_item(result: Comparison) -> None:
    items = field(part(result, "vision", "det-hele-liv"), "commitments").paragraphs
    assert [op.op for op in items] == ["equal", "equal", "insert"]


def test_metadata_changes(result: Comparison) -> None:
    changes = {m.name: (m.old, m.new) for m in result.metadata_changes}
    assert changes == {
        "draft_label": ("Udkast 1", "Udkast 2"),
        "date": ("2018-03-02", "2018-03-09"),
    }


def test_summary_counts(result: Comparison) -> None:
    counts = result.summary.counts
    assert (counts["vision"].moved, counts["vision"].changed) == (1, 4)
    assert (counts["indicator"].added, counts["indicator"].moved) == (1, 1)
    assert counts["foreword"].changed == 1
    assert counts["consultation"].added == 9
    assert counts["section"].changed == counts["milestone"].changed == 0
    summary = result.summary
    assert summary.words_removed > summary.words_added > 0
    first = summary.visions[0]
    assert (first.id, first.moved, first.indicators_changed) == ("det-hele-liv", True, 2)
    assert first.words_removed > first.words_added > 0


def test_every_hovedmed_input_is_linked_to_the_changes_it_affects(result: Comparison) -> None:
    [group] = [g for g in result.consultation.groups if g.source == "HovedMED"]
    assert len(group.inputs) == 9
    for entry in group.inputs:
        assert entry.new_in_draft
        for target in entry.affects:
            if target in ("layout", "signs_of_success"):
                continue
            assert target in {ref.id for ref in entry.changes}
            assert entry.id in next(p for p in result.parts if p.id == target).inputs
    rehab = next(e for e in group.inputs if e.id == "hovedmed-rehabilitering")
    assert (rehab.status, rehab.check, rehab.flag) == ("pending", "not_applicable", None)
    visual = next(e for e in group.inputs if e.id == "hovedmed-visuel")
    assert visual.check == "not_checkable"
    assert visual.note == "Layout kan ikke kontrolleres ud fra indholdet"


def test_the_reference_drafts_raise_no_flags(result: Comparison) -> None:
    assert result.consultation.flags == ()
    carried = [e for g in result.consultation.groups for e in g.inputs if not e.new_in_draft]
    assert {e.id: e.check for e in carried} == {
        "bc-voksne-1": "carried_over",
        "faellesmed-1": "carried_over",
    }


def test_incorporated_input_whose_part_did_not_change_is_flagged(
    udkast1: Strategy, udkast2: Strategy
) -> None:
    old_vision = udkast1.vision("sund-organisation")
    assert old_vision is not None
    visions = [v.model_dump() for v in udkast2.visions]
    visions[3] = old_vision.model_dump()
    flags = compare(udkast1, edited(udkast2, visions=visions)).consultation.flags
    by_input = {f.input: f.message for f in flags}
    name = "En sund og fagligt stærk organisation"
    assert by_input["hovedmed-aarsvaerk"] == f"Markeret som indarbejdet, men {name} er ikke ændret"
    assert set(by_input) == {"hovedmed-kortere", "hovedmed-overskrifter", "hovedmed-aarsvaerk"}
    english = edited(
        udkast2, visions=visions, document={**udkast2.to_data()["document"], "language": "en"}
    )
    message = {f.input: f.message for f in compare(udkast1, english).consultation.flags}
    assert message["hovedmed-aarsvaerk"] == f"Marked incorporated, but {name} did not change"


def test_a_status_change_to_incorporated_is_checked(udkast2: Strategy) -> None:
    entries = udkast2.to_data()["consultation"]
    for entry in entries:
        if entry["id"] == "hovedmed-rehabilitering":
            entry["status"] = "partly"
    result = compare(udkast2, edited(udkast2, consultation=entries))
    [flag] = result.consultation.flags
    assert flag.input == "hovedmed-rehabilitering"
    assert flag.message == "Markeret som delvist indarbejdet, men Tegn på succes er ikke ændret"
    assert part(result, "consultation", "hovedmed-rehabilitering").fields[0].name == "status"


def test_removed_parts_going_back(udkast1: Strategy, udkast2: Strategy) -> None:
    back = compare(udkast2, udkast1)
    assert part(back, "indicator", "ulighed-sundhed").status == "removed"
    # A swap of two neighbours is one move; the part that went up is the one that moved.
    assert [p.id for p in back.parts if p.kind == "vision" and p.moved] == [
        "uddannelse-beskaeftigelse"
    ]
    assert part(back, "consultation", "hovedmed-visuel").status == "removed"
    assert "hovedmed-ulighed" in part(back, "indicator", "ulighed-sundhed").inputs


def test_milestones_are_matched_by_content(udkast2: Strategy) -> None:
    timeline = udkast2.to_data()["timeline"]
    timeline[1]["state"] = "done"
    timeline[2]["date"] = "2018-05-02"  # rescheduled
    timeline[3]["event"] = "Socialudvalget drøfter andet udkast"  # reworded
    result = compare(udkast2, edited(udkast2, timeline=timeline))
    milestones = [p for p in result.parts if p.kind == "milestone"]
    assert [(p.new_index, [f.name for f in p.fields]) for p in milestones] == [
        (1, ["state"]),
        (2, ["date"]),
        (3, ["event"]),
    ]
    assert field(milestones[0], "state").old == "planned"
    assert all(p.status == "changed" for p in milestones)


def test_whitespace_only_edits_are_no_change(udkast2: Strategy) -> None:
    assert udkast2.foreword is not None
    reflowed = udkast2.foreword.replace("\n", " \n").replace(". ", ".  ")
    assert compare(udkast2, edited(udkast2, foreword=reflowed)).is_empty


def test_to_json_is_plain_data(result: Comparison) -> None:
    data = result.to_json()
    again = json.loads(json.dumps(data))
    assert again == data
    assert set(data) >= {"metadata_changes", "parts", "summary", "consultation", "is_empty"}
    moved = next(p for p in data["parts"] if p["id"] == "det-hele-liv")
    assert moved["moved"] is True and moved["status"] == "changed"
    body = next(f for f in moved["fields"] if f["name"] == "body")
    assert {"op", "old", "new", "ops"} <= set(body["paragraphs"][0])


def test_large_drafts_are_matched_in_full_within_a_small_part_of_the_budget() -> None:
    """Work, not time: the 75k-word pair never takes the coarse path and spends under 5 %."""
    from bench.diff_bench import drafts

    old, new = drafts("L")
    with work_budget() as budget:
        result = compare(old, new)
    assert budget.fallbacks == 0
    assert budget.spent < COMPARE_BUDGET // 20
    assert [p.id for p in result.parts if p.moved] == ["afsnit-14"]


# Property tests on generated drafts: ids come from small pools so drafts share parts.
WORDS = st.sampled_from(["Et", "godt", "liv", "ven", "og", "12.000", "borgere", "i", "job"])
line = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
rich = st.lists(line, max_size=4).map("\n\n".join)


@st.composite
def drafts(draw: st.DrawFn) -> Strategy:
    vision_ids = draw(st.lists(st.sampled_from(["v1", "v2", "v3", "v4"]), min_size=1, unique=True))
    visions = [
        {"id": i, "title": draw(line), "headline": draw(line), "body": draw(rich)}
        | {"commitments": draw(st.lists(line, max_size=3))}
        for i in vision_ids
    ]
    indicators = [
        {"id": i, "vision": draw(st.sampled_from(vision_ids)), "indicator": draw(line)}
        | {"target": draw(line)}
        for i in draw(st.lists(st.sampled_from(["i1", "i2", "i3"]), max_size=3, unique=True))
    ]
    sections = [
        {"id": i, "title": draw(line), "body": draw(rich)}
        for i in draw(st.lists(st.sampled_from(["s1", "s2", "s3"]), max_size=3, unique=True))
    ]
    timeline = [
        {
            "date": f"2018-0{m}-01",
            "event": draw(line),
            "state": draw(st.sampled_from(["done", "planned"])),
        }
        for m in draw(st.lists(st.integers(1, 9), max_size=3, unique=True))
    ]
    targets = [*vision_ids, "foreword", "layout", "timeline"]
    consultation = [
        {"id": i, "from": draw(st.sampled_from(["HovedMED", "FællesMED"])), "input": draw(line)}
        | {"status": draw(st.sampled_from(["incorporated", "partly", "pending"]))}
        | {"affects": draw(st.lists(st.sampled_from(targets), max_size=2, unique=True))}
        for i in draw(st.lists(st.sampled_from(["c1", "c2", "c3"]), max_size=3, unique=True))
    ]
    document = {"slug": "s", "title": "T", "draft_label": draw(st.sampled_from(["1", "2"]))}
    return validate(
        {"format": "strategy/v1", "document": document, "foreword": draw(rich)}
        | {"visions": visions, "signs_of_success": indicators, "sections": sections}
        | {"timeline": timeline, "consultation": consultation}
    )


@settings(max_examples=60, deadline=None)
@given(drafts())
def test_a_draft_against_itself_is_empty(draft: Strategy) -> None:
    result = compare(draft, draft)
    assert result.is_empty
    assert result.consultation.flags == ()
    assert (result.summary.words_added, result.summary.words_removed) == (0, 0)


def paragraphs_of(f: FieldChange, value: Any) -> list[str]:
    if f.type == "list":
        return list(value or [])
    return richtext.paragraphs(richtext.parse(value)) if value else []


@settings(max_examples=80, deadline=None)
@given(drafts(), drafts())
def test_applying_the_text_ops_to_old_gives_new(old: Strategy, new: Strategy) -> None:
    for change in compare(old, new).parts:
        for f in change.fields:
            if f.type == "text":
                assert apply_ops(f.old or "", f.ops) == (f.new or "")
            elif f.type in ("rich", "list"):
                rebuilt = apply_paragraph_ops(paragraphs_of(f, f.old), f.paragraphs)
                assert rebuilt == paragraphs_of(f, f.new)
