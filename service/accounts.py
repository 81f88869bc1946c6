"""Accounts' pages: your own password, and the admin's users and API tokens.

Who is signed in, and what each role may, is service.login's.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user  # type: ignore[import-untyped]  # no type hints

from service import login
from service.login import forget_session, needs, role_label, sign_in_as, signed_in
from service.runtime import session
from store import (
    ROLES,
    AccountRefused,
    LastAdmin,
    NameTaken,
    NotFound,
    UserRecord,
    change_password,
    create_password_link,
    create_token,
    create_user,
    get_user,
    link_user,
    list_tokens,
    list_users,
    revoke_token,
    set_active,
    set_password_by_link,
    set_role,
)
from store.users import MAX_PASSWORD, MIN_PASSWORD, email_problem, password_problem

blueprint = Blueprint("accounts", __name__, template_folder="templates")


def password_problem_text(problem: str) -> str:
    """Say what is wrong with a new password (store.users' problem code), for the page."""
    # Worded per request, in the page's language (pybabel finds `_()` calls only).
    texts = {
        "too-short": _("Adgangskoden skal have mindst %(n)d tegn.", n=MIN_PASSWORD),
        "too-long": _("Adgangskoden må højst have %(n)d tegn.", n=MAX_PASSWORD),
        "mismatch": _("De to adgangskoder er ikke ens."),
    }
    return str(texts[problem])


def email_problem_text(problem: str) -> str:
    """Say what is wrong with an e-mail address (store.users' problem code), for the page."""
    texts = {
        "missing": _("Skriv en e-mailadresse."),
        "too-long": _("E-mailadressen er for lang."),
        "invalid": _("Det ligner ikke en e-mailadresse (navn@eksempel.dk)."),
    }
    return str(texts[problem])


def install(app: Flask) -> None:
    """Sign people in on this app (service.login) and add the account and admin pages."""
    login.install(app)
    app.register_blueprint(blueprint)


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
                errors["current"] = _("Den nuværende adgangskode er forkert.")
    status = 400 if errors else 200
    return render_template("accounts/account.html", errors=errors, changed=changed), status


# A set-password link carries its secret after "#" (/set-password/#SECRET): browsers never
# send that part, so no web server's or proxy's access log holds it, nor does a mail
# scanner that opens the link spend it. The page's script posts it from the address
# (without JavaScript, the person pastes the link); the secret then waits in this
# browser's signed session cookie, for the form to choose the password.
LINK_CODE = "set_password_code"
LINK_CODE_SECONDS = 30 * 60  # a link opened and left on a shared computer: open it anew


@blueprint.route("/set-password/", methods=["GET", "POST"])
def set_password() -> Any:
    """Open a set-password link, then choose your password and sign in."""
    if request.method == "POST" and "code" in request.form:
        return _open_link(_pasted_code(request.form["code"]))
    code = _opened_code()
    if not code:
        # No link opened in this browser lately: the script sends the one in the address.
        cookie.pop(LINK_CODE, None)
        return render_template("accounts/set_password.html", user=None, opening=True)
    user = link_user(session(), code)
    if user is None:
        return _dead_link()  # used meanwhile (in another browser), or expired
    errors: dict[str, str] = {}
    if request.method == "POST":
        new = request.form.get("new", "")
        errors = _new_password_errors(new, request.form.get("repeat", ""))
        if not errors:
            done = set_password_by_link(session(), code, new)
            if done is not None:
                sign_in_as(done)  # which also empties the cookie of the code
                return redirect(url_for("web.index"))
            return _dead_link()
    status = 400 if errors else 200
    return render_template("accounts/set_password.html", user=user, errors=errors), status


@blueprint.get("/set-password/<secret>")
def open_old_link(secret: str) -> Any:
    """Open a link of the earlier kind, with its secret in the path (it still works)."""
    # Links handed out before the secret moved behind "#", and any still printed so.
    return _open_link(secret)


def _open_link(code: str) -> Any:
    if not code or link_user(session(), code) is None:
        return _dead_link()
    cookie[LINK_CODE] = {"code": code, "at": int(time.time())}
    return redirect(url_for("accounts.set_password"), 303)  # the address holds no secret


def _opened_code() -> str:
    """Return the secret of the link opened in this browser lately, or ""."""
    kept = cookie.get(LINK_CODE)
    if not isinstance(kept, dict) or not isinstance(kept.get("code"), str):
        return ""
    if not isinstance(kept.get("at"), int) or time.time() - kept["at"] > LINK_CODE_SECONDS:
        return ""
    return str(kept["code"])


def _pasted_code(text: str) -> str:
    # The whole link may be pasted, of either kind, or just the part after "#".
    return text.strip().rsplit("#", 1)[-1].rsplit("/", 1)[-1].strip()


def _dead_link() -> Any:
    cookie.pop(LINK_CODE, None)
    return render_template("accounts/set_password.html", user=None), 404


def _new_password_errors(new: str, repeat: str) -> dict[str, str]:
    problem = password_problem(new)
    if problem is not None:
        return {"new": password_problem_text(problem)}
    if new != repeat:
        return {"repeat": password_problem_text("mismatch")}
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
        errors["email"] = email_problem_text(problem)
    if not form["name"]:
        errors["name"] = _("Skriv personens navn.")
    elif len(form["name"]) > 100:
        errors["name"] = _("Navnet må højst have %(n)d tegn.", n=100)
    if form["role"] not in ROLES:
        errors["role"] = _("Vælg en rolle.")
    if not errors:
        try:
            user = create_user(session(), form["email"], form["name"], form["role"])
        except NameTaken:
            errors["email"] = _("Der findes allerede en bruger med den e-mailadresse.")
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
        raise NotFound(_("Der er ingen bruger med nummer %(n)d.", n=user_id))
    action = request.form.get("action", "")
    try:
        if action == "role":
            changed = set_role(session(), user_id, request.form.get("role", ""))
            note = _("%(name)s er nu %(role)s.", name=changed.name, role=role_label(changed.role))
        elif action in ("deactivate", "reactivate"):
            changed = set_active(session(), user_id, action == "reactivate")
            if changed.active:
                note = _("%(name)s er genaktiveret.", name=changed.name)
            else:
                note = _("%(name)s er deaktiveret.", name=changed.name)
        elif action == "link" and not user.service:
            link = _link_url(create_password_link(session(), user_id))
            return _users_page(shown_link=(user, link))
        else:
            return _users_page(note=_("Den handling kender vi ikke."), status=400)
    except LastAdmin:
        note = _(
            "Der skal være mindst én aktiv administrator. Gør en anden til administrator først."
        )
        return _users_page(note=note, status=400)
    except AccountRefused:
        return _users_page(note=_("Vælg en af rollerne."), status=400)
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
    return url_for("accounts.set_password", _external=True) + "#" + secret


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
        errors["name"] = _("Giv nøglen et navn, fx det system der skal bruge den.")
    elif len(name) > 100:
        errors["name"] = _("Navnet må højst have %(n)d tegn.", n=100)
    if owner:
        found = get_user(session(), int(owner)) if owner.isdigit() else None
        if found is None or not found.active:
            errors["user"] = _("Vælg en aktiv bruger.")
        else:
            user_id = found.id
    if not errors:
        try:
            secret = create_token(session(), name, user_id)
        except NameTaken:
            errors["name"] = _("Der findes allerede en nøgle med det navn.")
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
        return _tokens_page(note=_("Den nøgle findes ikke."), status=404)
    return _tokens_page(note=_("Nøglen «%(name)s» er trukket tilbage.", name=name))


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
