"""The archival PDF: PDF/A-2a that is also PDF/UA-1, asked for per build and its own download.

The reference drafts are rendered for real and validated by page-validation against both
profiles; the API, the upload form, the server default and the CLI are driven as their
users drive them (the app in-process on SQLite, the worker's jobs rendering for real,
`udkast submit` over HTTP).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import page
import pikepdf
import pytest
from werkzeug.serving import make_server

from cli.main import main as udkast
from core.content import Strategy
from service.runtime import runtime
from tests.app_fixtures import TestApp, csrf_token, example_yaml, make_test_app
from tests.conftest import example_path
from tests.test_pdf_ua_property import assert_accessible, assert_mark_is_an_artifact
from worker import jobs
from worker.render.pdf import render_archival_pdf

pytestmark = pytest.mark.slow

SLUG = "arkiv"
PDF_A_2A = page.ValidationProfile.PDF_A_2A
PDF_UA_1 = page.ValidationProfile.PDF_UA_1


def assert_archival(data: bytes) -> None:
    """Valid PDF/A-2a and valid PDF/UA-1, and its XMP says it is both."""
    for profile in (PDF_A_2A, PDF_UA_1):
        report = page.validate_pdf_bytes(data, profile=profile)
        assert report.is_compliant, (profile, [(f.rule_id, f.message) for f in report.failures])


@pytest.fixture(scope="module", params=["udkast-1", "udkast-2"])
def archived(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Strategy, Path]:
    strategy: Strategy = request.getfixturevalue(request.param.replace("-", ""))
    path = tmp_path_factory.mktemp("arkiv") / f"{request.param}-arkiv.pdf"
    path.write_bytes(render_archival_pdf(strategy))
    return strategy, path


def test_the_reference_drafts_are_pdf_a_2a_and_pdf_ua_1(archived: tuple[Strategy, Path]) -> None:
    strategy, path = archived
    data = path.read_bytes()
    assert_archival(data)
    assert_accessible(data, strategy, path)
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == strategy.document.title
        assert "/Filter" not in pdf.Root.Metadata  # PDF/A: metadata is readable as it is
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"


def test_the_draft_mark_is_an_artifact_in_the_archival_pdf_too(
    archived: tuple[Strategy, Path],
) -> None:
    strategy, path = archived
    assert_mark_is_an_artifact(path, strategy)


def test_the_archival_pdf_is_the_same_bytes_for_the_same_content(
    archived: tuple[Strategy, Path],
) -> None:
    strategy, path = archived
    assert render_archival_pdf(strategy) == path.read_bytes()


# ---------- asked for per build ----------


@pytest.fixture
def made(tmp_path: Path) -> TestApp:
    return make_test_app(tmp_path)


def post(made: TestApp, query: str = "", slug: str = SLUG, **form: str) -> Any:
    """POST the first reference draft (without inputs) to the API, as YAML or as a form."""
    client = made.app.test_client()
    headers = {"Authorization": f"Bearer {made.token}"}
    body = example_yaml(slug=slug, inputs=False)
    if form:
        files = {"file": (io.BytesIO(body), "udkast.yaml"), **form}
        return client.post(f"/api/v1/drafts{query}", data=files, headers=headers)
    headers["Content-Type"] = "application/yaml"
    return client.post(f"/api/v1/drafts{query}", data=body, headers=headers)


def latest_build_outputs(made: TestApp, slug: str = SLUG) -> list[str]:
    """Return the outputs of the build of the slug's latest version, as the API lists them."""
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    history = client.get(f"/api/v1/strategies/{slug}/drafts", headers=auth).get_json()
    build = client.get(history["drafts"][0]["build"]["links"]["self"], headers=auth).get_json()
    return sorted(build["outputs"])


def test_pdf_archival_in_the_query_adds_the_archival_pdf_to_the_build(
    made: TestApp, tmp_path: Path
) -> None:
    posted = post(made, "?pdf=archival")
    assert posted.status_code == 202, posted.get_data()
    build = posted.get_json()["build"]
    assert sorted(build["outputs"]) == ["docx", "pdf", "pdf-archival"]
    with made.app.app_context():
        sessions = runtime().sessions
    for name in ("pdf", "pdf-archival"):
        assert jobs.render_output(sessions, build["id"], name, max_attempts=3) == "done"
    # Both are downloads of the one version, under their own names.
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    answer = client.get(f"/api/v1/builds/{build['id']}", headers=auth).get_json()
    archival_url = answer["outputs"]["pdf-archival"]["url"]
    assert archival_url.endswith(f"/{SLUG}-udkast-1-arkiv.pdf")
    assert answer["outputs"]["pdf"]["url"].endswith(f"/{SLUG}-udkast-1.pdf")
    archival = client.get(archival_url, headers=auth)
    assert archival.status_code == 200
    assert archival.mimetype == "application/pdf"
    assert_archival(archival.get_data())
    history = client.get(f"/api/v1/strategies/{SLUG}/drafts", headers=auth).get_json()
    assert history["drafts"][0]["files"]["pdf-archival"] == archival_url
    normal = client.get(answer["outputs"]["pdf"]["url"], headers=auth).get_data()
    report = page.validate_pdf_bytes(normal)
    assert report.profile == PDF_UA_1
    assert report.is_compliant


def test_without_the_option_a_build_has_no_archival_pdf(made: TestApp) -> None:
    posted = post(made)
    assert posted.status_code == 202, posted.get_data()
    assert sorted(posted.get_json()["build"]["outputs"]) == ["docx", "pdf"]
    # The draft links only files its builds make: no link to an archival PDF never made.
    assert sorted(posted.get_json()["draft"]["links"]) == ["docx", "history", "pdf", "self"]


def test_pdf_archival_as_a_multipart_field(made: TestApp) -> None:
    posted = post(made, pdf="archival")
    assert posted.status_code == 202, posted.get_data()
    assert "pdf-archival" in posted.get_json()["build"]["outputs"]


@pytest.mark.parametrize("query", ["?pdf=pdf%2Fa", "?pdf=archival&pdf=standard"])
def test_a_bad_pdf_option_is_refused_and_nothing_stored(made: TestApp, query: str) -> None:
    posted = post(made, query)
    assert posted.status_code == 400, posted.get_data()
    assert "pdf" in posted.get_json()["message"]
    assert made.versions(SLUG) == []


def test_the_server_default_makes_every_build_archival(tmp_path: Path) -> None:
    made = make_test_app(tmp_path, UDKAST_PDF="archival")
    posted = post(made)
    assert posted.status_code == 202, posted.get_data()
    assert "pdf-archival" in posted.get_json()["build"]["outputs"]
    # A request can still ask for the standard PDF alone.
    standard = post(made, "?pdf=standard", slug="standard")
    assert standard.status_code == 202, standard.get_data()
    assert sorted(standard.get_json()["build"]["outputs"]) == ["docx", "pdf"]


def test_the_upload_form_asks_which_pdf(made: TestApp) -> None:
    client = made.app.test_client()
    made.sign_in(client)
    page_html = client.get("/").get_data(as_text=True)
    assert 'name="pdf" value="archival"' in page_html
    assert 'name="pdf" value="standard" checked' in page_html
    form = {
        "csrf_token": csrf_token(client, "/"),
        "text": example_yaml(slug=SLUG, inputs=False).decode("utf-8"),
        "pdf": "archival",
    }
    answer = client.post("/drafts", data=form, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    build_id = answer.headers["Location"].split("/builds/")[1].split("?")[0]
    with made.app.app_context():
        sessions = runtime().sessions
    assert jobs.render_output(sessions, build_id, "pdf-archival", max_attempts=3) == "done"
    build_page = client.get(f"/builds/{build_id}").get_data(as_text=True)
    assert "Arkiv-PDF (PDF/A)" in build_page


# ---------- the command line ----------


def test_udkast_render_pdf_archival_writes_both_pdfs(tmp_path: Path) -> None:
    source = example_path("udkast-2")
    code = udkast(["render", str(source), "-o", str(tmp_path), "--pdf", "archival"])
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "socialstrategi-udkast-2-arkiv.pdf",
        "socialstrategi-udkast-2.docx",
        "socialstrategi-udkast-2.pdf",
    ]
    assert_archival((tmp_path / "socialstrategi-udkast-2-arkiv.pdf").read_bytes())


def test_udkast_render_without_the_option_writes_no_archival_pdf(tmp_path: Path) -> None:
    code = udkast(
        ["render", str(example_path("udkast-1")), "-o", str(tmp_path), "--outputs", "pdf"]
    )
    assert code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["socialstrategi-udkast-1.pdf"]


def test_udkast_submit_pdf_archival_asks_the_server(made: TestApp, tmp_path: Path) -> None:
    source = tmp_path / "arkiv.yaml"
    source.write_bytes(example_yaml(slug=SLUG, inputs=False))
    server = make_server("127.0.0.1", 0, made.app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        flags = ["--server", f"http://127.0.0.1:{server.port}", "--token", made.token]
        code = udkast(["submit", str(source), *flags, "--pdf", "archival"])
    finally:
        server.shutdown()
        serving.join()
    assert code == 0
    assert latest_build_outputs(made) == ["docx", "pdf", "pdf-archival"]
