"""Accounts over HTTP and on the command line: roles, the admin's pages, passwords, tokens.

A real app (tests/app_fixtures.py) through Flask's test client; the `udkast` commands run
in this process on the app's own database (UDKAST_VAR_DIR), as `main()` runs them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from cli.main import main as udkast
from cli.serve import FIRST_ADMIN, first_admin
from service import accounts
from settings import load_settings
from tests.app_fixtures import (
    PASSWORD,
    TestApp,
    add_person,
    csrf_token,
    example_yaml,
    make_test_app,
    sign_in_as,
)
from tests.test_api import ContractClient

# A set-password link; its secret after "#" (the CLI's may still have it in the path).
LINK = re.compile(r"https?://[^\s\"<]+/set-password/#?[\w-]+")
LINK_PAGE = "/set-password/"
SECRET = re.compile(r"udk_[\w-]{40,}")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("accounts"))
    made.app.test_client_class = ContractClient  # every API answer as service/openapi.yaml says
    return made


def client_as(made: TestApp, role: str) -> FlaskClient:
    """Return a browser signed in as a new user of this role."""
    client = made.app.test_client()
    email, _ = add_person(made.app, role, f"En {role}")
    assert sign_in_as(client, email).status_code == 302
    return client


def html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def form_post(client: FlaskClient, path: str, form_page: str, **form: str) -> Any:
    """Post a form as the page at `form_page` would (with its CSRF token)."""
    return client.post(path, data={**form, "csrf_token": csrf_token(client, form_page)})


def open_link(client: FlaskClient, link: str) -> Any:
    """Open a set-password link as a browser does: its script posts the code after "#"."""
    if "#" in link:
        code = link.rsplit("#", 1)[1]
        return form_post(client, LINK_PAGE, LINK_PAGE, code=code)
    return client.get(LINK_PAGE + link.rsplit("/", 1)[1])  # the earlier kind of link


def choose_password(client: FlaskClient, link: str, new: str, repeat: str | None = None) -> Any:
    """Open the link, then choose a password on its form; return the form's answer."""
    opened = open_link(client, link)
    assert opened.status_code == 303 and opened.headers["Location"] == LINK_PAGE
    return form_post(client, LINK_PAGE, LINK_PAGE, new=new, repeat=repeat or new)


def api(made: TestApp, method: str, path: str, token: str, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
    return made.app.test_client().open(path, method=method, headers=headers, **kw)


# --- what each role sees and may do ----------------------------------------------------


def test_a_reader_sees_strategies_but_no_upload_form_and_cannot_save(made):
    assert made.post_yaml(example_yaml(slug="til-laesning")).status_code == 202
    reader = client_as(made, "reader")

    index = reader.get("/")
    assert index.status_code == 200
    assert "til-laesning" in html(index)
    assert 'name="file"' not in html(index) and "Kun redaktører kan gemme" in html(index)
    assert reader.get("/strategies/til-laesning").status_code == 200
    assert 'href="/admin/users"' not in html(index)

    refused = reader.post(
        "/drafts",
        data={"csrf_token": csrf_token(reader, "/"), "text": example_yaml(slug="nej").decode()},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    assert "ikke gemme udkast" in html(refused)
    assert "nej" not in made.slugs()


def test_an_editor_saves_but_cannot_open_the_admin_pages(made):
    editor = client_as(made, "editor")

    assert 'name="file"' in html(editor.get("/"))
    for path in ("/admin/users", "/admin/tokens"):
        page = editor.get(path)
        assert page.status_code == 403, path
        assert "Kun administratorer" in html(page)
    created = form_post(editor, "/admin/users", "/", email="x@example.dk", name="X", role="admin")
    assert created.status_code == 403


def test_a_readers_token_cannot_post_but_can_read(made):
    _, reader_id = add_person(made.app, "reader")
    token = made.new_token(user_id=reader_id)

    posted = made.post_yaml(example_yaml(slug="fra-laeser"), token)
    listed = api(made, "GET", "/api/v1/strategies", token)

    assert posted.status_code == 403
    assert posted.get_json()["error"] == "forbidden"
    assert "reader" in posted.get_json()["message"]
    assert listed.status_code == 200
    assert "fra-laeser" not in made.slugs()


# --- the admin's pages -----------------------------------------------------------------


def test_an_admin_adds_a_user_who_sets_a_password_by_the_link_once(made):
    admin = client_as(made, "admin")
    assert 'href="/admin/users"' in html(admin.get("/"))

    created = form_post(
        admin, "/admin/users", "/admin/users", email="Ny@Example.dk", name="Nina Ny", role="reader"
    )
    assert created.status_code == 200
    found = LINK.search(html(created))
    assert found, html(created)
    link = found.group(0)
    assert link.startswith("http://localhost/set-password/#")  # the secret is never sent
    assert LINK.search(html(admin.get("/admin/users"))) is None  # shown once

    newcomer = made.app.test_client()
    opened = open_link(newcomer, link)
    assert opened.status_code == 303 and opened.headers["Location"] == LINK_PAGE
    page = newcomer.get(LINK_PAGE)
    assert page.status_code == 200 and "Nina Ny" in html(page) and "ny@example.dk" in html(page)
    short = form_post(newcomer, LINK_PAGE, LINK_PAGE, new="kort", repeat="kort")
    assert short.status_code == 400 and "mindst 10 tegn" in html(short)
    differ = form_post(newcomer, LINK_PAGE, LINK_PAGE, new=PASSWORD, repeat=PASSWORD + "x")
    assert differ.status_code == 400 and "ikke ens" in html(differ)
    done = form_post(newcomer, LINK_PAGE, LINK_PAGE, new=PASSWORD, repeat=PASSWORD)
    assert done.status_code == 302
    assert "Nina Ny" in html(newcomer.get("/"))  # signed in

    again = open_link(made.app.test_client(), link)
    assert again.status_code == 404 and "virker ikke længere" in html(again)
    assert sign_in_as(made.app.test_client(), "ny@example.dk").status_code == 302


def test_the_link_page_without_its_code_asks_for_the_link_and_takes_it_pasted(made):
    _, user_id = add_person(made.app, "reader", "Pia Paste")
    admin = client_as(made, "admin")
    shown = form_post(admin, f"/admin/users/{user_id}", "/admin/users", action="link")
    link = LINK.search(html(shown))
    assert link
    browser = made.app.test_client()

    # What a browser without JavaScript shows: the page cannot see the part after "#".
    page = html(browser.get(LINK_PAGE))
    assert "Sæt hele linket ind her" in page and 'name="code"' in page
    assert "set-password.js" in page and "Pia Paste" not in page
    wrong = form_post(browser, LINK_PAGE, LINK_PAGE, code="ikke-en-kode")
    assert wrong.status_code == 404 and "virker ikke længere" in html(wrong)
    pasted = form_post(browser, LINK_PAGE, LINK_PAGE, code=f"  {link.group(0)} ")
    assert pasted.status_code == 303 and pasted.headers["Location"] == LINK_PAGE
    assert "Hej Pia Paste" in html(browser.get(LINK_PAGE))


def test_opening_a_link_does_not_spend_it_and_an_opened_one_ends_after_a_while(made, monkeypatch):
    _, user_id = add_person(made.app, "reader", "Sara Scan")
    admin = client_as(made, "admin")
    link = LINK.search(
        html(form_post(admin, f"/admin/users/{user_id}", "/admin/users", action="link"))
    )
    assert link
    # A mail scanner that opens the link first leaves it to the person.
    scanner, later, person = (made.app.test_client() for _ in range(3))
    for browser in (scanner, later, person):
        assert open_link(browser, link.group(0)).status_code == 303
        assert "Hej Sara Scan" in html(browser.get(LINK_PAGE))

    monkeypatch.setattr(accounts, "LINK_CODE_SECONDS", -1)  # opened too long ago
    assert 'name="code"' in html(scanner.get(LINK_PAGE))  # asks for the link again
    monkeypatch.undo()
    assert choose_password(person, link.group(0), PASSWORD).status_code == 302
    # Another browser that had it open finds it used (its CSRF token from any page).
    spent = form_post(later, LINK_PAGE, "/sign-in", new=PASSWORD, repeat=PASSWORD)
    assert spent.status_code == 404 and "virker ikke længere" in html(spent)


def test_the_add_user_form_names_each_wrong_field_and_keeps_what_was_typed(made):
    admin = client_as(made, "admin")

    page = form_post(admin, "/admin/users", "/admin/users", email="ikke-en-adresse", name="")

    assert page.status_code == 400
    text = html(page)
    assert "Det ligner ikke en e-mailadresse" in text and "Skriv personens navn." in text
    assert 'value="ikke-en-adresse"' in text and 'aria-invalid="true"' in text
    taken = form_post(
        admin, "/admin/users", "/admin/users", email=made.email, name="Igen", role="reader"
    )
    assert "findes allerede en bruger" in html(taken)


def test_an_admin_deactivates_a_user_whose_browser_is_signed_out_at_once(made):
    admin = client_as(made, "admin")
    email, user_id = add_person(made.app, "editor", "Ole Ud")
    ole = made.app.test_client()
    assert sign_in_as(ole, email).status_code == 302
    token = made.new_token(user_id=user_id)

    done = form_post(admin, f"/admin/users/{user_id}", "/admin/users", action="deactivate")

    assert done.status_code == 200 and "Ole Ud er deaktiveret" in html(done)
    assert ole.get("/").status_code == 302
    assert made.post_yaml(example_yaml(slug="fra-ole"), token).status_code == 403
    form_post(admin, f"/admin/users/{user_id}", "/admin/users", action="reactivate")
    assert sign_in_as(ole, email).status_code == 302
    assert made.post_yaml(example_yaml(slug="fra-ole"), token).status_code == 202


def test_an_admin_changes_a_role_and_it_holds_from_the_next_request(made):
    admin = client_as(made, "admin")
    email, user_id = add_person(made.app, "reader", "Rolf Rolle")
    rolf = made.app.test_client()
    sign_in_as(rolf, email)
    assert 'name="file"' not in html(rolf.get("/"))

    form_post(admin, f"/admin/users/{user_id}", "/admin/users", action="role", role="editor")

    assert 'name="file"' in html(rolf.get("/"))


def test_the_last_admin_cannot_leave(tmp_path):
    made = make_test_app(tmp_path)
    email, admin_id = add_person(made.app, "admin", "Eneste")
    admin = made.app.test_client()
    sign_in_as(admin, email)

    page = form_post(admin, f"/admin/users/{admin_id}", "/admin/users", action="deactivate")

    assert page.status_code == 400 and "mindst én aktiv administrator" in html(page)
    assert admin.get("/admin/users").status_code == 200


def test_tokens_created_and_revoked_in_the_web_ui_work_and_then_stop(made):
    admin = client_as(made, "admin")

    created = form_post(admin, "/admin/tokens", "/admin/tokens", name="byggeserver", user="")
    assert created.status_code == 200
    secret = SECRET.search(html(created))
    assert secret, html(created)
    assert SECRET.search(html(admin.get("/admin/tokens"))) is None  # shown once
    token = secret.group(0)
    assert made.post_yaml(example_yaml(slug="fra-byggeserver"), token).status_code == 202
    listing = html(admin.get("/admin/tokens"))
    assert "byggeserver" in listing and "redaktør" in listing

    revoked = form_post(admin, "/admin/tokens/revoke", "/admin/tokens", name="byggeserver")

    assert "trukket tilbage" in html(revoked)
    refused = made.post_yaml(example_yaml(slug="efter-tilbagekald"), token)
    assert refused.status_code == 403 and "revoked" in refused.get_json()["message"]


def test_a_token_made_for_a_reader_in_the_web_ui_can_only_read(made):
    admin = client_as(made, "admin")
    _, reader_id = add_person(made.app, "reader", "Lis Læser")

    created = form_post(
        admin, "/admin/tokens", "/admin/tokens", name="lis-rapport", user=str(reader_id)
    )
    token = SECRET.search(html(created))
    assert token

    assert made.post_yaml(example_yaml(slug="lis"), token.group(0)).status_code == 403
    assert api(made, "GET", "/api/v1/strategies", token.group(0)).status_code == 200


# --- your own password -------------------------------------------------------------------


def test_changing_your_password_signs_out_your_other_browsers(made):
    email, _ = add_person(made.app, "reader", "Per Skift")
    here, there = made.app.test_client(), made.app.test_client()
    sign_in_as(here, email)
    sign_in_as(there, email)
    new = "en helt ny sætning"

    wrong = form_post(here, "/account", "/account", current="gæt gæt gæt", new=new, repeat=new)
    assert wrong.status_code == 400 and "nuværende adgangskode er forkert" in html(wrong)
    done = form_post(here, "/account", "/account", current=PASSWORD, new=new, repeat=new)

    assert done.status_code == 200 and "Din adgangskode er skiftet" in html(done)
    assert here.get("/").status_code == 200
    assert there.get("/").status_code == 302
    assert sign_in_as(made.app.test_client(), email).status_code == 401
    assert sign_in_as(made.app.test_client(), email, new).status_code == 302


# --- the command line ---------------------------------------------------------------------


def test_udkast_user_create_prints_a_link_that_sets_the_password(made, monkeypatch, capsys):
    monkeypatch.setenv("UDKAST_VAR_DIR", str(made.var_dir))
    monkeypatch.setenv("UDKAST_PUBLIC_URL", "https://udkast.kommune.dk/")

    code = udkast(
        ["user", "create", "Kli@Example.dk", "--name", "Kli Kommando", "--role", "editor"]
    )

    out = capsys.readouterr().out
    assert code == 0 and "created kli@example.dk (editor)" in out
    link = LINK.search(out)
    assert link and link.group(0).startswith("https://udkast.kommune.dk/set-password/")
    browser = made.app.test_client()
    assert choose_password(browser, link.group(0), PASSWORD).status_code == 302
    assert udkast(["user", "create", "kli@example.dk", "--name", "Igen", "--role", "reader"]) == 1
    assert "exists already" in capsys.readouterr().err


def test_udkast_token_create_still_prints_an_editors_token(made, monkeypatch, capsys):
    monkeypatch.setenv("UDKAST_VAR_DIR", str(made.var_dir))

    assert udkast(["token", "create", "pipeline"]) == 0
    token = capsys.readouterr().out.strip()

    posted = made.post_yaml(example_yaml(slug="fra-pipeline"), token)
    assert posted.status_code == 202
    assert posted.get_json()["draft"]["posted_by"] == {"token": "pipeline", "user": "pipeline"}
    assert udkast(["token", "create", "rikkes", "--user", made.email]) == 0
    rikkes = capsys.readouterr().out.strip()
    assert made.post_yaml(example_yaml(slug="fra-rikke"), rikkes).status_code == 202


def test_make_run_creates_the_first_admin_once_and_then_says_it_exists(tmp_path):
    made = make_test_app(tmp_path)
    settings = load_settings({"UDKAST_VAR_DIR": str(made.var_dir)})

    first = first_admin(settings)
    link = LINK.search(first)
    assert FIRST_ADMIN in first and link
    browser = made.app.test_client()
    assert choose_password(browser, link.group(0), PASSWORD).status_code == 302
    assert 'href="/admin/users"' in html(browser.get("/"))

    later = first_admin(settings)
    assert "exists" in later and LINK.search(later) is None
