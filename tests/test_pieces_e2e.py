"""A long document through the running service: its PDF printed in pieces by the workers.

Real gunicorn, a real Celery worker with two processes, SQLite and the folder queue. The
PDF the service stores reads as the single pass of the same content; a redraft that
changes one section prints one piece again and reuses the others; a helper killed while
it prints a piece loses nothing (the output's own task prints it once the claim is stale).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bench.generate import generate
from core.content import validate
from core.view import document_view
from settings import load_settings
from store import make_engine, make_session_factory
from store.models import PrintedPiece
from tests.live_service import LiveService, live_service
from tests.test_part_rendering import assert_same_document
from worker.render.pdf import print_view
from worker.render.theme import load_theme

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("pieces"))


def post(service: LiveService, data: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(data).encode()
    status, _, answer = service.call("POST", "/api/v1/drafts", body, media_type="application/json")
    assert status == 202, answer
    return dict(json.loads(answer))


def pieces_printed(service: LiveService) -> int:
    engine = make_engine(load_settings(service.env).database_url)
    try:
        with make_session_factory(engine)() as session:
            query = (
                select(func.count())
                .select_from(PrintedPiece)
                .where(PrintedPiece.printed_at.is_not(None))
            )
            return int(session.scalar(query) or 0)
    finally:
        engine.dispose()


def test_a_long_draft_and_its_redraft_are_printed_in_pieces(service: LiveService) -> None:
    first = generate("M", seed=7)
    first["document"]["slug"] = "lang-strategi"
    redraft = copy.deepcopy(first)
    section = redraft["sections"][1]
    section["body"] = section["body"].replace(" ", " nu ", 3)

    for data, expected_new_pieces in ((first, None), (redraft, 1)):
        before = pieces_printed(service)
        build = service.wait_build(post(service, data)["build"]["links"]["self"])
        assert build["state"] == "done", build
        status, _, pdf = service.call("GET", build["outputs"]["pdf"]["url"])
        assert status == 200

        view = document_view(validate(data))
        assert_same_document(pdf, print_view(view, load_theme("default")))
        if expected_new_pieces is not None:
            # One section changed: its run of chapters is printed again, nothing else.
            assert pieces_printed(service) - before == expected_new_pieces
        else:
            assert pieces_printed(service) > 5
    assert Path(service.logs).exists()


def test_a_helper_killed_while_it_prints_a_piece_loses_nothing(service: LiveService) -> None:
    # A heavy document: its own task runs on the bulk lane, so the standard lane's two
    # processes, idle, print its pieces from the start (with M the owner could print
    # every piece before a helper is free to start).
    data = {k: v for k, v in generate("L", seed=8).items() if k != "consultation"}
    data["document"]["slug"] = "afbrudt-stykke"
    build = post(service, data)["build"]

    child = kill_a_helper(service, build["id"])

    done = service.wait_build(build["links"]["self"])
    assert done["state"] == "done", done
    assert done["outputs"]["pdf"]["attempts"] == 1  # the owner printed the lost piece itself
    # The DOCX rendered on the standard lane beside the PDF, not after it on the bulk one.
    finished = {
        name: dt.datetime.fromisoformat(done["outputs"][name]["finished_at"].replace("Z", "+00:00"))
        for name in ("docx", "pdf")
    }
    assert finished["docx"] < finished["pdf"]
    assert child not in service.worker_children()
    _, _, pdf = service.call("GET", done["outputs"]["pdf"]["url"])
    view = document_view(validate(data))
    assert_same_document(pdf, print_view(view, load_theme("default")))


def kill_a_helper(service: LiveService, build_id: str) -> int:
    """SIGKILL a pool child while it prints a piece of the build's PDF; return its id."""
    deadline = time.monotonic() + 300
    with service.celery_client() as client:
        while time.monotonic() < deadline:
            inspect = client.control.inspect(timeout=1.0, limit=len(service.workers()))
            for tasks in (inspect.active() or {}).values():
                for task in tasks:
                    args = list(task["args"])
                    if len(args) == 3 and args[:2] == [build_id, "pdf"] and task.get("worker_pid"):
                        os.kill(int(task["worker_pid"]), signal.SIGKILL)
                        return int(task["worker_pid"])
    raise AssertionError(f"no helper printed a piece of {build_id}; see {service.logs}")
