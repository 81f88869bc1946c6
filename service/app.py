"""The app factory: `create_app(settings)` builds the web UI and the HTTP API."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, g, jsonify, request
from flask_wtf.csrf import CSRFProtect
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from core.themes import THEMES_DIR
from service import (
    accounts,
    api,
    content_out,
    errors,
    hearings,
    help,
    i18n,
    limits,
    previews,
    privacy,
    publishing,
    routing,
    web,
)
from service.editor import blueprint as editor_blueprint
from service.failure_text import failure_text
from service.filenames import artifact_name, source_name
from service.local_time import local_time_filters
from service.public import CookielessPublicSessions
from service.public.views import blueprint as public_blueprint
from service.queue import BuildQueue
from service.runtime import EXTENSION, Runtime
from service.uploads import UploadRequest
from settings import Settings, load_settings
from store import make_engine, make_session_factory, migrate
from store.web_sessions import ABSOLUTE_LIFETIME
from templates.filters import FILTERS

csrf = CSRFProtect()

# How long a browser keeps the cookie. The session itself ends in the database (see
# store.web_sessions: 2 hours idle, 12 hours at most, or when signed out); the
# cookie's own expiry only tidies the browser.
SESSION_LIFETIME = ABSOLUTE_LIFETIME

# No inline script or style anywhere, so the policy can forbid both.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def create_app(settings: Settings | None = None, *, migrate_db: bool = True) -> Flask:
    """Create the Flask app for these settings (read from the environment by default)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.request_class = UploadRequest
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        MAX_FORM_MEMORY_SIZE=settings.max_content_length,
        MAX_FORM_PARTS=100,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        WTF_CSRF_TIME_LIMIT=3600,
        # Requests naming another host are refused (400) before any view builds a URL
        # from the Host header. None (the default) accepts any host.
        TRUSTED_HOSTS=list(settings.trusted_hosts) or None,
    )
    if proxies := settings.proxy_count:
        # Behind that many reverse proxies, the client's address, scheme and host are the
        # ones the proxies forward; the sign-in limit then counts per client, not per proxy.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    if migrate_db:
        migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    app.extensions[EXTENSION] = Runtime(
        settings=settings, sessions=make_session_factory(engine), queue=BuildQueue(settings)
    )
    app.jinja_loader = _page_loader(app)
    # The themes' filters, for the comparison macros the diff page includes (each escapes
    # every text it is given).
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["artifact_name"] = artifact_name  # the pages name files as downloads do
    app.jinja_env.globals["source_name"] = source_name
    app.jinja_env.filters["failure_text"] = failure_text  # why a file failed, in their language
    i18n.install(app)  # each request's language, and the switch between them
    # Times on the pages, in the configured zone and the page's language.
    app.jinja_env.filters.update(local_time_filters(settings.time_zone, i18n.current_language))
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented field order
    csrf.init_app(app)
    errors.register(app)
    app.register_error_handler(SecurityError, _untrusted_host)
    routing.install(app)  # before the blueprints: their routes name the converters
    app.register_blueprint(api.blueprint)
    csrf.exempt(api.blueprint)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(web.blueprint)
    app.register_blueprint(editor_blueprint)
    app.register_blueprint(previews.blueprint)
    app.register_blueprint(help.blueprint)
    app.register_blueprint(content_out.blueprint)
    app.register_blueprint(hearings.blueprint)
    app.register_blueprint(privacy.blueprint)
    app.register_blueprint(publishing.blueprint)  # the history page's publishing buttons
    # Read by anyone: no session, so no CSRF token; they set no cookie at all.
    app.session_interface = CookielessPublicSessions()
    app.register_blueprint(public_blueprint)
    csrf.exempt(public_blueprint)
    accounts.install(app)  # Flask-Login, and the account and admin pages
    limits.install(app, settings)  # the budgets the views marked with limits.* count against
    app.teardown_appcontext(_close_session)
    app.after_request(_security_headers)
    app.after_request(_relative_redirects)
    logging.getLogger("udkast").setLevel(logging.INFO)
    return app


def _page_loader(app: Flask) -> BaseLoader:
    """Load the pages' own templates, and the themes' under `themes/<theme>/…`.

    The diff page includes the theme's comparison macros instead of copying them.
    """
    own = app.jinja_loader
    assert own is not None  # Flask's loader of service/templates  # noqa: S101
    return ChoiceLoader([own, PrefixLoader({"themes": FileSystemLoader(THEMES_DIR)})])


def _untrusted_host(exc: SecurityError) -> Any:
    """Refuse a Host outside TRUSTED_HOSTS without a template: no URL can be built for it."""
    message = "This host name is not served here."
    if request.path.startswith("/api/"):
        return jsonify(error="bad_request", message=message), 400
    return message + "\n", 400, {"Content-Type": "text/plain; charset=utf-8"}


def _close_session(exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def _security_headers(response: Response) -> Response:
    headers: Any = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        # Pages show who is signed in and what they may read: a shared computer's cache
        # or the back button after signing out must not show them again.
        headers["Cache-Control"] = "no-store"
    return response


def _relative_redirects(response: Response) -> Response:
    """Make redirects to this site's own host relative (routing adds the Host header's).

    Werkzeug's slash redirect (`/strategies/x/` to `/strategies/x`) names the host the
    request's Host header gave, which a client or a poisoned cache may have chosen.
    """
    location = response.headers.get("Location")
    if location and 300 <= response.status_code < 400:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc == request.host:
            response.headers["Location"] = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return response
