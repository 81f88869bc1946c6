"""Who is signed in: Flask-Login on the session table, and the role each view needs.

Flask-Login keeps only the server-side session's id in the cookie (as its user id); the
user loader looks that session up in the database on each request, so signing out,
a password change or a deactivated user ends it at once (store.web_sessions).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, g, redirect, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import (  # type: ignore[import-untyped]  # Flask-Login ships no type hints
    LoginManager,
    UserMixin,
    current_user,
    login_user,
    logout_user,
)

from service.errors import Forbidden
from service.runtime import session
from store import (
    ActiveSession,
    UserRecord,
    current_session,
    end_session,
    open_session,
    role_allows,
)
from store.tokens import Actor

login_manager = LoginManager()
P = ParamSpec("P")
R = TypeVar("R")


def role_label(role: str) -> str:
    """Return a role's name in the page's language ("redaktør", "editor")."""
    # Worded per request, not in a module constant: pybabel finds `_()` calls only.
    labels = {"reader": _("læser"), "editor": _("redaktør"), "admin": _("administrator")}
    return str(labels.get(role, role))


def refusal(role: str) -> str:
    """Say, in the page's language, what a person lacks who may not do what `role` may."""
    if role == "editor":
        worded = _(
            "Du kan se og hente strategier, men ikke gemme udkast. "
            "Spørg en administrator, hvis du skal kunne det."
        )
    else:
        worded = _("Kun administratorer kan styre brugere og API-nøgler.")
    return str(worded)


class SignedIn(UserMixin):  # type: ignore[misc]  # an untyped base (see the import)
    """The signed-in person of a request: Flask-Login's user, keyed by the session's id."""

    def __init__(self, session_id: str, active: ActiveSession) -> None:
        self.session_id = session_id
        self.web_session = active
        self.actor: Actor = active.actor
        self.name = active.actor.user_name
        self.email = active.email
        self.role = active.actor.role

    def get_id(self) -> str:
        """Return what Flask-Login keeps in the cookie: the session's id, never the user's."""
        return self.session_id

    def may(self, needed: str) -> bool:
        """Say whether this person's role may do what `needed` may."""
        return role_allows(self.role, needed)


class Visitor:
    """Nobody signed in: may nothing (Flask-Login's anonymous user)."""

    is_authenticated = False
    is_active = False
    is_anonymous = True
    name = email = role = None

    def get_id(self) -> None:
        """Return no id: a visitor has no session."""
        return None

    def may(self, needed: str) -> bool:
        """Say no: a visitor may nothing."""
        return False


def install(app: Flask) -> None:
    """Sign people in on this app with Flask-Login, on top of the session table."""
    login_manager.init_app(app)
    login_manager.anonymous_user = Visitor
    # The session is checked in the database on every request; Flask-Login's own
    # protection would only mark it stale when the address changes (phones do).
    login_manager.session_protection = None
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_forget_loaded_user)
    app.jinja_env.globals["role_label"] = role_label


def _forget_loaded_user() -> None:
    # Flask-Login caches the user on `g`, which lives as long as the app context; a
    # request that shares one (a test client's kept context) must still look it up anew.
    g.pop("_login_user", None)


def _load_user(session_id: str) -> SignedIn | None:
    found = current_session(session(), session_id) if session_id else None
    return SignedIn(session_id, found) if found is not None else None


def _unauthorized() -> Any:
    # Only the sign-in is dropped: a CSRF token in the cookie stays valid for a sign-in
    # form already open in another tab.
    logout_user()
    return redirect(url_for("web.sign_in", next=request.path))


def signed_in(view: Callable[P, R]) -> Callable[P, R | Any]:
    """Send visitors without a live signed-in session to the sign-in page."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def needs(role: str) -> Callable[[Callable[P, R]], Callable[P, R | Any]]:
    """Let only people whose role may what `role` may open the view (403 for the others)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R | Any]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.may(role):
                raise Forbidden(refusal(role))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def load_session() -> None:
    """Look the cookie's session up in the database before any page (and its limits) runs."""
    actor = current_actor()
    if actor is not None:
        g.actor = actor  # who posts from this browser, and the rate limits' key


def web_session() -> ActiveSession | None:
    """Return the signed-in session of this request, if there is one."""
    return current_user.web_session if current_user.is_authenticated else None


def current_actor() -> Actor | None:
    """Return who is signed in in this browser, or None."""
    return current_user.actor if current_user.is_authenticated else None


def sign_in_as(user: UserRecord) -> None:
    """Open a new session for `user` in this browser (ending the one it had, if any)."""
    forget_session()  # never two sessions in one browser, nor a fixed id
    session_id = open_session(session(), user.id)
    found = current_session(session(), session_id)
    assert found is not None  # noqa: S101 - opened just now
    login_user(SignedIn(session_id, found))
    cookie.permanent = True  # the browser drops it after PERMANENT_SESSION_LIFETIME
    g.actor = found.actor


def forget_session() -> None:
    """End this browser's session in the database (if any) and empty its cookie."""
    if current_user.is_authenticated:
        end_session(session(), current_user.session_id)
    logout_user()
    cookie.clear()
