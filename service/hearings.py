"""Hearings for the people who write: open one on a version, follow its responses, close it.

An editor opens a hearing on a version whose status is `consultation`: its first and
last day (proposed from the timeline, core.hearing.proposed_dates), an introduction,
which parts may be commented on, and whether it is listed on the strategy's public page
or reachable only by its link. The page of a hearing lists its responses (e-mail
addresses for admins only) and leads to the next draft, where they are pending input.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

import flask
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.hearing import (
    MAX_INPUTS,
    HearingPart,
    Response,
    add_responses,
    hearing_parts,
    proposed_dates,
)
from core.outputs import output_names
from service.filenames import artifact_name
from service.local_time import local_today
from service.login import current_actor, load_session, needs, signed_in
from service.public.hearing import hearing_state
from service.routing import VERSION
from service.runtime import runtime, session
from store import (
    ANONYMOUS,
    Actor,
    NotFound,
    ResponseRecord,
    draft_content,
    get_artifact,
    get_draft,
    hearing_of,
    hearings_of,
    latest_build,
    latest_draft,
    list_responses,
    open_hearing,
    strategy_responses,
)
from store import close_hearing as store_close_hearing
from store.records import DraftRecord

blueprint = Blueprint("hearings", __name__)
blueprint.before_request(load_session)

PATH = f"/strategies/<slug:slug>/<{VERSION}:version>/hearing"
MAX_INTRO = 2_000


@blueprint.get(PATH)
@signed_in
def hearing_page(slug: str, version: int) -> Any:
    """Show a version's hearing and its responses, or the form that opens one."""
    draft = _draft(slug, version)
    found = hearing_of(session(), slug, version)
    if found is None:
        return _open_form(draft, {}, {}, 200)
    strategy = draft_content(draft)
    names = {p.key: p.name for p in hearing_parts(strategy)}
    latest = latest_draft(session(), slug)
    report = report_version(slug)
    actor = current_actor()
    today = local_today(runtime().settings.time_zone)
    return render_template(
        "hearing.html",
        draft=draft,
        h=found,
        state=hearing_state(found, today),
        responses=list_responses(session(), found.id),
        names=names,
        latest=latest,
        report=report,
        report_files=[
            (o, artifact_name(report.slug, report.version, report.label, o))
            for o in output_names("hearing")
        ]
        if report
        else [],
        show_email=bool(actor and actor.may("admin")),
        page_url=runtime().settings.public_url + url_for("public.hearing", key=found.key),
    )


@blueprint.post(PATH)
@needs("editor")
def open_(slug: str, version: int) -> Any:
    """Open a hearing on the version with the form's choices; show the form again if wrong."""
    draft = _draft(slug, version)
    form = request.form
    values: dict[str, Any] = {
        "opens": form.get("opens", ""),
        "closes": form.get("closes", ""),
        "intro": form.get("intro", ""),
        "visibility": form.get("visibility", "public"),
        "parts": form.getlist("parts"),
        "max_responses": form.get("max_responses", ""),
    }
    wrong = open_from(draft, values, current_actor())
    if wrong:
        return _open_form(draft, values, wrong, 422)
    return redirect(url_for("hearings.hearing_page", slug=slug, version=version), 303)


def open_from(draft: DraftRecord, values: dict[str, Any], actor: Actor | None) -> dict[str, str]:
    """Open a hearing on the draft from a form's (or the API's) values.

    Returns what is wrong, by field, and opens nothing then. The values are text, as a
    form sends them: opens, closes, intro, visibility ("public" or "link"), parts (keys),
    max_responses.
    """
    strategy = draft_content(draft)
    every = [p.key for p in hearing_parts(strategy)]
    wrong, opens, closes, most = _checked(draft, every, _room(strategy.to_data()), values)
    if wrong or opens is None or closes is None:
        return wrong
    chosen = values["parts"]
    open_hearing(
        session(),
        draft.slug,
        draft.version,
        opens=opens,
        closes=closes,
        public=values["visibility"] == "public",
        intro=values["intro"].strip() or None,
        parts=None if set(chosen) == set(every) else chosen,
        max_responses=most,
        user_id=actor.user_id if actor else None,
    )
    return {}


def proposed_values(draft: DraftRecord) -> dict[str, Any]:
    """Return the values a new hearing on the draft gets unless told otherwise."""
    strategy = draft_content(draft)
    opens, closes = proposed_dates(strategy, local_today(runtime().settings.time_zone))
    return {
        "opens": opens.isoformat(),
        "closes": closes.isoformat(),
        "intro": "",
        "visibility": "public",
        "parts": [p.key for p in hearing_parts(strategy)],
        "max_responses": str(_room(strategy.to_data())),
    }


@blueprint.post(f"{PATH}/close")
@needs("editor")
def close(slug: str, version: int) -> Any:
    """Close the hearing now: it takes no more responses."""
    found = hearing_of(session(), slug, version)
    if found is None:
        raise NotFound(_("Version %(version)d har ingen høring.", version=version))
    store_close_hearing(session(), found.id)
    return redirect(url_for("hearings.hearing_page", slug=slug, version=version), 303)


@blueprint.get(f"{PATH}/responses/<int:response_id>/attachment")
@signed_in
def attachment(slug: str, version: int, response_id: int) -> flask.Response:
    """Send a response's PDF attachment as a download (never shown in the page)."""
    found = hearing_of(session(), slug, version)
    responses = list_responses(session(), found.id) if found else []
    response = next((r for r in responses if r.id == response_id), None)
    if response is None or response.attachment_hash is None:
        raise NotFound(_("Svaret har ingen vedhæftet fil."))
    artifact = get_artifact(session(), response.attachment_hash, with_data=True)
    if artifact is None or artifact.data is None:
        raise NotFound(_("Svaret har ingen vedhæftet fil."))
    sent = flask.Response(artifact.data, mimetype="application/pdf")
    # A download, never displayed inline: the file is what a stranger sent.
    sent.headers["Content-Disposition"] = f'attachment; filename="svar-{response_id}.pdf"'
    sent.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return sent


def _draft(slug: str, version: int) -> DraftRecord:
    draft = get_draft(session(), slug, version)
    if draft is None:
        raise NotFound(
            _("Strategien «%(slug)s» har ingen version %(version)d.", slug=slug, version=version)
        )
    return draft


def _open_form(
    draft: DraftRecord, values: dict[str, Any], wrong: dict[str, str], status: int
) -> Any:
    strategy = draft_content(draft)
    page = render_template(
        "hearing_open.html",
        draft=draft,
        parts=hearing_parts(strategy),
        values={**proposed_values(draft), **values},
        wrong=wrong,
        status_ok=draft.status == "consultation",
        room=_room(strategy.to_data()),
    )
    return page, status


def _room(data: dict[str, Any]) -> int:
    """Return how many responses the next draft can take as inputs (core.content's limit)."""
    return max(0, MAX_INPUTS - len(data.get("consultation") or []))


def _checked(
    draft: DraftRecord, every: list[str], room: int, values: dict[str, Any]
) -> tuple[dict[str, str], dt.date | None, dt.date | None, int]:
    """Return what is wrong with the form, by field, and the dates and maximum it gives.

    `every` is the keys of the draft's parts, `room` how many inputs its next draft takes.
    """
    wrong: dict[str, str] = {}
    if draft.status != "consultation":
        wrong["form"] = _(
            "Kun en version med status «i høring» kan sendes i høring. Gem et nyt udkast "
            "med status «i høring» først."
        )
    opens = _date(values["opens"])
    closes = _date(values["closes"])
    if opens is None:
        wrong["opens"] = _("Skriv en dato som 2018-04-25.")
    if closes is None:
        wrong["closes"] = _("Skriv en dato som 2018-05-23.")
    elif opens is not None and closes < opens:
        wrong["closes"] = _("Sidste dag skal ligge efter første dag.")
    if len(values["intro"]) > MAX_INTRO:
        wrong["intro"] = _("Indledningen må højst have 2.000 tegn.")
    if not values["parts"]:
        wrong["parts"] = _("Vælg mindst én del, der kan gives svar til.")
    elif not set(values["parts"]) <= set(every):
        wrong["parts"] = _("Vælg blandt udkastets dele.")
    if values["visibility"] not in ("public", "link"):
        wrong["visibility"] = _("Vælg, hvem der kan finde høringen.")
    text = str(values["max_responses"]).strip()
    most = int(text) if text.isdigit() else 0
    if not 1 <= most <= room:
        wrong["max_responses"] = _("Skriv et tal fra 1 til %(room)d.", room=room)
    return wrong, opens, closes, most


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def carry_responses(slug: str, data: dict[str, Any]) -> tuple[int, int]:
    """Put every hearing response not yet in the content in it as pending input.

    Returns (added, left out for want of room). The parts each response names are
    read from the version its hearing was on.
    """
    responses = strategy_responses(session(), slug)
    if not responses:
        return 0, 0
    zone = runtime().settings.time_zone
    parts: dict[int, tuple[HearingPart, ...]] = {}
    for found in hearings_of(session(), slug):
        draft = get_draft(session(), slug, found.version)
        parts[found.id] = hearing_parts(draft_content(draft)) if draft else ()
    added = left_out = 0
    for hearing_id, group in groupby(responses, key=lambda r: r.hearing_id):
        got, lost = add_responses(
            data,
            (_as_response(r, zone) for r in group),
            parts.get(hearing_id, ()),
            ANONYMOUS,
        )
        added += got
        left_out += lost
    return added, left_out


def _as_response(record: ResponseRecord, zone: str) -> Response:
    return Response(
        input_id=record.input_id,
        sender=record.sender,
        date=record.created_at.astimezone(ZoneInfo(zone)).date(),
        text=record.text,
        parts=record.parts,
        attachment_name=record.attachment_name,
        anonymised=record.anonymised,
    )


def report_version(slug: str) -> DraftRecord | None:
    """Return the latest version if its build made a høringsnotat (it has inputs), else None."""
    latest = latest_draft(session(), slug)
    build = latest_build(session(), latest.id) if latest else None
    if build is None or not set(output_names("hearing")) & set(build.outputs):
        return None
    return latest
