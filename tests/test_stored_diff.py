"""The diff is computed once per pair by the worker, stored, and served from the store.

The job runs on SQLite and PostgreSQL; the views on a real app (temp SQLite, the folder
queue) through Flask's test client, with the worker's plain job called as the worker
calls it. test_stored_diff_e2e.py checks the same through a running service.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session, sessionmaker

from cli.serve import web_command
from core.content import Strategy, validate
from core.diff import compare
from core.outputs import comparison_outputs
from service.compare import REQUEST_CHARACTERS, REQUEST_WORDS
from service.runtime import runtime
from settings import ConfigError, load_settings
from store import (
    beat_output,
    draft_content,
    save_comparison,
    start_output,
    stored_comparison,
    submit_draft,
)
from store.models import Draft
from tests.app_fixtures import TestApp, example_data, make_test_app
from tests.test_api import SPEC, contract_problems
from worker import jobs
from worker.heartbeat import WATCH_SECONDS

REPEATED = "a " * 12000  # the text: quadratic for an unbounded word diff


def long_pair(slug: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return two drafts whose first vision's body is the repeated text, then it plus " b"."""
    old = example_data("udkast-1", slug)
    old["visions"][0]["body"] = REPEATED
    new = copy.deepcopy(old)
    new["visions"][0]["body"] = REPEATED + " b"
    new["document"]["draft_label"] = "Udkast 2"
    return old, new


def as_yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


# ---------- the job, on both databases ----------


def test_the_job_stores_the_diff_of_a_build_once(
    session_factory: sessionmaker[Session], session: Session
) -> None:
    old_data, new_data = long_pair("gentaget")
    old, new = validate(old_data), validate(new_data)
    submit_draft(session, old, "default")
    build_id = submit_draft(session, new, "default").build.id
    hashes = [d.content_hash for d in session.query(Draft).order_by(Draft.version)]

    assert stored_comparison(session, *hashes) is None
    assert jobs.keep_build_comparison(session_factory, build_id) == "stored"
    # A second output, a redelivery or a rebuild of the same pair finds it stored.
    assert jobs.keep_build_comparison(session_factory, build_id) == "stored already"

    with session_factory() as fresh:
        stored = stored_comparison(fresh, *hashes)
    assert stored == json.loads(json.dumps(compare(old, new).to_json()))
    assert stored is not None and stored["summary"]["words_added"] == 1


def test_a_first_version_has_no_diff_to_store(
    session_factory: sessionmaker[Session], session: Session, udkast1: Strategy
) -> None:
    build_id = submit_draft(session, udkast1, "default").build.id
    assert jobs.keep_build_comparison(session_factory, build_id) == "no comparison"


def _second_comparison_output() -> str:
    return next(name for name in comparison_outputs() if name != jobs.DIFF_KEEPER)


@pytest.fixture
def diffs_computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the diffs the worker's jobs compute (each still computed for real)."""
    computed: list[int] = []

    def counted(*args: Any) -> Any:
        computed.append(1)
        return compare(*args)

    monkeypatch.setattr(jobs, "compare", counted)
    return computed


def _in_thread(call: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.update(value=call()), daemon=True)
    thread.start()
    return thread, result


def test_a_second_comparison_output_takes_the_keepers_diff_instead_of_computing_it_too(
    session_factory: sessionmaker[Session], session: Session, diffs_computed: list[int]
) -> None:
    old_data, new_data = long_pair("venter")
    old, new = validate(old_data), validate(new_data)
    submit_draft(session, old, "default")
    build_id = submit_draft(session, new, "default").build.id
    hashes = [d.content_hash for d in session.query(Draft).order_by(Draft.version)]
    with session_factory() as keeper:
        assert start_output(keeper, build_id, jobs.DIFF_KEEPER)  # its render began

    other = _second_comparison_output()
    thread, result = _in_thread(
        lambda: jobs.build_comparison(session_factory, build_id, output=other)
    )
    # The keeper's render beats while it compares, then stores its diff.
    for _ in range(3):
        time.sleep(WATCH_SECONDS)
        with session_factory() as keeper:
            assert beat_output(keeper, build_id, jobs.DIFF_KEEPER)
    data = compare(old, new).to_json()
    with session_factory() as keeper:
        save_comparison(keeper, *hashes, data)
    thread.join(timeout=60)

    assert result["value"] == ("stored already", json.loads(json.dumps(data)))
    assert diffs_computed == []  # the pair was compared once, by the keeper


def test_a_keeper_that_went_silent_or_is_not_running_leaves_the_diff_to_the_other_output(
    session_factory: sessionmaker[Session], session: Session, diffs_computed: list[int]
) -> None:
    old_data, new_data = long_pair("stille")
    submit_draft(session, validate(old_data), "default")
    build_id = submit_draft(session, validate(new_data), "default").build.id
    other = _second_comparison_output()
    with session_factory() as keeper:
        assert start_output(keeper, build_id, jobs.DIFF_KEEPER)  # then its child died

    state, data = jobs.build_comparison(session_factory, build_id, output=other, silent_after=1)
    assert (state, diffs_computed) == ("stored", [1]) and data is not None

    # A keeper still queued (or done) is not waited for at all.
    old_data, new_data = long_pair("i-koe")
    submit_draft(session, validate(old_data), "default")
    queued = submit_draft(session, validate(new_data), "default").build.id
    assert jobs.build_comparison(session_factory, queued, output=other)[0] == "stored"
    assert diffs_computed == [1, 1]


# ---------- the views, on a real app ----------


@pytest.fixture
def made(tmp_path: Path) -> TestApp:
    return make_test_app(tmp_path)


@pytest.fixture
def diff_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count what a request spends on a diff: compare() and validating stored drafts."""
    calls: list[str] = []

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr("service.compare.compare", counted("compare", compare))
    monkeypatch.setattr("service.compare.draft_content", counted("validate", draft_content))
    yield calls


def get(made: TestApp, path: str) -> Any:
    return made.app.test_client().get(path, headers={"Authorization": f"Bearer {made.token}"})


def signed_in_client(made: TestApp) -> Any:
    """Return a test client signed in through the form, as a person signs in."""
    client = made.app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert found, "no CSRF token in the sign-in form"
    signed = client.post(
        "/sign-in",
        data={"email": made.email, "password": made.password, "csrf_token": found.group(1)},
    )
    assert signed.status_code == 302
    return client


def post_pair(made: TestApp, old: dict[str, Any], new: dict[str, Any]) -> str:
    """Post both drafts; return the build id of the second."""
    assert made.post_yaml(as_yaml(old)).status_code == 202
    second = made.post_yaml(as_yaml(new))
    assert second.status_code == 202
    build_id: str = second.get_json()["build"]["id"]
    return build_id


def run_worker_job(made: TestApp, build_id: str) -> None:
    """Do what the worker's first comparison output does before it renders."""
    with made.app.app_context():
        assert jobs.keep_build_comparison(runtime().sessions, build_id) == "stored"


def queued_tasks(made: TestApp) -> list[str]:
    folder = made.var_dir / "queue" / "messages"
    return [json.loads(p.read_bytes())["headers"]["task"] for p in sorted(folder.iterdir())]


def test_the_long_pair_is_served_from_the_store_without_a_diff_in_the_request(
    made: TestApp, diff_calls: list[str]
) -> None:
    build_id = post_pair(made, *long_pair("gentaget"))
    run_worker_job(made, build_id)

    answer = get(made, "/api/v1/strategies/gentaget/drafts/2/diff")

    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["old"]["version"], body["new"]["version"]) == (1, 2)
    assert body["summary"]["words_added"] == 1 and body["summary"]["words_removed"] == 0
    changed = [p for p in body["parts"] if p["kind"] == "vision"]
    assert [p["status"] for p in changed] == ["changed"]
    assert diff_calls == []  # no diff and no validation inside the request
    assert contract_problems(answer.request.path, "GET", 200, body) == []

    page = signed_in_client(made).get("/strategies/gentaget/2/diff")
    assert page.status_code == 200
    assert "<ins>[+b]</ins>" in page.get_data(as_text=True)
    assert diff_calls == []


def test_a_long_pair_not_stored_yet_is_handed_to_the_workers(
    made: TestApp, diff_calls: list[str]
) -> None:
    build_id = post_pair(made, *long_pair("gentaget"))
    before = queued_tasks(made)

    first = get(made, "/api/v1/strategies/gentaget/drafts/2/diff")
    again = get(made, "/api/v1/strategies/gentaget/drafts/2/diff")
    page = signed_in_client(made).get("/strategies/gentaget/2/diff")

    for answer in (first, again, page):
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) > 0
    assert first.get_json()["error"] == "diff_not_ready"
    assert contract_problems(first.request.path, "GET", 503, first.get_json()) == []
    assert "being prepared" in first.get_json()["message"]
    assert "bliver gjort klar" in page.get_data(as_text=True)  # the page speaks Danish
    assert page.headers["Refresh"] == page.headers["Retry-After"]
    assert diff_calls == []
    # One task for the pair, however often it is asked for meanwhile.
    assert queued_tasks(made)[len(before) :] == ["udkast.store_comparison"]

    run_worker_job(made, build_id)
    assert get(made, "/api/v1/strategies/gentaget/drafts/2/diff").status_code == 200


def test_the_task_the_web_sends_stores_the_diff_it_asked_for(made: TestApp) -> None:
    post_pair(made, *long_pair("gentaget"))
    assert get(made, "/api/v1/strategies/gentaget/drafts/2/diff").status_code == 503
    with made.app.app_context():
        sessions = runtime().sessions
        with sessions() as db:
            old_id, new_id = [d.id for d in db.query(Draft).order_by(Draft.version)]
        # What the worker's task body calls with the ids the web sent.
        assert jobs.store_comparison(sessions, old_id, new_id) == "stored"
    assert get(made, "/api/v1/strategies/gentaget/drafts/2/diff").status_code == 200


def test_a_small_pair_is_compared_once_in_the_request_then_served_stored(
    made: TestApp, diff_calls: list[str]
) -> None:
    old = example_data("udkast-1", "lille")
    new = example_data("udkast-2", "lille")
    post_pair(made, old, new)

    first = get(made, "/api/v1/strategies/lille/drafts/2/diff")
    assert first.status_code == 200
    assert diff_calls.count("compare") == 1
    second = get(made, "/api/v1/strategies/lille/drafts/2/diff")
    page = signed_in_client(made).get("/strategies/lille/2/diff")

    assert second.status_code == 200 and page.status_code == 200
    assert second.get_json() == first.get_json()
    assert diff_calls.count("compare") == 1  # the second answer and the page read the store
    assert "Alle skal have en ven" in page.get_data(as_text=True)


def test_the_api_document_states_the_request_budget() -> None:
    described = SPEC["paths"]["/api/v1/strategies/{slug}/drafts/{version}/diff"]["get"]
    text = " ".join(described["description"].split())
    assert f"{REQUEST_WORDS:,} words" in text and f"{REQUEST_CHARACTERS:,} characters" in text


# ---------- the web processes' own limit ----------


def test_the_request_timeout_is_a_setting_that_reaches_gunicorn() -> None:
    assert load_settings({}).request_timeout == 30
    settings = load_settings({"UDKAST_REQUEST_TIMEOUT": "7"})
    command = web_command("127.0.0.1", 8000, threads=4, timeout=settings.request_timeout)
    assert command[command.index("--timeout") + 1] == "7"
    with pytest.raises(ConfigError, match="UDKAST_REQUEST_TIMEOUT"):
        load_settings({"UDKAST_REQUEST_TIMEOUT": "0"})
