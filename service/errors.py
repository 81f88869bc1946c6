"""Every error the service can answer with, mapped to an HTTP status in one place.

API paths (`/api/...`) get JSON bodies `{"error": code, "message": text, ...}`; pages get
a short HTML page. A person should understand every message without reading code, in
the request's language (service.i18n: the page's, or the API's `Accept-Language`).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    MethodNotAllowed,
    RequestEntityTooLarge,
)

from core.errors import (
    InputTooLarge,
    InvalidContent,
    MalformedInput,
    UdkastError,
    UnsupportedMediaType,
)
from core.hearing import HearingClosed
from core.problem_text import describe
from service.i18n import coded_reason, current_language
from service.public import is_public_request
from store import NameTaken, NotFound, storage_full
from store.errors import OutdatedBase

log = logging.getLogger(__name__)


class Unauthorized(UdkastError):
    """No or an unknown API token."""


class Forbidden(UdkastError):
    """Not allowed: a revoked token, a deactivated user, or a role that may not (HTTP 403)."""


# (status, error code) for each domain error; the message is the exception's text.
_STATUS: dict[type[UdkastError], tuple[int, str]] = {
    MalformedInput: (400, "malformed"),
    Unauthorized: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    NotFound: (404, "not_found"),
    NameTaken: (409, "conflict"),
    HearingClosed: (410, "hearing_closed"),
    OutdatedBase: (409, "outdated_base"),
    InputTooLarge: (413, "too_large"),
    UnsupportedMediaType: (415, "unsupported_media_type"),
    InvalidContent: (422, "invalid_content"),
}
# A write that found no room: ENOSPC (disk full) or EDQUOT (the user's quota used up).
# A full disk is freed by a person, not in seconds: a client need not ask again at once.
_FULL_RETRY_AFTER = "60"


def register(app: Flask) -> None:
    """Install the error handlers on the app."""
    app.register_error_handler(UdkastError, _domain_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(CSRFError, _form_expired)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(OSError, _os_error)
    app.register_error_handler(Exception, _unexpected)


def status_of(exc: UdkastError) -> int:
    """Return the HTTP status a domain error is answered with."""
    return next((v[0] for k, v in _STATUS.items() if isinstance(exc, k)), 400)


def error_response(
    status: int, code: str, message: str, **extra: Any
) -> tuple[Response | str, int, dict[str, str]]:
    """Answer with JSON on API paths and a small HTML page elsewhere."""
    drain_body()
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="udkast"'
    if status == 503:
        headers["Retry-After"] = "5"
    if request.path.startswith("/api/"):
        return jsonify(error=code, message=message, **extra), status, headers
    # A public page's error keeps the public frame: nothing of an account, no cookie.
    page = "public/error.html" if is_public_request() else "error.html"
    html = render_template(page, status=status, message=message, **extra)
    return html, status, headers


def drain_body() -> None:
    """Read and drop what is left of the request body, up to twice the size limit.

    A client such as `requests` sends its whole body before it reads the answer; if the
    server answers early (401, 413, 415, ...) and closes with the body unread, the
    client gets a connection reset instead of the answer. A body a little too large
    still gets its 413 this way; a far larger one is not read, since that would cost
    more than the answer is worth.
    """
    budget = 2 * (request.max_content_length or 0)
    if (request.content_length or 0) > budget:
        return
    environ = request.environ
    try:
        # A server that ends the stream at the body's end (gunicorn always does; Werkzeug's
        # for chunked bodies) lets it be read past MAX_CONTENT_LENGTH; else Werkzeug's own.
        terminated = environ.get("wsgi.input_terminated")
        stream = environ["wsgi.input"] if terminated else request.stream
        while budget > 0:
            data = stream.read(min(64 * 1024, budget))
            if not data:
                break
            budget -= len(data)
    except (RequestEntityTooLarge, ClientDisconnected, OSError, ValueError):
        pass  # past the limit, or the client is gone: nothing more to read


def _domain_error(exc: UdkastError) -> Any:
    status, code = next((v for k, v in _STATUS.items() if isinstance(exc, k)), (400, "bad_request"))
    language = current_language()
    if isinstance(exc, InvalidContent):
        # English keeps the validator's wording, which clients know; other languages get
        # the problem worded for a person (counted from 1, the part named by its title).
        problems = [
            {
                "path": p.path,
                "message": p.message
                if language == "en"
                else describe(p, exc.data, language).sentence,
            }
            for p in exc.problems
        ]
        message = ngettext(
            "Dokumentet har %(num)d problem; intet blev gemt.",
            "Dokumentet har %(num)d problemer; intet blev gemt.",
            exc.total,
        )
        return error_response(status, code, message, problems=problems)
    if isinstance(exc, OutdatedBase):
        return _outdated_base(exc)
    reason = coded_reason(exc, language) if language != "en" else None
    if reason is not None:
        # A refusal with a code (a YAML syntax error with its line and column, a Word
        # file's refusal) worded for a person, in Danish; English keeps its own text.
        return error_response(status, code, reason)
    return error_response(status, code, str(exc))


def _outdated_base(exc: OutdatedBase) -> Any:
    """Answer a save based on an older version with both: the base and the latest."""
    from service.representations import draft_json  # only here: it builds API links

    latest = draft_json(exc.latest) if exc.latest is not None else None
    base = draft_json(exc.base) if exc.base is not None else {"version": exc.base_version}
    return error_response(409, "outdated_base", str(exc), base=base, latest=latest)


def _too_large(exc: RequestEntityTooLarge) -> Any:
    limit = request.max_content_length or 0
    if request.content_length is not None and request.content_length <= limit:
        # The body fits; the form parser refused it (MAX_FORM_PARTS, MAX_FORM_MEMORY_SIZE).
        parts = request.max_form_parts or 0
        field_kib = (request.max_form_memory_size or 0) // 1024
        message = _(
            "Formularen har mere end %(parts)d dele eller et tekstfelt på over %(kib)d KiB.",
            parts=parts,
            kib=field_kib,
        )
        return error_response(413, "too_large", message)
    message = _("Det sendte fylder mere end %(kib)d KiB.", kib=limit // 1024)
    return error_response(413, "too_large", message)


def _http_error(exc: HTTPException) -> Any:
    code = (exc.name or "error").lower().replace(" ", "_")
    status = exc.code or 500
    # Werkzeug's descriptions are English and technical: ours say what to do, in the
    # request's language. A description of our own (abort(…, description)) is kept.
    own = exc.description if exc.description != type(exc).description else None
    message = own or _http_message(status) or exc.description or exc.name or "error"
    body, status, headers = error_response(status, code, message)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))  # RFC 9110: a 405 names them
    return body, status, headers


def _http_message(status: int) -> str | None:
    """Return what an HTTP error means for a person, or None for a status we do not word."""
    messages = {
        400: _("Forespørgslen kunne ikke læses."),
        404: _("Der er ingen side eller fil på denne adresse."),
        405: _("Denne adresse tager ikke imod den slags forespørgsel."),
        429: _("For mange forespørgsler lige nu. Vent lidt, og prøv igen."),
    }
    return messages.get(status)


def _form_expired(exc: CSRFError) -> Any:
    # Flask-WTF's own text is English and technical; the person needs to know what to do.
    message = _(
        "Formularen er udløbet eller kom ikke fra denne side. Genindlæs siden, og prøv igen."
    )
    return error_response(400, "form_expired", message)


def _database_unavailable(exc: OperationalError) -> Any:
    if storage_full(exc):
        return _storage_full(exc)
    log.warning("database unavailable: %s", exc)
    message = _("Databasen svarer ikke lige nu. Prøv igen om lidt.")
    return error_response(503, "unavailable", message)


def _os_error(exc: OSError) -> Any:
    # A full disk elsewhere than in the database (a spooled upload, a file written).
    return _storage_full(exc) if storage_full(exc) else _unexpected(exc)


def _storage_full(exc: BaseException) -> Any:
    # Logged as an error: it lasts until someone frees space, and someone must be told.
    log.error("the server's storage is full on %s %s: %s", request.method, request.path, exc)
    message = _(
        "Serverens disk er fuld, så intet blev gemt. "
        "Prøv igen, når en administrator har gjort plads."
    )
    body, status, headers = error_response(503, "storage_full", message)
    headers["Retry-After"] = _FULL_RETRY_AFTER
    return body, status, headers


def _unexpected(exc: Exception) -> Any:
    log.exception("unexpected error on %s %s", request.method, request.path)
    message = _("Noget gik galt hos os. Fejlen er skrevet i loggen.")
    return error_response(500, "internal", message)
