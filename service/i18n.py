"""The interface's language: Danish or English, per request.

Pages speak the language the reader chose with the switch in the page header (kept in a
cookie), else the one their browser prefers, else Danish: the people udkast is made for
read Danish. The API speaks what `Accept-Language` asks for, else English, so a client's
messages do not change under it.

The pages are written in Danish; `translations/en` is their one catalogue (Flask-Babel,
gettext). `make translations` extracts new texts into it and compiles it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, redirect, request, url_for
from flask_babel import Babel, get_locale

from core.errors import Problem, UdkastError
from core.problem_text import describe
from service.paths import local_path
from service.public import is_public_request

LANGUAGES = ("da", "en")
PAGE_DEFAULT = "da"
API_DEFAULT = "en"
COOKIE = "udkast_language"
QUERY = "lang"  # a public page's language, in its address (public pages keep no cookie)
COOKIE_LIFETIME = 365 * 24 * 3600  # a preference, not a secret: kept for a year
# Each language names itself, so a reader who cannot read the page finds their own.
NAMES = {"da": "Dansk", "en": "English"}
BACK_LENGTH = 300  # characters of an address the switch returns to

blueprint = Blueprint("language", __name__)


def install(app: Flask) -> None:
    """Choose each request's language and offer the switch between them."""
    Babel(app, default_locale=PAGE_DEFAULT, locale_selector=_chosen_language)
    app.register_blueprint(blueprint)
    app.jinja_env.globals["ui_language"] = current_language
    app.jinja_env.globals["other_languages"] = _other_languages


def current_language() -> str:
    """Return the language of this request: "da" or "en"."""
    return str(get_locale() or PAGE_DEFAULT)


def _chosen_language() -> str:
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES, default=API_DEFAULT) or API_DEFAULT
    # A public page keeps no cookie: its language is asked for in its address.
    chosen = request.args.get(QUERY) if is_public_request() else request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES, default=PAGE_DEFAULT) or PAGE_DEFAULT


def _other_languages() -> list[tuple[str, str, str]]:
    """Return (code, own name, switch URL) of each language the page is not in."""
    here = current_language()
    if is_public_request():  # the same page in the other language, by its address
        return [(code, NAMES[code], _public_page_in(code)) for code in LANGUAGES if code != here]
    back = _this_page()
    return [
        (code, NAMES[code], url_for("language.switch", code=code, next=back))
        for code in LANGUAGES
        if code != here
    ]


def _public_page_in(code: str) -> str:
    """Return this public page's address in another language (its query kept)."""
    values: dict[str, Any] = {k: v for k, v in request.args.items() if k != QUERY}
    values[QUERY] = code
    if request.endpoint is None or request.method != "GET":  # an error page, a form's answer
        return f"{request.path}?{urlencode(values)}" if len(request.path) <= BACK_LENGTH else "/"
    return url_for(request.endpoint, **(request.view_args or {}), **values)


def _this_page() -> str:
    """Return where the switch leads back to: this page, if a GET of a short address."""
    # A form's answer cannot be fetched again, and an address a reader could not have
    # meant (a 404 for a 10 KiB path) is not repeated in the page's links.
    path = request.full_path.removesuffix("?")
    if request.method != "GET" or len(path) > BACK_LENGTH:
        return request.path if len(request.path) <= BACK_LENGTH else "/"
    return path


@blueprint.get("/language/<any(da, en):code>")
def switch(code: str) -> Any:
    """Show the pages in this language from now on, and go back to the page the reader left."""
    response = redirect(local_path(request.args.get("next", "")))
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_LIFETIME,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def why_not(exc: UdkastError) -> str:
    """Say why an upload could not be read, in the page's language."""
    return coded_reason(exc, current_language()) or str(exc)


def coded_reason(exc: UdkastError, language: str) -> str | None:
    """Word a refusal that carries a code (core.problem_text) in `language`, else None."""
    # A YAML or JSON syntax error carries its code, line and column (core.loading), and so
    # does every refusal of a Word file (core.wordfile); the form's own refusals are
    # worded for the page where they are raised.
    problem: Problem | None = getattr(exc, "problem", None) if getattr(exc, "code", "") else None
    if problem is None:
        return None
    return describe(problem, None, language).sentence
