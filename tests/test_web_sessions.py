"""Server-side web sessions over HTTP: sign-out and deactivation end every copy of a cookie.

A "browser" here is a Flask test client; a saved cookie is replayed from a second client,
as someone who copied it (or a shared computer's profile) would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.outputs import output_named
from service.runtime import runtime
from store import finish_output, list_drafts, set_active
from store.models import WebSession
from store.web_sessions import ABSOLUTE_LIFETIME, IDLE_TIMEOUT
from tests.app_fixtures import PASSWORD, TestApp, csrf_token, example_yaml, make_test_app

PDF_BYTES = b"%PDF-1.7 the rendered draft"
DOWNLOAD = "/strategies/sessioner/1/sessioner-udkast-1.pdf"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("sessions"))
    posted = made.post_yaml(example_yaml(slug="sessioner"))
    assert posted.status_code == 202
    with made.app.app_context(), runtime().sessions() as db:
        # What the worker records when the PDF is rendered (no worker runs here).
        finish_output(
            db, posted.get_json()["build"]["id"], "pdf", PDF_BYTES, output_named("pdf").media_type
        )
    return made


@pytest.fixture
def browser(made: TestApp) -> Iterator[FlaskClient]:
    with made.app.test_client() as client:
        yield client


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, **kw: Any) -> Any:
    form = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/sign-in", data=form, **kw)


def sign_out(client: FlaskClient) -> Any:
    return client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})


def saved_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replayed(made: TestApp, cookie: str) -> FlaskClient:
    """A second browser that sends a saved copy of the session cookie."""
    other = made.app.test_client()
    other.set_cookie("session", cookie)
    return other


def assert_sent_to_sign_in(response: Any) -> None:
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert PDF_BYTES not in response.get_data()


def test_a_cookie_saved_before_sign_out_opens_no_page_and_no_download_after_it(browser, made):
    assert sign_in(browser, made.email).status_code == 302
    assert browser.get(DOWNLOAD).get_data() == PDF_BYTES
    saved = saved_cookie(browser)
    assert replayed(made, saved).get("/").status_code == 200  # a copy works while signed in

    assert sign_out(browser).status_code == 302

    copy = replayed(made, saved)
    assert_sent_to_sign_in(copy.get("/"))
    assert_sent_to_sign_in(copy.get("/strategies/sessioner"))
    assert_sent_to_sign_in(copy.get(DOWNLOAD))
    assert_sent_to_sign_in(browser.get("/"))


def test_a_cookie_saved_before_its_user_is_deactivated_opens_nothing(browser, made):
    email, user_id = made.new_user("reader")
    assert sign_in(browser, email).status_code == 302
    saved = saved_cookie(browser)

    with made.app.app_context(), runtime().sessions() as db:
        set_active(db, user_id, False)

    assert_sent_to_sign_in(replayed(made, saved).get(DOWNLOAD))
    assert_sent_to_sign_in(browser.get("/"))


def test_the_cookie_carries_only_a_session_id(browser, made):
    sign_in(browser, made.email)

    with browser.session_transaction() as held:
        # Flask-Login's user id is the session's id; the rest is its own bookkeeping.
        assert set(held) <= {"_user_id", "_fresh", "_id", "csrf_token", "_permanent"}
        assert len(held["_user_id"]) >= 40 and held["_user_id"] != str(made.user_id)
    value = saved_cookie(browser)
    assert made.password not in value and made.email not in value


def test_signing_in_again_ends_the_previous_session_of_that_browser(browser, made):
    sign_in(browser, made.email)
    before = saved_cookie(browser)

    assert sign_in(browser, made.email).status_code == 302

    assert browser.get("/").status_code == 200
    assert_sent_to_sign_in(replayed(made, before).get("/"))


def test_signing_out_needs_the_csrf_token(browser, made):
    sign_in(browser, made.email)

    assert browser.post("/sign-out").status_code == 400
    assert browser.get("/").status_code == 200  # still signed in

    sign_out(browser)
    assert sign_in(browser, made.email).status_code == 302  # a fresh form after signing out
    assert browser.get("/").status_code == 200


def age_sessions(made: TestApp, **moved: dt.timedelta) -> None:
    """Move every session's timestamps into the past, as if that much time had gone by."""
    with made.app.app_context(), runtime().sessions() as db:
        for row in db.scalars(select(WebSession)).all():
            for column, by in moved.items():
                setattr(row, column, getattr(row, column) - by)
        db.commit()


def test_a_browser_left_idle_is_signed_out(tmp_path):
    made = make_test_app(tmp_path)
    client = made.app.test_client()
    sign_in(client, made.email)

    age_sessions(made, last_seen_at=IDLE_TIMEOUT - dt.timedelta(minutes=5))
    assert client.get("/").status_code == 200  # and seen again now
    age_sessions(made, last_seen_at=IDLE_TIMEOUT - dt.timedelta(minutes=5))
    assert client.get("/").status_code == 200
    age_sessions(made, last_seen_at=IDLE_TIMEOUT)

    assert_sent_to_sign_in(client.get("/"))


def test_a_busy_browser_is_signed_out_at_the_absolute_lifetime(tmp_path):
    made = make_test_app(tmp_path)
    client = made.app.test_client()
    response = sign_in(client, made.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Expires=" in cookie  # the browser drops it too

    almost = ABSOLUTE_LIFETIME - dt.timedelta(minutes=5)
    age_sessions(made, created_at=almost, expires_at=almost)
    assert client.get("/").status_code == 200
    age_sessions(made, created_at=dt.timedelta(minutes=5), expires_at=dt.timedelta(minutes=5))

    assert_sent_to_sign_in(client.get("/"))


def test_pages_are_not_stored_by_browsers_or_caches(browser, made):
    assert "no-store" in browser.get("/sign-in").headers["Cache-Control"]
    sign_in(browser, made.email)
    for path in ("/", "/strategies/sessioner"):
        assert "no-store" in browser.get(path).headers["Cache-Control"], path


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/strategies//sessioner", "/strategies/sessioner"),
        ("/api/v1//strategies?x=1", "/api/v1/strategies?x=1"),
    ],
)
def test_the_slash_redirect_stays_on_this_site_whatever_the_host_header(browser, path, target):
    response = browser.get(path, headers={"Host": "evil.example"})

    assert response.status_code == 308
    assert response.headers["Location"] == target


def posted_version_by(made: TestApp, slug: str) -> Any:
    with made.app.app_context(), runtime().sessions() as db:
        latest = list_drafts(db, slug)[0]
        return latest.posted_by, latest.posted_by_user


def test_a_draft_uploaded_in_the_browser_records_the_signed_in_user(browser, made):
    email, _ = made.new_user("editor", "Karen Kontor")
    sign_in(browser, email)
    form = {
        "csrf_token": csrf_token(browser, "/"),
        "text": example_yaml(slug="fra-browser").decode(),
    }

    posted = browser.post("/drafts", data=form, content_type="multipart/form-data")

    assert posted.status_code == 302
    assert posted_version_by(made, "fra-browser") == (None, "Karen Kontor")  # (token, user)
    build_page = browser.get(posted.headers["Location"]).get_data(as_text=True)
    assert "Gemt af Karen Kontor" in build_page
    page = browser.get("/strategies/fra-browser").get_data(as_text=True)
    assert '<th scope="col">Gemt af</th>' in page
    assert '<td data-label="Gemt af">Karen Kontor</td>' in page


# --- the sign-in limit ---------------------------------------------------------------


def wrong_sign_in(
    client: FlaskClient, address: str = "127.0.0.1", email: str = "gaet@example.dk"
) -> Any:
    return sign_in(client, email, "et forkert gæt", environ_base={"REMOTE_ADDR": address})


def test_failed_sign_ins_from_one_address_are_limited_even_for_the_right_password(tmp_path):
    made = make_test_app(tmp_path, UDKAST_SIGN_INS_PER_MINUTE="3")
    client = made.app.test_client()

    tries = [wrong_sign_in(client, "10.9.0.1").status_code for _ in range(5)]

    assert tries == [401, 401, 401, 429, 429]
    refused = wrong_sign_in(client, "10.9.0.1")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "For mange forkerte forsøg" in refused.get_data(as_text=True)
    # The right password waits too: past the limit no password is checked, so a guesser
    # learns nothing and the checks' cost (argon2) stays bounded.
    colleague = made.app.test_client()
    waits = sign_in(colleague, made.email, environ_base={"REMOTE_ADDR": "10.9.0.1"})
    assert waits.status_code == 429
    # Another address has its own count, and the right password signs in from it.
    assert wrong_sign_in(client, "10.9.0.2", "en-anden@example.dk").status_code == 401
    assert (
        sign_in(colleague, made.email, environ_base={"REMOTE_ADDR": "10.9.0.3"}).status_code == 302
    )


def test_failed_sign_ins_for_one_account_are_limited_from_every_address(tmp_path):
    made = make_test_app(tmp_path, UDKAST_SIGN_INS_PER_MINUTE="3")
    client = made.app.test_client()

    tries = [wrong_sign_in(client, f"10.8.0.{n}", made.email.upper()).status_code for n in range(4)]

    assert tries == [401, 401, 401, 429]  # the email in any case is one account
    assert wrong_sign_in(client, "10.8.1.1", "en-anden@example.dk").status_code == 401


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(tmp_path):
    made = make_test_app(tmp_path)
    unknown = wrong_sign_in(made.app.test_client(), email="findes-ikke@example.dk")
    wrong = wrong_sign_in(made.app.test_client(), email=made.email)

    assert unknown.status_code == wrong.status_code == 401
    message = "Forkert e-mail eller adgangskode."
    assert message in unknown.get_data(as_text=True) and message in wrong.get_data(as_text=True)


def test_two_web_processes_share_one_count_of_failed_sign_ins(tmp_path):
    first = make_test_app(tmp_path, UDKAST_SIGN_INS_PER_MINUTE="4")
    # A second app on the same database and no Redis: the other gunicorn process.
    second = make_test_app(tmp_path, UDKAST_SIGN_INS_PER_MINUTE="4")
    clients = [first.app.test_client(), second.app.test_client()]

    tries = [wrong_sign_in(clients[n % 2]).status_code for n in range(6)]

    assert tries == [401, 401, 401, 401, 429, 429]
