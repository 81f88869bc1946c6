"""The guided editor's pages: start, fill in, add/move/remove parts, check, save.

Every button is a plain submit button: the server applies it to the posted form and
shows the form again (nothing is saved, nothing typed is lost), so the editor works
without JavaScript; static/editor.js only adds live counts, ids and previews.
"""

from __future__ import annotations

import json
import re
from typing import Any

from babel.numbers import get_group_symbol
from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from core import editing, plain_language, samples
from core.content import LIMITS, MAX_RICH, validate
from core.errors import InvalidContent, MalformedInput, Problem
from core.outputs import draft_outputs_for
from core.problem_text import describe
from core.richtext import RichTextError, parse
from service import limits
from service.drafts import post_draft
from service.editor.mapping import AFFECTS_ORDER, field_names, form_data
from service.hearings import carry_responses
from service.i18n import current_language
from service.login import load_session, needs, web_session
from service.previews import own_preview, start_preview
from service.routing import VERSION
from service.runtime import runtime, session
from service.uploads import build_theme, theme_of
from store import PreviewRecord, get_draft
from store.errors import OutdatedBase
from templates.filters import rich_html

blueprint = Blueprint("editor", __name__)
# The pages' session lookup (service.web) also runs before the editor's pages.
blueprint.before_request(load_session)


# The choices' labels are made per request, in the page's language (the values are the
# format's). Functions rather than lazy constants: `make translations` extracts `_` only.
def languages() -> dict[str, str]:
    """Return the document languages a strategy may be written in, named in the page's language."""
    return {"da": _("Dansk"), "en": _("Engelsk")}


def document_statuses() -> dict[str, str]:
    """Return where a strategy is in its process, for the document's status choice."""
    # The same words as the pages' status labels (service.web), said here so that the
    # editor's choice follows the page's language on its own.
    return {"draft": _("udkast"), "consultation": _("i høring"), "final": _("endelig")}


def milestone_states() -> dict[str, str]:
    """Return the states of a milestone, for the timeline's choice."""
    return {"planned": _("planlagt"), "done": _("gennemført"), "cancelled": _("aflyst")}


def input_statuses() -> dict[str, str]:
    """Return what was done with a consultation input, for its choice."""
    return {
        "pending": _("afventer"),
        "incorporated": _("indarbejdet"),
        "partly": _("delvist indarbejdet"),
        "declined": _("ikke indarbejdet"),
    }


def targets(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (id, name) of every part a consultation input may concern, named for the page."""
    # core.editing words them in Danish ("Vision 2: Det hele liv"); its order, ids and
    # shortened titles stay, and each name is said again as the part's legend says it.
    named = []
    for key, label in editing.targets(data):
        part = _TARGET.match(label)
        if part is None:
            named.append((key, _whole_part(label)))
            continue
        word, n, title = part["word"], int(part["n"]), part["title"]
        if word == "Vision":
            shown = (
                _("Vision %(n)s: %(title)s", n=n, title=title) if title else _("Vision %(n)s", n=n)
            )
        elif word == "Afsnit":
            shown = (
                _("Afsnit %(n)s: %(title)s", n=n, title=title) if title else _("Afsnit %(n)s", n=n)
            )
        elif title:
            shown = _("Tegn på succes %(n)s: %(title)s", n=n, title=title)
        else:
            shown = _("Tegn på succes %(n)s", n=n)
        named.append((key, shown))
    return named


_TARGET = re.compile(
    r"^(?P<word>Vision|Tegn på succes|Afsnit) (?P<n>\d+)(?:: (?P<title>.*))?$", re.S
)


def _whole_part(label: str) -> str:
    wholes = {
        "Forord": _("Forord"),
        "Tegn på succes (alle)": _("Tegn på succes (alle)"),
        "Tidsplan": _("Tidsplan"),
        "Layout": _("Layout"),
    }
    return str(wholes.get(label, label))


@blueprint.get("/new")
@needs("editor")
def new() -> Any:
    """Open the editor on an empty strategy, or on the reference example (`?from=example`)."""
    start = request.args.get("from", "empty")
    if start not in ("empty", "example"):
        abort(404)
    data = samples.example_data() if start == "example" else editing.empty_strategy()
    return _page(data, base_slug="", base_version=0)


@blueprint.get(f"/strategies/<slug:slug>/<{VERSION}:version>/edit")
@needs("editor")
def edit(slug: str, version: int) -> Any:
    """Open the editor filled with a stored version's content: the next draft starts here."""
    found = get_draft(session(), slug, version)
    if found is None:
        abort(404)
    data = json.loads(found.content)
    # Hearing responses not yet in the content come in as input awaiting an answer.
    added, left_out = carry_responses(slug, data)
    note = ""
    if added:
        note = ngettext(
            "%(num)d høringssvar er lagt ind som input, der venter på dit svar.",
            "%(num)d høringssvar er lagt ind som input, der venter på dit svar.",
            added,
        )
    if left_out:
        note += " " + ngettext(
            "%(num)d høringssvar var der ikke plads til (højst 300 input).",
            "%(num)d høringssvar var der ikke plads til (højst 300 input).",
            left_out,
        )
    # The next draft is built in the design this one was, unless the editor chooses another.
    theme = theme_of(found)
    return _page(data, base_slug=slug, base_version=version, note=note.strip(), theme=theme)


@blueprint.post("/editor")
@needs("editor")
def act() -> Any:
    """Apply one button of the form (add, remove, move, check) and show the form again."""
    data, base_slug, base_version = _posted()
    action = str(request.form.get("action", "check"))
    if action == "check":
        try:
            validate(data)
        except InvalidContent as exc:
            return _page(data, base_slug, base_version, problems=exc.problems, status=422)
        note = _("Ingen fejl: udkastet kan gemmes.")
        return _page(data, base_slug, base_version, note=note, focus="readability")
    try:
        result = editing.apply_action(data, action)
    except editing.UnknownAction as exc:
        raise MalformedInput(str(exc)) from None
    # The one note core.editing gives (in Danish) is a list at its limit: worded here.
    note = _("Der kan højst være %(n)s.", n=_limit_of(action)) if result.note else ""
    return _page(data, base_slug, base_version, focus=result.focus, note=note)


def _limit_of(action: str) -> str:
    """Return the longest a list may be, for an `…-add` action, written the page's way."""
    kind = action.removesuffix("-add").rsplit("-", 1)[-1]
    return str(format_number(LIMITS[kind])) if kind in LIMITS else "?"


@blueprint.post("/editor/save")
@needs("editor")
@limits.drafts
def save() -> Any:
    """Validate the form and store it as the next version, then show its build."""
    data, base_slug, base_version = _posted()
    try:
        strategy = validate(data)
    except InvalidContent as exc:
        return _page(data, base_slug, base_version, problems=exc.problems, status=422)
    slug = strategy.document.slug
    base = base_version if slug == base_slug else 0
    if request.form.get("action") == "save-anyway":
        base = _number(request.form.get("seen_version"), base)
    rt = runtime()
    active = web_session()
    try:
        result = post_draft(
            strategy,
            build_theme(request),
            draft_outputs_for(rt.settings.pdf),  # the editor asks for the server's default PDF
            posted_by=active.actor if active else None,
            base_version=base,
        ).result
    except OutdatedBase as exc:
        return _page(data, base_slug, base_version, conflict=exc, status=409)
    return redirect(url_for("web.build", build_id=result.build.id, same=int(not result.created)))


@blueprint.post("/editor/pdf")
@needs("editor")
@limits.drafts
def pdf_preview() -> Any:
    """Check the form and show the first pages of its PDF, rendered by a worker; save nothing."""
    data, base_slug, base_version = _posted()
    try:
        strategy = validate(data)
    except InvalidContent as exc:
        return _page(data, base_slug, base_version, problems=exc.problems, status=422)
    active = web_session()
    assert active is not None  # the view needs an editor  # noqa: S101
    preview_id = start_preview(strategy, active.actor, build_theme(request))
    return _page(data, base_slug, base_version, preview=own_preview(preview_id), focus="preview")


@blueprint.post("/editor/preview")
@needs("editor")
def preview() -> Any:
    """Return rich text as the documents show it (the renderers' parser), for the page's script."""
    body = request.get_json(silent=True)
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        return jsonify(error=_('Send teksten som JSON: {"text": …}')), 400
    if len(text) > MAX_RICH:
        return jsonify(error=_too_long()), 413
    html, error = rich_preview(text)
    return jsonify(html=str(html), error=error)


def rich_preview(text: str) -> tuple[Markup, str]:
    """Return (HTML, "") of rich text, or ("", the problem in the page's language)."""
    if len(text) > MAX_RICH:
        return Markup(""), _too_long()
    try:
        return rich_html(parse(text)), ""
    except RichTextError as exc:
        problem = Problem("", str(exc), code=exc.code, args=exc.values)
        what = describe(problem, None, current_language()).what
        return Markup(""), _("Teksten %(what)s", what=what)


def _too_long() -> str:
    return str(_("Teksten er for lang: højst %(max)s tegn.", max=format_number(MAX_RICH)))


def _posted() -> tuple[dict[str, Any], str, int]:
    """Return the posted form as content (empty ids proposed) and the version it is based on."""
    data = form_data(request.form)
    editing.fill_ids(data)
    return data, *_base()


def _base() -> tuple[str, int]:
    return str(request.form.get("base_slug", "")), _number(request.form.get("base_version"), 0)


def _number(value: Any, default: int) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else default


def _page(
    data: dict[str, Any],
    base_slug: str,
    base_version: int,
    *,
    problems: list[Problem] | None = None,
    focus: str = "",
    note: str = "",
    conflict: OutdatedBase | None = None,
    preview: PreviewRecord | None = None,
    status: int = 200,
    theme: str | None = None,
) -> Any:
    """Show the editor for this data, with its problems next to their fields."""
    shown = field_names(data)
    summary: list[tuple[str, str]] = []
    errors: dict[str, list[str]] = {}
    for problem in problems or []:
        text = describe(problem, data, current_language())
        anchor = editing.anchor_for(problem.path, shown)
        summary.append((text.sentence, anchor))
        near = f"{text.field} {text.what}" if text.field else text.what
        errors.setdefault(anchor or "document", []).append(near[:1].upper() + near[1:])
    page = render_template(
        "editor/edit.html",
        theme_default=theme or runtime().settings.theme,
        readability=None if problems else _readability(data, shown),
        d=data,
        base_slug=base_slug,
        base_version=base_version,
        summary=summary,
        errors=errors,
        focus="error-summary" if summary else focus,
        note=note,
        conflict=conflict,
        preview=preview,
        languages=languages(),
        statuses=document_statuses(),
        states=milestone_states(),
        input_statuses=input_statuses(),
        targets=targets(data),
        guided=editing.GUIDED,
        word_count=editing.word_count,
        rich_preview=rich_preview,
        number=format_number,
        number_group=get_group_symbol(current_language()),
        limits=LIMITS,
        affects_order=AFFECTS_ORDER,
        pending=_pending_by_part(data),
    )
    return page, status


def _readability(data: dict[str, Any], shown: set[str]) -> dict[str, Any] | None:
    """Return the plain-language feedback on the form, each warning with the field it names.

    None while the form has problems: what is not valid yet is not measured.
    """
    try:
        strategy = validate(data)
    except InvalidContent:
        return None
    found = plain_language.report(strategy, current_language())
    for warning in found["warnings"]:
        warning["anchor"] = editing.anchor_for(warning["path"], shown) or "readability"
    for part in found["parts"]:
        part["anchor"] = editing.anchor_for(part["path"], shown) or "readability"
    return found


def _pending_by_part(data: dict[str, Any]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Return the inputs still awaiting a response, grouped by the part they concern.

    Each group is (the part's name, [(the input's place in the form, who sent it)]), in
    the document's order; an input naming no part is in a last group of its own.
    """
    inputs = data.get("consultation") if isinstance(data.get("consultation"), list) else []
    groups: dict[str, list[tuple[int, str]]] = {}
    for index, entry in enumerate(inputs or []):
        if not isinstance(entry, dict) or (entry.get("status") or "pending") != "pending":
            continue
        affects = entry.get("affects") if isinstance(entry.get("affects"), list) else []
        for key in affects or [""]:
            groups.setdefault(str(key), []).append((index, str(entry.get("from") or "?")))
    names = dict(targets(data))
    ordered = [(names[key], groups[key]) for key in names if key in groups]
    ordered += [(key, items) for key, items in groups.items() if key and key not in names]
    if "" in groups:
        ordered.append((_("Ingen del valgt"), groups[""]))
    return ordered
