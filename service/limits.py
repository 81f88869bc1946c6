"""Rate limits: how many drafts one user may post a minute, and failed sign-ins.

Drafts are counted by Flask-Limiter in Redis when REDIS_URL is set, so every web
process and machine shares one count; without Redis each web process counts for
itself. Failed sign-ins are counted in the database (store.sign_in_failures), so
that count is shared with or without Redis, per address and per account.

Addresses are what the WSGI server sees: behind a reverse proxy every client has the
proxy's address unless the app trusts its X-Forwarded-For (see service.app's ProxyFix).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, Response, current_app, g, request
from flask_babel import gettext as _
from flask_limiter import Limiter, RouteLimit

from service.runtime import runtime, session
from settings import Settings
from store import Actor, note_sign_in_failure, sign_in_refused
from store.sign_in_failures import SIGN_IN_WINDOW

P = ParamSpec("P")
R = TypeVar("R")

# The app's own limits live in its extensions, so every app the factory makes (one per
# test, one per web process) keeps its own limiter and counts.
_BUDGETS = "udkast.budgets"


@dataclass(frozen=True)
class _Budgets:
    drafts: RouteLimit
    responses: RouteLimit


def drafts(view: Callable[P, R]) -> Callable[P, R]:
    """Count each call of a view that stores or previews a draft against its user's budget."""
    # The API, the web form and the editor share one budget per user.
    return _counted(view, lambda budgets: budgets.drafts)


def responses(view: Callable[P, R]) -> Callable[P, R]:
    """Count each hearing response against its sender's address, over every hearing."""
    return _counted(view, lambda budgets: budgets.responses)


def _counted(view: Callable[P, R], budget: Callable[[_Budgets], RouteLimit]) -> Callable[P, R]:
    """Wrap a view so each call counts against a budget of the app that serves it."""

    @wraps(view)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        budgets: _Budgets = current_app.extensions[_BUDGETS]
        with budget(budgets):  # 429 (RateLimitExceeded) once the budget is spent
            return view(*args, **kwargs)

    return limited


def install(app: Flask, settings: Settings) -> Limiter:
    """Give this app its limiter and the budgets that views marked `drafts`/`responses` use."""
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
    app.extensions[_BUDGETS] = _Budgets(
        drafts=limiter.shared_limit(
            f"{settings.drafts_per_minute} per minute",
            scope="drafts",
            key_func=_client_token,
            methods=["POST"],
            error_message=_drafts_refusal(settings.drafts_per_minute),
        ),
        # Hearing responses come from anyone: counted per address.
        responses=limiter.shared_limit(
            f"{settings.responses_per_hour} per hour",
            scope="responses",
            key_func=_client_address,
            methods=["POST"],
            error_message=_responses_refusal,
        ),
    )
    return limiter


def _drafts_refusal(per_minute: int) -> Callable[[], str]:
    """Return what says, in the request's language, that a user posted too many drafts."""

    # Called per refusal (Flask-Limiter takes a callable), so it is worded for that request.
    def text() -> str:
        if request.path.startswith("/api/"):
            # A client reads the Retry-After header; a person on a page just waits a little.
            worded = _(
                "For mange udkast fra denne bruger: højst %(n)d pr. minut. "
                "Prøv igen efter Retry-After sekunder.",
                n=per_minute,
            )
        else:
            worded = _(
                "For mange udkast fra denne bruger: højst %(n)d pr. minut. Prøv igen om lidt.",
                n=per_minute,
            )
        return str(worded)

    return text


def _responses_refusal() -> str:
    """Say, in the page's language, that too many responses came from this address."""
    return str(
        _(
            "Der er sendt for mange høringssvar fra din adresse i den sidste time. "
            "Prøv igen senere, eller send dit svar med e-mail."
        )
    )


def _client_token() -> str:
    """Name who is posting: the user of the request's token or of the signed-in browser."""
    # Set by the API's authentication or the pages' session lookup, both of which run
    # before the view this limit wraps; a person's browser and tokens share one budget.
    actor: Actor | None = g.get("actor")
    if actor is not None:
        return f"user:{actor.user_id}"
    return _client_address()


def _client_address() -> str:
    return "address:" + client_address()


def client_address() -> str:
    """Return the address the request came from (the client's, behind a trusted proxy)."""
    return request.remote_addr or "unknown"


def refuse_sign_in(account: str | None) -> int | None:
    """Return seconds to wait if this address or account used up its failed sign-ins."""
    limit = runtime().settings.sign_ins_per_minute
    if sign_in_refused(session(), client_address(), account, limit):
        return int(SIGN_IN_WINDOW.total_seconds())
    return None


def note_failed_sign_in(account: str | None) -> None:
    """Count a refused sign-in against this address (and the account it named, if any)."""
    note_sign_in_failure(session(), client_address(), account)


def _retry_after_only_when_refused(response: Response) -> Response:
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response
