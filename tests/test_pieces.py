"""A long document's PDF printed in pieces by several workers, each piece printed once.

The pieces are kept in the store by a key of what they print (store.pieces): a worker
claims a piece before printing it, another takes the claim over only once it is stale,
and a redraft prints again only the pieces whose HTML changed (worker.pieces).
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bench.generate import generate
from core.content import validate
from core.view import document_view
from store import build_status, submit_draft
from store.base import utcnow
from store.models import PrintedPiece
from store.pieces import (
    claim_piece,
    forget_pieces,
    hold_claim,
    printed_keys,
    printed_pieces,
    save_piece,
)
from tests.test_part_rendering import assert_same_document
from worker import jobs
from worker.pieces import CLAIM_STALE, Plan, plan, print_helped, print_owned
from worker.render.fingerprint import renderer_version
from worker.render.pdf import print_view
from worker.render.theme import load_theme

SOON = dt.timedelta(seconds=60)


def test_a_piece_is_claimed_by_one_worker_until_it_is_printed(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        assert claim_piece(session, "k" * 64, "first", stale_after=SOON)
        assert not claim_piece(session, "k" * 64, "second", stale_after=SOON)
        # The claim of a worker that died printing goes stale: another takes it over.
        assert claim_piece(session, "k" * 64, "second", stale_after=dt.timedelta(0))
        save_piece(session, "k" * 64, b"%PDF-1.7", 3, {"a": 0, "b": 2}, [1, 2])
        assert not claim_piece(session, "k" * 64, "third", stale_after=dt.timedelta(0))

        found = printed_pieces(session, ["k" * 64, "x" * 64])

    assert list(found) == ["k" * 64]
    piece = found["k" * 64]
    assert (piece.pdf, piece.pages, piece.anchors, piece.footed) == (
        b"%PDF-1.7",
        3,
        {"a": 0, "b": 2},
        (1, 2),
    )


def test_a_claim_renewed_while_its_piece_prints_is_not_taken_over(
    session_factory: sessionmaker[Session],
) -> None:
    key, an_hour_ago = "r" * 64, utcnow() - dt.timedelta(hours=1)
    stale = dt.timedelta(minutes=10)
    with session_factory() as session:
        assert claim_piece(session, key, "slow printer", stale_after=stale)
        # Its print has taken an hour so far, and it renewed its claim just now.
        session.execute(
            update(PrintedPiece).where(PrintedPiece.key == key).values(claimed_at=an_hour_ago)
        )
        session.commit()
        assert hold_claim(session, key, "slow printer")
        assert not claim_piece(session, key, "another", stale_after=stale)
        assert not hold_claim(session, key, "another")  # a claim it never had

        # A printer that stopped renewing is taken over, and can no longer renew.
        session.execute(
            update(PrintedPiece).where(PrintedPiece.key == key).values(claimed_at=an_hour_ago)
        )
        session.commit()
        assert claim_piece(session, key, "another", stale_after=stale)
        assert not hold_claim(session, key, "slow printer")
        save_piece(session, key, b"%PDF-1.7", 1, {}, [0])
        assert not hold_claim(session, key, "another")  # printed: nothing left to hold


def test_an_unclaimed_piece_is_kept_too_and_old_pieces_are_forgotten(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        save_piece(session, "p" * 64, b"%PDF", 1, {}, [0])
        assert printed_keys(session, ["p" * 64]) == {"p" * 64}
        assert forget_pieces(session, dt.timedelta(days=1)) == 0
        assert forget_pieces(session, dt.timedelta(0)) == 1
        assert printed_keys(session, ["p" * 64]) == set()


def long_document(changed_section: int | None = None) -> dict:
    data = generate("M", seed=5)
    if changed_section is not None:
        data = copy.deepcopy(data)
        section = data["sections"][changed_section]
        section["body"] = section["body"].replace(" ", " nu ", 3)
    return data


def pieced(data: dict) -> Plan:
    found = plan(validate(data), "default", renderer_version("default"), "pdf")
    assert found is not None
    return found


def kept(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(PrintedPiece)) or 0)


@pytest.fixture
def sqlite_sessions(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    engine = session_factory.kw["bind"]
    if engine.dialect.name != "sqlite":
        pytest.skip("printing a long document once is enough; the store is tested on both")
    return session_factory


def test_a_redraft_prints_again_only_the_pieces_whose_text_changed(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    first, printed_first = pieced(long_document()), []
    redraft, printed_again = pieced(long_document(changed_section=2)), []

    before = print_owned(sqlite_sessions, first, "default", None, printed_first)
    kept_first = kept(sqlite_sessions)
    after = print_owned(sqlite_sessions, redraft, "default", None, printed_again)

    # The contents were kept too (printed twice: numbers of the right width, then the
    # real ones); the redraft's pages fall where they fell, so it reuses both.
    assert kept_first == len(first.pieces) - 1 + 2
    assert kept(sqlite_sessions) == kept_first + 1

    assert len(printed_first) == len(first.pieces) - 1  # every chapter piece, once
    changed = [k for k in redraft.keys[1:] if k not in first.keys]
    assert printed_again == changed and len(changed) == 1  # only the changed section's run
    view = document_view(validate(long_document(changed_section=2)))
    assert_same_document(after, print_view(view, load_theme("default")))
    assert before != after


def test_helpers_print_pieces_beside_the_owner_and_each_piece_once(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    pieces = pieced(generate("M", seed=6))
    helped: list[int] = []
    threads: list[threading.Thread] = []

    def helpers(indexes: Sequence[int]) -> None:
        # One helper per index, as the owner's tasks would run on other processes.
        for index in indexes:

            def work(start: int = index) -> None:
                helped.append(print_helped(sqlite_sessions, pieces, "default", start))

            threads.append(threading.Thread(target=work))
            threads[-1].start()

    owned: list[str] = []
    pdf = print_owned(sqlite_sessions, pieces, "default", helpers, owned)
    for thread in threads:
        thread.join()

    assert sum(helped) > 0  # the helpers printed some
    assert len(owned) + sum(helped) == len(pieces.pieces) - 1  # and no piece twice
    view = document_view(validate(generate("M", seed=6)))
    assert_same_document(pdf, print_view(view, load_theme("default")))


@pytest.mark.parametrize("most", [0, 1])
def test_an_owner_sends_no_more_helpers_than_the_setting_allows(
    sqlite_sessions: sessionmaker[Session], most: int
) -> None:
    pieces = pieced(long_document())
    asked: list[Sequence[int]] = []
    owned: list[str] = []

    print_owned(sqlite_sessions, pieces, "default", asked.append, owned, most_helpers=most)

    # UDKAST_PIECE_HELPERS=0 keeps a long document to its own process.
    assert [len(indexes) for indexes in asked] == ([1] if most else [])
    assert len(owned) == len(pieces.pieces) - 1  # no helper ran: the owner printed them all


def test_a_short_document_is_printed_in_one_pass() -> None:
    strategy = validate(generate("S", seed=5))
    assert plan(strategy, "default", renderer_version("default"), "pdf") is None
    assert plan(validate(generate("M", seed=5)), "default", "v", "docx") is None


def test_the_owner_stops_when_a_helper_fails_the_output(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    with sqlite_sessions() as session:
        build_id = submit_draft(session, validate(long_document()), "default").build.id
    helper_piece = pieced(long_document()).keys[1]
    with sqlite_sessions() as session:  # a helper is printing this piece
        assert claim_piece(session, helper_piece, "a helper", stale_after=CLAIM_STALE)

    def helper_goes_past_the_memory_cap() -> None:
        deadline = time.monotonic() + 120
        while output_of(sqlite_sessions, build_id)[0] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        jobs.fail_for_memory(sqlite_sessions, build_id, "pdf", 180, 240)

    helper = threading.Thread(target=helper_goes_past_the_memory_cap)
    helper.start()
    result = jobs.render_output(sqlite_sessions, build_id, "pdf", max_attempts=3)
    helper.join()

    # The owner stopped at its next heartbeat instead of waiting for the helper's claim
    # to go stale and printing that piece itself (which would have stored a file over
    # the helper's reason); nobody printed the helper's piece.
    state, error = output_of(sqlite_sessions, build_id)
    assert result == "failed"
    assert state == "failed" and "180 MiB" in error, error
    with sqlite_sessions() as session:
        assert printed_keys(session, [helper_piece]) == set()


def output_of(sessions: sessionmaker[Session], build_id: str) -> tuple[str, str]:
    with sessions() as session:
        status = build_status(session, build_id)
    assert status is not None
    pdf = status.outputs["pdf"]
    return pdf.state, pdf.error or ""
