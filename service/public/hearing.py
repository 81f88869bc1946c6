"""A hearing's public pages: the draft as a web page, the response form and its receipt.

Reached by the hearing's unguessable address, signed in or not. Each part of the draft
has its anchor and a "Giv høringssvar til denne del" link to the form with that part
chosen. The form takes a name, an optional organisation and e-mail address (never
shown), the parts, a plain text and an optional PDF (stored, never opened), and a
consent; it refuses a filled-in honeypot field, more responses than the hearing takes,
and more than UDKAST_RESPONSES_PER_HOUR from one address (service.limits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from core.content import Strategy
from core.hearing import HearingClosed, HearingPart, check_response, hearing_parts
from core.outputs import draft_outputs
from core.view import document_view
from service import limits
from service.downloads import send_public_file
from service.filenames import artifact_name
from service.i18n import current_language
from service.local_time import local_today
from service.mail import send_receipt
from service.runtime import runtime, session
from service.uploads import refuse_cut_body
from store import (
    HearingFull,
    HearingRecord,
    NotFound,
    ResponseRecord,
    add_response,
    draft_content,
    get_draft,
    hearing_by_key,
    latest_build,
)
from store.records import DraftRecord

KEY = "string(length=43):key"  # store.hearings.new_hearing_key: 32 bytes, URL-safe
HONEYPOT = "website"  # a field people do not see; a program filling every field does


@dataclass(frozen=True)
class Opened:
    """A hearing with its draft, its parts and whether it takes responses today."""

    hearing: HearingRecord
    draft: DraftRecord
    strategy: Strategy  # the draft's content, validated once per request
    parts: tuple[HearingPart, ...]  # the parts open to comment
    state: str  # "upcoming", "open" or "closed"


def hearing(key: str) -> Any:
    """Show the draft in hearing as a web page, each part with its own response link."""
    found = opened(key)
    strategy = found.strategy
    return render_template(
        "public/hearing.html",
        h=found.hearing,
        state=found.state,
        doc=strategy.document,
        view=document_view(strategy),
        open_keys={p.key for p in found.parts},
        files=_files(found.draft),
    )


def respond_form(key: str) -> Any:
    """Show the response form, with the part the reader came from chosen."""
    found = opened(key)
    chosen = [k for k in request.args.getlist("part") if any(p.key == k for p in found.parts)]
    return _form(found, {"parts": chosen}, {}, 200)


@limits.responses
def respond(key: str) -> Any:
    """Take a response while the hearing is open; show the form again with what is wrong."""
    found = opened(key)
    refuse_cut_body(request)
    values = form_values(request.form)
    if found.state != "open":
        return _form(found, values, {}, 410)
    if request.form.get(HONEYPOT, "").strip():
        return _form(found, values, {"form": _("Feltet «Websted» skal være tomt.")}, 400)
    wrong = response_problems(found, values)
    attachment = _attachment(request.files.get("attachment"), wrong)
    if wrong:
        return _form(found, values, wrong, 422)
    try:
        take_response(found, values, attachment)
    except HearingFull:
        full = _("Høringen har modtaget det største antal svar, den kan tage imod.")
        return _form(found, values, {"form": full}, 409)
    return redirect(url_for("public.thanks", key=key, lang=request.args.get("lang")), 303)


def take_response(
    found: Opened, values: dict[str, Any], attachment: tuple[bytes, str] | None = None
) -> ResponseRecord:
    """Store a checked response to an open hearing, and send its receipt if asked for.

    Raises HearingClosed when the hearing takes no responses today, HearingFull when it
    has its maximum.
    """
    if found.state != "open":
        raise HearingClosed(
            _(
                "Høringen tager ikke imod svar: den er åben %(opens)s til og med %(closes)s.",
                opens=found.hearing.opens.isoformat(),
                closes=found.hearing.closes.isoformat(),
            )
        )
    saved = add_response(
        session(),
        found.hearing.id,
        name=values["name"].strip(),
        organisation=values["organisation"].strip() or None,
        email=values["email"].strip() or None,
        parts=values["parts"],
        text=values["text"].strip(),
        attachment=attachment,
    )
    if saved.email:
        send_receipt(runtime().settings, saved, found.draft.title, found.hearing.closes)
    return saved


def thanks(key: str) -> Any:
    """Confirm that a response came in, and say what happens to it."""
    found = opened(key)
    doc = found.strategy.document
    return render_template("public/thanks.html", h=found.hearing, title=found.draft.title, doc=doc)


def hearing_file(key: str, filename: str) -> Response:
    """Send the PDF or DOCX of the version in hearing."""
    found = opened(key)
    return send_public_file(session(), request, found.hearing.slug, found.hearing.version, filename)


def hearing_state(hearing: HearingRecord, today: dt.date) -> str:
    """Return "upcoming", "open" or "closed": open from its first to its last day."""
    if hearing.closed_at is not None or today > hearing.closes:
        return "closed"
    return "upcoming" if today < hearing.opens else "open"


def opened(key: str) -> Opened:
    """Return the hearing with this key, its draft and parts, or raise NotFound."""
    found = hearing_by_key(session(), key)
    draft = get_draft(session(), found.slug, found.version) if found else None
    if found is None or draft is None:
        raise NotFound(_("Høringen findes ikke. Tjek adressen, du har fået."))
    strategy = draft_content(draft)
    every = hearing_parts(strategy)
    chosen = found.parts
    parts = tuple(p for p in every if chosen is None or p.key in chosen)
    today = local_today(runtime().settings.time_zone)
    return Opened(found, draft, strategy, parts, hearing_state(found, today))


def _files(draft: DraftRecord) -> list[tuple[str, str]]:
    """Return (output, file name) of the version's own files that are ready."""
    build = latest_build(session(), draft.id)
    if build is None or build.state != "done":
        return []
    return [
        (output, artifact_name(draft.slug, draft.version, draft.label, output))
        for output in draft_outputs()
        if output in build.outputs
    ]


def form_values(form: Any) -> dict[str, Any]:
    """Return a response's fields as a form (or the API's JSON, as text) sends them."""
    return {
        "name": form.get("name", ""),
        "organisation": form.get("organisation", ""),
        "email": form.get("email", ""),
        "parts": form.getlist("parts"),
        "text": form.get("text", ""),
        "consent": form.get("consent") == "yes",
    }


def response_problems(found: Opened, values: dict[str, Any]) -> dict[str, str]:
    """Return what is wrong with the form, by field, worded for the reader."""
    codes = check_response(
        values["name"],
        values["organisation"],
        values["email"],
        values["parts"],
        values["text"],
        (p.key for p in found.parts),
    )
    wrong = {field: _wording(field, code) for field, code in codes.items()}
    if not values["consent"]:
        wrong["consent"] = _("Sæt kryds, hvis dit svar må offentliggøres som beskrevet.")
    return wrong


def _wording(field: str, code: str) -> str:
    words = {
        ("name", "missing"): _("Skriv dit navn."),
        ("name", "too_long"): _("Navnet må højst have 100 tegn."),
        ("organisation", "too_long"): _("Organisationen må højst have 200 tegn."),
        ("email", "not_email"): _(
            "Skriv en e-mailadresse som navn@eksempel.dk, eller lad feltet stå tomt."
        ),
        ("parts", "missing"): _("Vælg mindst én del, dit svar handler om."),
        ("parts", "unknown"): _("Vælg blandt de dele, høringen gælder."),
        ("text", "missing"): _("Skriv dit høringssvar."),
        ("text", "too_long"): _(
            "Svaret må højst have 2.000 tegn. Vedhæft en PDF, hvis du har mere på hjerte."
        ),
        ("text", "long_word"): _(
            "Svaret har et ord på over 100 tegn. Sæt mellemrum i det, eller vedhæft en PDF."
        ),
        ("text", "control"): _(
            "Svaret har tegn, der ikke kan vises. Skriv det igen, eller indsæt det som ren tekst."
        ),
    }
    return str(words.get((field, code)) or _("Feltet er ikke udfyldt rigtigt."))


def _attachment(upload: FileStorage | None, wrong: dict[str, str]) -> tuple[bytes, str] | None:
    """Return the attached PDF and its name, or note in `wrong` why it cannot be taken."""
    if upload is None or not upload.filename:
        return None
    limit = runtime().settings.attachment_max
    data = upload.read(limit + 1)
    if len(data) > limit:
        size = format_decimal(limit / (1 << 20), "#,##0.0", locale=current_language())
        wrong["attachment"] = _("Filen er for stor: højst %(size)s MB.", size=size)
        return None
    if not data.startswith(b"%PDF-"):
        wrong["attachment"] = _("Kun PDF-filer kan vedhæftes.")
        return None
    name = "".join(c for c in upload.filename.rsplit("/", 1)[-1] if c.isprintable())[:200]
    return data, name or "bilag.pdf"


def _form(found: Opened, values: dict[str, Any], wrong: dict[str, str], status: int) -> Any:
    page = render_template(
        "public/respond.html",
        h=found.hearing,
        doc=found.strategy.document,
        state=found.state,
        title=found.draft.title,
        parts=found.parts,
        values=values,
        wrong=wrong,
        attachment_mb=format_decimal(
            runtime().settings.attachment_max / (1 << 20), "#,##0.0", locale=current_language()
        ),
    )
    return page, status


# (rule under /public, endpoint, view, methods): registered by service/public/views.py.
ROUTES = (
    (f"/hearings/<{KEY}>", "hearing", hearing, ["GET"]),
    (f"/hearings/<{KEY}>/respond", "respond_form", respond_form, ["GET"]),
    (f"/hearings/<{KEY}>/respond", "respond", respond, ["POST"]),
    (f"/hearings/<{KEY}>/thanks", "thanks", thanks, ["GET"]),
    (f"/hearings/<{KEY}>/files/<filename>", "hearing_file", hearing_file, ["GET"]),
)
