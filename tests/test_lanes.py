"""Lanes and priorities: heavy documents wait for each other, not ordinary drafts for them.

core.budget.lane sends a document heavy to lay out (the generated L: 160 pages) to the
bulk lane, which `udkast serve` gives a worker of its own rendering one at a time; and
broker.priority_of puts a token's drafts behind others' when it already has many
waiting (Redis; the folder queue delivers in order). The first tests check the decision
as the store records it; the end-to-end tests check what people notice on the real
service: a short draft is ready while a client's heavy documents are still rendering,
and one client posting a batch does not make another's single draft wait for all of it.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bench.generate import generate
from broker import priority_of
from core import budget
from core.content import validate
from core.outputs import output_lane
from store import (
    Actor,
    create_token,
    make_engine,
    make_session_factory,
    migrate,
    submit_draft,
)
from store.models import ApiToken
from tests.app_fixtures import example_data, example_yaml
from tests.live_service import LiveService, live_service


def heavy_yaml(slug: str, seed: int = 1) -> bytes:
    """Return a document just over the bulk lane's threshold (about 24,000 words) under `slug`.

    Twice the sections of a generated M: heavy enough for the bulk lane, and seconds of
    layout rather than the L document's minutes on a loaded machine.
    """
    data = generate("M", seed=seed)
    data["document"]["slug"] = slug
    data["sections"] += [
        {**section, "id": f"{section['id']}-igen", "title": f"{section['title']} igen"}
        for section in data["sections"]
    ]
    assert budget.lane(data) == budget.BULK
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_heavy_documents_go_to_the_bulk_lane_and_ordinary_ones_do_not():
    assert budget.lane(generate("L")) == budget.BULK
    assert budget.lane(generate("M")) == budget.STANDARD  # 13,000 words: about 30 pages
    assert budget.lane(example_data("udkast-2")) == budget.STANDARD


def test_only_what_lays_out_a_heavy_documents_pages_waits_on_the_bulk_lane():
    heavy = [output_lane(o, budget.BULK, budget.BULK) for o in ("pdf", "pdf-archival")]
    assert heavy == [budget.BULK] * 2
    beside = ("docx", "changes-docx", "hearing-notes-pdf", "hearing-notes-docx")
    assert [output_lane(o, budget.BULK, budget.BULK) for o in beside] == [budget.STANDARD] * 4
    # The comparison's PDF goes by the size of the change, not of the document.
    assert output_lane("changes-pdf", budget.BULK, budget.STANDARD) == budget.STANDARD
    assert output_lane("changes-pdf", budget.STANDARD, budget.BULK) == budget.BULK
    assert output_lane("pdf", budget.STANDARD, budget.BULK) == budget.STANDARD


def test_a_small_change_to_a_heavy_document_is_light_to_compare_and_a_rewrite_is_not():
    first = _heavy_data()
    two_sections = copy.deepcopy(first)
    for section in two_sections["sections"][:2]:
        section["body"] += " Et nyt afsnit."
    moved = copy.deepcopy(first)
    moved["sections"].reverse()  # the same parts in another order: a short redline
    rewritten = copy.deepcopy(first)
    for section in rewritten["sections"]:
        section["body"] = section["body"].replace(" ", "  ").replace("og", "samt")

    assert budget.changes_lane(first, two_sections) == budget.STANDARD
    assert budget.changes_lane(first, moved) == budget.STANDARD
    assert budget.changes_lane(first, rewritten) == budget.BULK


def test_a_token_with_many_builds_waiting_gets_a_later_priority():
    assert priority_of(0) == priority_of(2) == 0
    assert 0 < priority_of(3) < priority_of(10) < priority_of(30) <= 9


def test_the_store_records_the_lane_and_counts_the_posters_backlog(tmp_path: Path):
    sessions = _sessions(tmp_path)
    with sessions() as session:
        mine = _actor(session, "mine")
        theirs = _actor(session, "theirs")
        heavy = submit_draft(session, validate(_heavy_data()), "default", posted_by=mine)
        assert heavy.build.lane == budget.BULK
        # Its PDF waits for the bulk lane; its other files render on the standard one.
        assert heavy.build.lanes == {
            "pdf": budget.BULK,
            "docx": budget.STANDARD,
            "hearing-notes-pdf": budget.STANDARD,
            "hearing-notes-docx": budget.STANDARD,
        }
        assert heavy.backlog == 0
        firsts = [
            submit_draft(session, validate(example_data(slug=f"a-{n}")), "default", posted_by=mine)
            for n in range(3)
        ]
        assert [r.build.lane for r in firsts] == [budget.STANDARD] * 3
        assert [r.backlog for r in firsts] == [1, 2, 3]  # the heavy one counts too
        other = submit_draft(session, validate(example_data(slug="b")), "default", posted_by=theirs)
        assert other.backlog == 0  # another token's builds are not theirs


def test_a_heavy_documents_redraft_renders_its_comparison_by_the_size_of_the_change(
    tmp_path: Path,
):
    sessions = _sessions(tmp_path)
    first = _heavy_data()
    redraft = copy.deepcopy(first)
    redraft["sections"][0]["body"] += " Et nyt afsnit."
    with sessions() as session:
        mine = _actor(session, "mine")
        submit_draft(session, validate(first), "default", posted_by=mine)
        second = submit_draft(session, validate(redraft), "default", posted_by=mine).build

    assert second.lanes["pdf"] == budget.BULK
    assert second.lanes["changes-pdf"] == budget.STANDARD  # one section's redline
    assert second.lanes["changes-docx"] == budget.STANDARD


def _sessions(tmp_path: Path) -> Any:
    """Return sessions of a new, migrated SQLite store in `tmp_path`."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate(url)
    return make_session_factory(make_engine(url))


def _heavy_data() -> dict[str, Any]:
    data = generate("L")
    data["document"]["slug"] = "tung"
    return data


def _actor(session: Any, name: str) -> Actor:
    """Return the actor of a new token `name` (of a service user of that name)."""
    create_token(session, name)
    token = session.scalars(select(ApiToken).where(ApiToken.name == name)).one()
    return Actor(token.user_id, name, "editor", token_id=token.id, token_name=name)


# The end-to-end cases: real web, real workers (both lanes, as `udkast serve` starts them).


@pytest.fixture(scope="module", params=["embedded", "services"])
def service(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveService]:
    tmp = tmp_path_factory.mktemp(f"lanes-{request.param}")
    yield from live_service(request.param, tmp)


def _post(service: LiveService, body: bytes, token: str) -> str:
    status, _, raw = service.call(
        "POST", "/api/v1/drafts", body, media_type="application/yaml", token=token
    )
    assert status == 202, raw
    url: str = yaml.safe_load(raw)["build"]["links"]["self"]
    return url


def _finished(build: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(build["finished_at"].replace("Z", "+00:00"))


@pytest.mark.e2e
@pytest.mark.robust
def test_a_short_draft_is_ready_while_another_clients_heavy_documents_render(
    service: LiveService,
):
    heavy_token = service._run("udkast", "token", "create", "tunge-dokumenter")
    heavy = [_post(service, heavy_yaml(f"tung-{n}", seed=n), heavy_token) for n in range(3)]
    time.sleep(1)  # the heavy ones are taken first: the short one does not jump a queue
    short = _post(service, example_yaml(slug="kort"), service.token)

    short_build = service.wait_build(short)
    assert short_build["state"] == "done", short_build
    heavy_builds = [service.wait_build(url) for url in heavy]
    assert [b["state"] for b in heavy_builds] == ["done"] * 3, heavy_builds
    # Ready before the second heavy document was: it waited for no more than the render
    # slots the heavy ones share with it, not for their queue.
    later = [b for b in heavy_builds if _finished(b) > _finished(short_build)]
    assert len(later) >= 2, (short_build, heavy_builds)


@pytest.mark.e2e
@pytest.mark.robust
def test_one_clients_batch_does_not_hold_up_another_clients_single_draft(
    service: LiveService,
):
    if "REDIS_URL" not in service.env:
        pytest.skip("the folder queue delivers in order: priorities need Redis")
    batch_token = service._run("udkast", "token", "create", "stor-batch")
    batch = [_post(service, example_yaml(slug=f"batch-{n}"), batch_token) for n in range(12)]
    single = _post(service, example_yaml(slug="enkelt"), service.token)

    single_build = service.wait_build(single)
    assert single_build["state"] == "done", single_build
    batch_builds = [service.wait_build(url) for url in batch]
    assert [b["state"] for b in batch_builds] == ["done"] * 12
    # In arrival order it would be last; ahead of the batch's later half, it was not.
    later = [b for b in batch_builds if _finished(b) > _finished(single_build)]
    assert len(later) >= 6, (single_build["finished_at"], [b["finished_at"] for b in batch_builds])


def _started(output: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(output["started_at"].replace("Z", "+00:00"))


@pytest.mark.e2e
@pytest.mark.robust
def test_a_redrafts_page_layouts_start_before_its_word_files(service: LiveService):
    first = _post(service, example_yaml("udkast-1", slug="raekkefoelge"), service.token)
    assert service.wait_build(first)["state"] == "done"
    redraft = _post(service, example_yaml("udkast-2", slug="raekkefoelge"), service.token)
    build = service.wait_build(redraft, every_output=True)
    assert build["state"] == "done", build

    # The page layouts are sent first, so a page layout is the first file a process takes;
    # the Word files (a fraction of a second each) follow, so the last file is ready
    # sooner. (Both layouts before either Word file held on a quiet machine; in a loaded CI
    # run the draft's PDF started 5.6 s after the redline, behind its DOCX: the other
    # process was not free, for a reason the run's logs did not keep.)
    outputs = build["outputs"]
    layouts = [outputs[name] for name in ("pdf", "changes-pdf")]
    words = [outputs[name] for name in ("docx", "changes-docx")]
    assert min(map(_started, layouts)) <= min(map(_started, words)), outputs
