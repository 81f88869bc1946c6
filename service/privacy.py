"""One person's hearing responses, for an admin: what is kept of them, and forgetting them.

A respondent may ask what udkast keeps about them and to be forgotten. An admin looks
them up by their e-mail address, downloads everything as JSON, and deletes it. Drafts
already saved with a response as input keep it: they are published documents.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from service.login import load_session, needs
from service.runtime import session
from store import delete_responses_by_email, export_responses

blueprint = Blueprint("privacy", __name__)
blueprint.before_request(load_session)

MAX_EMAIL = 254


@blueprint.get("/admin/responses")
@needs("admin")
def responses() -> Any:
    """Show the responses sent with an e-mail address (`?email=`), or the form to ask."""
    email = request.args.get("email", "").strip()[:MAX_EMAIL]
    found = export_responses(session(), email)["responses"] if email else []
    return render_template("privacy.html", email=email, found=found)


@blueprint.get("/admin/responses.json")
@needs("admin")
def download() -> Response:
    """Send everything kept of one person's responses as a JSON file."""
    email = request.args.get("email", "").strip()[:MAX_EMAIL]
    data = export_responses(session(), email)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    sent = Response(body, mimetype="application/json")
    sent.headers["Content-Disposition"] = 'attachment; filename="hoeringssvar.json"'
    return sent


@blueprint.post("/admin/responses/delete")
@needs("admin")
def delete() -> Any:
    """Delete every response sent with the form's e-mail address."""
    email = request.form.get("email", "").strip()[:MAX_EMAIL]
    count = delete_responses_by_email(session(), email) if email else 0
    flash(
        ngettext(
            "%(num)d høringssvar fra %(email)s er slettet.",
            "%(num)d høringssvar fra %(email)s er slettet.",
            count,
            email=email,
        )
        if count
        else _("Der var ingen høringssvar fra %(email)s.", email=email)
    )
    return redirect(url_for("privacy.responses"), 303)
