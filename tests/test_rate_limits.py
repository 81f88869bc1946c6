"""Rate limits: drafts per user a minute, through the API and the web form together.

Counts are kept in memory without Redis, and in a private Redis db with it, where two
apps (as two web processes) share them. Failed sign-ins are limited per address and per
account: test_web_sessions.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from werkzeug.test import TestResponse

from tests.app_fixtures import TestApp, example_yaml, make_test_app
from tests.live_service import private_redis_url
from tests.test_web import sign_in, upload

THREE = {"UDKAST_DRAFTS_PER_MINUTE": "3"}


def post(made: TestApp, slug: str, token: str | None = None) -> TestResponse:
    return made.post_yaml(example_yaml("udkast-1", slug=slug), token)


def test_a_user_over_its_drafts_a_minute_gets_429_with_retry_after_and_nothing_is_stored(
    tmp_path: Path,
):
    made = make_test_app(tmp_path, **THREE)

    answers = [post(made, f"strategi-{n}") for n in range(4)]

    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    refused = answers[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json() == {
        "error": "too_many_requests",
        "message": "Too many drafts from this user: at most 3 per 1 minute. "
        "Try again after Retry-After seconds.",
    }
    assert "strategi-3" not in made.slugs()
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    # Retry-After is for refusals: on a 202 a poller could read it as "wait a minute".
    assert all("Retry-After" not in a.headers for a in answers[:3])


def test_other_users_and_reading_are_not_held_back(tmp_path: Path):
    made = make_test_app(tmp_path, **THREE)
    for n in range(4):
        post(made, f"fuld-{n}")
    client = made.app.test_client()

    other = post(made, "en-anden", token=made.new_token())
    listing = client.get("/api/v1/strategies", headers={"Authorization": f"Bearer {made.token}"})

    assert other.status_code == 202
    assert listing.status_code == 200


def test_the_web_form_and_the_api_share_one_budget_per_user(tmp_path: Path):
    made = make_test_app(tmp_path, **THREE)
    for n in range(2):
        assert post(made, f"api-{n}").status_code == 202
    with made.app.test_client() as browser:
        assert sign_in(browser, made).status_code == 302  # the token's own user

        third = upload(browser, text=example_yaml("udkast-1", slug="formular-1").decode())
        fourth = upload(browser, text=example_yaml("udkast-1", slug="formular-2").decode())

    assert third.status_code == 302  # to the build page
    assert fourth.status_code == 429
    assert "For mange udkast fra denne bruger" in fourth.get_data(as_text=True)
    assert sorted(made.slugs()) == ["api-0", "api-1", "formular-1"]


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from private_redis_url()


def test_with_redis_the_count_is_shared_by_every_web_process(tmp_path: Path, redis_url: str):
    settings = {**THREE, "REDIS_URL": redis_url}
    shared = tmp_path / "one"
    first = make_test_app(shared, **settings)
    # A second app on the same database and Redis: another web process, or machine.
    second = make_test_app(shared, **settings)
    second.token = first.token

    answers = [post(app, f"delt-{n}") for n, app in enumerate([first, second, first, second])]

    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    client = redis.Redis.from_url(redis_url)
    assert any(b"/udkast-limits/user:" in key for key in client.scan_iter())
