"""The pages: sign in, upload a draft, follow its build, browse the history."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.diff import comparison_view
from core.errors import InvalidContent, UdkastError
from core.labels import labels
from core.outputs import comparison_outputs, find_output
from core.problem_text import describe, describe_all
from core.themes import theme_choices
from service import compare, limits
from service.downloads import send_artifact
from service.drafts import post_draft
from service.errors import status_of
from service.failure_text import failure_text
from service.filenames import artifact_name
from service.i18n import current_language, why_not
from service.limits import note_failed_sign_in, refuse_sign_in
from service.login import (
    current_actor,
    forget_session,
    load_session,
    needs,
    sign_in_as,
    signed_in,
)
from service.paths import local_path
from service.routing import VERSION
from service.runtime import runtime, session
from service.uploads import (
    build_theme,
    pdf_outputs,
    read_form_strategy,
    theme_of,
    upload_warnings,
    uploaded_word_file,
)
from store import (
    BuildStatus,
    DraftRecord,
    NotFound,
    build_status,
    check_password,
    get_draft,
    hearings_of,
    latest_build,
    list_drafts,
    list_strategies,
    same_content_as,
)

blueprint = Blueprint("web", __name__, template_folder="templates", static_folder="static")

# Build and draft states as the pages show them, in the page's language (the API keeps
# the English codes). Lazy: each is worded when a page renders it.
STATE_LABELS = {
    "queued": _l("i kø"),
    "running": _l("bygges"),
    "done": _l("færdig"),
    "failed": _l("fejlede"),
}
STATUS_LABELS = {"draft": _l("udkast"), "consultation": _l("i høring"), "final": _l("endelig")}
# The cookie's key for the session id (Flask-Login's); the cookie holds nothing else
# about who is signed in.
SESSION_ID = "_user_id"


@blueprint.app_template_filter("state_label")
def _state_label(state: str | None) -> str:
    return str(STATE_LABELS.get(state or "", state or ""))


@blueprint.app_template_filter("status_label")
def _status_label(status: str | None) -> str:
    return str(STATUS_LABELS.get(status or "", status or ""))


@blueprint.app_template_filter("output_label")
def output_label(name: str) -> str:
    """Name an output as people do, in the pages' language: "PDF", "Word", "Ændringer (PDF)"."""
    known = labels(current_language()).get(f"output.{name}")
    if known is not None:
        return known
    # An output registered without a name in core.labels: say what kind of file it is.
    output = find_output(name)
    if output is None:
        return name.upper()
    extension = output.extension.upper()
    if output.kind == "comparison":
        return str(_("Ændringer %(extension)s", extension=extension))
    return extension


@blueprint.app_context_processor
def build_defaults() -> dict[str, Any]:
    """Give the forms what a build gets when they do not say (UDKAST_PDF, UDKAST_THEME)."""
    settings = runtime().settings
    return {"pdf_default": settings.pdf, "theme_default": settings.theme, "themes": theme_choices}


@blueprint.app_template_global("build_failure")
def build_failure(status: BuildStatus) -> str:
    """Say why a build failed, output by output, in the page's language ("" if it did not)."""
    return "; ".join(
        f"{output_label(name)}: {failure_text(out.error)}"
        for name, out in status.outputs.items()
        if out.state == "failed" and out.error
    )


@blueprint.app_template_global("draft_name")
def draft_name(label: str | None, version: int) -> str:
    """Name a draft for people: "Udkast 1 (version 1)", or "version 3" without a label."""
    if label:
        return str(_("%(label)s (version %(version)d)", label=label, version=version))
    return str(_("version %(version)d", version=version))


# The longest email a sign-in reads; longer ones are no account's (and not stored whole).
ACCOUNT_LENGTH = 100


blueprint.before_request(load_session)


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """Sign in with email and password (an admin's one-time link sets the password)."""
    error, status, headers = None, 200, {}
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        account = email.lower()[:ACCOUNT_LENGTH] or None
        # Checked before the password: a guesser must not learn a password right after
        # the limit, and the check's cost (argon2) is bounded per address and account.
        wait = refuse_sign_in(account)
        if wait is not None:
            error = _("For mange forkerte forsøg. Vent et minut, og prøv igen.")
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            check = check_password(session(), email, password)
            if check.user is not None:
                sign_in_as(check.user)
                return redirect(local_path(request.args.get("next", "")))
            note_failed_sign_in(account)
            error = (
                _("Din konto er deaktiveret. Spørg en administrator.")
                if check.verdict == "inactive"
                else _("Forkert e-mail eller adgangskode.")
            )
            status = 401
    return render_template("sign_in.html", error=error, email=email), status, headers


@blueprint.post("/sign-out")
def sign_out() -> Any:
    """End the session: in the database, so a copy of the cookie no longer signs in."""
    forget_session()
    return redirect(url_for("web.sign_in"))


@blueprint.get("/")
@signed_in
def index() -> Any:
    """Show every strategy and the upload form."""
    return render_template("index.html", strategies=list_strategies(session()))


@blueprint.post("/drafts")
@needs("editor")
@limits.drafts
def upload() -> Any:
    """Take a draft from the form (a file or pasted text) and show its build."""
    try:
        theme, outputs = build_theme(request), pdf_outputs(request)
        strategy = read_form_strategy(request)
    except InvalidContent as exc:
        page = render_template(
            "index.html",
            strategies=list_strategies(session()),
            problems=describe_all(exc.problems, exc.data, current_language()),
            problem_count=exc.total,
            text=request.form.get("text", ""),
        )
        return page, 422
    except UdkastError as exc:
        page = render_template(
            "index.html",
            strategies=list_strategies(session()),
            error=why_not(exc),
            text=request.form.get("text", ""),
        )
        return page, status_of(exc)
    result = post_draft(
        strategy, theme, outputs, posted_by=current_actor(), source=uploaded_word_file()
    ).result
    for problem in upload_warnings():  # what a Word file could not bring back
        flash(describe(problem, None, current_language()).sentence, "warning")
    return redirect(url_for("web.build", build_id=result.build.id, same=int(not result.created)))


def _same_as(draft: DraftRecord | None) -> DraftRecord | None:
    """Return the earlier draft whose content `draft` repeats (not the one before), or None."""
    if draft is None:
        return None
    version = same_content_as(session(), draft)
    return get_draft(session(), draft.slug, version) if version is not None else None


@blueprint.get("/builds/<build_id:build_id>")
@signed_in
def build(build_id: str) -> Any:
    """Show a build's progress; static/build.js follows it until it ends."""
    status, draft = _build_and_draft(build_id)
    return render_template(
        "build.html",
        status=status,
        draft=draft,
        following=status.state in ("queued", "running"),
        unchanged=request.args.get("same") == "1",
        same_as=_same_as(draft),
    )


def _build_and_draft(build_id: str) -> tuple[BuildStatus, DraftRecord | None]:
    """Return a build's status and its draft, or raise NotFound (a 404 page)."""
    status = build_status(session(), build_id)
    if status is None:
        raise NotFound(_("Bygningen «%(build)s» findes ikke.", build=build_id))
    return status, get_draft(session(), status.slug, status.version)


@blueprint.get("/builds/<build_id:build_id>/state")
@signed_in
def build_state(build_id: str) -> Any:
    """Return a build's states as JSON for its page's script, worded in the page's language."""
    status, draft = _build_and_draft(build_id)
    label = draft.label if draft else None
    outputs = []
    for name, out in status.outputs.items():  # already in the registry's listing order
        file_name = artifact_name(status.slug, status.version, label, name)
        done = out.state == "done"
        outputs.append(
            {
                "name": name,
                "label": output_label(name),
                "state": out.state,
                "state_label": _state_label(out.state),
                "attempts": out.attempts,
                "seconds": out.seconds,
                "error": failure_text(out.error) or None,
                "file": file_name if done else None,
                "url": url_for(
                    "web.download", slug=status.slug, version=status.version, filename=file_name
                )
                if done
                else None,
                "kib": round((out.size or 0) / 1024) if done else None,
            }
        )
    ended = status.state not in ("queued", "running")
    announcement = None  # what the page's script tells a screen reader when the build ends
    if ended:
        announcement = (
            _("Bygningen er færdig: filerne kan hentes.")
            if status.state == "done"
            else _("Bygningen fejlede.")
        )
    answer = jsonify(
        state=status.state,
        state_label=_state_label(status.state),
        ended=ended,
        announcement=announcement,
        seconds=status.seconds,
        error=build_failure(status) or None,
        outputs=outputs,
    )
    answer.headers["Cache-Control"] = "no-store"  # each poll must see the database
    return answer


@blueprint.get("/strategies/<slug:slug>")
@signed_in
def history(slug: str) -> Any:
    """Show every draft of a strategy, newest first."""
    drafts = list_drafts(session(), slug)
    if not drafts:
        raise NotFound(_("Strategien «%(slug)s» findes ikke.", slug=slug))
    hearings = {h.version for h in hearings_of(session(), slug)}
    return render_template("history.html", slug=slug, drafts=drafts, hearings=hearings)


@blueprint.get(f"/strategies/<slug:slug>/<{VERSION}:version>/<filename>")
@signed_in
def download(slug: str, version: int, filename: str) -> Response:
    """Send a rendered file to a signed-in person."""
    return send_artifact(session(), request, slug, version, filename)


@blueprint.get(f"/strategies/<slug:slug>/<{VERSION}:version>/diff")
@signed_in
def diff_page(slug: str, version: int) -> Any:
    """Show what changed: summary, part-by-part redline and the høringsnotat."""
    old, new = compare.drafts_to_compare(slug, version)
    data = compare.comparison_data(old, new)
    if data is None:
        return compare.not_ready(old, new)
    view = comparison_view(data)
    # The page's own words (headings, labels, badges) are in the reader's language; the
    # drafts' text, labels included, stays as written.
    chrome = labels(current_language())
    old_name = old.label or str(_("version %(version)d", version=old.version))
    new_name = new.label or str(_("version %(version)d", version=new.version))
    return render_template(
        "diff.html",
        slug=slug,
        old=old,
        new=new,
        choices=[
            (d.version, draft_name(d.label, d.version))
            for d in list_drafts(session(), slug)
            if d.version != new.version
        ],
        files=_comparison_files(old, new),
        theme=theme_of(new),
        c=view.data,
        L=chrome,
        lang=view.language,
        title=chrome["cmp.title"].format(old=old_name, new=new_name),
        anchored=view.anchored,
        inputs=view.inputs,
        moves=view.moves,
        pending=view.pending,
        # The theme's macros name the parts a value lists by title where the drafts are
        # at hand (the PDF); the page shows the stored ids.
        names={},
        plain=compare.plain_language_change(old, new),
    )


def _comparison_files(old: DraftRecord, new: DraftRecord) -> list[tuple[str, str]]:
    """Return (label, link) of the finished comparison files of this pair, if it has them.

    A build of version N renders what changed since version N-1 only, so another pair
    has none.
    """
    if old.version != new.version - 1:
        return []
    found = latest_build(session(), new.id)
    status = build_status(session(), found.id) if found is not None else None
    if status is None:
        return []
    slug = status.slug
    files = []
    for name in comparison_outputs():
        out = status.outputs.get(name)
        if out is not None and out.state == "done":
            file_name = artifact_name(slug, new.version, new.label, name)
            url = url_for("web.download", slug=slug, version=new.version, filename=file_name)
            files.append((output_label(name), url))
    return files
