"""Real browser, real service: a saved cookie opens nothing after sign-out or deactivation.

Chromium (through Playwright) signs in to gunicorn with a Celery worker that renders a
real PDF; its cookies are saved, as a copied browser profile would hold them, and
replayed in a fresh browser after the session ended. Needs what tests/test_browser.py
needs; skipped without it, failing under CI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from settings import load_settings
from store import make_engine, make_session_factory, set_active, user_by_email
from tests.chromium import launched_chromium
from tests.conftest import example_path
from tests.live_service import LiveService, live_service

pytestmark = pytest.mark.e2e
PDF = "/strategies/socialstrategi/1/socialstrategi-udkast-1.pdf"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    for started in live_service("embedded", tmp_path_factory.mktemp("browser-sessions")):
        status, _, body = started.call(
            "POST",
            "/api/v1/drafts",
            example_path("udkast-1").read_bytes(),
            media_type="application/yaml",
        )
        assert status == 202, body
        build = started.wait_build(f"/api/v1/builds/{json.loads(body)['build']['id']}")
        assert build["outputs"]["pdf"]["state"] == "done", build
        yield started


def deactivate(service: LiveService, email: str) -> None:
    """Deactivate a user in the service's database, as an admin's page does."""
    engine = make_engine(load_settings(service.env).database_url)
    try:
        with make_session_factory(engine)() as db:
            user = user_by_email(db, email)
            assert user is not None
            set_active(db, user.id, False)
    finally:
        engine.dispose()


def signed_in_context(chromium: Any, service: LiveService, email: str) -> Any:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(service.url + "/")
    assert page.url.startswith(service.url + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", service.password)
    page.click("main button[type=submit]")
    page.wait_for_url(service.url + "/")
    return context


def assert_saved_cookie_opens_nothing(chromium: Any, service: LiveService, saved: Any) -> None:
    """Replay saved cookies in a fresh browser: pages and downloads send it to sign in."""
    copy = chromium.new_context(storage_state=saved)
    try:
        page = copy.new_page()
        page.goto(service.url + "/strategies/socialstrategi")
        assert page.url.startswith(service.url + "/sign-in?next=")
        download = copy.request.get(service.url + PDF, max_redirects=0)
        assert download.status == 302
        assert download.headers["location"].startswith("/sign-in?next=")
        assert not download.body().startswith(b"%PDF")
    finally:
        copy.close()


def test_a_cookie_saved_before_sign_out_opens_nothing_after_it(chromium, service):
    context = signed_in_context(chromium, service, service.email)
    try:
        page = context.pages[0]
        history = page.goto(service.url + "/strategies/socialstrategi")
        assert "no-store" in history.headers["cache-control"]
        assert "Gemt af" in page.content()
        assert context.request.get(service.url + PDF).body().startswith(b"%PDF-")
        saved = context.storage_state()

        page.click(".sign-out button")
        page.wait_for_url("**/sign-in")

        assert_saved_cookie_opens_nothing(chromium, service, saved)
    finally:
        context.close()


def test_a_cookie_saved_before_its_user_is_deactivated_opens_nothing(chromium, service):
    service.add_user("gaar@example.dk", "Gitte Går", "reader")
    context = signed_in_context(chromium, service, "gaar@example.dk")
    try:
        assert context.request.get(service.url + PDF).body().startswith(b"%PDF-")
        saved = context.storage_state()

        deactivate(service, "gaar@example.dk")

        assert_saved_cookie_opens_nothing(chromium, service, saved)
        page = context.pages[0]
        page.goto(service.url + "/")
        assert page.url.startswith(service.url + "/sign-in")  # the browser itself too
    finally:
        context.close()
