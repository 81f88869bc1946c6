"""Accounts: who is signed in (Flask-Login), roles, passwords, and the admin's users and tokens.

Flask-Login keeps only the server-side session's id in the cookie (as its user id); the
user loader looks that session up in the database on each request, so signing out,
a password change or a deactivated user ends it at once (store.web_sessions).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Blueprint, Flask, g, redirect, render_template, request, url_for
from flask import session as cookie
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
    ROLES,
    AccountRefused,
    ActiveSession,
    LastAdmin,
    NameTaken,
    NotFound,
    UserRecord,
    change_password,
    create_password_link,
    create_token,
    create_user,
    current_session,
    end_session,
    get_user,
    link_user,
    list_tokens,
    list_users,
    open_session,
    revoke_token,
    role_allows,
    set_active,
    set_password_by_link,
    set_role,
)
from store.tokens import Actor
from store.users import MAX_PASSWORD, MIN_PASSWORD, email_problem, password_problem

blueprint = Blueprint("accounts", __name__, template_folder="templates")
login_manager = LoginManager()
P = ParamSpec("P")
R = TypeVar("R")

ROLE_LABELS = {"reader": "læser", "editor": "redaktør", "admin": "administrator"}
# What each role may do, said where it is refused (a page names what the person lacks).
REFUSALS = {
    "editor": "Du kan se og hente strategier, men ikke gemme udkast. "
    "Spørg en administrator, hvis du skal kunne det.",
    "admin": "Kun administratorer kan styre brugere og API-nøgler.",
}
PASSWORD_PROBLEMS = {
    "too-short": f"Adgangskoden skal have mindst {MIN_PASSWORD} tegn.",
    "too-long": f"Adgangskoden må højst have {MAX_PASSWORD} tegn.",
    "mismatch": "De to adgangskoder er ikke ens.",
}
EMAIL_PROBLEMS = {
    "missing": "Skriv en e-mailadresse.",
    "too-long": "E-mailadressen er for lang.",
    "invalid": "Det ligner ikke en e-mailadresse (navn@eksempel.dk).",
}


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
    app.jinja_env.globals["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    app.register_blueprint(blueprint)


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
                raise Forbidden(REFUSALS.get(role, REFUSALS["admin"]))
            return view(*args, **kwargs)

        return wrapper

    return decorate


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


# --- your own password ---------------------------------------------------------------


@blueprint.route("/account", methods=["GET", "POST"])
@signed_in
def account() -> Any:
    """Show who you are signed in as, and change your password."""
    errors: dict[str, str] = {}
    changed = False
    if request.method == "POST":
        current = request.form.get("current", "")
        new = request.form.get("new", "")
        errors = _new_password_errors(new, request.form.get("repeat", ""))
        if not errors:
            if change_password(
                session(), current_user.actor.user_id, current, new, current_user.session_id
            ):
                changed = True
            else:
                errors["current"] = "Den nuværende adgangskode er forkert."
    status = 400 if errors else 200
    return render_template("accounts/account.html", errors=errors, changed=changed), status


@blueprint.route("/set-password/<secret>", methods=["GET", "POST"])
def set_password(secret: str) -> Any:
    """Set your password from the one-time link an admin gave you, and sign in."""
    user = link_user(session(), secret)
    if user is None:
        return render_template("accounts/set_password.html", user=None), 404
    errors: dict[str, str] = {}
    if request.method == "POST":
        new = request.form.get("new", "")
        errors = _new_password_errors(new, request.form.get("repeat", ""))
        if not errors:
            done = set_password_by_link(session(), secret, new)
            if done is not None:
                sign_in_as(done)
                return redirect(url_for("web.index"))
            return render_template("accounts/set_password.html", user=None), 404
    status = 400 if errors else 200
    return render_template("accounts/set_password.html", user=user, errors=errors), status


def _new_password_errors(new: str, repeat: str) -> dict[str, str]:
    problem = password_problem(new)
    if problem is not None:
        return {"new": PASSWORD_PROBLEMS[problem]}
    if new != repeat:
        return {"repeat": PASSWORD_PROBLEMS["mismatch"]}
    return {}


# --- users (admins) ------------------------------------------------------------------


@blueprint.get("/admin/users")
@needs("admin")
def users() -> Any:
    """List the users, with a form to add one."""
    return _users_page()


@blueprint.post("/admin/users")
@needs("admin")
def add_user() -> Any:
    """Add a user and show their one-time set-password link (once)."""
    form = {k: request.form.get(k, "").strip() for k in ("email", "name", "role")}
    errors: dict[str, str] = {}
    problem = email_problem(form["email"])
    if problem is not None:
        errors["email"] = EMAIL_PROBLEMS[problem]
    if not form["name"]:
        errors["name"] = "Skriv personens navn."
    elif len(form["name"]) > 100:
        errors["name"] = "Navnet må højst have 100 tegn."
    if form["role"] not in ROLES:
        errors["role"] = "Vælg en rolle."
    if not errors:
        try:
            user = create_user(session(), form["email"], form["name"], form["role"])
        except NameTaken:
            errors["email"] = "Der findes allerede en bruger med den e-mailadresse."
        else:
            link = _link_url(create_password_link(session(), user.id))
            return _users_page(shown_link=(user, link))
    return _users_page(errors=errors, form=form, status=400)


@blueprint.post("/admin/users/<int:user_id>")
@needs("admin")
def change_user(user_id: int) -> Any:
    """Change a user's role, deactivate or reactivate them, or make a new password link."""
    user = get_user(session(), user_id)
    if user is None:
        raise NotFound(f"Der er ingen bruger med nummer {user_id}.")
    action = request.form.get("action", "")
    try:
        if action == "role":
            changed = set_role(session(), user_id, request.form.get("role", ""))
            note = f"{changed.name} er nu {ROLE_LABELS[changed.role]}."
        elif action in ("deactivate", "reactivate"):
            changed = set_active(session(), user_id, action == "reactivate")
            note = f"{changed.name} er {'genaktiveret' if changed.active else 'deaktiveret'}."
        elif action == "link" and not user.service:
            link = _link_url(create_password_link(session(), user_id))
            return _users_page(shown_link=(user, link))
        else:
            return _users_page(note="Den handling kender vi ikke.", status=400)
    except LastAdmin:
        note = "Der skal være mindst én aktiv administrator. Gør en anden til administrator først."
        return _users_page(note=note, status=400)
    except AccountRefused:
        return _users_page(note="Vælg en af rollerne.", status=400)
    if action == "deactivate" and user_id == current_user.actor.user_id:
        forget_session()  # deactivated yourself: the session ended with it
        return redirect(url_for("web.sign_in"))
    return _users_page(note=note)


def _users_page(
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    shown_link: tuple[UserRecord, str] | None = None,
    note: str | None = None,
    status: int = 200,
) -> Any:
    page = render_template(
        "accounts/users.html",
        users=list_users(session()),
        roles=ROLES,
        errors=errors or {},
        form=form or {"role": "editor"},
        shown_link=shown_link,
        note=note,
    )
    return page, status


def _link_url(secret: str) -> str:
    return url_for("accounts.set_password", secret=secret, _external=True)


# --- API tokens (admins) ------------------------------------------------------------


@blueprint.get("/admin/tokens")
@needs("admin")
def tokens() -> Any:
    """List the API tokens, with a form to create one."""
    return _tokens_page()


@blueprint.post("/admin/tokens")
@needs("admin")
def add_token() -> Any:
    """Create an API token for a user (or a new service user) and show its secret once."""
    name = request.form.get("name", "").strip()
    owner = request.form.get("user", "")
    errors: dict[str, str] = {}
    user_id: int | None = None
    if not name:
        errors["name"] = "Giv nøglen et navn, fx det system der skal bruge den."
    elif len(name) > 100:
        errors["name"] = "Navnet må højst have 100 tegn."
    if owner:
        found = get_user(session(), int(owner)) if owner.isdigit() else None
        if found is None or not found.active:
            errors["user"] = "Vælg en aktiv bruger."
        else:
            user_id = found.id
    if not errors:
        try:
            secret = create_token(session(), name, user_id)
        except NameTaken:
            errors["name"] = "Der findes allerede en nøgle med det navn."
        else:
            return _tokens_page(shown_secret=(name, secret))
    return _tokens_page(errors=errors, form={"name": name, "user": owner}, status=400)


@blueprint.post("/admin/tokens/revoke")
@needs("admin")
def revoke() -> Any:
    """Revoke a token by name: the API refuses it from the next request."""
    name = request.form.get("name", "")
    try:
        revoke_token(session(), name)
    except NotFound:
        return _tokens_page(note="Den nøgle findes ikke.", status=404)
    return _tokens_page(note=f"Nøglen «{name}» er trukket tilbage.")


def _tokens_page(
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    shown_secret: tuple[str, str] | None = None,
    note: str | None = None,
    status: int = 200,
) -> Any:
    owners = [u for u in list_users(session()) if u.active]
    page = render_template(
        "accounts/tokens.html",
        tokens=list_tokens(session()),
        owners=owners,
        errors=errors or {},
        form=form or {},
        shown_secret=shown_secret,
        note=note,
    )
    return page, status
