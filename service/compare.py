"""What changed between two drafts: JSON on the API blueprint, a page on the web blueprint.

Routes are added to the existing blueprints, so the API's bearer-token check and the
pages' sign-in apply unchanged. service.app imports this module to register them.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request, url_for

from core.diff import Comparison, compare
from core.labels import labels
from core.markup import redline_html
from core.problems import MalformedInput
from core.store import NotFound, draft_content, get_draft, list_drafts
from core.store.models import Draft
from service.api import blueprint as api
from service.representations import draft_json
from service.routing import MAX_VERSION, VERSION, shortened, shown
from service.runtime import session
from service.web import blueprint as web
from service.web import signed_in


def drafts_to_compare(slug: str, version: int) -> tuple[Draft, Draft]:
    """Return the (old, new) drafts named by the URL and `?against=` (default: previous)."""
    raw = request.args.get("against")
    if raw is None:
        against = version - 1
    elif raw.isascii() and raw.isdigit() and raw.strip("0"):
        digits = raw.lstrip("0")
        if len(digits) > len(str(MAX_VERSION)):
            # No draft has such a version, and Python refuses to convert thousands of digits.
            raise NotFound(f"{slug!r} has no version {shortened(digits)} to compare with")
        against = int(digits)
    else:
        raise MalformedInput(f"against must be a version number (1, 2, …), not {shown(raw)}")
    new = get_draft(session(), slug, version)
    if new is None:
        raise NotFound(f"{slug!r} has no version {version}")
    if against < 1:
        raise NotFound(
            f"version {version} of {slug!r} is the first: there is no previous draft; "
            "name one with ?against=N"
        )
    old = get_draft(session(), slug, against) if against <= MAX_VERSION else None
    if old is None:
        raise NotFound(f"{slug!r} has no version {against} to compare with")
    return old, new


def comparison_of(slug: str, version: int) -> tuple[Draft, Draft, Comparison]:
    """Load both drafts and compare them."""
    old, new = drafts_to_compare(slug, version)
    return old, new, compare(draft_content(old), draft_content(new))


@api.get(f"/strategies/<slug:slug>/drafts/<{VERSION}:version>/diff")
def diff_json(slug: str, version: int) -> Any:
    """Return what changed from `?against=` (default: the previous version) to this draft."""
    old, new, comparison = comparison_of(slug, version)
    links = {
        "self": url_for("api.diff_json", slug=slug, version=version, against=old.version),
        "html": url_for("web.diff_page", slug=slug, version=version, against=old.version),
    }
    body = {"old": draft_json(old), "new": draft_json(new), "links": links}
    return jsonify(body | comparison.to_json())


@web.get(f"/strategies/<slug:slug>/<{VERSION}:version>/diff")
@signed_in
def diff_page(slug: str, version: int) -> Any:
    """Show what changed: summary, part-by-part redline and the høringsnotat."""
    old, new, comparison = comparison_of(slug, version)
    text = labels(comparison.language)
    data = comparison.to_json()
    return render_template(
        "diff.html",
        slug=slug,
        old=old,
        new=new,
        versions=[d.version for d in list_drafts(session(), slug)],
        c=data,
        L=text,
        lang=comparison.language,
        title=comparison.title(
            old.label or f"version {old.version}", new.label or f"version {new.version}"
        ),
        anchored=comparison.anchored(),
        inputs={
            e.id: (group.source, e)
            for group in comparison.consultation.groups
            for e in group.inputs
        },
    )


web.add_app_template_filter(redline_html, "redline")
