"""Build outputs: start, finish, fail, attempt cap, render cache, stale outputs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, update

from store import (
    NotFound,
    build_status,
    cached_artifact,
    fail_output,
    finish_output,
    get_artifact,
    output_artifact,
    requeue_output,
    stale_outputs,
    start_output,
    submit_draft,
)
from store.base import utcnow
from store.models import Artifact, BuildOutput, RenderCache
from store.status import BuildStatus
from tests.store_helpers import count, variant, without_inputs

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def status_of(session, build_id: str) -> BuildStatus:
    status = build_status(session, build_id)
    assert status is not None
    return status


@pytest.fixture
def build_id(session, udkast1):
    return submit_draft(session, without_inputs(udkast1), "default").build.id


def test_outputs_run_then_the_build_is_done(session, build_id):
    assert start_output(session, build_id, "pdf")
    status = status_of(session, build_id)
    assert status is not None
    assert (status.state, status.outputs["pdf"].state, status.outputs["docx"].state) == (
        "running",
        "running",
        "queued",
    )
    assert status.started_at is not None and status.finished_at is None

    finish_output(session, build_id, "pdf", b"%PDF-1.7 one", PDF)
    assert status_of(session, build_id).state == "running"  # docx still to do
    assert start_output(session, build_id, "docx")
    finish_output(session, build_id, "docx", b"PK docx bytes", DOCX)

    status = status_of(session, build_id)
    assert status.state == "done" and status.error is None
    assert status.finished_at is not None and status.seconds is not None
    pdf = status.outputs["pdf"]
    assert (pdf.state, pdf.attempts, pdf.media_type, pdf.size) == ("done", 1, PDF, 12)
    assert pdf.seconds is not None and pdf.seconds >= 0
    assert (status.slug, status.version, status.theme) == ("socialstrategi", 1, "default")
    artifact = output_artifact(session, build_id, "pdf", with_data=True)
    assert artifact is not None and artifact.data == b"%PDF-1.7 one"
    without = output_artifact(session, build_id, "pdf")
    assert without == dataclasses.replace(artifact, data=None)  # the bytes only when asked


def test_finishing_twice_keeps_one_artifact(session, build_id):
    start_output(session, build_id, "pdf")
    finish_output(session, build_id, "pdf", b"first render", PDF)
    finish_output(session, build_id, "pdf", b"second render, other timestamps", PDF)
    assert count(session, Artifact) == 1
    status = status_of(session, build_id)
    assert status.outputs["pdf"].state == "done"
    artifact = output_artifact(session, build_id, "pdf", with_data=True)
    assert artifact is not None and artifact.data == b"first render"
    # A redelivered message after the output is done renders nothing.
    assert not start_output(session, build_id, "pdf")


def test_identical_bytes_are_stored_once(session, udkast1, udkast2, build_id):
    other = submit_draft(session, udkast2, "default").build.id
    finish_output(session, build_id, "pdf", b"same bytes", PDF)
    finish_output(session, other, "pdf", b"same bytes", PDF)
    assert count(session, Artifact) == 1
    digest = status_of(session, other).outputs["pdf"].artifact_hash
    assert digest == status_of(session, build_id).outputs["pdf"].artifact_hash
    stored = get_artifact(session, digest or "", with_data=True)
    assert stored is not None and stored.size == len(b"same bytes")
    assert stored.data == b"same bytes"


def test_a_failed_output_fails_the_build(session, build_id):
    start_output(session, build_id, "pdf")
    start_output(session, build_id, "docx")
    fail_output(session, build_id, "pdf", "too complex: the render took longer than 60 s")
    status = status_of(session, build_id)
    assert status.state == "failed"
    assert status.error == "pdf: too complex: the render took longer than 60 s"
    assert status.finished_at is None  # docx is still running

    finish_output(session, build_id, "docx", b"docx", DOCX)
    status = status_of(session, build_id)
    assert (status.state, status.outputs["docx"].state) == ("failed", "done")
    assert status.finished_at is not None


def test_a_late_failure_does_not_undo_a_done_output(session, build_id):
    finish_output(session, build_id, "pdf", b"pdf", PDF)
    fail_output(session, build_id, "pdf", "worker lost")
    assert status_of(session, build_id).outputs["pdf"].state == "done"


def test_the_attempt_cap_marks_the_output_failed(session, build_id):
    assert [start_output(session, build_id, "pdf", max_attempts=3) for _ in range(3)] == [
        True,
        True,
        True,
    ]
    assert not start_output(session, build_id, "pdf", max_attempts=3)
    status = status_of(session, build_id)
    pdf = status.outputs["pdf"]
    assert (pdf.state, pdf.attempts) == ("failed", 3)
    assert pdf.error is not None and "gave up after 3 attempts" in pdf.error
    assert status.state == "failed" and "gave up" in (status.error or "")
    assert not start_output(session, build_id, "pdf", max_attempts=3)


def test_unknown_builds_and_formats(session, build_id):
    assert build_status(session, "00000000-0000-0000-0000-000000000000") is None
    with pytest.raises(NotFound):
        start_output(session, "00000000-0000-0000-0000-000000000000", "pdf")
    with pytest.raises(NotFound):
        finish_output(session, build_id, "odt", b"x", "application/x")


def test_the_status_lists_outputs_in_the_registry_order_not_by_name(session, udkast1, udkast2):
    submit_draft(session, udkast1, "default")
    second = submit_draft(session, udkast2, "default").build

    # PDF, Word, the comparisons, then the høringsnotat (core.outputs), as the API and the
    # build page list them.
    listing = (
        "pdf",
        "docx",
        "changes-pdf",
        "changes-docx",
        "hearing-notes-pdf",
        "hearing-notes-docx",
    )
    assert second.outputs == listing
    status = status_of(session, second.id)
    assert tuple(status.outputs) == listing
    assert [o.output for o in status.outputs.values()] == list(listing)


def test_the_status_reads_the_build_and_its_outputs_in_one_statement(
    engine, session_factory, udkast1
):
    # Two statements would see two moments under READ COMMITTED: a poll between them
    # found a failed output under a build still "running" (a loaded test run did).
    with session_factory() as session:
        build_id = submit_draft(session, without_inputs(udkast1), "default").build.id
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        with session_factory() as fresh:
            status = status_of(fresh, build_id)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(statements) == 1, statements
    assert tuple(status.outputs) == ("pdf", "docx")


def test_render_cache_reuses_an_artifact(session, udkast1, udkast2, build_id):
    first = without_inputs(udkast1)  # the content of `build_id`
    draft_hash = submit_draft(session, first, "default").draft.content_hash
    finish_output(session, build_id, "pdf", b"rendered", PDF, renderer_version="pdf-1")
    hit = cached_artifact(session, draft_hash, "default", "pdf", "pdf-1")
    assert hit is not None and hit.data == b"rendered" and hit.media_type == PDF
    assert cached_artifact(session, draft_hash, "default", "pdf", "pdf-2") is None
    assert cached_artifact(session, draft_hash, "other-theme", "pdf", "pdf-1") is None
    assert cached_artifact(session, draft_hash, "default", "docx", "pdf-1") is None

    # Going back to the first content: version 3 finds version 1's file and reuses it.
    submit_draft(session, udkast2, "default")
    third = submit_draft(session, first, "default")
    assert third.created and third.draft.version == 3
    reused = cached_artifact(session, third.draft.content_hash, "default", "pdf", "pdf-1")
    assert reused is not None and reused.data is not None
    finish_output(session, third.build.id, "pdf", reused.data, reused.media_type)
    assert count(session, Artifact) == 1
    assert count(session, RenderCache) == 1


def test_stale_outputs_are_found_and_requeued(session, udkast1, build_id):
    fresh = submit_draft(session, variant(without_inputs(udkast1), slug="fresh"), "default")
    fresh = fresh.build.id
    start_output(session, build_id, "pdf")
    finish_output(session, build_id, "docx", b"docx", DOCX)
    long_ago = utcnow() - dt.timedelta(hours=1)
    session.execute(
        update(BuildOutput).where(BuildOutput.build_id == build_id).values(updated_at=long_ago)
    )
    session.commit()

    stale = stale_outputs(session, dt.timedelta(minutes=10))
    assert [(s.build_id, s.output, s.state, s.attempts) for s in stale] == [
        (build_id, "pdf", "running", 1)
    ]
    assert stale[0].updated_at == long_ago
    assert len(stale_outputs(session, dt.timedelta(0))) == 3  # the fresh build's two as well
    assert fresh in {s.build_id for s in stale_outputs(session, dt.timedelta(0))}

    assert requeue_output(session, build_id, "pdf")
    assert status_of(session, build_id).outputs["pdf"].state == "queued"
    assert stale_outputs(session, dt.timedelta(minutes=10)) == []
    assert not requeue_output(session, build_id, "docx")  # done: nothing to recover


def test_outputs_finishing_at_once_leave_the_build_done(session_factory, udkast1):
    """Each transition locks the build row, so neither output misses the other's result."""
    with session_factory() as session:
        builds = [
            submit_draft(
                session, variant(without_inputs(udkast1), slug=f"s{i}"), "default"
            ).build.id
            for i in range(10)
        ]
    jobs = [(build, output) for build in builds for output in ("docx", "pdf")]
    start = threading.Barrier(len(jobs))

    def render(job):
        build, output = job
        with session_factory() as session:
            start_output(session, build, output)
            start.wait()
            finish_output(session, build, output, f"{build} {output}".encode(), PDF)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(render, jobs))
    with session_factory() as session:
        assert {status_of(session, b).state for b in builds} == {"done"}
        assert count(session, Artifact) == len(jobs)
