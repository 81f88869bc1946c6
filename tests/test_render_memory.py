"""One render that outgrows its memory cap fails alone: the worker and other builds go on.

A real worker (tests.live_service) with UDKAST_RENDER_MEMORY set low: its memory guard
(worker.memory) ends the child that renders the large PDF after recording why.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from bench.generate import generate
from tests.conftest import example_path
from tests.live_service import LiveService, live_service

pytestmark = [pytest.mark.e2e, pytest.mark.robust]

# Well above what a worker child needs for the reference draft, well below what the
# generated L document (160 pages) needs for its PDF in one pass (heavy_piece).
CAP_MIB = "180"


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[LiveService]:
    extra = {"UDKAST_RENDER_MEMORY": CAP_MIB}
    yield from live_service("embedded", tmp_path_factory.mktemp("memory"), extra)


def post(service: LiveService, data: dict) -> dict:
    body = yaml.safe_dump(data, allow_unicode=True).encode()
    status, _, answer = service.call("POST", "/api/v1/drafts", body, media_type="application/yaml")
    assert status == 202, answer
    return json.loads(answer)


def heavy_piece() -> dict[str, Any]:
    """Return L's text as 12 long visions: one piece (the cards) as large as L itself.

    L is printed in pieces of a chapter or two, each far below the cap; the visions part
    is one piece however long, so this one needs what L's single pass did.
    """
    data: dict[str, Any] = generate("L")
    text = "\n\n".join(section["body"] for section in data["sections"]) * 2
    visions = []
    for n in range(12):  # ids vision-1 … vision-12: the indicators and inputs name the first
        body = text[n * 45_000 : (n + 1) * 45_000]
        # A copy each: YAML would write shared lists as aliases, which udkast refuses.
        vision = {
            **copy.deepcopy(data["visions"][n % len(data["visions"])]),
            "id": f"vision-{n + 1}",
        }
        visions.append({**vision, "body": body[: body.rfind("\n\n")]})
    data["visions"] = visions
    data["sections"] = data["sections"][:2]
    data["document"]["slug"] = "for-stor"
    return data


def test_a_render_past_the_memory_cap_fails_with_a_reason_and_the_next_build_is_done(service):
    large = heavy_piece()

    url = post(service, large)["build"]["links"]["self"]
    build = service.wait_build(url, timeout=600, every_output=True)

    pdf = build["outputs"]["pdf"]
    assert build["state"] == "failed", build
    assert pdf["state"] == "failed"
    assert f"more than the {CAP_MIB} MiB one render may use" in pdf["error"]
    assert pdf["attempts"] == 1  # the message delivered again after the child ended renders nothing
    assert build["outputs"]["docx"]["state"] == "done"  # the cheap output is unharmed

    small = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))
    small["document"]["slug"] = "efter-den-store"
    after = service.wait_build(post(service, small)["build"]["links"]["self"])
    assert after["state"] == "done", after
