"""A failed output hides none of the files that finished: history and build pages link them."""

from __future__ import annotations

import re

from core.outputs import output_named
from service.runtime import runtime
from store import fail_output, finish_output, list_drafts
from tests.app_fixtures import CSRF, TestApp, example_yaml, make_test_app

LINK = re.compile(r'<a href="(/strategies/[^"]+)">([^<]+)</a>')


def post(made: TestApp, slug: str, example: str) -> str:
    """Submit an example through the API; return its build id."""
    response = made.app.test_client().post(
        "/api/v1/drafts",
        data=example_yaml(example, slug=slug),
        headers={"Authorization": f"Bearer {made.token}", "Content-Type": "application/yaml"},
    )
    assert response.status_code == 202, response.get_json()
    build_id: str = response.get_json()["build"]["id"]
    return build_id


def test_history_and_build_pages_link_every_finished_file_of_a_failed_build(tmp_path):
    made = make_test_app(tmp_path)
    post(made, "delvis", "udkast-1")
    build_id = post(made, "delvis", "udkast-2")
    # What the workers record when the changes PDF crashes and the rest renders (no
    # worker runs here; these are the calls the worker's jobs make).
    with made.app.app_context(), runtime().sessions() as db:
        for output in ("pdf", "docx", "changes-docx"):
            finish_output(
                db, build_id, output, f"{output} bytes".encode(), output_named(output).media_type
            )
        fail_output(db, build_id, "changes-pdf", "the changes-pdf renderer failed: boom")
        [v2, v1] = list_drafts(db, "delvis")
    assert (v2.build_state, v2.done_outputs) == ("failed", ("pdf", "docx", "changes-docx"))
    assert (v1.build_state, v1.done_outputs) == ("queued", ())

    client = made.app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    csrf = CSRF.search(form)
    assert csrf is not None
    client.post(
        "/sign-in",
        data={"email": made.email, "password": made.password, "csrf_token": csrf.group(1)},
    )

    history = client.get("/strategies/delvis")
    assert history.status_code == 200
    links = dict(
        (text.strip(), href)
        for href, text in LINK.findall(history.get_data(as_text=True))
        if "/2/" in href and not href.endswith("/diff")  # the diff page has its own column
    )
    assert links == {
        "PDF": "/strategies/delvis/2/delvis-udkast-2.pdf",
        "Word": "/strategies/delvis/2/delvis-udkast-2.docx",
        "Sporede ændringer (Word)": "/strategies/delvis/2/delvis-udkast-2-changes.docx",
    }
    for href in links.values():
        download = client.get(href)
        assert download.status_code == 200, href
        assert download.data.endswith(b" bytes")

    build = client.get(f"/builds/{build_id}").get_data(as_text=True)
    assert "the changes-pdf renderer failed: boom" in build
    assert "De filer, der blev færdige, kan hentes herunder." in build
    assert 'href="/strategies/delvis/2/delvis-udkast-2.pdf"' in build


def test_the_api_history_lists_every_finished_file_of_a_failed_build(tmp_path):
    made = make_test_app(tmp_path)
    post(made, "delvis", "udkast-1")
    build_id = post(made, "delvis", "udkast-2")
    with made.app.app_context(), runtime().sessions() as db:
        finish_output(db, build_id, "pdf", b"pdf bytes", output_named("pdf").media_type)
        fail_output(db, build_id, "changes-pdf", "the changes-pdf renderer failed: boom")
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}

    history = client.get("/api/v1/strategies/delvis/drafts", headers=auth).get_json()

    [v2, v1] = history["drafts"]
    assert v2["build"]["state"] == "failed"
    assert v2["files"] == {"pdf": "/api/v1/strategies/delvis/drafts/2/delvis-udkast-2.pdf"}
    assert v1["files"] == {}
    assert client.get(v2["files"]["pdf"], headers=auth).data == b"pdf bytes"
