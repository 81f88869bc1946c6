"""A document too large to render in time fails clearly, and the worker keeps serving."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import yaml

from bench.generate import generate
from tests.app_fixtures import example_data
from tests.live_service import LiveService, live_service

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[LiveService]:
    limits = {"UDKAST_SOFT_TIME_LIMIT": "8", "UDKAST_HARD_TIME_LIMIT": "16"}
    yield from live_service("embedded", tmp_path_factory.mktemp("limits"), limits)


def post(service: LiveService, data: dict) -> dict:
    body = yaml.safe_dump(data, allow_unicode=True).encode()
    status, _, raw = service.call("POST", "/api/v1/drafts", body, media_type="application/yaml")
    assert status == 202, raw
    return dict(json.loads(raw))


def test_a_render_past_the_soft_limit_fails_with_a_message_and_the_worker_goes_on(service):
    # L with 4,000 list items more: about 30 s of PDF layout in one process (L alone, 6 s,
    # printed in pieces on two cores could end within the limit); its DOCX takes about
    # 1.4 s alone, and more than 5 s beside the PDF's pieces on a loaded machine with
    # coverage tracing, hence a limit of 8 s rather than 5 (and see below).
    large = generate("L")
    items = "\n".join(f"- punkt {n}" for n in range(400))
    for section in large["sections"][:10]:
        section["body"] += "\n\n" + items
    build = service.wait_build(post(service, large)["build"]["links"]["self"], every_output=True)

    assert build["state"] == "failed"
    pdf = build["outputs"]["pdf"]
    assert pdf["state"] == "failed"
    assert "longer than 8 s" in pdf["error"] and "too large or complex" in pdf["error"]
    assert pdf["attempts"] == 1  # a time-out is final, not retried
    # The DOCX is not taken down with the PDF: it is built. On a machine loaded more than
    # five times over (three test processes, the PDF's pieces beside it: it happened in
    # CI) it may pass the limit itself, and then it fails for its own time, as it should.
    docx = build["outputs"]["docx"]
    assert docx["state"] == "done" or (
        docx["state"] == "failed" and "longer than 8 s" in docx["error"]
    ), docx

    # The shortest reference draft (about a second of layout), far inside the limit even
    # on a loaded machine: the worker that timed out takes the next build and renders it.
    small = example_data("udkast-1", "efter-timeout")
    after = service.wait_build(post(service, small)["build"]["links"]["self"])
    assert after["state"] == "done", {
        k: (o["state"], o["error"]) for k, o in after["outputs"].items()
    }
