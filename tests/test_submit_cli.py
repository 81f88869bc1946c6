"""`udkast submit` against a real running service (gunicorn + a Celery worker, SQLite)."""

from __future__ import annotations

import http.server
import io
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy import select

from settings import load_settings
from store import make_engine, make_session_factory
from store.models import Draft, Strategy
from tests.conftest import example_path
from tests.docx_reading import paragraph_texts
from tests.live_service import WAIT_SECONDS, LiveService, free_port, live_service

pytestmark = pytest.mark.e2e
UDKAST = str(Path(sys.executable).parent / "udkast")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("submit"))


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("UDKAST_")}
    return {**base, **(env or {})}


def submit(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [UDKAST, "submit", *args],
        env=cli_env(env),
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        # Above the CLI's own deadline for a build (600 s): a slow build shows the CLI's
        # message, not this test's.
        timeout=900,
        check=False,
    )


def with_slug(tmp_path: Path, slug: str, name: str = "udkast-1") -> Path:
    data = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
    data["document"]["slug"] = slug
    path = tmp_path / f"{slug}-{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_submit_waits_and_downloads_both_files_then_resubmit_is_unchanged(service, tmp_path):
    out = tmp_path / "out"
    flags = ["--server", service.url, "--token", service.token, "--out", str(out)]

    done = submit(str(example_path("udkast-1")), *flags)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("socialstrategi v1: done in ")
    pdf = out / "socialstrategi-udkast-1.pdf"
    docx = out / "socialstrategi-udkast-1.docx"
    assert f"→ {pdf}, {docx}" in lines[0] or f"→ {docx}, {pdf}" in lines[0]
    notes = [
        "socialstrategi-udkast-1-hoeringsnotat.docx",
        "socialstrategi-udkast-1-hoeringsnotat.pdf",
    ]
    assert sorted(p.name for p in out.iterdir()) == [*notes, docx.name, pdf.name]
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert "Et godt liv med nære relationer" in "".join(p.extract_text() for p in reader.pages)
    assert any("Socialstrategi" in text for text in paragraph_texts(docx))

    again = submit(str(example_path("udkast-1")), *flags)

    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stderr
    assert again.stdout.startswith("socialstrategi v1: done")


def test_submit_without_wait_prints_the_queued_build(service, tmp_path):
    path = with_slug(tmp_path, "uden-vent")

    result = submit(str(path), "--server", service.url, "--token", service.token)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in ("uden-vent v1: queued", "uden-vent v1: running")


def test_invalid_file_exits_1_with_path_message_lines(service, tmp_path):
    data = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))
    data["document"]["slug"] = "ugyldig-cli"
    del data["document"]["title"]
    data["visions"][0]["headline"] = ""
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    result = submit(str(path), "--server", service.url, "--token", service.token)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert "document.title: required" in lines
    assert any(line.startswith("visions[0].headline: ") for line in lines), lines
    assert "nothing was stored" in lines[-1]
    assert result.stdout == ""
    status, _ = service.json("GET", "/api/v1/strategies/ugyldig-cli/drafts")
    assert status == 404


def test_malformed_file_exits_1_naming_the_cause(service, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("document: [unclosed\n", encoding="utf-8")

    result = submit(str(path), "--server", service.url, "--token", service.token)

    assert result.returncode == 1
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("token", "expected"), [("udk_wrong", "not known"), ("", "give --server and --token")]
)
def test_bad_token_is_a_clear_error(service, token, expected):
    result = submit(str(example_path("udkast-1")), "--server", service.url, "--token", token)

    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_no_server_exits_2_cannot_reach():
    url = f"http://127.0.0.1:{free_port()}"

    result = submit(str(example_path("udkast-1")), "--server", url, "--token", "udk_x")

    assert result.returncode == 2
    assert f"cannot reach {url}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_that_is_not_udkast_is_a_clear_error(service, tmp_path):
    # The web pages answer HTML, not JSON: a wrong --server path must not crash the CLI.
    result = submit(
        str(example_path("udkast-1")), "--server", service.url + "/static/", "--token", "x"
    )

    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr


class _HtmlHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = b"<!doctype html><p>Welcome to nginx!</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def test_a_server_answering_200_html_is_a_clear_error():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = submit(str(example_path("udkast-1")), "--server", url, "--token", "udk_x")
    finally:
        server.shutdown()
        server.server_close()

    assert result.returncode == 2
    assert "did not answer with JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_problem_with_the_whole_document_is_one_plain_line(service, tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")

    result = submit(str(path), "--server", service.url, "--token", service.token)

    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("the document must be a set of named fields"), first


def test_server_and_token_come_from_the_environment(service, tmp_path):
    path = with_slug(tmp_path, "fra-miljoeet")
    env = {"UDKAST_SERVER": service.url, "UDKAST_TOKEN": service.token}

    result = submit(str(path), "--wait", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fra-miljoeet v1: done")


def test_reads_stdin(service):
    data = example_path("udkast-2").read_bytes().replace(b"slug: socialstrategi", b"slug: stdin")
    env = {"UDKAST_SERVER": service.url, "UDKAST_TOKEN": service.token}

    result = submit("-", env=env, stdin=data)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("stdin v1: ")


# --- failures while following a build ---------------------------------------------------


# Valid JSON that no longer passes validation, as if the format's rules had tightened
# since the draft was stored: the worker fails every render that reads it ("the stored
# draft is no longer valid") through its real code path.
BROKEN = '{"document": {}}'


def set_stored_content(service: LiveService, slug: str, version: int, content: str) -> str:
    """Replace a stored draft's content in the service's database; return the old one."""
    engine = make_engine(load_settings(service.env).database_url)
    query = select(Draft).join(Draft.strategy).where(Strategy.slug == slug)
    try:
        with make_session_factory(engine)() as db:
            draft = db.scalars(query.where(Draft.version == version)).one()
            kept, draft.content = draft.content, content
            db.commit()
    finally:
        engine.dispose()
    return kept


@contextmanager
def worker_stopped(service: LiveService) -> Iterator[None]:
    """Stop the worker, so builds stay queued, and start it again afterwards."""
    service.kill_worker()
    try:
        yield
    finally:
        service.start_worker()


def test_a_token_revoked_while_waiting_exits_2_with_the_servers_message(service, tmp_path):
    name = f"revoked-{secrets.token_hex(3)}"
    token = service._run("udkast", "token", "create", name)
    path = with_slug(tmp_path, "tilbagekaldt")
    flags = ["--server", service.url, "--token", token, "--wait"]

    with worker_stopped(service):  # the build stays queued, so the CLI keeps polling
        follower = subprocess.Popen(
            [UDKAST, "submit", str(path), *flags],
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert follower.stderr is not None
        first = follower.stderr.readline()  # the progress line shown after the post
        assert first.startswith("tilbagekaldt v1: "), first
        service._run("udkast", "token", "revoke", name)
        stdout, stderr = follower.communicate(timeout=WAIT_SECONDS)

    assert follower.returncode == 2, stderr
    assert "error: 403: the API token has been revoked" in stderr
    assert "Traceback" not in stderr and "KeyError" not in stderr
    assert stdout == ""


def test_a_failed_changes_file_warns_and_the_drafts_own_files_are_downloaded(service, tmp_path):
    v1 = with_slug(tmp_path, "aendringer-fejl", "udkast-1")
    v2 = with_slug(tmp_path, "aendringer-fejl", "udkast-2")
    flags = ["--server", service.url, "--token", service.token]
    assert submit(str(v1), *flags, "--wait").returncode == 0
    out = tmp_path / "out"

    # Version 1 no longer reads: what changed since it cannot be rendered; v2's own files can.
    kept = set_stored_content(service, "aendringer-fejl", 1, BROKEN)
    result = submit(str(v2), *flags, "--out", str(out))
    set_stored_content(service, "aendringer-fejl", 1, kept)

    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert sorted(w.split(" failed: ")[0] for w in warnings) == [
        "warning: aendringer-fejl v2: changes-docx",
        "warning: aendringer-fejl v2: changes-pdf",
        "warning: aendringer-fejl v2: hearing-notes-docx",
        "warning: aendringer-fejl v2: hearing-notes-pdf",
    ]
    assert all("the stored draft is no longer valid" in w for w in warnings)
    pdf, docx = out / "aendringer-fejl-udkast-2.pdf", out / "aendringer-fejl-udkast-2.docx"
    assert sorted(p.name for p in out.iterdir()) == sorted([pdf.name, docx.name])
    assert "Alle skal have en ven" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages
    )
    line = result.stdout.strip()
    assert line.startswith("aendringer-fejl v2: done without "), line
    assert "changes-pdf" in line and "changes-docx" in line
    assert str(pdf) in line and str(docx) in line

    # With version 1 readable again, posting the same file retries the failed build:
    # no new version, and this time every file comes.
    again = tmp_path / "again"
    retried = submit(str(v2), *flags, "--out", str(again))

    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert "unchanged" not in retried.stderr and "warning" not in retried.stderr
    assert retried.stdout.startswith("aendringer-fejl v2: done")
    assert sorted(p.name for p in again.iterdir()) == [
        "aendringer-fejl-udkast-2-changes.docx",
        "aendringer-fejl-udkast-2-changes.pdf",
        "aendringer-fejl-udkast-2-hoeringsnotat.docx",
        "aendringer-fejl-udkast-2-hoeringsnotat.pdf",
        docx.name,
        pdf.name,
    ]
    _, history = service.json("GET", "/api/v1/strategies/aendringer-fejl/drafts")
    assert [d["version"] for d in history["drafts"]] == [2, 1]


def test_a_failed_pdf_of_the_draft_itself_exits_1(service, tmp_path):
    path = with_slug(tmp_path, "egen-fejl")
    flags = ["--server", service.url, "--token", service.token]
    with worker_stopped(service):  # keep the build queued until its content is broken
        queued = submit(str(path), *flags)
        assert queued.returncode == 0, queued.stderr
        set_stored_content(service, "egen-fejl", 1, BROKEN)

    result = submit(str(path), *flags, "--out", str(tmp_path / "out"))

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("egen-fejl v1: build failed: ")
    assert "pdf: the stored draft is no longer valid" in result.stdout
    assert "Traceback" not in result.stderr


def _docx_with(parts: dict[str, bytes]) -> bytes:
    """Return udkast's DOCX of the first reference draft with these parts put in."""
    import io
    import zipfile

    from core.content import load
    from worker.render.docx import render_docx

    source = zipfile.ZipFile(
        io.BytesIO(render_docx(load(example_path("udkast-1").read_bytes(), filename="x.yaml")))
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, parts.pop(item.filename, source.read(item.filename)))
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


HOSTILE = {
    "not a zip": (b"not a zip at all", "not a ZIP"),
    "zip bomb": (lambda: _docx_with({"word/document.xml": bytes(60 << 20)}), "unpacks to more"),
    "entities": (
        lambda: _docx_with(
            {"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "x">]><d>&a;</d>'}
        ),
        "DOCTYPE",
    ),
    "macros": (lambda: _docx_with({"word/vbaProject.bin": b"x"}), "macro"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_word_file_is_refused_by_udkast_submit_with_its_reason(service, tmp_path, case):
    made, said = HOSTILE[case]
    path = tmp_path / "strategi.docx"
    path.write_bytes(made() if callable(made) else made)
    result = submit(str(path), "--server", service.url, "--token", service.token)
    assert result.returncode == 1, result.stderr
    assert said.lower() in result.stderr.lower(), result.stderr
    assert "Traceback" not in result.stderr


def test_udkast_submit_reads_a_word_files_tracked_changes_as_asked(service, tmp_path):
    from core.content import load
    from tests.test_word_upload import with_revisions
    from worker.render.docx import render_docx

    flags = ["--server", service.url, "--token", service.token]
    source = with_slug(tmp_path, "spor-cli")
    assert submit(str(source), *flags).returncode == 0
    content = load(source.read_bytes(), filename="spor.yaml")
    path = tmp_path / "spor.docx"
    place = f"visions[{content.visions[0].id}].headline"
    path.write_bytes(with_revisions(render_docx(content), place))

    refused = submit(str(path), *flags, "--revisions", "refuse")
    assert refused.returncode == 1
    assert "Anne (1), Bo (1)" in refused.stderr
    rejected = submit(str(path), *flags, "--revisions", "reject")
    assert rejected.returncode == 0
    assert "unchanged since the latest draft" in rejected.stderr  # read as it was
    accepted = submit(str(path), *flags)
    assert accepted.returncode == 0, accepted.stderr
    assert "spor-cli v2" in accepted.stdout
    assert "warning: spor-cli v2:" in accepted.stderr and "Anne (1), Bo (1)" in accepted.stderr
