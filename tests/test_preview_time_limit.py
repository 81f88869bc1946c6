"""A preview whose render Celery killed at the hard time limit fails at once, with its reason."""

from __future__ import annotations

import pytest
from celery.exceptions import TimeLimitExceeded

from service.runtime import runtime
from store import get_preview, start_preview
from tests.app_fixtures import make_test_app
from worker.celery_app import app as celery_app
from worker.preview_tasks import render_preview


@pytest.fixture
def worker_settings():
    """Give the imported Celery app's tasks the settings a worker started for a test app has."""
    yield lambda settings: setattr(celery_app.conf, "udkast_settings", settings)
    celery_app.conf.pop("udkast_settings", None)


def test_a_preview_killed_at_the_hard_time_limit_says_so_instead_of_running_for_an_hour(
    tmp_path, worker_settings
):
    made = make_test_app(tmp_path, UDKAST_SOFT_TIME_LIMIT="50", UDKAST_HARD_TIME_LIMIT="60")
    with made.app.app_context():
        db = runtime().sessions()
        try:
            preview = start_preview(db, "user:1", "{}", "default")
            # What Celery does in the worker's main process after killing the child: the
            # task's own settings are the app's (its database), as in a worker it starts.
            worker_settings(runtime().settings)
            render_preview.on_failure(TimeLimitExceeded(60), "task", (preview.id,), {}, None)
            db.expire_all()
            failed = get_preview(db, preview.id, "user:1")
            assert failed is not None and failed.state == "failed"
            assert failed.error == "the preview took longer than 60 s"
            # Other failures (a render error the task reported itself) are not rewritten.
            other = start_preview(db, "user:2", "{}", "default")
            render_preview.on_failure(ValueError("x"), "task", (other.id,), {}, None)
            db.expire_all()
            untouched = get_preview(db, other.id, "user:2")
            assert untouched is not None and untouched.state == "queued"
        finally:
            db.close()
