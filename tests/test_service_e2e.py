"""End to end over real HTTP: gunicorn, a real Celery worker, real SQLite/PostgreSQL and queue.

Each scenario runs on the embedded backend (SQLite, folder queue) and on the services
backend (private PostgreSQL database and Redis db number). Tests wait for events (a build
ending), never for a time; the test that floods the queue waits for its builds, so no
later test waits behind a backlog. test_worker_loss.py kills workers mid-render.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from tests.conftest import example_path
from tests.docx_reading import paragraph_texts
from tests.live_service import LiveService, live_service

pytestmark = pytest.mark.e2e
BACKENDS = ["embedded", "services"]


@pytest.fixture(scope="module", params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveService]:
    yield from live_service(request.param, tmp_path_factory.mktemp(request.param))


def post_yaml(service: LiveService, data: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    status, headers, body = service.call(
        "POST", "/api/v1/drafts", data, media_type="application/yaml"
    )
    return status, headers, json.loads(body)


def example_as(name: str, slug: str) -> bytes:
    """Return a shared example under another slug, so each test has its own history."""
    data = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
    data["document"]["slug"] = slug
    return yaml.safe_dump(data, allow_unicode=True).encode()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    return "\n".join(paragraph_texts(io.BytesIO(data)))


def test_two_drafts_become_versions_with_downloadable_files(service: LiveService):
    first = example_path("udkast-1").read_bytes()
    second = example_path("udkast-2").read_bytes()

    status1, _, body1 = post_yaml(service, first)
    status2, headers2, body2 = post_yaml(service, second)

    assert (status1, status2) == (202, 202)
    assert (body1["draft"]["version"], body2["draft"]["version"]) == (1, 2)
    assert headers2["Location"] == "/api/v1/strategies/socialstrategi/drafts/2"
    for body, headline in (
        (body1, "Et godt liv med nære relationer"),
        (body2, "Alle skal have en ven"),
    ):
        build = service.wait_build(body["build"]["links"]["self"])
        assert build["state"] == "done", build
        # Both versions have consultation inputs: each has its høringsnotat too.
        expected = {"pdf", "docx", "hearing-notes-pdf", "hearing-notes-docx"}
        expected |= {"changes-pdf", "changes-docx"} if body is body2 else set()
        assert set(build["outputs"]) == expected
        status, headers, pdf = service.call("GET", build["outputs"]["pdf"]["url"])
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        assert pdf.startswith(b"%PDF") and headline in pdf_text(pdf)
        assert headers["Content-Disposition"].startswith("attachment; filename=")
        status, headers, docx = service.call("GET", build["outputs"]["docx"]["url"])
        assert status == 200 and "wordprocessingml" in headers["Content-Type"]
        assert headline in docx_text(docx)

    # Version 2's build also says what changed since version 1, in the same build.
    build = service.wait_build(body2["build"]["links"]["self"])
    status, _, changes = service.call("GET", build["outputs"]["changes-pdf"]["url"])
    assert status == 200 and "Et godt liv med nære relationer" in pdf_text(changes)
    status, headers, redline = service.call("GET", build["outputs"]["changes-docx"]["url"])
    assert status == 200 and b"w:ins" in zipfile.ZipFile(io.BytesIO(redline)).read(
        "word/document.xml"
    )
    # And the høringsnotat: the inputs by sender, with what each changed since version 1.
    status, _, notes = service.call("GET", build["outputs"]["hearing-notes-pdf"]["url"])
    assert status == 200 and "Høringsnotat" in pdf_text(notes)
    assert "Alle skal have en ven" in pdf_text(notes)


def test_reposting_the_latest_content_creates_nothing(service: LiveService):
    second = example_as("udkast-2", "gentaget")
    post_yaml(service, example_as("udkast-1", "gentaget"))
    post_yaml(service, second)

    status, _, body = post_yaml(service, second)

    assert status == 200
    assert body["draft"]["version"] == 2
    _, history = service.json("GET", "/api/v1/strategies/gentaget/drafts")
    assert [d["version"] for d in history["drafts"]] == [2, 1]


def test_download_answers_304_to_its_etag(service: LiveService):
    _, _, body = post_yaml(service, example_as("udkast-1", "etag"))
    build = service.wait_build(body["build"]["links"]["self"])
    url = build["outputs"]["pdf"]["url"]
    _, headers, _ = service.call("GET", url)

    status, _, content = service.call("GET", url, headers={"If-None-Match": headers["ETag"]})

    assert status == 304 and content == b""


# Enough posts to race on the version number (16 at once); every one of them is rendered.
PARALLEL_POSTS = 16


def test_parallel_posts_to_one_slug_get_consecutive_versions(service: LiveService):
    base = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))
    base["document"]["slug"] = "samtidig"
    base["visions"] = base["visions"][:1]  # small documents: the queue is not under test
    base["signs_of_success"] = base["signs_of_success"][:1]
    base["consultation"] = []
    bodies = []
    for n in range(PARALLEL_POSTS):
        base["document"]["draft_label"] = f"Udkast {n}"
        bodies.append(yaml.safe_dump(base, allow_unicode=True).encode())

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda b: post_yaml(service, b), bodies))

    assert [status for status, _, _ in results] == [202] * PARALLEL_POSTS
    assert sorted(body["draft"]["version"] for _, _, body in results) == list(
        range(1, PARALLEL_POSTS + 1)
    )
    _, history = service.json("GET", "/api/v1/strategies/samtidig/drafts")
    assert sorted(d["version"] for d in history["drafts"]) == list(range(1, PARALLEL_POSTS + 1))
    # Every queued output (about 60, with the comparisons) is rendered, and no backlog is
    # left behind for a later test to wait behind.
    builds = [service.wait_build(body["build"]["links"]["self"]) for _, _, body in results]
    assert {build["state"] for build in builds} == {"done"}
