"""End to end: a running service stores each build's diff, and serves the stored one.

gunicorn and a real Celery worker on both backends (SQLite + folder queue, PostgreSQL +
Redis). The drafts are the issue's: a vision body of "a " * 12000, then the same plus
" b", too large to compare inside a request. Tests wait for events, never for a time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from settings import load_settings
from store import make_engine, make_session_factory, stored_comparison
from tests.app_fixtures import example_data
from tests.live_service import WAIT_SECONDS, LiveService, live_service

pytestmark = pytest.mark.e2e
REPEATED = "a " * 12000
SLUG = "gentaget"


@pytest.fixture(scope="module", params=["embedded", "services"])
def service(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveService]:
    yield from live_service(request.param, tmp_path_factory.mktemp(request.param))


def draft(body: str, label: str) -> bytes:
    data = example_data("udkast-1", SLUG)
    data["visions"][0]["body"] = body
    data["document"]["draft_label"] = label
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


def post(service: LiveService, body: bytes) -> dict[str, Any]:
    status, answer = service.json("POST", "/api/v1/drafts", body, media_type="application/yaml")
    assert status == 202, answer
    return dict(answer)


def stored(service: LiveService, old_hash: str, new_hash: str) -> dict[str, Any] | None:
    """Read the service's store directly, as another process would."""
    engine = make_engine(load_settings(service.env).database_url)
    try:
        with make_session_factory(engine)() as session:
            return stored_comparison(session, old_hash, new_hash)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def second(service: LiveService) -> dict[str, Any]:
    """Post the first two drafts on this service once (whichever test asks first)."""
    post(service, draft(REPEATED, "Udkast 1"))
    return post(service, draft(REPEATED + " b", "Udkast 2"))


def test_the_build_stores_the_diff_and_the_api_serves_it(
    service: LiveService, second: dict[str, Any]
) -> None:
    build = service.wait_build(second["build"]["links"]["self"])

    assert build["state"] == "done", build
    status, history = service.json("GET", f"/api/v1/strategies/{SLUG}/drafts")
    assert status == 200
    hashes = {d["version"]: d["content_hash"] for d in history["drafts"]}
    kept = stored(service, hashes[1], hashes[2])
    assert kept is not None
    assert kept["summary"]["words_added"] == 1
    status, answer = service.json("GET", f"/api/v1/strategies/{SLUG}/drafts/2/diff")
    assert status == 200
    assert {k: answer[k] for k in kept} == kept
    assert (answer["old"]["version"], answer["new"]["version"]) == (1, 2)


def test_a_large_pair_asked_for_is_prepared_by_a_worker(
    service: LiveService, second: dict[str, Any]
) -> None:
    # Tests of a module may run in different processes, each with its own service: the
    # first two drafts come from the fixture, not from the test before this one.
    third = post(service, draft(REPEATED + " b c", "Udkast 3"))
    path = f"/api/v1/strategies/{SLUG}/drafts/{third['draft']['version']}/diff?against=1"

    status, headers, body = service.call("GET", path)

    assert status == 503, body
    assert json.loads(body)["error"] == "diff_not_ready"
    wait = int(headers["Retry-After"])
    deadline = time.monotonic() + WAIT_SECONDS
    while status == 503 and time.monotonic() < deadline:
        time.sleep(min(wait, 1))  # a client honours Retry-After; the test polls sooner
        status, headers, body = service.call("GET", path)
    assert status == 200, body
    answer = json.loads(body)
    assert answer["old"]["version"] == 1
    assert answer["summary"]["words_added"] == 2
    service.wait_build(third["build"]["links"]["self"])  # leave no work behind
