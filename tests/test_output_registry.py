"""One registry of outputs (issue 9): an output added there is built, stored and listed everywhere.

The extra output is a plain-text file of the draft, registered through the worker's public
registration function (core.outputs entry plus renderer) and nothing else; the app runs
in-process on SQLite, the worker's job functions render for real, `udkast submit` talks to
the app over HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.serving import make_server

from cli.main import main as udkast
from core import outputs
from core.content import Strategy
from core.outputs import Output
from service.api import openapi_document
from service.runtime import runtime
from store import list_drafts
from tests.app_fixtures import TestApp, csrf_token, example_yaml, make_test_app
from worker import jobs
from worker.render import (
    comparison_renderer,
    hearing_renderer,
    register_output,
    rendered_outputs,
    renderer,
    unregister_output,
)

TXT = Output("txt", "txt", "", "text/plain", "draft", order=25)  # after the DOCX
SLUG = "tekst"


def render_txt(strategy: Strategy, theme: str) -> bytes:
    """Render the draft as plain text: its title, then each vision's headline."""
    lines = [strategy.document.title, *(v.headline for v in strategy.visions)]
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def txt_output() -> Iterator[Output]:
    register_output(TXT, render=render_txt)
    try:
        yield TXT
    finally:
        unregister_output(TXT.name)


@pytest.fixture
def made(tmp_path: Path) -> TestApp:
    return make_test_app(tmp_path)


def api(made: TestApp, path: str) -> Any:
    response = made.app.test_client().get(path, headers={"Authorization": f"Bearer {made.token}"})
    assert response.status_code == 200, (path, response.status_code, response.get_data())
    return response


def render_every_output(made: TestApp, build_id: str, names: list[str]) -> dict[str, str]:
    """Run the worker's job for each output, as the render tasks would; return the outcomes."""
    with made.app.app_context():
        sessions = runtime().sessions
    return {n: jobs.render_output(sessions, build_id, n, max_attempts=3) for n in names}


def valid_against(document: dict[str, Any], schema: str, body: Any) -> None:
    uri = "urn:udkast:served"
    registry: Registry[Any] = Registry().with_resource(
        uri, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = OAS31Validator(
        {"$ref": f"{uri}#/components/schemas/{schema}"},
        registry=registry,
        format_checker=oas31_format_checker,
    )
    validator.validate(body)


def test_an_added_output_is_built_stored_listed_and_downloaded(txt_output, made, tmp_path, capsys):
    # Without consultation inputs: the build has the draft's own files, and no høringsnotat.
    posted = made.post_yaml(example_yaml(slug=SLUG, inputs=False))
    assert posted.status_code == 202, posted.get_data()
    build = posted.get_json()["build"]
    assert sorted(build["outputs"]) == ["docx", "pdf", "txt"]
    assert build["outputs"]["txt"]["state"] == "queued"

    # Built and stored: the worker's jobs render every output of the build.
    outcomes = render_every_output(made, build["id"], list(build["outputs"]))
    assert outcomes == {"pdf": "done", "docx": "done", "txt": "done"}

    # The API: the build, the draft's links, the file itself.
    build = api(made, build["links"]["self"]).get_json()
    assert build["state"] == "done"
    url = build["outputs"]["txt"]["url"]
    assert url.endswith(f"/{SLUG}-udkast-1.txt")
    download = api(made, url)
    assert download.mimetype == "text/plain"
    assert download.get_data(as_text=True).startswith("Socialstrategi 2018–2022\n")
    draft = api(made, f"/api/v1/strategies/{SLUG}/drafts/1").get_json()["draft"]
    assert draft["links"]["txt"] == url

    # The history: in the store (in listing order), the API and the page.
    with made.app.app_context(), runtime().sessions() as db:
        assert list_drafts(db, SLUG)[0].done_outputs == ("pdf", "docx", "txt")
    history = api(made, f"/api/v1/strategies/{SLUG}/drafts").get_json()
    assert history["drafts"][0]["files"]["txt"] == url
    client = made.app.test_client()
    client.post(
        "/sign-in",
        data={"email": made.email, "password": made.password, "csrf_token": csrf_token(client)},
    )
    page = client.get(f"/strategies/{SLUG}").get_data(as_text=True)
    assert f'href="/strategies/{SLUG}/1/{SLUG}-udkast-1.txt">TXT</a>' in page

    # The OpenAPI document names it, and the build answer is valid against what is served.
    served = api(made, "/api/v1/openapi.json").get_json()
    schemas = served["components"]["schemas"]
    assert schemas["OutputName"]["enum"] == [
        "pdf",
        "pdf-archival",
        "docx",
        "txt",
        "changes-pdf",
        "changes-docx",
        "hearing-notes-pdf",
        "hearing-notes-docx",
    ]
    assert "text/plain" in served["components"]["responses"]["File"]["content"]
    valid_against(served, "Build", build)

    # `udkast submit --out`: the same content again, fetched over HTTP with every file.
    source = tmp_path / "tekst.yaml"
    source.write_bytes(example_yaml(slug=SLUG, inputs=False))
    server = make_server("127.0.0.1", 0, made.app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        out = tmp_path / "out"
        server_url = f"http://127.0.0.1:{server.port}"
        flags = ["--server", server_url, "--token", made.token, "--out", str(out)]
        code = udkast(["submit", str(source), *flags])
    finally:
        server.shutdown()
        serving.join()
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert sorted(p.name for p in out.iterdir()) == [
        f"{SLUG}-udkast-1.docx",
        f"{SLUG}-udkast-1.pdf",
        f"{SLUG}-udkast-1.txt",
    ]
    assert (out / f"{SLUG}-udkast-1.txt").read_bytes() == download.get_data()

    # A second version builds it too, beside what changed.
    second = made.post_yaml(example_yaml("udkast-2", slug=SLUG, inputs=False))
    assert second.status_code == 202, second.get_data()
    assert set(second.get_json()["build"]["outputs"]) == {
        "pdf",
        "docx",
        "txt",
        "changes-pdf",
        "changes-docx",
    }


def test_an_output_is_gone_once_unregistered(txt_output, made):
    unregister_output(txt_output.name)

    assert outputs.find_output("txt") is None
    assert "txt" not in rendered_outputs()
    with pytest.raises(outputs.UnknownOutput, match="'txt'"):
        renderer("txt")
    posted = made.post_yaml(example_yaml(slug=SLUG, inputs=False))
    assert sorted(posted.get_json()["build"]["outputs"]) == ["docx", "pdf"]
    assert "txt" not in openapi_document()["components"]["schemas"]["OutputName"]["enum"]
    register_output(txt_output, render=render_txt)  # for the fixture to remove again


def test_every_registered_output_has_a_renderer_of_its_kind():
    assert set(rendered_outputs()) == set(outputs.output_names())
    for name in outputs.draft_outputs():
        assert callable(renderer(name))
    for name in outputs.comparison_outputs():
        assert callable(comparison_renderer(name))
    for name in outputs.output_names("hearing"):
        assert callable(hearing_renderer(name))


def test_the_registry_refuses_an_output_that_would_clash():
    taken = Output("pdf", "txt", "", "text/plain", "draft", order=1)
    same_files = Output("pdf-again", "pdf", "", "application/pdf", "draft", order=1)
    bad_name = Output("Text File", "txt", "", "text/plain", "draft", order=1)
    for output in (taken, same_files, bad_name):
        with pytest.raises(ValueError, match=repr(output.name)):
            register_output(output, render=render_txt)
    wrong_kind = Output("txt", "txt", "", "text/plain", "comparison", order=1)
    with pytest.raises(ValueError, match="'txt'"):
        register_output(wrong_kind, render=render_txt)
    assert outputs.output_names() == (
        "pdf",
        "pdf-archival",
        "docx",
        "changes-pdf",
        "changes-docx",
        "hearing-notes-pdf",
        "hearing-notes-docx",
    )


def test_the_openapi_document_lists_the_registered_outputs_and_their_media_types():
    document = openapi_document()

    assert document["components"]["schemas"]["OutputName"]["enum"] == list(outputs.output_names())
    assert set(document["components"]["responses"]["File"]["content"]) == {
        o.media_type for o in outputs.registered()
    }


def test_a_builds_page_layouts_are_sent_before_its_word_files():
    everything = [
        "hearing-notes-docx",
        "changes-docx",
        "docx",
        "hearing-notes-pdf",
        "changes-pdf",
        "pdf",
        "retired-output",
    ]
    assert outputs.in_start_order(everything) == (
        "pdf",
        "changes-pdf",
        "docx",
        "changes-docx",
        "hearing-notes-pdf",
        "hearing-notes-docx",
        "retired-output",
    )
