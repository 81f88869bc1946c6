"""The app factory: `create_app(settings)` builds the web UI and the HTTP API."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Flask, Response, g
from flask_wtf.csrf import CSRFProtect

from core.config import Settings, load_settings
from core.store import make_engine, make_session_factory, migrate
from service import api, compare, errors, limits, routing, web  # noqa: F401  # compare adds routes
from service.queue import BuildQueue
from service.runtime import EXTENSION, Runtime

csrf = CSRFProtect()

# A signed-in browser must sign in again after this, however busy it has been, so a
# forgotten one does not stay signed in.
SESSION_LIFETIME = dt.timedelta(hours=12)

# No inline script or style anywhere, so the policy can forbid both.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def create_app(settings: Settings | None = None, *, migrate_db: bool = True) -> Flask:
    """Create the Flask app for these settings (read from the environment by default)."""
    settings = settings or load_settings()
    app = Flask(__name__)
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
    )
    if migrate_db:
        migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    app.extensions[EXTENSION] = Runtime(
        settings=settings, sessions=make_session_factory(engine), queue=BuildQueue(settings)
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented field order
    csrf.init_app(app)
    errors.register(app)
    routing.install(app)  # before the blueprints: their routes name the converters
    app.register_blueprint(api.blueprint)
    csrf.exempt(api.blueprint)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(web.blueprint)
    limits.install(app, settings)  # after the blueprints: it limits their views
    app.teardown_appcontext(_close_session)
    app.after_request(_security_headers)
    logging.getLogger("udkast").setLevel(logging.INFO)
    return app


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
    return response
