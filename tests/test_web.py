"""The pages, through Flask's test client on a real app: sign-in, upload, build, history."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import escape as html_escape
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from service.runtime import runtime
from service.web import SESSION_ID
from store import fail_output, set_active
from tests.app_fixtures import CSRF, TestApp, csrf_token, example_data, example_yaml, make_test_app

HOSTILE = "<script>alert(1)</script> {{7*7}} <b>\"&'"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("web"))


@pytest.fixture
def client(made: TestApp) -> Iterator[FlaskClient]:
    with made.app.test_client() as client:
        yield client


def sign_in(client: FlaskClient, made: TestApp, next_path: str | None = None) -> Any:
    """Sign in as the app's editor (email and password) on the sign-in form."""
    return made.sign_in(client, next_path=next_path)


@pytest.fixture
def signed_in(client: FlaskClient, made: TestApp) -> FlaskClient:
    assert sign_in(client, made).status_code == 302
    return client


def upload(client: FlaskClient, **form: Any) -> Any:
    form["csrf_token"] = csrf_token(client, "/")
    return client.post("/drafts", data=form, content_type="multipart/form-data")


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


# --- signing in -----------------------------------------------------------------------


def test_sign_in_page(client):
    page = client.get("/sign-in")

    assert page.status_code == 200
    html = text_of(page)
    assert 'name="email"' in html and 'name="password" type="password"' in html
    assert 'name="token"' not in html  # no shared API key in the browser any more
    assert CSRF.search(html)


def test_a_wrong_password_is_a_401_page(client, made):
    guess = "forkert forkert"
    page = made.sign_in(client, password=guess)

    assert page.status_code == 401
    assert "Forkert e-mail eller adgangskode." in text_of(page)
    assert made.email in text_of(page)  # the email typed stays in the form
    assert client.get("/").status_code == 302  # still signed out


def test_deactivating_a_user_signs_their_browser_out(client, made):
    email, user_id = made.new_user("editor")
    assert made.sign_in(client, email).status_code == 302
    assert client.get("/").status_code == 200
    form_token = csrf_token(client, "/")  # a form left open while the user is deactivated

    with made.app.app_context(), runtime().sessions() as db:
        set_active(db, user_id, False)

    page = client.get("/strategies/socialstrategi")
    assert page.status_code == 302
    assert page.headers["Location"] == "/sign-in?next=/strategies/socialstrategi"
    posted = client.post(
        "/drafts",
        data={"csrf_token": form_token, "text": example_yaml(slug="efter-deaktivering").decode()},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 302 and posted.headers["Location"].startswith("/sign-in")
    assert "efter-deaktivering" not in made.slugs()
    assert client.get("/").status_code == 302  # stays signed out
    refused = made.sign_in(client, email)
    assert refused.status_code == 401 and "deaktiveret" in text_of(refused)
    assert sign_in(client, made).status_code == 302  # another user still signs in
    assert client.get("/").status_code == 200


def test_a_session_this_service_does_not_know_is_signed_out(client, made):
    sign_in(client, made)
    with client.session_transaction() as session:
        session[SESSION_ID] = "0" * 64  # e.g. signed in before the database was replaced

    assert client.get("/").status_code == 302


def test_the_cookie_holds_neither_the_password_nor_the_user(client, made):
    sign_in(client, made)

    with client.session_transaction() as session:
        held = dict(session)
    assert made.password not in str(held) and made.email not in str(held)
    assert str(made.user_id) != held[SESSION_ID] and len(held[SESSION_ID]) >= 40
    cookie = client.get_cookie("session")
    assert cookie is not None and made.password not in cookie.value


def test_right_password_signs_in_and_the_index_lists_strategies(client, made):
    made_response = client.post(
        "/api/v1/drafts",
        data=example_yaml(slug="paa-forsiden"),
        headers={"Authorization": f"Bearer {made.token}", "Content-Type": "application/yaml"},
    )
    assert made_response.status_code == 202

    response = sign_in(client, made)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    index = client.get("/")
    assert index.status_code == 200
    assert "paa-forsiden" in text_of(index)
    assert 'href="/strategies/paa-forsiden"' in text_of(index)


def test_sign_in_without_a_csrf_token_is_400(client, made):
    client.get("/sign-in")  # a session exists, but the form does not carry its token

    response = client.post("/sign-in", data={"email": made.email, "password": made.password})

    assert response.status_code == 400
    # An error page that leads back, whatever it says (not Flask-WTF's own words).
    assert 'href="/"' in text_of(response) and "Traceback" not in text_of(response)
    assert client.get("/").status_code == 302


def test_sign_in_with_a_foreign_csrf_token_is_400(client, made, tmp_path):
    other = make_test_app(tmp_path)  # another secret key
    with other.app.test_client() as stranger:
        foreign = csrf_token(stranger)
    client.get("/sign-in")

    form = {"email": made.email, "password": made.password, "csrf_token": foreign}
    response = client.post("/sign-in", data=form)

    assert response.status_code == 400


def test_sign_out_needs_csrf_and_then_signs_out(signed_in):
    assert signed_in.post("/sign-out").status_code == 400
    assert signed_in.get("/").status_code == 200

    response = signed_in.post("/sign-out", data={"csrf_token": csrf_token(signed_in, "/")})

    assert response.status_code == 302
    assert signed_in.get("/").status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/strategies/socialstrategi",
        "/builds/00000000-0000-4000-8000-000000000000",
        "/strategies/socialstrategi/1/x.pdf",
    ],
)
def test_pages_behind_sign_in_redirect_when_signed_out(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_the_next_path_brings_you_back_after_sign_in(client, made):
    response = sign_in(client, made, "/strategies/noget")

    assert response.headers["Location"] == "/strategies/noget"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/x",
        "https://evil.example/",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "%2F%2Fevil.example",
        "/%09/evil.example",
        "/%0d%0a/evil.example",
        "javascript:alert(1)",
        "///evil.example",
    ],
)
def test_an_open_redirect_attempt_stays_on_site(client, made, target):
    response = sign_in(client, made, target)

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/", location


# --- uploading --------------------------------------------------------------------------


def test_upload_a_file_shows_its_build_queued(signed_in, made):
    response = upload(signed_in, file=(io.BytesIO(example_yaml(slug="fil-upload")), "u.yaml"))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/builds/")
    page = signed_in.get(response.headers["Location"])
    assert page.status_code == 200
    html = text_of(page)
    assert "i kø" in html
    assert "/static/build.js" in html  # the script follows the build until it ends
    assert ">Opdater</a>" in html  # and without it, a link reloads the page
    assert made.versions("fil-upload") == [1]


def test_the_build_page_lists_the_outputs_in_the_registry_order(signed_in, made):
    upload(signed_in, text=example_yaml(slug="raekkefoelge").decode("utf-8"))
    second = example_yaml("udkast-2", slug="raekkefoelge").decode("utf-8")

    html = text_of(signed_in.get(upload(signed_in, text=second).headers["Location"]))

    # PDF, Word, the comparisons, then the høringsnotat: the registry's order, not the
    # names' (docx < pdf).
    rows = re.findall(r'<tr data-output="([^"]+)"', html)
    assert rows == [
        "pdf",
        "docx",
        "changes-pdf",
        "changes-docx",
        "hearing-notes-pdf",
        "hearing-notes-docx",
    ]


def test_upload_pasted_text(signed_in, made):
    text = example_yaml(slug="indsat").decode("utf-8")

    response = upload(signed_in, text=text)

    assert response.status_code == 302
    assert "i kø" in text_of(signed_in.get(response.headers["Location"]))
    assert made.versions("indsat") == [1]


def test_uploading_the_same_again_says_so(signed_in, made):
    data = example_yaml(slug="samme-igen")
    upload(signed_in, text=data.decode("utf-8"))

    response = upload(signed_in, file=(io.BytesIO(data), "u.yaml"))

    page = text_of(signed_in.get(response.headers["Location"]))
    assert "samme som seneste version" in page
    assert made.versions("samme-igen") == [1]


def test_invalid_upload_is_a_422_page_listing_problems_and_stores_nothing(signed_in, made):
    text = example_yaml(slug="ugyldig-side", title="").decode("utf-8")
    text = text.replace("date: 2018-03-02", "date: 2018-02-31")
    queued = made.queued_messages()

    page = upload(signed_in, text=text)

    assert page.status_code == 422
    html = text_of(page)
    assert "<code>document.title</code>" in html
    assert "<code>document.date</code>" in html
    assert "ikke gemt" in html
    assert "ugyldig-side" not in made.slugs()
    assert made.queued_messages() == queued
    assert "slug: ugyldig-side" in html  # the pasted text is kept for fixing


def test_uploading_again_after_a_failed_build_queues_a_new_build(signed_in, made):
    text = example_yaml(slug="igen-i-browseren", inputs=False).decode("utf-8")
    first = upload(signed_in, text=text).headers["Location"]
    build_id = first.split("/builds/")[1].split("?")[0]
    with made.app.app_context(), runtime().sessions() as db:
        fail_output(db, build_id, "pdf", "the pdf renderer failed: boom")  # as a worker would
    queued = made.queued_messages()

    again = upload(signed_in, text=text)

    assert again.status_code == 302
    assert build_id not in again.headers["Location"]
    assert made.queued_messages() == queued + 2  # the new build's outputs were sent
    assert made.versions("igen-i-browseren") == [1]


def test_the_422_page_says_in_danish_where_and_what_counted_from_1(signed_in, made):
    data = example_data(slug="paa-dansk")
    second = data["visions"][1]
    del second["headline"]
    data["document"]["title"] = ""
    text = yaml.safe_dump(data, allow_unicode=True)

    page = upload(signed_in, text=text)

    assert page.status_code == 422
    html = text_of(page)
    items = re.findall(r"<li>(.*?)</li>", html.split('<ol class="problems">')[1].split("</ol>")[0])
    assert len(items) == 2
    # What a person reads: the part by number (from 1) and title, then the field.
    assert items[0].startswith("Dokumentet: titlen ")
    title = html_escape(second["title"])
    assert items[1].startswith(f"Vision 2 «{title}»: overskriften mangler")
    # The API's path in small print, for the technically minded.
    assert "<code>visions[1].headline</code></small>" in items[1]


def test_a_syntax_error_is_explained_in_danish_with_its_line(signed_in, made):
    text = "format: strategy/v1\ndocument:\n  title: Strategi: for alle\n"

    page = upload(signed_in, text=text)

    assert page.status_code == 400
    html = text_of(page)
    assert "linje 3" in html  # where, in the page's language
    assert text.splitlines()[2] in html  # what the person typed is still there


def test_the_422_page_counts_every_problem_not_only_those_listed(signed_in, made):
    data = example_data(slug="tre-hundrede")
    data["consultation"] = [
        {"id": f"input-{n}", "from": "Rådet", "input": "tekst", "status": "ukendt"}
        for n in range(300)
    ]  # 300 inputs, each with a status the format does not know
    text = yaml.safe_dump(data, allow_unicode=True)

    page = upload(signed_in, text=text)

    assert page.status_code == 422
    html = text_of(page)
    assert "Udkastet blev ikke gemt: 300 fejl." in html
    assert "og 100 fejl mere" in html  # only the first 200 are listed


def test_unreadable_upload_is_a_400_page(signed_in, made):
    page = upload(signed_in, file=(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00"), "billede.yaml"))

    assert page.status_code == 400
    assert "UTF-8" in text_of(page)


def test_an_empty_form_is_a_400_page(signed_in):
    page = upload(signed_in, text="   ")

    assert page.status_code == 400


# --- escaping -----------------------------------------------------------------------------


def _check_escaped(html: str) -> None:
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Literal and escaped in one piece: no template evaluated the user's text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}} &lt;b&gt;" in html
    assert "<b>" not in html


def test_hostile_text_is_escaped_on_every_page(signed_in, made):
    data = example_yaml(slug="fjendtlig", title=HOSTILE, draft_label=HOSTILE)
    data = data.replace(b"Et godt liv med n\xc3\xa6re relationer", HOSTILE.encode())
    response = upload(signed_in, file=(io.BytesIO(data), "x.yaml"))
    assert response.status_code == 302, text_of(response)

    for path in (response.headers["Location"], "/", "/strategies/fjendtlig"):
        page = signed_in.get(path)
        assert page.status_code == 200, path
        _check_escaped(text_of(page))


def test_hostile_field_names_are_escaped_in_the_problem_list(signed_in):
    text = example_yaml(slug="fjendtlige-felter").decode("utf-8")
    # The whole hostile text as the name, so the page is checked on what this test sent,
    # not on a hostile title another test may have left on the index page.
    text += yaml.safe_dump({HOSTILE: 1}, allow_unicode=True)

    page = upload(signed_in, text=text)

    assert page.status_code == 422
    _check_escaped(text_of(page))


def test_hostile_text_in_a_404_is_escaped(signed_in):
    # A slug of its own: version 1 is this test's draft whichever tests ran before it,
    # and the page can only echo the file name if that draft exists.
    stored = upload(signed_in, text=example_yaml(slug="fjendtlig-fil").decode("utf-8"))
    assert stored.status_code == 302, text_of(stored)
    hostile = "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%7B%7B7*7%7D%7D"  # a file name
    page = signed_in.get(f"/strategies/fjendtlig-fil/1/{hostile}")

    assert page.status_code == 404
    html = text_of(page)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;{{7*7}}" in html
