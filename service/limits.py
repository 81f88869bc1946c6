"""Rate limits: how many drafts one API token may post a minute, and sign-in attempts.

Counted by Flask-Limiter in Redis when REDIS_URL is set, so every web process and
machine shares one count; without Redis each web process counts for itself.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask import session as cookie
from flask_limiter import Limiter

from core.config import Settings
from core.store.tokens import token_hash
from service.api import bearer_secret

# The endpoints that store a draft: the API and the web form share one budget per token.
DRAFT_ENDPOINTS = ("api.submit", "web.upload")
SIGN_IN_ENDPOINT = "web.sign_in"


def install(app: Flask, settings: Settings) -> Limiter:
    """Limit draft posts per token and sign-in attempts per address on this app."""
    # Registered before the limiter's own hook, so it runs after it (Flask runs these in
    # reverse): Flask-Limiter sends Retry-After on every limited answer, and on a 202 a
    # client may read it as "poll again in a minute".
    app.after_request(_retry_after_only_when_refused)
    limiter = Limiter(
        key_func=_client_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        key_prefix="udkast-limits",
        headers_enabled=True,  # X-RateLimit-* on every limited answer, Retry-After on 429
        # A broker outage must not stop people from posting: count in memory meanwhile.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    drafts = limiter.shared_limit(
        f"{settings.drafts_per_minute} per minute",
        scope="drafts",
        key_func=_client_token,
        methods=["POST"],
        error_message=_refusal("drafts from this token", settings.drafts_per_minute),
    )
    sign_in = limiter.limit(
        f"{settings.sign_ins_per_minute} per minute",
        methods=["POST"],
        error_message=_refusal("sign-in attempts", settings.sign_ins_per_minute),
    )
    # The views are shared by every app the factory makes; each app wraps its own copy,
    # so each app's limits and counts stay its own.
    for endpoint in DRAFT_ENDPOINTS:
        _wrap(app, endpoint, drafts)
    _wrap(app, SIGN_IN_ENDPOINT, sign_in)
    return limiter


def _refusal(what: str, per_minute: int) -> str:
    return (
        f"Too many {what}: at most {per_minute} per 1 minute. Try again after Retry-After seconds."
    )


def _wrap(app: Flask, endpoint: str, limit: Any) -> None:
    view: Any = app.view_functions[endpoint]
    app.view_functions[endpoint] = limit(view)


def _client_token() -> str:
    """Name who is posting: the token of the request or of the signed-in browser."""
    secret = bearer_secret()
    if secret:
        return "token:" + token_hash(secret)
    held = cookie.get("token")
    if isinstance(held, str):
        return "token:" + held  # the same hash, so browser and API share the budget
    return _client_address()


def _client_address() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _retry_after_only_when_refused(response: Response) -> Response:
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response
