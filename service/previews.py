"""Previews: the first pages of the PDF as images, rendered by the workers, with no version.

`start_preview` is the one entry (the upload form's "Forhåndsvis" and the editor call
it); the routes show a preview's state and pages to the person who asked for it only.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from core import budget
from core.content import Strategy
from core.errors import InvalidContent, UdkastError
from core.failures import failure, read_failure
from core.problem_text import describe_all
from service import limits
from service.errors import status_of
from service.failure_text import failure_text
from service.i18n import current_language, why_not
from service.login import load_session, needs, signed_in, web_session
from service.runtime import runtime, session
from service.uploads import build_theme, read_form_strategy
from store import (
    Actor,
    PreviewRecord,
    fail_preview,
    get_preview,
    list_strategies,
    preview_page,
)
from store import start_preview as store_preview

blueprint = Blueprint("previews", __name__)
# The pages' session lookup (service.web), which runs for that blueprint's views only.
blueprint.before_request(load_session)

# The reason stored when the queue refuses a preview: one of core.failures, as the
# workers' reasons are, worded for the page's language by `failure_reason`.
QUEUE_DOWN = failure("queue_down")


def state_labels() -> dict[str, str]:
    """Return each state of a preview as the panel says it ("Status: klar")."""
    return {
        "queued": _("venter på en ledig maskine"),
        "running": _("laves"),
        "done": _("klar"),
        "failed": _("mislykkedes"),
    }


def failure_reason(error: str | None) -> tuple[str, str]:
    """Return (why a preview failed, the language it is written in) for the page.

    Every reason of a known kind (core.failures) is said in the page's language; any
    other stored text is shown as it is, tagged English.
    """
    if error and read_failure(error) is not None:
        return failure_text(error), current_language()
    return error or "", "en"


def owner_of(actor: Actor) -> str:
    """Name who owns a preview: the person asking (in any of their browsers)."""
    return f"user:{actor.user_id}"


def start_preview(strategy: Strategy, actor: Actor, theme: str) -> str:
    """Queue a preview of a validated strategy in a theme for `actor`; return its id.

    It replaces the person's earlier preview.
    """
    data = strategy.to_data()
    content = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    rt = runtime()
    record = store_preview(session(), owner_of(actor), content, theme)
    # Heavy documents wait for the bulk lane's workers, as their builds do.
    if not rt.queue.enqueue_preview(record.id, lane=budget.lane(data)):
        fail_preview(session(), record.id, QUEUE_DOWN)
    return record.id


def _actor() -> Actor:
    active = web_session()
    assert active is not None  # the views are @signed_in  # noqa: S101
    return active.actor


def own_preview(preview_id: str) -> PreviewRecord:
    """Return the signed-in person's live preview (for previews/panel.html), or answer 404."""
    found = get_preview(session(), preview_id, owner_of(_actor()))
    if found is None:
        abort(404)
    return found


@blueprint.post("/previews")
@needs("editor")
@limits.drafts
def create() -> Any:
    """Preview the upload form's file or pasted text, without creating a version."""
    text = request.form.get("text", "")
    page: dict[str, Any] = {"strategies": list_strategies(session()), "text": text}
    try:
        theme = build_theme(request)
        strategy = read_form_strategy(request)
    except InvalidContent as exc:
        problems = describe_all(exc.problems, exc.data, current_language())
        page.update(problems=problems, problem_count=exc.total)
        return render_template("index.html", **page), 422
    except UdkastError as exc:
        return render_template("index.html", error=why_not(exc), **page), status_of(exc)
    preview_id = start_preview(strategy, _actor(), theme)
    return render_template("index.html", preview=own_preview(preview_id), **page)


@blueprint.get("/previews/<build_id:preview_id>")
@signed_in
def state(preview_id: str) -> Any:
    """Return a preview's state and its page images' URLs as JSON (for preview.js)."""
    answer = jsonify(preview_json(own_preview(preview_id)))
    answer.headers["Cache-Control"] = "no-store"  # each poll must see the database
    return answer


@blueprint.get("/previews/<build_id:preview_id>/view")
@signed_in
def view(preview_id: str) -> Any:
    """Show a preview on a page of its own (the "Opdater" link without JavaScript)."""
    return render_template("previews/page.html", preview=own_preview(preview_id))


@blueprint.get("/previews/<build_id:preview_id>/pages/<int:number>.png")
@signed_in
def page_image(preview_id: str, number: int) -> Response:
    """Send one page of a preview as PNG."""
    own_preview(preview_id)
    image = preview_page(session(), preview_id, number)
    if image is None:
        abort(404)
    response = Response(image.png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"  # a preview never changes
    return response


@blueprint.app_template_global("preview_json")
def preview_json(preview: PreviewRecord) -> dict[str, Any]:
    """Return what a page needs to show a preview: state, labels, pages with URLs and alt text."""
    ended = preview.state in ("done", "failed")
    error, error_language = failure_reason(preview.error)
    shown = len(preview.pages)
    count = preview.page_count or 0
    return {
        "id": preview.id,
        "state": preview.state,
        "state_label": state_labels()[preview.state],
        "ended": ended,
        "error": error,
        "error_language": error_language,
        "page_count": preview.page_count,
        "count_text": ngettext(
            "Viser %(shown)s af %(num)d side.",
            "Viser %(shown)s af %(num)d sider.",
            count,
            shown=shown,
        )
        if count
        else "",
        "pages": [
            {
                "number": number,
                "url": url_for("previews.page_image", preview_id=preview.id, number=number),
                "width": width,
                "height": height,
                "alt": page_alt(number),
            }
            for number, (width, height) in enumerate(preview.pages, start=1)
        ],
        "expires_at": preview.expires_at.isoformat(),
    }


def page_alt(number: int) -> str:
    """Return a page image's alt text."""
    return str(_("Side %(n)s af forhåndsvisningen", n=number))
