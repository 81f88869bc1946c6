"""The HTTP API under /api/v1: JSON in and out, bearer tokens, errors via service.errors."""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, g, jsonify, request, url_for
from flask_babel import gettext as _

from core import plain_language
from core.content import Strategy
from core.errors import MalformedInput, UnsupportedMediaType
from core.hearing import part_keys
from core.outputs import Output, registered
from core.problem_text import describe
from core.schema import SCHEMA_PATH, strategy_components, strategy_schema
from core.themes import available_themes
from service import compare, hearings, limits
from service.content_out import content_file
from service.downloads import send_artifact
from service.drafts import post_draft
from service.errors import Forbidden, Unauthorized
from service.i18n import current_language
from service.public.hearing import form_values, opened, response_problems, take_response
from service.representations import (
    build_json,
    draft_json,
    hearing_json,
    public_links,
    response_json,
    strategy_json,
    summary_json,
)
from service.routing import VERSION, shown
from service.runtime import session
from service.uploads import (
    build_theme,
    pdf_outputs,
    read_strategy,
    upload_warnings,
    uploaded_word_file,
)
from store import (
    Actor,
    DraftRecord,
    NameTaken,
    NotFound,
    authenticate_token,
    build_status,
    draft_content,
    get_draft,
    has_public_page,
    hearing_of,
    latest_build,
    list_drafts,
    list_responses,
    list_strategies,
    same_content_as,
)

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
OPENAPI = Path(__file__).with_name("openapi.yaml")
# Read or posted by anyone: the document, the schema, and a response to a hearing (whose
# unguessable address is the permission).
PUBLIC = {"api.openapi", "api.content_schema", "api.hearing_response"}


def bearer_secret() -> str:
    """Return the request's bearer token ("" when it sends none)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


@blueprint.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC:
        return
    secret = bearer_secret()
    if not secret:
        raise Unauthorized(_("send en API-nøgle: Authorization: Bearer <nøgle>"))
    auth = authenticate_token(session(), secret)
    if auth.verdict == "revoked":
        raise Forbidden(_("API-nøglen er trukket tilbage"))
    if auth.verdict == "inactive":
        raise Forbidden(_("API-nøglens bruger er deaktiveret; spørg en administrator"))
    if auth.actor is None:
        raise Unauthorized(_("API-nøglen kendes ikke"))
    g.actor = auth.actor  # who is asking: recorded on drafts, and the rate limits' key


@blueprint.before_request
def _refuse_unknown_query_parameters() -> None:
    # A misspelt `?againts=1` would otherwise compare other versions than asked for,
    # without a word. What each call reads is what the OpenAPI document lists.
    rule = request.url_rule
    if rule is None or request.method == "OPTIONS" or not request.args:
        return
    method = "get" if request.method == "HEAD" else request.method.lower()
    reads = query_parameters().get((path_template(rule.rule), method), ())
    unknown = [name for name in request.args if name not in reads]
    if unknown:
        name = shown(unknown[0])
        if reads:
            raise MalformedInput(
                _(
                    "dette kald har ingen forespørgselsparameter %(name)s: det læser kun %(names)s",
                    name=name,
                    names=", ".join(reads),
                )
            )
        raise MalformedInput(
            _("dette kald har ingen forespørgselsparameter %(name)s: det læser ingen", name=name)
        )


def path_template(rule: str) -> str:
    """Return a Flask rule as the OpenAPI path it is documented under (`<slug:slug>` → `{slug}`)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


@functools.cache
def query_parameters() -> dict[tuple[str, str], tuple[str, ...]]:
    """Return the query parameters the OpenAPI document lists, by (path, method)."""
    reads: dict[tuple[str, str], tuple[str, ...]] = {}
    for path, item in _openapi_document()["paths"].items():
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            reads[(path, method)] = tuple(names)
    return reads


def current_actor() -> Actor:
    """Return who the request authenticated as (set before any API view runs)."""
    actor: Actor = g.actor
    return actor


@blueprint.post("/drafts")
@limits.drafts
def submit() -> Any:
    """Store a draft and queue a new build (or a failed build's retry); 200 if nothing is new."""
    if not current_actor().may("editor"):
        raise Forbidden(
            _(
                "denne API-nøgle tilhører en læser, som må læse og hente, men ikke sende "
                "udkast; bed en administrator om en redaktørs nøgle"
            )
        )
    strategy = read_strategy(request)
    posted = post_draft(
        strategy,
        build_theme(request),
        pdf_outputs(request),
        posted_by=current_actor(),
        base_version=_base_version(),
        source=uploaded_word_file(),
    )
    result = posted.result
    body = _draft_with_build(result.draft, result.build.id, strategy=strategy)
    # A new version may repeat an older one's content (not the latest's: that adds none).
    body["same_as_version"] = same_content_as(session(), result.draft)
    # What a Word file could not bring back (kept from the draft, or left out), worded.
    language = current_language()
    body["warnings"] = [
        {"code": p.code, "message": describe(p, None, language).sentence} for p in upload_warnings()
    ]
    if not result.new_build:
        return jsonify(body), 200
    body["build"]["queued"] = posted.queued
    location = url_for("api.draft", slug=strategy.document.slug, version=result.draft.version)
    return jsonify(body), 202, {"Location": location}


def _base_version() -> int | None:
    """Return the optional `base_version` (query parameter or form field), or None."""
    values = request.args.getlist("base_version")
    if request.mimetype == "multipart/form-data":
        values += request.form.getlist("base_version")
    if not values:
        return None
    if len(values) > 1:
        raise MalformedInput(_("send base_version én gang"))
    text = values[0].strip()
    if not re.fullmatch(r"\d{1,9}", text):
        raise MalformedInput(
            _(
                "base_version skal være et versionsnummer (0 for en ny strategi), ikke %(value)s",
                value=shown(text),
            )
        )
    return int(text)


@blueprint.get("/builds/<build_id:build_id>")
def build(build_id: str) -> Any:
    """Return a build's state, per-output states, timings and links."""
    status = build_status(session(), build_id)
    if status is None:
        raise NotFound(_("ingen bygning %(id)s", id=repr(build_id)))
    draft = get_draft(session(), status.slug, status.version)
    return jsonify(build_json(status, draft.label if draft else None))


@blueprint.get("/strategies")
def strategies() -> Any:
    """List every strategy with its latest version."""
    db = session()
    return jsonify(
        strategies=[
            strategy_json(s, public_page=has_public_page(db, s.slug)) for s in list_strategies(db)
        ]
    )


@blueprint.get("/strategies/<slug:slug>/drafts")
def drafts(slug: str) -> Any:
    """Return a strategy's history, newest first."""
    history = list_drafts(session(), slug)
    if not history:
        raise NotFound(_("ingen strategi %(slug)s", slug=repr(slug)))
    # The public page and its feed, once the strategy is public with a published version.
    links = public_links(slug) if has_public_page(session(), slug) else {}
    return jsonify(slug=slug, drafts=[summary_json(slug, d) for d in history], links=links)


@blueprint.get(f"/strategies/<slug:slug>/drafts/<{VERSION}:version>")
def draft(slug: str, version: int) -> Any:
    """Return one draft with its content and its latest build."""
    found = get_draft(session(), slug, version)
    if found is None:
        raise NotFound(
            _("%(slug)s har ingen version %(version)d", slug=repr(slug), version=version)
        )
    build = latest_build(session(), found.id)
    body = _draft_with_build(
        found, build.id if build else None, with_content=True, strategy=draft_content(found)
    )
    return jsonify(body)


@blueprint.get(f"/strategies/<slug:slug>/drafts/<{VERSION}:version>/content.yaml")
def content_yaml(slug: str, version: int) -> Response:
    """Send a draft's content as YAML, to edit and post again."""
    return content_file(slug, version, "yaml")


@blueprint.get(f"/strategies/<slug:slug>/drafts/<{VERSION}:version>/content.json")
def content_json(slug: str, version: int) -> Response:
    """Send a draft's content as JSON, to edit and post again."""
    return content_file(slug, version, "json")


@blueprint.get(f"/strategies/<slug:slug>/drafts/<{VERSION}:version>/<filename>")
def download(slug: str, version: int, filename: str) -> Response:
    """Send a rendered file of a draft, by its published name only."""
    return send_artifact(session(), request, slug, version, filename)


@blueprint.get("/openapi.json")
def openapi() -> Any:
    """Return the OpenAPI 3.1 description of this API."""
    return jsonify(_openapi_document())


@blueprint.get(SCHEMA_PATH.removeprefix(blueprint.url_prefix or ""))
def content_schema() -> Response:
    """Return the strategy/v1 JSON Schema, the one the OpenAPI document embeds."""
    response = jsonify(strategy_schema())
    response.mimetype = "application/schema+json"
    return response


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document as served: openapi.yaml plus the generated schemas."""
    return copy.deepcopy(_openapi_document())


def _openapi_document() -> dict[str, Any]:
    # Keyed by the registry as it is now: an output registered later is in the next answer.
    return _document_for(registered())


@functools.cache
def _document_for(outputs: tuple[Output, ...]) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    generated = strategy_components("#/components/schemas/{model}")
    clash = sorted(schemas.keys() & generated.keys())
    if clash:
        # A hand-written schema would silently replace (or be replaced by) the model's.
        raise RuntimeError(f"openapi.yaml defines schemas the content model generates: {clash}")
    schemas.update(generated)
    # The outputs are listed once, in core.outputs; openapi.yaml only describes them.
    schemas["OutputName"]["enum"] = [o.name for o in outputs]
    # The themes are the folders installed under templates/; openapi.yaml describes them.
    schemas["ThemeName"]["enum"] = available_themes()
    document["components"]["responses"]["File"]["content"] = {
        media_type: {"schema": {"type": "string", "format": "binary"}}
        for media_type in dict.fromkeys(o.media_type for o in outputs)
    }
    return document


def _draft_with_build(
    found: DraftRecord,
    build_id: str | None,
    *,
    with_content: bool = False,
    strategy: Strategy | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"draft": draft_json(found, with_content=with_content)}
    status = build_status(session(), build_id) if build_id else None
    body["build"] = build_json(status, found.label) if status else None
    if strategy is not None:
        body["plain_language"] = plain_language.report(strategy, current_language())
    return body


@blueprint.post("/validate")
def validate() -> Any:
    """Check a draft as POST /drafts would, and give its plain-language feedback; store nothing."""
    strategy = read_strategy(request)
    return jsonify(valid=True, plain_language=plain_language.report(strategy, current_language()))


@blueprint.get(f"/strategies/<slug:slug>/drafts/<{VERSION}:version>/diff")
def diff_json(slug: str, version: int) -> Any:
    """Return what changed from `?against=` (default: the previous version) to this draft."""
    old, new = compare.drafts_to_compare(slug, version)
    data = compare.comparison_data(old, new)
    if data is None:
        return compare.not_ready(old, new)
    links = {
        "self": url_for("api.diff_json", slug=slug, version=version, against=old.version),
        "html": url_for("web.diff_page", slug=slug, version=version, against=old.version),
    }
    body = {"old": draft_json(old), "new": draft_json(new), "links": links}
    return jsonify(body | data)


def open_hearing(slug: str, version: int) -> Any:
    """Open a hearing on a version in consultation (editor); 201 with its links."""
    actor = current_actor()
    if not actor.may("editor"):
        raise Forbidden(_("kun en redaktørs API-nøgle kan åbne en høring"))
    draft = get_draft(session(), slug, version)
    if draft is None:
        raise NotFound(
            _("%(slug)s har ingen version %(version)d", slug=repr(slug), version=version)
        )
    body = _json_object()
    values = {**hearings.proposed_values(draft)}
    for name in ("opens", "closes", "intro"):
        if body.get(name) is not None:
            values[name] = _text(body, name)
    if "public" in body:
        if not isinstance(body["public"], bool):
            raise MalformedInput(_("public skal være true eller false"))
        values["visibility"] = "public" if body["public"] else "link"
    if body.get("parts") is not None:
        values["parts"] = _part_list(body["parts"])
    if "max_responses" in body:
        most = body["max_responses"]
        if not isinstance(most, int) or isinstance(most, bool):
            raise MalformedInput(_("max_responses skal være et tal"))
        values["max_responses"] = str(most)
    if hearing_of(session(), slug, version) is not None:
        raise NameTaken(_("version %(version)d har allerede en høring", version=version))
    wrong = hearings.open_from(draft, values, actor)
    if wrong:
        raise MalformedInput("; ".join(f"{field}: {text}" for field, text in wrong.items()))
    opened = hearing_of(session(), slug, version)
    assert opened is not None  # noqa: S101 - opened just now
    location = url_for("api.hearing", slug=slug, version=version)
    body = hearing_json(opened, report=hearings.report_version(slug))
    return jsonify(hearing=body), 201, {"Location": location}


# One rule for both methods: with two, Werkzeug answers a version out of range with 405
# (the other method's rule) instead of 404.
@blueprint.route(
    f"/strategies/<slug:slug>/drafts/<{VERSION}:version>/hearing", methods=["GET", "POST"]
)
def hearing(slug: str, version: int) -> Any:
    """Return a version's hearing with its responses (e-mail addresses for admins only).

    POST opens one (see open_hearing).
    """
    if request.method == "POST":
        return open_hearing(slug, version)
    actor = current_actor()
    if not actor.may("editor"):
        raise Forbidden(_("kun redaktører kan læse høringssvarene"))
    found = hearing_of(session(), slug, version)
    if found is None:
        raise NotFound(
            _("version %(version)d af %(slug)s har ingen høring", version=version, slug=repr(slug))
        )
    responses = list_responses(session(), found.id)
    report = hearings.report_version(slug)
    return jsonify(hearing=hearing_json(found, responses, emails=actor.may("admin"), report=report))


@blueprint.post("/hearings/<string(length=43):key>/responses")
@limits.responses
def hearing_response(key: str) -> Any:
    """Take a response to an open hearing, from anyone (no token): JSON or a form; 201."""
    found = opened(key)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values = form_values(request.form)
    else:
        body = _json_object()
        values = {name: _text(body, name) for name in ("name", "organisation", "email", "text")}
        # The parts by the hearing page's keys, or by the ids of the content.
        values["parts"] = part_keys(found.parts, _part_list(body.get("parts") or []))
        values["consent"] = body.get("consent") is True
    wrong = response_problems(found, values)
    if wrong:
        raise MalformedInput("; ".join(f"{field}: {text}" for field, text in wrong.items()))
    saved = take_response(found, values)
    return jsonify(response=response_json(saved)), 201


def _json_object() -> dict[str, Any]:
    """Return the request's JSON object, or refuse a body that is not one."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(_("send JSON (Content-Type: application/json)"))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise MalformedInput(_("kroppen skal være et JSON-objekt"))
    return body


def _part_list(value: Any) -> list[str]:
    """Return a JSON list of part names, or refuse anything else."""
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise MalformedInput(_("parts skal være en liste af dele (nøgler som v-det-hele-liv)"))
    return value


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedInput(_("%(name)s skal være tekst", name=name))
    return value
