"""A render whose process dies is delivered again and finishes: the broker's promise, tested.

`task_acks_late` with `task_reject_on_worker_lost` (worker/celery_app.py) says: a task is
acknowledged only after it ran, and when the pool child running it dies, the main worker
process puts the message back. The pool-child tests kill one child mid-render and need
exactly that; the recovery step is kept out of the way (live_service.NO_RECOVERY), so
nothing else could bring the render back. Setting either option to False makes them fail.
The attempt cap kept in the database ends a render that kills its child every time. The
last test kills the whole worker, as a crash of the machine would; the message then comes
back from the folder queue's claims of dead processes, or on Redis from the recovery step,
which that test's service runs (a running render beats, so it is never taken for lost).
"""

from __future__ import annotations

import io
import json
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from bench.generate import generate
from tests.conftest import example_path
from tests.live_service import NO_RECOVERY, RECOVERY, WAIT_SECONDS, LiveService, live_service

pytestmark = pytest.mark.e2e
BACKENDS = ["embedded", "services"]
HEADLINE = "Alle skal have en ven"  # in udkast-2, so in every PDF rendered below


@pytest.fixture(scope="module", params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveService]:
    tmp = tmp_path_factory.mktemp(f"pool-{request.param}")
    yield from live_service(request.param, tmp, NO_RECOVERY)


@pytest.fixture(scope="module", params=BACKENDS)
def recovering_service(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveService]:
    tmp = tmp_path_factory.mktemp(f"crash-{request.param}")
    yield from live_service(request.param, tmp, RECOVERY)


# The hard time limit is Celery's own, the same on either broker: one backend is enough.
@pytest.fixture(scope="module", params=["embedded"])
def hasty_service(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveService]:
    tmp = tmp_path_factory.mktemp(f"hasty-{request.param}")
    limits = {"UDKAST_SOFT_TIME_LIMIT": "3", "UDKAST_HARD_TIME_LIMIT": "6"}
    yield from live_service(request.param, tmp, {**NO_RECOVERY, **limits})


def slow_document(slug: str) -> bytes:
    """Return udkast-2 with many sections of text: seconds of PDF layout on any machine.

    Size M takes about 4 s of layout idle: far longer than the few milliseconds between
    seeing the render start and freezing it (freeze_render), so it is always caught.
    """
    data = yaml.safe_load(example_path("udkast-2").read_text(encoding="utf-8"))
    data["document"]["slug"] = slug
    data["sections"] = generate("M")["sections"]
    data.pop("consultation")  # the draft's own files only: no høringsnotat to render too
    return yaml.safe_dump(data, allow_unicode=True).encode()


def post(service: LiveService, data: bytes) -> dict[str, Any]:
    status, _, raw = service.call("POST", "/api/v1/drafts", data, media_type="application/yaml")
    assert status == 202, raw
    return dict(json.loads(raw)["build"])


def wait_running(
    service: LiveService, build_url: str, output: str, attempt: int = 1
) -> dict[str, Any]:
    """Wait until the output's `attempt`-th attempt has started rendering; return the build."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        _, build = service.json("GET", build_url)
        out = build["outputs"][output]
        if out["attempts"] >= attempt or out["state"] not in ("queued", "running"):
            assert (out["state"], out["attempts"]) == ("running", attempt), build
            return dict(build)
        time.sleep(0.05)
    raise AssertionError(f"attempt {attempt} of {output} never started: {build}")


def freeze_render(service: LiveService, build: dict[str, Any], output: str, attempt: int) -> int:
    """SIGSTOP the pool child running this attempt of the render; return its process id.

    Every child is stopped the moment the render is seen running, then the worker is
    asked which one holds it (a round trip of a second or more) and the others go on:
    the render cannot finish in between, whatever the machine's load.
    """
    wait_running(service, build["links"]["self"], output, attempt)
    children = service.worker_children()
    for pid in children:
        os.kill(pid, signal.SIGSTOP)
    child = None
    try:
        child = service.render_process(build["id"], output)
    finally:
        for pid in children:
            if pid != child:
                os.kill(pid, signal.SIGCONT)
    _, now = service.json("GET", build["links"]["self"])
    assert now["outputs"][output]["state"] == "running", now  # caught while it rendered
    return child


def kill_render(service: LiveService, build: dict[str, Any], output: str, attempt: int) -> int:
    """SIGKILL the pool child running this attempt of the render; return its process id."""
    child = freeze_render(service, build, output, attempt)
    assert child in service.worker_children()
    os.kill(child, signal.SIGKILL)  # as the kernel's OOM killer or a crashing library would
    return child


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_pool_child_killed_mid_render_is_delivered_again_and_the_worker_stays_up(
    service: LiveService,
):
    build = post(service, slow_document("mistet-barn"))

    child = kill_render(service, build, "pdf", attempt=1)

    done = service.wait_build(build["links"]["self"])
    assert service.worker is not None and service.worker.poll() is None  # the worker lives on
    assert child not in service.worker_children()  # a new child took the dead one's place
    assert done["state"] == "done", done
    # Started once in the killed child and once more from the message put back: no more
    # (the recovery step never ran), no less (the message was not acknowledged and lost).
    assert done["outputs"]["pdf"]["attempts"] == 2, done
    assert done["outputs"]["docx"]["attempts"] == 1, done
    _, _, pdf = service.call("GET", done["outputs"]["pdf"]["url"])
    assert HEADLINE in pdf_text(pdf)


def test_a_render_that_kills_its_child_every_time_fails_after_three_attempts(
    service: LiveService,
):
    # A poison document (one that brings down whatever renders it) must not loop for ever:
    # the attempt cap kept in the database ends it, with a reason people can read.
    if service.env.get("REDIS_URL"):
        # The cap is the database's, the same on either broker; that Redis delivers a
        # killed child's message again is the test above's (CI time).
        pytest.skip("the attempt cap is tested on the embedded backend")
    build = post(service, slow_document("giftig"))

    for attempt in (1, 2, 3):
        kill_render(service, build, "pdf", attempt)

    failed = service.wait_build(build["links"]["self"], every_output=True)
    assert service.worker is not None and service.worker.poll() is None
    assert failed["state"] == "failed", failed
    pdf = failed["outputs"]["pdf"]
    assert (pdf["state"], pdf["attempts"]) == ("failed", 3), failed
    assert "gave up after 3 attempts" in pdf["error"]
    assert failed["outputs"]["docx"]["state"] == "done"  # the other file still came


def test_a_killed_worker_does_not_lose_the_build(recovering_service: LiveService):
    service = recovering_service
    build_url = post(service, slow_document("draebt"))["links"]["self"]
    wait_running(service, build_url, "pdf")

    service.kill_worker()  # the main process and every child: nothing is left to put back
    _, build = service.json("GET", build_url)
    assert build["state"] in ("queued", "running")  # nothing finished it
    service.start_worker()

    build = service.wait_build(build_url)
    assert build["state"] == "done", build
    assert build["outputs"]["pdf"]["attempts"] == 2, build
    _, _, pdf = service.call("GET", build["outputs"]["pdf"]["url"])
    assert HEADLINE in pdf_text(pdf)


def test_a_render_stuck_past_the_hard_time_limit_fails_at_once(hasty_service: LiveService):
    # A render stuck where the soft limit's signal cannot reach it (here: stopped; in life,
    # a long call into C) is killed by Celery at the hard limit. The output must fail then,
    # with the reason, not stay "running" until the recovery step (kept away here) runs.
    service = hasty_service
    build = post(service, slow_document("fast"))
    freeze_render(service, build, "pdf", attempt=1)

    # Every output: on a loaded machine the DOCX may pass the 3 s soft limit and fail
    # the build before the stopped PDF is killed.
    done = service.wait_build(build["links"]["self"], timeout=120, every_output=True)
    pdf = done["outputs"]["pdf"]
    assert (pdf["state"], pdf["attempts"]) == ("failed", 1), done  # not delivered again
    assert "longer than 6 s" in pdf["error"], pdf
    assert service.worker is not None and service.worker.poll() is None
