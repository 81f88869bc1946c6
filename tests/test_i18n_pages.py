"""The pages in English for a reader who asks for it: sign-in, start page, build, history,
comparison and error pages, with the drafts' own text left as written."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient

from core.outputs import output_named
from service.runtime import runtime
from store import finish_output
from tests.app_fixtures import TestApp, csrf_token, example_yaml, make_test_app

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
NOTES = ("hearing-notes-pdf", "hearing-notes-docx")  # udkast-2 has consultation inputs


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("pages-en"))


def english_reader(made: TestApp) -> FlaskClient:
    """Return a signed-in client whose reader chose English with the page's switch."""
    client = made.app.test_client()
    assert client.get("/language/en").status_code == 302
    assert made.sign_in(client).status_code == 302
    return client


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    html = str(response.get_data(as_text=True))
    assert '<html lang="en">' in html
    return html


def absent(html: str, *danish: str) -> None:
    found = [text for text in danish if text in html]
    assert not found, f"Danish on an English page: {found}"


def post(made: TestApp, slug: str, example: str) -> str:
    response = made.post_yaml(example_yaml(example, slug=slug))
    assert response.status_code in (200, 202), response.get_json()
    return str(response.get_json()["build"]["id"])


def finish(made: TestApp, build_id: str, *outputs: str) -> None:
    """Record outputs as rendered, as a worker's jobs do (no worker runs here)."""
    with made.app.app_context(), runtime().sessions() as db:
        for name in outputs:
            finish_output(db, build_id, name, b"bytes", output_named(name).media_type)


def test_the_sign_in_page_and_its_refusal_in_english(made: TestApp) -> None:
    client = made.app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = ENGLISH["Accept-Language"]
    html = page(client, "/sign-in")
    assert "<h1>Sign in</h1>" in html and ">Password<" in html
    absent(html, "Log ind", "Adgangskode", "glemt den")

    guess = "forkert kodeord"
    wrong = made.sign_in(client, password=guess)
    assert wrong.status_code == 401
    assert "Wrong email or password." in wrong.get_data(as_text=True)


def test_the_start_page_and_the_upload_form_speak_english(made: TestApp) -> None:
    client = english_reader(made)
    html = page(client, "/")
    assert "Upload a file" in html and ">Save and build<" in html
    assert "Start with an empty strategy" in html
    absent(html, "Gem og byg", "Upload en fil", "Ny strategi", "Seneste version")

    form = {"csrf_token": csrf_token(client, "/"), "text": "   "}
    empty = client.post("/drafts", data=form, content_type="multipart/form-data")
    assert empty.status_code == 400
    assert "Choose a file, or paste the content." in empty.get_data(as_text=True)

    broken = example_yaml(slug="ugyldig-en").replace(b"headline:", b"overskrift:", 1)
    upload = {"csrf_token": csrf_token(client, "/"), "file": (io.BytesIO(broken), "d.yaml")}
    invalid = client.post("/drafts", data=upload, content_type="multipart/form-data")
    html = invalid.get_data(as_text=True)
    assert invalid.status_code == 422
    assert re.search(r"The draft was not saved: \d+ problems?\.", html)
    absent(html, "Udkastet blev ikke gemt", "mangler")


def test_build_history_and_comparison_pages_in_english(made: TestApp) -> None:
    post(made, "sprog-sider", "udkast-1")
    build_id = post(made, "sprog-sider", "udkast-2")
    client = english_reader(made)

    following = page(client, f"/builds/{build_id}")
    assert ">queued<" in following and ">Refresh<" in following
    assert 'data-text-took="in {seconds}"' in following
    state = client.get(f"/builds/{build_id}/state").get_json()
    assert (state["state_label"], state["announcement"]) == ("queued", None)

    finish(made, build_id, "pdf", "docx", "changes-pdf", "changes-docx", *NOTES)
    state = client.get(f"/builds/{build_id}/state").get_json()
    # What build.js announces in the aria-live region when the build ends, in English.
    assert state["state_label"] == "done"
    assert state["announcement"] == "The build is finished: the files are ready to download."
    assert [o["label"] for o in state["outputs"]][-3:] == [
        "Tracked changes (Word)",
        "Consultation report (PDF)",
        "Consultation report (Word)",
    ]
    build = page(client, f"/builds/{build_id}")
    assert "See what has changed since version 1" in build and "All versions of" in build
    assert ">Attempts<" in build and ">done<" in build
    absent(build, "Alle versioner", "Forsøg", "færdig", "Se hvad der er ændret")

    history = page(client, "/strategies/sprog-sider")
    assert "2 versions" in history and ">Saved by<" in history
    assert "New draft<span" in history and "based on version 2" in history
    assert 'aria-label="The content of version 1 as YAML"' in history
    absent(history, "Gemt af", "version(er)", "Nyt udkast", "Indholdet af version")

    diff = page(client, "/strategies/sprog-sider/2/diff")
    assert "Download the changes:" in diff and ">Compare<" in diff
    assert "<h1>Changes from Udkast 1 to Udkast 2</h1>" in diff
    assert ">Tracked changes (Word)<" in diff and "Udkast 1 (version 1)" in diff
    absent(diff, "Hent ændringerne", "Sammenlign", "Ændringer fra", "Sporede ændringer")


def test_the_error_page_in_english(made: TestApp) -> None:
    client = english_reader(made)
    html = page(client, "/strategies/findes-ikke", status=404)
    assert "Not found" in html and "There is no strategy “findes-ikke”." in html
    assert "Back to the front page" in html
    absent(html, "Det findes ikke", "Tilbage til forsiden", "findes ikke.")
