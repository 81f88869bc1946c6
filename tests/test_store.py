"""Drafts and history: versions, identical content, concurrency (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from store import (
    build_status,
    draft_content,
    fail_output,
    get_draft,
    latest_build,
    latest_draft,
    list_drafts,
    list_strategies,
    previous_draft,
    start_output,
    submit_draft,
)
from store.db import writing
from store.drafts import canonical_json, content_hash
from store.models import Build, BuildOutput, Draft, Strategy
from tests.store_helpers import count, variant, without_inputs


def test_identical_content_adds_no_version(session, udkast1):
    first = submit_draft(session, udkast1, "default")
    again = submit_draft(session, udkast1, "default")
    assert first.created and not again.created
    assert first.new_build and not again.new_build
    assert (again.draft.id, again.build.id) == (first.draft.id, first.build.id)
    assert count(session, Draft) == 1
    assert count(session, Build) == 1


def test_identical_content_after_a_failed_build_builds_the_same_draft_again(
    session, udkast1, udkast2
):
    submit_draft(session, udkast1, "default")
    second = submit_draft(session, udkast2, "default")
    start_output(session, second.build.id, "pdf")
    fail_output(session, second.build.id, "pdf", "the pdf renderer failed: boom")

    retry = submit_draft(session, udkast2, "default")

    assert (retry.created, retry.new_build) == (False, True)
    assert retry.draft.id == second.draft.id and retry.draft.version == 2
    assert retry.build.id != second.build.id
    # Still compared with version 1, and every output starts afresh.
    assert retry.build.predecessor_draft_id == second.build.predecessor_draft_id
    status = build_status(session, retry.build.id)
    assert status is not None
    assert [(o.output, o.state, o.attempts) for o in status.outputs.values()] == [
        ("pdf", "queued", 0),
        ("docx", "queued", 0),
        ("changes-pdf", "queued", 0),
        ("changes-docx", "queued", 0),
        ("hearing-notes-pdf", "queued", 0),
        ("hearing-notes-docx", "queued", 0),
    ]
    assert retry.build.outputs == tuple(status.outputs)
    assert latest_build(session, second.draft.id) == retry.build
    assert count(session, Draft) == 2
    # The retry is not failed: posting again returns it and adds nothing.
    again = submit_draft(session, udkast2, "default")
    assert (again.created, again.new_build, again.build.id) == (False, False, retry.build.id)
    assert count(session, Build) == 3


def test_identical_content_in_another_theme_gets_a_build_in_that_theme(session, udkast1):
    first = submit_draft(session, udkast1, "default")

    other = submit_draft(session, udkast1, "kommune")

    assert (other.created, other.new_build) == (False, True)
    assert other.draft.id == first.draft.id
    assert (other.build.theme, other.build.predecessor_draft_id) == ("kommune", None)


def test_changed_content_is_the_next_version(session, udkast1, udkast2):
    first = submit_draft(session, udkast1, "default")
    second = submit_draft(session, udkast2, "default")
    assert second.created
    assert (first.draft.version, second.draft.version) == (1, 2)
    assert first.build.predecessor_draft_id is None
    assert second.build.predecessor_draft_id == first.draft.id
    assert session.scalars(select(Strategy.latest_version)).one() == 2


def test_a_new_build_has_queued_docx_and_pdf_outputs(session, udkast1):
    build = submit_draft(session, without_inputs(udkast1), "default").build
    outputs = session.scalars(select(BuildOutput).where(BuildOutput.build_id == build.id)).all()
    assert sorted((o.output, o.state, o.attempts) for o in outputs) == [
        ("docx", "queued", 0),
        ("pdf", "queued", 0),
    ]
    assert (build.state, build.theme) == ("queued", "default")


def test_going_back_to_earlier_content_is_a_new_version(session, udkast1, udkast2):
    for strategy in (udkast1, udkast2, udkast1):
        submit_draft(session, strategy, "default")
    v1, v3 = get_draft(session, "socialstrategi", 1), get_draft(session, "socialstrategi", 3)
    assert v1 is not None and v3 is not None
    assert v3.content_hash == v1.content_hash


def test_content_is_canonical_json_and_round_trips(session, udkast1):
    draft = submit_draft(session, udkast1, "default").draft
    assert draft.content == canonical_json(udkast1.to_data())
    assert draft.content_hash == content_hash(draft.content)
    assert len(draft.content_hash) == 64
    assert draft_content(draft) == udkast1
    # Key order and whitespace do not change the hash.
    assert canonical_json({"b": 1, "a": [1, 2]}) == canonical_json({"a": [1, 2], "b": 1})


def test_metadata_is_kept_with_the_draft(session, udkast1):
    draft = submit_draft(session, udkast1, "default").draft
    doc = udkast1.document
    assert (draft.label, draft.date, draft.status, draft.language, draft.title) == (
        doc.draft_label,
        doc.date,
        doc.status,
        doc.language,
        doc.title,
    )
    assert draft.created_at.tzinfo is not None


def test_fifty_concurrent_submissions_get_versions_one_to_fifty(session_factory, udkast1):
    contents = [variant(udkast1, title=f"Socialstrategi, variant {i}") for i in range(50)]
    start = threading.Barrier(50)

    def submit(strategy):
        start.wait()
        with session_factory() as session:
            result = submit_draft(session, strategy, "default")
            return result.created, result.draft.version

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(submit, contents))

    assert all(created for created, _ in results)
    assert sorted(version for _, version in results) == list(range(1, 51))
    with session_factory() as session:
        history = list_drafts(session, "socialstrategi")
        assert [d.version for d in history] == list(range(50, 0, -1))
        assert {d.title for d in history} == {s.document.title for s in contents}
        assert count(session, Build) == 50


def test_history_lists_newest_first_with_build_state(session, udkast1, udkast2):
    first = submit_draft(session, udkast1, "default")
    submit_draft(session, udkast2, "default")
    history = list_drafts(session, "socialstrategi")
    assert [d.version for d in history] == [2, 1]
    assert [d.label for d in history] == ["Udkast 2", "Udkast 1"]
    oldest = history[1]
    assert oldest.date == udkast1.document.date
    assert oldest.status == "draft"
    assert oldest.content_hash == first.draft.content_hash
    assert (oldest.build_id, oldest.build_state) == (first.build.id, "queued")
    assert history[0].created_at >= oldest.created_at
    assert list_drafts(session, "no-such-strategy") == []


def test_latest_and_previous_drafts(session, udkast1, udkast2):
    submit_draft(session, udkast1, "default")
    submit_draft(session, udkast2, "default")
    latest = latest_draft(session, "socialstrategi")
    assert latest is not None and latest.version == 2
    previous = previous_draft(session, latest)
    assert previous is not None and previous.version == 1
    assert previous_draft(session, previous) is None
    assert get_draft(session, "socialstrategi", 3) is None
    assert latest_draft(session, "unknown") is None


def test_strategies_are_listed_by_slug_with_their_latest_title(session, udkast1, udkast2):
    submit_draft(session, udkast1, "default")
    submit_draft(session, udkast2, "default")
    submit_draft(session, variant(udkast1, slug="aaa-other", title="Another"), "default")
    listed = list_strategies(session)
    assert [(s.slug, s.latest_version) for s in listed] == [
        ("aaa-other", 1),
        ("socialstrategi", 2),
    ]
    assert listed[1].title == udkast2.document.title


def test_a_use_case_refuses_a_session_with_unsaved_changes(session, udkast1):
    session.add(Strategy(slug="half-done"))
    with pytest.raises(RuntimeError, match="unsaved changes"), writing(session):
        pass
