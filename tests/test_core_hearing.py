"""The hearing in the domain: parts, responses as inputs, proposed dates, checks."""

from __future__ import annotations

import datetime as dt

from core.content import validate
from core.hearing import (
    MAX_INPUTS,
    Response,
    add_responses,
    check_response,
    hearing_parts,
    proposed_dates,
)
from tests.app_fixtures import example_data


def _response(n: int, **kw) -> Response:
    values = {
        "input_id": f"hoeringssvar-{n}",
        "sender": f"Person {n}",
        "date": dt.date(2018, 4, 20),
        "text": f"Svar {n}",
        "parts": ("v-det-hele-liv",),
    }
    return Response(**{**values, **kw})


def test_every_part_open_to_comment_has_a_key_a_name_and_the_ids_it_stands_for():
    strategy = validate(example_data("udkast-2", None))
    parts = {p.key: p for p in hearing_parts(strategy)}
    assert parts["v-det-hele-liv"].name == "Vision 1: Det hele liv"
    assert parts["v-det-hele-liv"].affects == ("det-hele-liv",)
    group = parts["signs-det-hele-liv"]
    assert set(group.affects) == {
        i.id for i in strategy.signs_of_success if i.vision == "det-hele-liv"
    }
    assert parts["timeline"].affects == ("timeline",)
    assert parts["foreword"].affects == ("foreword",)


def test_responses_become_valid_pending_inputs_once_and_an_anonymised_sender_follows():
    strategy = validate(example_data("udkast-2", None))
    parts = hearing_parts(strategy)
    data = strategy.to_data()
    before = len(data["consultation"])
    added, left = add_responses(
        data,
        [_response(1), _response(2, parts=("v-det-hele-liv", "timeline"), attachment_name="a.pdf")],
        parts,
        "Borger",
    )
    assert (added, left) == (2, 0)
    validate(data)  # still valid content
    new = data["consultation"][before:]
    assert new[0] == {
        "id": "hoeringssvar-1",
        "from": "Person 1",
        "date": "2018-04-20",
        "input": "Svar 1",
        "status": "pending",
        "affects": ["det-hele-liv"],
    }
    assert new[1]["affects"] == ["det-hele-liv", "timeline"]
    assert new[1]["input"].endswith("(Vedhæftet PDF: a.pdf)")
    # The editor answered the first; carried again, nothing is added and the answer stays.
    new[0].update(status="incorporated", response="Indarbejdet.")
    again = add_responses(
        data, [_response(1, sender="Borger", anonymised=True), _response(2)], parts, "Borger"
    )
    assert again == (0, 0)
    assert new[0]["from"] == "Borger" and new[0]["response"] == "Indarbejdet."


def test_a_part_removed_since_the_hearing_is_no_longer_named_and_the_limit_holds():
    strategy = validate(example_data("udkast-2", None))
    parts = hearing_parts(strategy)
    data = strategy.to_data()
    data["visions"] = [v for v in data["visions"] if v["id"] != "det-hele-liv"]
    data["signs_of_success"] = [
        i for i in data["signs_of_success"] if i.get("vision") != "det-hele-liv"
    ]
    data["consultation"] = [
        c for c in data["consultation"] if "det-hele-liv" not in c.get("affects", [])
    ]
    room = MAX_INPUTS - len(data["consultation"])
    responses = [_response(n, parts=("v-det-hele-liv", "foreword")) for n in range(room + 3)]
    added, left = add_responses(data, responses, parts, "Borger")
    assert (added, left) == (room, 3)
    assert data["consultation"][-1]["affects"] == ["foreword"]
    validate(data)


def test_the_dates_are_proposed_from_the_timeline():
    strategy = validate(example_data("udkast-2", None))
    # Before the hearing meeting of 25 April: the hearing closes that day.
    assert proposed_dates(strategy, dt.date(2018, 3, 15)) == (
        dt.date(2018, 3, 15),
        dt.date(2018, 4, 25),
    )
    # Too close to it: the day before the next milestone at least two weeks away.
    assert proposed_dates(strategy, dt.date(2018, 4, 20)) == (
        dt.date(2018, 4, 20),
        dt.date(2018, 5, 22),
    )
    # After every milestone: four weeks.
    assert proposed_dates(strategy, dt.date(2026, 11, 30)) == (
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 28),
    )


def test_a_response_is_checked_field_by_field():
    open_keys = ("v-det-hele-liv", "foreword")
    fine = check_response("Ole", "", "", ["foreword"], "Godt.", open_keys)
    assert fine == {}
    wrong = check_response(" ", "x" * 201, "ole@", [], "", open_keys)
    assert wrong == {
        "name": "missing",
        "organisation": "too_long",
        "email": "not_email",
        "parts": "missing",
        "text": "missing",
    }
    assert check_response("Ole", "", "", ["s-x"], "y" * 101, open_keys) == {
        "parts": "unknown",
        "text": "long_word",
    }
