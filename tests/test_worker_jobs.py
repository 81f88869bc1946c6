"""What the worker's jobs do with a build, on SQLite and PostgreSQL, with the real renderers."""

from __future__ import annotations

from store import build_status, fail_output, output_artifact, submit_draft
from store.models import Artifact
from store.status import BuildStatus
from tests.store_helpers import count, without_inputs
from worker import jobs


def status_of(session_factory, build_id: str) -> BuildStatus:
    """Read the build as a fresh request would, past this test's session's identity map."""
    with session_factory() as fresh:
        status = build_status(fresh, build_id)
    assert status is not None
    return status


def test_an_unknown_theme_fails_the_output_at_once_naming_the_theme(
    session_factory, session, udkast1
):
    # A build queued under a theme that has since been removed (or a worker whose
    # templates/ lacks it): nothing can fix that by retrying.
    build_id = submit_draft(session, udkast1, "gone").build.id

    outcome = jobs.render_output(session_factory, build_id, "pdf", max_attempts=3)

    assert outcome == "failed"
    status = status_of(session_factory, build_id)
    assert status.state == "failed"
    pdf = status.outputs["pdf"]
    assert (pdf.state, pdf.attempts) == ("failed", 1)  # not left running for the recovery
    assert pdf.error is not None
    assert pdf.error.startswith("the theme 'gone' cannot be loaded: ")
    assert "installed: default" in pdf.error
    assert "too large or too complex" not in pdf.error
    # A redelivered message finds it failed and does not start it again.
    assert jobs.render_output(session_factory, build_id, "pdf", max_attempts=3) == "skipped"


def test_a_retried_build_reuses_the_finished_file_and_renders_the_failed_one(
    session_factory, session, udkast1
):
    strategy = without_inputs(udkast1)  # the draft's own files only
    first = submit_draft(session, strategy, "default").build.id
    assert jobs.render_output(session_factory, first, "pdf", max_attempts=3) == "done"
    fail_output(session, first, "docx", "the docx renderer failed: worker ran out of memory")

    retry = submit_draft(session, strategy, "default")
    assert retry.new_build and not retry.created

    assert jobs.render_output(session_factory, retry.build.id, "pdf", max_attempts=3) == "cached"
    assert jobs.render_output(session_factory, retry.build.id, "docx", max_attempts=3) == "done"
    assert status_of(session_factory, retry.build.id).state == "done"
    pdf = output_artifact(session, retry.build.id, "pdf", with_data=True)
    earlier = output_artifact(session, first, "pdf", with_data=True)
    assert pdf is not None and pdf.data is not None and pdf.data.startswith(b"%PDF")
    assert earlier is not None and pdf.data == earlier.data
    assert count(session, Artifact) == 2  # the PDF once, the DOCX once
