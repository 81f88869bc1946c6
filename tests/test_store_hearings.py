"""Hearings, their responses and publishing in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from store import (
    ANONYMOUS,
    HearingFull,
    NameTaken,
    NotFound,
    add_response,
    anonymise_responses,
    close_hearing,
    delete_responses_by_email,
    hearing_by_key,
    hearing_of,
    hearings_of,
    list_responses,
    open_hearing,
    published_drafts,
    responses_by_email,
    set_public,
    set_published,
    strategy_responses,
    submit_draft,
)

DAY = dt.date(2018, 4, 25)


def _open(session, max_responses: int = 50, **kw):
    return open_hearing(
        session,
        kw.pop("slug", "socialstrategi"),
        kw.pop("version", 1),
        opens=DAY,
        closes=DAY + dt.timedelta(days=21),
        public=kw.pop("public", True),
        intro="Sig din mening.",
        parts=kw.pop("parts", None),
        max_responses=max_responses,
        user_id=None,
    )


def _respond(session, hearing_id: int, n: int = 0, **kw):
    return add_response(
        session,
        hearing_id,
        name=kw.pop("name", f"Person {n}"),
        organisation=kw.pop("organisation", None),
        email=kw.pop("email", None),
        parts=kw.pop("parts", ("det-hele-liv",)),
        text=kw.pop("text", f"Svar {n}"),
        **kw,
    )


def test_a_hearing_has_an_unguessable_key_and_one_per_version(session, udkast1):
    submit_draft(session, udkast1, "default")
    hearing = _open(session, parts=("det-hele-liv",))
    assert len(hearing.key) >= 43  # 256 bits, URL-safe
    assert hearing_by_key(session, hearing.key) == hearing
    assert hearing_of(session, "socialstrategi", 1) == hearing
    assert hearing.parts == ("det-hele-liv",)
    assert hearing_by_key(session, hearing.key[:-1] + "x") is None
    with pytest.raises(NameTaken):
        _open(session)
    with pytest.raises(NotFound):
        _open(session, version=2)
    assert [h.id for h in hearings_of(session, "socialstrategi")] == [hearing.id]


def test_responses_are_kept_as_sent_and_counted(session, udkast1):
    submit_draft(session, udkast1, "default")
    hearing = _open(session)
    first = _respond(session, hearing.id, 1, organisation="Ældrerådet", email="a@example.dk")
    second = _respond(session, hearing.id, 2, attachment=(b"%PDF-1.7 ...", "bilag.pdf"))
    got = list_responses(session, hearing.id)
    assert [r.id for r in got] == [first.id, second.id]
    assert got[0].sender == "Ældrerådet" and got[1].sender == "Person 2"
    assert got[0].input_id == f"hoeringssvar-{first.id}"
    assert got[1].attachment_name == "bilag.pdf" and got[1].attachment_hash
    assert hearing_by_key(session, hearing.key).responses == 2
    assert [r.id for r in strategy_responses(session, "socialstrategi")] == [first.id, second.id]


def test_a_hearing_takes_no_more_than_its_maximum_even_at_once(session_factory, udkast1):
    with session_factory() as session:
        submit_draft(session, udkast1, "default")
        hearing = _open(session, max_responses=5)

    def respond(n: int) -> bool:
        with session_factory() as own:
            try:
                _respond(own, hearing.id, n)
            except HearingFull:
                return False
            return True

    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(respond, range(12)))
    assert taken.count(True) == 5
    with session_factory() as session:
        assert len(list_responses(session, hearing.id)) == 5


def test_past_retention_private_names_become_borger_and_addresses_are_forgotten(session, udkast1):
    submit_draft(session, udkast1, "default")
    hearing = _open(session)
    _respond(session, hearing.id, 1, name="Hanne Hansen", email="hanne@example.dk")
    _respond(session, hearing.id, 2, name="Ole", organisation="Ældrerådet", email="o@example.dk")
    assert anonymise_responses(session, hearing.closes) == 0  # not closed before that day
    assert anonymise_responses(session, hearing.closes + dt.timedelta(days=1)) == 2
    got = list_responses(session, hearing.id)
    assert [(r.name, r.organisation, r.email) for r in got] == [
        (ANONYMOUS, None, None),
        ("Ole", "Ældrerådet", None),  # an organisation's response keeps its sender
    ]
    assert all(r.anonymised for r in got)
    assert anonymise_responses(session, hearing.closes + dt.timedelta(days=9)) == 0


def test_a_hearing_closed_early_counts_as_closed_from_that_day(session, udkast1):
    submit_draft(session, udkast1, "default")
    hearing = _open(session)
    _respond(session, hearing.id, 1, email="x@example.dk")
    close_hearing(session, hearing.id)
    assert hearing_by_key(session, hearing.key).closed_at is not None
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert anonymise_responses(session, tomorrow) == 1


def test_an_admin_exports_and_deletes_one_persons_responses(session, udkast1):
    submit_draft(session, udkast1, "default")
    hearing = _open(session)
    _respond(session, hearing.id, 1, email="Hanne@Example.dk")
    _respond(session, hearing.id, 2, email="hanne@example.dk")
    _respond(session, hearing.id, 3, email="other@example.dk")
    assert [r.text for r in responses_by_email(session, "HANNE@example.dk ")] == [
        "Svar 1",
        "Svar 2",
    ]
    assert delete_responses_by_email(session, "hanne@example.dk") == 2
    assert [r.text for r in list_responses(session, hearing.id)] == ["Svar 3"]


def test_only_published_versions_of_a_public_strategy_are_listed(session, udkast1, udkast2):
    submit_draft(session, udkast1, "default")
    submit_draft(session, udkast2, "default")
    set_published(session, "socialstrategi", 1, True)
    assert published_drafts(session, "socialstrategi") == []  # the strategy is internal
    set_public(session, "socialstrategi", True)
    first = published_drafts(session, "socialstrategi")
    assert [d.version for d in first] == [1]
    again = set_published(session, "socialstrategi", 1, True)
    assert again.published_at == first[0].published_at  # the first time is kept
    set_published(session, "socialstrategi", 2, True)
    set_published(session, "socialstrategi", 1, False)
    assert [d.version for d in published_drafts(session, "socialstrategi")] == [2]
    with pytest.raises(NotFound):
        set_published(session, "socialstrategi", 3, True)
    with pytest.raises(NotFound):
        set_public(session, "ukendt", True)
