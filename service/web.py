"""The pages: sign in with a token, upload a draft, follow its build, browse the history."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    session as cookie,
)

from core.content import load
from core.naming import artifact_name
from core.problems import InvalidContent, UdkastError
from core.store import (
    NotFound,
    build_status,
    check_token,
    get_draft,
    list_drafts,
    list_strategies,
    submit_draft,
)
from core.store.tokens import token_hash
from core.store.web_sessions import session_token_state
from service.downloads import send_artifact
from service.routing import VERSION
from service.runtime import runtime, session
from service.uploads import read_strategy

blueprint = Blueprint("web", __name__, template_folder="templates", static_folder="static")

blueprint.add_app_template_global(artifact_name)

# Build and draft states as the pages show them (the API keeps the English codes).
STATE_LABELS = {"queued": "i kø", "running": "bygges", "done": "færdig", "failed": "fejlede"}
STATUS_LABELS = {"draft": "udkast", "consultation": "i høring", "final": "endelig"}


@blueprint.app_template_filter("state_label")
def _state_label(state: str | None) -> str:
    return STATE_LABELS.get(state or "", state or "")


@blueprint.app_template_filter("status_label")
def _status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "")


_LOCAL_PATH = re.compile(r"/[!-\[\]-~]*")  # printable ASCII, no space or backslash
P = ParamSpec("P")
R = TypeVar("R")


def signed_in(view: Callable[P, R]) -> Callable[P, R | Any]:
    """Send visitors without a live signed-in session to the sign-in page."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Any:
        if not _session_holds():
            # Only the sign-in is dropped: a CSRF token in the session stays valid for a
            # sign-in form already open in another tab.
            cookie.pop("token", None)
            cookie.pop("since", None)
            return redirect(url_for("web.sign_in", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def _session_holds() -> bool:
    """Say whether the session is younger than its lifetime and its token is not revoked."""
    held, since = cookie.get("token"), cookie.get("since")
    if not isinstance(held, str) or not isinstance(since, int | float):
        return False
    # The cookie's own expiry moves on with every request; this bounds the whole session.
    age = time.time() - since
    if not 0 <= age < current_app.permanent_session_lifetime.total_seconds():
        return False
    # Checked on every page, so revoking a token signs out its browsers at once.
    return session_token_state(session(), held) == "ok"


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """Sign in with an API token (`udkast token create NAME` prints one)."""
    error = None
    if request.method == "POST":
        token = request.form.get("token", "").strip()
        verdict = check_token(session(), token) if token else "unknown"
        if verdict == "ok":
            cookie.clear()
            # The token's stored hash, never the secret: the cookie is signed, not encrypted.
            cookie["token"] = token_hash(token)
            cookie["since"] = int(time.time())
            cookie.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            return redirect(_local_path(request.args.get("next", "")))
        error = (
            "Den nøgle kender vi ikke." if verdict == "unknown" else "Nøglen er trukket tilbage."
        )
    return render_template("sign_in.html", error=error), 401 if error else 200


def _local_path(target: str) -> str:
    r"""Return `target` if it is a plain path on this site, else "/".

    Never redirect to a host named in the link: browsers read `/\\host` as `//host`
    and drop tabs and line breaks from a URL, so only printable ASCII without a
    backslash is let through, and the path may not start with two slashes.
    """
    if _LOCAL_PATH.fullmatch(target) and not target.startswith("//"):
        return target
    return "/"


@blueprint.post("/sign-out")
def sign_out() -> Any:
    """Forget the signed-in session."""
    cookie.clear()
    return redirect(url_for("web.sign_in"))


@blueprint.get("/")
@signed_in
def index() -> Any:
    """Show every strategy and the upload form."""
    return render_template("index.html", strategies=list_strategies(session()))


@blueprint.post("/drafts")
@signed_in
def upload() -> Any:
    """Take a draft from the form (a file or pasted text) and show its build."""
    try:
        pasted = request.form.get("text", "")
        if pasted.strip() and not request.files.get("file"):
            limit = runtime().settings.max_content_length
            strategy = load(pasted.encode("utf-8"), "application/yaml", max_bytes=limit)
        else:
            strategy = read_strategy(request)
    except InvalidContent as exc:
        page = render_template(
            "index.html",
            strategies=list_strategies(session()),
            problems=exc.problems,
            problem_count=exc.total,
            text=request.form.get("text", ""),
        )
        return page, 422
    except UdkastError as exc:
        page = render_template(
            "index.html",
            strategies=list_strategies(session()),
            error=str(exc),
            text=request.form.get("text", ""),
        )
        return page, 400
    rt = runtime()
    result = submit_draft(session(), strategy, rt.settings.theme)
    if result.new_build:  # a new version, or a new build after the last one failed
        rt.queue.enqueue(result.build.id, [o.format for o in result.build.outputs])
    return redirect(url_for("web.build", build_id=result.build.id, same=int(not result.created)))


@blueprint.get("/builds/<build_id:build_id>")
@signed_in
def build(build_id: str) -> Any:
    """Show a build's progress; the page refreshes itself until the build ends."""
    status = build_status(session(), build_id)
    if status is None:
        raise NotFound(f"no build {build_id!r}")
    draft = get_draft(session(), status.slug, status.version)
    refresh = 2 if status.state in ("queued", "running") else None
    return render_template(
        "build.html",
        status=status,
        draft=draft,
        refresh=refresh,
        unchanged=request.args.get("same") == "1",
    )


@blueprint.get("/strategies/<slug:slug>")
@signed_in
def history(slug: str) -> Any:
    """Show every draft of a strategy, newest first."""
    drafts = list_drafts(session(), slug)
    if not drafts:
        raise NotFound(f"no strategy {slug!r}")
    return render_template("history.html", slug=slug, drafts=drafts)


@blueprint.get(f"/strategies/<slug:slug>/<{VERSION}:version>/<filename>")
@signed_in
def download(slug: str, version: int, filename: str) -> Response:
    """Send a rendered file to a signed-in person."""
    return send_artifact(session(), request, slug, version, filename)
