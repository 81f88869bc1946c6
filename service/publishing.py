"""Publishing, by editors: a strategy's public page on or off, and which versions it shows.

The history page's buttons post to this blueprint (CSRF-protected forms); the API's PUT
calls, added to the API's blueprint here, do the same with an editor's token. What the
public then reads is service/public/strategy.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from core.errors import MalformedInput
from service import api
from service.errors import Forbidden
from service.login import load_session, needs
from service.representations import draft_json, public_links
from service.routing import VERSION
from service.runtime import session
from store import NotFound, get_draft, has_public_page, is_public, set_public, set_published

blueprint = Blueprint("publishing", __name__)
blueprint.before_request(load_session)


@blueprint.app_template_global("strategy_is_public")
def strategy_is_public(slug: str) -> bool:
    """Say whether the strategy has opted in to a public page (for the history page)."""
    return is_public(session(), slug)


@blueprint.post("/strategies/<slug:slug>/public")
@needs("editor")
def strategy_public(slug: str) -> Any:
    """Give the strategy a public page, or take it away, from the history page's button."""
    public = _form_choice("public")
    _known_strategy(slug)
    set_public(session(), slug, public)
    if public:
        flash(_("Strategien har nu en offentlig side. Den viser kun offentliggjorte versioner."))
    else:
        flash(_("Strategien har ikke længere en offentlig side."))
    return redirect(url_for("web.history", slug=slug))


@blueprint.post(f"/strategies/<slug:slug>/<{VERSION}:version>/published")
@needs("editor")
def version_published(slug: str, version: int) -> Any:
    """Mark a version as published, or internal again, from its row in the history."""
    published = _form_choice("published")
    _known_version(slug, version)
    set_published(session(), slug, version, published)
    if published:
        flash(_("Version %(version)d er offentliggjort.", version=version))
    else:
        flash(_("Version %(version)d er intern igen.", version=version))
    return redirect(url_for("web.history", slug=slug))


def _form_choice(name: str) -> bool:
    """Return a form's yes (1) or no (0) for `name`; MalformedInput for anything else."""
    value = request.form.get(name)
    if value not in ("0", "1"):
        raise MalformedInput(_("Formularen skal sende %(name)s som 1 eller 0.", name=name))
    return value == "1"


def _known_strategy(slug: str) -> None:
    """Raise NotFound, worded for the reader, unless the strategy exists (from version 1)."""
    if get_draft(session(), slug, 1) is None:
        raise NotFound(_("Strategien «%(slug)s» findes ikke.", slug=slug))


def _known_version(slug: str, version: int) -> None:
    """Raise NotFound, worded for the reader, unless the strategy has this version."""
    if get_draft(session(), slug, version) is None:
        raise NotFound(
            _("%(slug)s har ingen version %(version)d", slug=repr(slug), version=version)
        )


# --- the API: the same two choices, with an editor's token -----------------------------


@api.blueprint.route(
    "/strategies/<slug:slug>/public", methods=["GET", "PUT"], endpoint="strategy_public"
)
def api_strategy_public(slug: str) -> Any:
    """Say whether the strategy has a public page; PUT `{"public": true}` or false to choose."""
    _known_strategy(slug)
    if request.method == "PUT":
        _editor_token()
        set_public(session(), slug, _json_choice("public"))
    db = session()
    up = has_public_page(db, slug)
    return jsonify(slug=slug, public=is_public(db, slug), links=public_links(slug) if up else {})


# GET too: the address would otherwise be taken for a file named "published" (a 404).
@api.blueprint.route(
    f"/strategies/<slug:slug>/drafts/<{VERSION}:version>/published",
    methods=["GET", "PUT"],
    endpoint="version_published",
)
def api_version_published(slug: str, version: int) -> Any:
    """Return a version (`published_at`); PUT `{"published": true}` or false to choose."""
    _known_version(slug, version)
    if request.method == "PUT":
        _editor_token()
        set_published(session(), slug, version, _json_choice("published"))
    record = get_draft(session(), slug, version)
    assert record is not None  # noqa: S101 - checked above; versions are never deleted
    return jsonify(draft_json(record))


def _editor_token() -> None:
    if not api.current_actor().may("editor"):
        raise Forbidden(
            _(
                "denne API-nøgle tilhører en læser, som må læse og hente, men ikke "
                "offentliggøre; bed en administrator om en redaktørs nøgle"
            )
        )


def _json_choice(name: str) -> bool:
    """Return the JSON body's true or false for `name`; MalformedInput for anything else."""
    body = request.get_json(silent=True) if request.is_json else None
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, bool):
        raise MalformedInput(_('send JSON {"%(name)s": true} eller {"%(name)s": false}', name=name))
    return value
