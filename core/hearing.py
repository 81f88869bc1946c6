"""A hearing in the domain: the parts people respond to, and responses as consultation input.

A hearing page offers each part of the draft for comment (the foreword, each vision, each
group of signs of success, each section, the timeline); a response names the parts it
concerns by their keys. Into the next draft, each response becomes a `pending`
consultation input whose `affects` are the ids those parts stand for, so the existing
traceability (changes linked to inputs) and the høringsnotat cover it with no extra work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.content import LIMITS, MAX_TEXT, MAX_WORD, Strategy
from core.errors import UdkastError
from core.labels import labels

# What a response may hold: it becomes an input of the content, whose limits it keeps.
MAX_RESPONSE_TEXT = MAX_TEXT
MAX_RESPONSE_WORD = MAX_WORD
MAX_NAME = 100
MAX_ORGANISATION = 200
# A strategy holds at most this many consultation inputs (core.content.LIMITS).
MAX_INPUTS = LIMITS["consultation"]
# An address is only used to send a receipt: a plausible shape is all it must have.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Characters the content refuses (core.content): a response must become a valid input.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class HearingClosed(UdkastError):
    """The hearing takes no responses now: it has not opened yet, or it has closed."""


@dataclass(frozen=True)
class HearingPart:
    """One part of a draft people can respond to."""

    key: str  # its anchor on the hearing page and its name in a response ("v-det-hele-liv")
    kind: str  # foreword, vision, signs, section, timeline
    name: str  # what readers call it, in the draft's language
    affects: tuple[str, ...]  # the content ids (or reserved words) it stands for


@dataclass(frozen=True)
class Response:
    """A response as the hearing received it (store.hearings keeps it)."""

    input_id: str  # the id of the input it becomes ("hoeringssvar-12")
    sender: str  # the organisation, else the person's name
    date: dt.date
    text: str
    parts: tuple[str, ...]  # HearingPart keys
    attachment_name: str | None = None
    anonymised: bool = False


def hearing_parts(strategy: Strategy) -> tuple[HearingPart, ...]:
    """Return the parts of a draft open to comment, in reading order."""
    text = labels(strategy.document.language)
    parts: list[HearingPart] = []
    if strategy.foreword:
        parts.append(HearingPart("foreword", "foreword", text["foreword"], ("foreword",)))
    parts.extend(
        HearingPart(f"v-{v.id}", "vision", f"{text['vision']} {n}: {v.title}", (v.id,))
        for n, v in enumerate(strategy.visions, start=1)
    )
    signs = strategy.signs_of_success
    for vision in strategy.visions:
        ids = tuple(i.id for i in signs if i.vision == vision.id)
        if ids:
            name = f"{text['signs_of_success']}: {vision.title}"
            parts.append(HearingPart(f"signs-{vision.id}", "signs", name, ids))
    shared = tuple(i.id for i in signs if i.vision is None)
    if shared:
        name = f"{text['signs_of_success']}: {text['shared_indicators']}"
        parts.append(HearingPart("signs-shared", "signs", name, shared))
    parts.extend(HearingPart(f"s-{s.id}", "section", s.title, (s.id,)) for s in strategy.sections)
    if strategy.timeline:
        parts.append(HearingPart("timeline", "timeline", text["timeline"], ("timeline",)))
    return tuple(parts)


def affected_ids(parts: Iterable[HearingPart], keys: Iterable[str]) -> list[str]:
    """Return the content ids the chosen parts stand for, in order, each once."""
    chosen = set(keys)
    ids: list[str] = []
    for part in parts:
        if part.key in chosen:
            ids.extend(i for i in part.affects if i not in ids)
    return ids


def as_input(
    response: Response,
    parts: Sequence[HearingPart],
    language: str,
    known: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Return a response as a pending consultation input of the content (data).

    `known` keeps only the ids the content still has (a part removed since the hearing
    is no longer named); None keeps them all.
    """
    said = response.text.strip()
    if response.attachment_name:
        note = labels(language)["hearing.attachment"].format(name=response.attachment_name)
        room = MAX_RESPONSE_TEXT - len(note) - 2
        said = f"{said[:room]}\n\n{note}"
    affects = affected_ids(parts, response.parts)
    if known is not None:
        affects = [i for i in affects if i in known]
    return {
        "id": response.input_id,
        "from": response.sender,
        "date": response.date.isoformat(),
        "input": said,
        "status": "pending",
        "affects": affects,
    }


def add_responses(
    data: dict[str, Any],
    responses: Iterable[Response],
    parts: Sequence[HearingPart],
    anonymous: str,
) -> tuple[int, int]:
    """Add each response not yet in the content as a pending input; return (added, left out).

    A response whose input is in the content already keeps what the editor wrote; once
    anonymised, its sender becomes `anonymous` there too. Responses beyond the content's
    limit of inputs are left out (and counted), never cut into.
    """
    inputs: list[dict[str, Any]] = data.setdefault("consultation", [])
    by_id = {str(entry.get("id")): entry for entry in inputs if isinstance(entry, dict)}
    language = str(data.get("document", {}).get("language") or "da")
    known = _ids(data)
    added = left_out = 0
    for response in responses:
        present = by_id.get(response.input_id)
        if present is not None:
            if response.anonymised and response.sender == anonymous:
                present["from"] = anonymous
            continue
        if len(inputs) >= MAX_INPUTS:
            left_out += 1
            continue
        entry = as_input(response, parts, language, known)
        inputs.append(entry)
        by_id[response.input_id] = entry
        added += 1
    return added, left_out


def _ids(data: dict[str, Any]) -> frozenset[str]:
    """Return every id an input of this content may name, and the reserved words."""
    found = {"foreword", "signs_of_success", "timeline", "layout"}
    for name in ("visions", "signs_of_success", "sections"):
        found.update(str(item.get("id")) for item in data.get(name) or [] if isinstance(item, dict))
    return frozenset(found)


def check_response(
    name: str,
    organisation: str,
    email: str,
    keys: Sequence[str],
    text: str,
    open_keys: Iterable[str],
) -> dict[str, str]:
    """Return what is wrong with a response, by field: a code per field (empty if none).

    The text must be a valid consultation input once it is one (core.content): plain,
    at most MAX_RESPONSE_TEXT characters, no word longer than MAX_RESPONSE_WORD.
    """
    wrong: dict[str, str] = {}
    if not name.strip():
        wrong["name"] = "missing"
    elif len(name.strip()) > MAX_NAME:
        wrong["name"] = "too_long"
    if len(organisation.strip()) > MAX_ORGANISATION:
        wrong["organisation"] = "too_long"
    address = email.strip()
    if address and (len(address) > 254 or not _EMAIL.fullmatch(address)):
        wrong["email"] = "not_email"
    allowed = set(open_keys)
    if not keys:
        wrong["parts"] = "missing"
    elif any(key not in allowed for key in keys):
        wrong["parts"] = "unknown"
    said = text.strip()
    if not said:
        wrong["text"] = "missing"
    elif len(said) > MAX_RESPONSE_TEXT:
        wrong["text"] = "too_long"
    elif max(map(len, said.split())) > MAX_RESPONSE_WORD:
        wrong["text"] = "long_word"
    elif _CONTROL.search(said) or _CONTROL.search(name + organisation):
        wrong["text"] = "control"
    return wrong


# A hearing shorter than this is hardly a hearing; one of four weeks is the usual.
MIN_DAYS = 14
USUAL_DAYS = 28
_HEARING_WORDS = ("høring", "hearing", "consultation")


def proposed_dates(strategy: Strategy, today: dt.date) -> tuple[dt.date, dt.date]:
    """Propose a hearing's first and last day from the draft's timeline.

    It opens today (or on the draft's date, if later). It closes on the day of the
    first milestone after that whose event names a hearing ("Høringsmøde med …"), else
    the day before the next milestone at least MIN_DAYS away, else USUAL_DAYS later.
    """
    opens = max(today, strategy.document.date or today)
    ahead = sorted(
        (m for m in strategy.timeline if m.state != "cancelled" and m.date > opens),
        key=lambda m: m.date,
    )
    for milestone in ahead:
        named = any(word in milestone.event.lower() for word in _HEARING_WORDS)
        if named and (milestone.date - opens).days >= MIN_DAYS:
            return opens, milestone.date
    for milestone in ahead:
        if (milestone.date - opens).days > MIN_DAYS:
            return opens, milestone.date - dt.timedelta(days=1)
    return opens, opens + dt.timedelta(days=USUAL_DAYS)


def part_keys(parts: Sequence[HearingPart], given: Iterable[str]) -> list[str]:
    """Return the keys of the parts named by key or by a content id they stand for.

    The API takes either ("v-det-hele-liv" or "det-hele-liv"); a name that fits no
    part is kept as it is, for the check to refuse.
    """
    keys: list[str] = []
    for name in given:
        found = next((p.key for p in parts if p.key == name), None) or next(
            (p.key for p in parts if name in p.affects), name
        )
        if found not in keys:
            keys.append(found)
    return keys
