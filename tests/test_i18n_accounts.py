"""The account pages, the admin's pages and the format help in English, for an English reader.

The pages are written in Danish (tests/test_accounts.py reads them so); a reader who chose
English (the switch) or whose browser prefers it gets every text of them in English.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.app_fixtures import (
    PASSWORD,
    TestApp,
    add_person,
    csrf_token,
    example_yaml,
    make_test_app,
)
from tests.test_accounts import client_as, form_post, html

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
LINK = re.compile(r"https?://[^\s\"<]+/set-password/#[\w-]+")
PAGE = "/set-password/"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("i18n-accounts"))


def english(made: TestApp, role: str) -> FlaskClient:
    """Return a browser signed in as a new user of this role, switched to English."""
    client = client_as(made, role)
    assert client.get("/language/en?next=/").status_code == 302
    return client


def post_as_english(made: TestApp, code: str) -> Any:
    """Open a set-password link's code in a new English browser."""
    browser = made.app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = ENGLISH["Accept-Language"]
    return form_post(browser, PAGE, PAGE, code=code)


def assert_english(page: str, *danish: str) -> None:
    assert '<html lang="en">' in page
    for text in danish:
        assert text not in page, text


def test_the_users_page_and_its_answers_are_english(made):
    admin = english(made, "admin")

    page = html(admin.get("/admin/users"))
    assert "<title>Users" in page and "<h2>Add user</h2>" in page
    assert ">Add and create link</button>" in page and ">Deactivate<" in page
    assert ">reader</option>" in page and ">editor</option>" in page
    assert "Readers can view and download strategies." in page
    assert_english(page, "Tilføj bruger", "redaktør", "læser", "Handlinger", "Deaktiver<")

    wrong = html(form_post(admin, "/admin/users", "/admin/users", email="nope", name=""))
    assert "That does not look like an email address" in wrong
    assert "Enter the person&#39;s name." in wrong and "The user was not added." in wrong
    assert_english(wrong, "ligner ikke", "Skriv personens navn")

    added = html(
        form_post(
            admin, "/admin/users", "/admin/users", email="en@example.dk", name="Ed", role="editor"
        )
    )
    assert "Link for Ed" in added and "Send the link to en@example.dk." in added
    assert LINK.search(added) and "(no password yet)" in added
    _, user_id = add_person(made.app, "reader", "Rae")
    path = f"/admin/users/{user_id}"
    changed = html(form_post(admin, path, "/admin/users", action="role", role="editor"))
    assert "Rae is now editor." in changed
    assert "Rae has been deactivated." in html(
        form_post(admin, path, "/admin/users", action="deactivate")
    )
    assert ">Reactivate<" in html(admin.get("/admin/users"))


def test_the_tokens_page_shows_its_secret_and_revokes_in_english(made):
    admin = english(made, "admin")

    page = html(admin.get("/admin/tokens"))
    assert "<h1>API tokens</h1>" in page and ">Create token</button>" in page
    assert "New service user with the token's name (editor)" in page
    assert_english(page, "Ny nøgle", "Lav nøgle", "Hører til")

    made_one = html(form_post(admin, "/admin/tokens", "/admin/tokens", name="pipeline-en", user=""))
    assert "Copy the token now: it is shown only this once." in made_one
    assert ">never<" in made_one and ">Revoke<" in made_one and "(editor)" in made_one
    revoked = html(form_post(admin, "/admin/tokens/revoke", "/admin/tokens", name="pipeline-en"))
    assert "The token ‘pipeline-en’ has been revoked." in revoked and "revoked " in revoked
    assert_english(revoked, "trukket tilbage", "aldrig", "redaktør")


def test_your_account_page_is_english(made):
    reader = english(made, "reader")

    page = html(reader.get("/account"))
    assert "<h1>Your account</h1>" in page and "Role: reader" in page
    assert ">Change password</button>" in page and "At least 10 characters." in page
    wrong = form_post(
        reader, "/account", "/account", current="a wrong guess", new="x" * 12, repeat="y"
    )
    assert "The two passwords are not the same." in html(wrong)
    wrong = form_post(
        reader, "/account", "/account", current="a wrong guess", new="x" * 12, repeat="x" * 12
    )
    assert "The current password is wrong." in html(wrong)
    assert_english(html(wrong), "Skift adgangskode", "Rolle:", "forkert")


def test_the_set_password_link_speaks_english_to_an_english_browser(made):
    admin = english(made, "admin")
    added = form_post(
        admin, "/admin/users", "/admin/users", email="sp@example.dk", name="Sue", role="reader"
    )
    found = LINK.search(html(added))
    assert found
    code = found.group(0).rsplit("#", 1)[1]
    newcomer = made.app.test_client()
    newcomer.environ_base["HTTP_ACCEPT_LANGUAGE"] = ENGLISH["Accept-Language"]

    asking = html(newcomer.get(PAGE))
    assert "Paste the whole link here" in asking and ">Continue</button>" in asking
    assert_english(asking, "Sæt hele linket ind", "Fortsæt")
    assert form_post(newcomer, PAGE, PAGE, code=code).status_code == 303
    page = html(newcomer.get(PAGE))
    assert "<h1>Choose your password</h1>" in page
    assert "Hello Sue. You sign in with <strong>sp@example.dk</strong>" in page
    short = html(form_post(newcomer, PAGE, PAGE, new="short", repeat="short"))
    assert "The password must have at least 10 characters." in short
    assert_english(short, "Vælg din adgangskode", "mindst 10 tegn")
    # Switching language keeps the opened link: its code waits in the session, not the URL.
    newcomer.environ_base.pop("HTTP_ACCEPT_LANGUAGE")
    assert newcomer.get("/language/da?next=/set-password/").status_code == 302
    assert "Hej Sue." in html(newcomer.get(PAGE))
    assert form_post(newcomer, PAGE, PAGE, new=PASSWORD, repeat=PASSWORD).status_code == 302

    used = post_as_english(made, code)
    assert used.status_code == 404 and "The link no longer works" in html(used)
    assert_english(html(used), "virker ikke længere")


def test_refusals_by_role_are_english(made):
    editor, reader = english(made, "editor"), english(made, "reader")

    refused = editor.get("/admin/users")
    assert refused.status_code == 403
    assert "Only administrators can manage users and API tokens." in html(refused)
    form = {"csrf_token": csrf_token(reader, "/"), "text": example_yaml(slug="no").decode()}
    posted = reader.post("/drafts", data=form, content_type="multipart/form-data")
    assert posted.status_code == 403
    assert "You can view and download strategies, but not save drafts." in html(posted)
    assert_english(html(posted), "ikke gemme udkast")


def test_the_format_help_and_a_missing_versions_content_are_english(made):
    reader = english(made, "reader")

    page = html(reader.get("/help/format"))
    assert "<title>The content format" in page
    assert 'easier to start from <a href="/help/strategi-skabelon.yaml" download>' in page
    assert '<div lang="en">' in page and "<h1>Strategy content format, v1</h1>" in page
    assert_english(page, "findes kun på engelsk", "Indholdsformatet")

    missing = reader.get("/strategies/none/7/content.yaml")
    assert missing.status_code == 404 and "&#39;none&#39; has no version 7" in html(missing)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("da", "For mange udkast fra denne bruger: højst 1 pr. minut. Prøv igen om lidt."),
        ("en", "Too many drafts from this user: at most 1 a minute. Try again shortly."),
    ],
)
def test_too_many_drafts_on_the_page_is_said_in_the_pages_language(tmp_path, language, text):
    made = make_test_app(tmp_path, UDKAST_DRAFTS_PER_MINUTE="1")
    browser = made.app.test_client()
    assert made.sign_in(browser).status_code == 302
    browser.get(f"/language/{language}?next=/")

    answers = []
    for slug in ("first", "second"):
        form = {"csrf_token": csrf_token(browser, "/"), "text": example_yaml(slug=slug).decode()}
        answers.append(browser.post("/drafts", data=form, content_type="multipart/form-data"))

    assert [a.status_code for a in answers] == [302, 429]
    assert text in html(answers[1]) and "Retry-After" not in html(answers[1])
