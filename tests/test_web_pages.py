"""The pages say what happened: build states as JSON for the page's script, people's names
for outputs and drafts, the way from a build to its comparison, and repeated content."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from core.outputs import file_stems, output_named
from service.runtime import runtime
from store import finish_output
from tests.app_fixtures import CSRF, TestApp, example_yaml, make_test_app

LINK = re.compile(r'<a href="(/strategies/[^"]+)">([^<]+)</a>')


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("pages"))


def signed_in(made: TestApp) -> FlaskClient:
    client = made.app.test_client()
    csrf = CSRF.search(client.get("/sign-in").get_data(as_text=True))
    assert csrf is not None
    client.post(
        "/sign-in",
        data={"email": made.email, "password": made.password, "csrf_token": csrf.group(1)},
    )
    return client


def post(made: TestApp, slug: str, example: str, *, inputs: bool = True) -> dict:
    response = made.post_yaml(example_yaml(example, slug=slug, inputs=inputs))
    assert response.status_code in (200, 202), response.get_json()
    body: dict = response.get_json()
    return body


def finish(made: TestApp, build_id: str, *outputs: str) -> None:
    """Record outputs as rendered, as a worker's jobs do (no worker runs here)."""
    with made.app.app_context(), runtime().sessions() as db:
        for name in outputs:
            finish_output(
                db, build_id, name, f"{name} bytes".encode(), output_named(name).media_type
            )


def test_file_stems_add_the_version_only_when_an_earlier_version_has_the_name() -> None:
    stems = file_stems(
        "s", [(1, "Udkast 1"), (2, "Udkast 2"), (3, "Udkast 1"), (4, None), (5, "Udkast 1 v3")]
    )

    assert stems == {
        1: "s-udkast-1",
        2: "s-udkast-2",
        3: "s-udkast-1-v3",
        4: "s-v4",
        5: "s-udkast-1-v3-v5",
    }
    assert len(set(stems.values())) == len(stems)


def test_the_build_state_json_follows_a_build_for_the_signed_in_page(made: TestApp) -> None:
    body = post(made, "tilstand", "udkast-1", inputs=False)
    build_id = body["build"]["id"]
    client = signed_in(made)

    page = client.get(f"/builds/{build_id}").get_data(as_text=True)
    assert "http-equiv" not in page  # no reloading every 2 s
    assert 'aria-live="polite"' in page
    state = client.get(f"/builds/{build_id}/state").get_json()
    assert (state["state"], state["ended"]) == ("queued", False)
    assert [o["label"] for o in state["outputs"]] == ["PDF", "Word"]

    finish(made, build_id, "pdf", "docx")
    state = client.get(f"/builds/{build_id}/state").get_json()
    assert (state["state_label"], state["ended"]) == ("færdig", True)
    assert state["outputs"][0]["url"] == "/strategies/tilstand/1/tilstand-udkast-1.pdf"
    assert "/static/build.js" not in client.get(f"/builds/{build_id}").get_data(as_text=True)

    stranger = made.app.test_client().get(f"/builds/{build_id}/state")
    assert stranger.status_code == 302 and "/sign-in" in stranger.headers["Location"]


def test_a_second_version_links_its_comparison_and_the_comparison_its_files(made: TestApp) -> None:
    post(made, "par", "udkast-1")
    second = post(made, "par", "udkast-2")
    build_id = second["build"]["id"]
    finish(made, build_id, "pdf", "docx", "changes-pdf", "changes-docx")
    client = signed_in(made)

    build = client.get(f"/builds/{build_id}").get_data(as_text=True)
    assert 'href="/strategies/par/2/diff"' in build
    assert ">Sporede ændringer (Word)<" in build
    assert ">changes-docx<" not in build.lower()  # the raw output name

    diff = client.get("/strategies/par/2/diff").get_data(as_text=True)
    assert dict((t, h) for h, t in LINK.findall(diff) if "-changes." in h) == {
        "Ændringer (PDF)": "/strategies/par/2/par-udkast-2-changes.pdf",
        "Sporede ændringer (Word)": "/strategies/par/2/par-udkast-2-changes.docx",
    }
    assert '<option value="1" selected>Udkast 1 (version 1)</option>' in diff


def test_content_of_an_older_version_is_named_and_gets_file_names_of_its_own(
    made: TestApp,
) -> None:
    post(made, "igen", "udkast-1")
    post(made, "igen", "udkast-2")
    third = post(made, "igen", "udkast-1")
    assert third["draft"]["version"] == 3
    assert third["same_as_version"] == 1
    assert post(made, "igen", "udkast-2")["same_as_version"] == 2
    assert post(made, "igen", "udkast-2")["same_as_version"] == 2  # the latest: nothing new
    build_id = third["build"]["id"]
    finish(made, build_id, "pdf")
    client = signed_in(made)

    page = client.get(f"/builds/{build_id}").get_data(as_text=True)
    assert "Indholdet er det samme som" in page and "Udkast 1 (version 1)" in page
    assert 'href="/strategies/igen/3/igen-udkast-1-v3.pdf"' in page
    history = client.get("/strategies/igen").get_data(as_text=True)
    names = re.findall(r'href="/strategies/igen/\d/([^"/]+\.pdf)"', history)
    assert len(names) == len(set(names))
    assert client.get("/strategies/igen/3/igen-udkast-1-v3.pdf").data == b"pdf bytes"
    # The name it had before names were unique still downloads the same file.
    assert client.get("/strategies/igen/3/igen-udkast-1.pdf").data == b"pdf bytes"
    api = made.app.test_client().get(
        f"/api/v1/builds/{build_id}", headers={"Authorization": f"Bearer {made.token}"}
    )
    assert api.get_json()["outputs"]["pdf"]["url"].endswith("/igen-udkast-1-v3.pdf")
