"""What changed between two drafts, for the API's JSON (service.api) and the page (service.web).

Both serve the comparison the worker stored for the pair of contents (every build of
version 2 or later stores its own against the previous version). A pair not stored yet
is compared here only when both drafts together are small (REQUEST_WORDS and
REQUEST_CHARACTERS: under half a second even for the costliest text); a larger one is
handed to the workers and answered 503 with Retry-After until it is stored. So no
request spends longer on a diff than a small one takes, whatever the drafts hold.

The refusals are worded in the request's language: a page's reader's, or the one an API
client asks for (English by default, as the API has always answered).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from core import plain_language
from core.diff import compare
from core.errors import MalformedInput
from core.shortening import shortened
from service.comparison_queue import comparison_queue
from service.errors import error_response
from service.i18n import current_language
from service.routing import MAX_VERSION, shown
from service.runtime import session
from store import (
    DraftRecord,
    NotFound,
    draft_content,
    get_draft,
    save_comparison,
    stored_comparison,
)

log = logging.getLogger(__name__)

# A pair not stored yet is compared inside the request only below both bounds (the two
# drafts together, counted on their stored JSON). Validating and comparing that much
# takes under half a second even for the costliest text (measured: 0.15 s for 73,000
# characters of emphasised words); anything larger is the workers' (module docstring).
REQUEST_WORDS = 20_000
REQUEST_CHARACTERS = 200_000
RETRY_AFTER_SECONDS = 5


def drafts_to_compare(slug: str, version: int) -> tuple[DraftRecord, DraftRecord]:
    """Return the (old, new) drafts named by the URL and `?against=` (default: previous)."""
    raw = request.args.get("against")
    if raw is None:
        against = version - 1
    elif raw.isascii() and raw.isdigit() and raw.strip("0"):
        digits = raw.lstrip("0")
        if len(digits) > len(str(MAX_VERSION)):
            # No draft has such a version, and Python refuses to convert thousands of digits.
            raise NotFound(_no_version_to_compare(slug, shortened(digits, 60)))
        against = int(digits)
    else:
        raise MalformedInput(
            _("against skal være et versionsnummer (1, 2, …), ikke %(value)s", value=shown(raw))
        )
    new = get_draft(session(), slug, version)
    if new is None:
        raise NotFound(
            _("%(slug)s har ingen version %(version)d", slug=repr(slug), version=version)
        )
    if against < 1:
        raise NotFound(
            _(
                "version %(version)d af %(slug)s er den første: der er intet tidligere "
                "udkast; vælg et med ?against=N",
                version=version,
                slug=repr(slug),
            )
        )
    old = get_draft(session(), slug, against) if against <= MAX_VERSION else None
    if old is None:
        raise NotFound(_no_version_to_compare(slug, str(against)))
    return old, new


def _no_version_to_compare(slug: str, version: str) -> str:
    return str(
        _(
            "%(slug)s har ingen version %(version)s at sammenligne med",
            slug=repr(slug),
            version=version,
        )
    )


def within_request_budget(old: DraftRecord, new: DraftRecord) -> bool:
    """Tell whether two drafts are small enough to validate and compare inside a request."""
    characters = len(old.content) + len(new.content)
    # Counted on the stored JSON text, in linear time; the character bound covers what
    # splitting on spaces undercounts (items joined by commas count as one word).
    return characters <= REQUEST_CHARACTERS and (
        len(old.content.split()) + len(new.content.split()) <= REQUEST_WORDS
    )


def comparison_data(old: DraftRecord, new: DraftRecord) -> dict[str, Any] | None:
    """Return compare()'s JSON for two drafts: stored, or made here when small; else None.

    None means the workers were asked for it: the caller answers "not ready yet".
    """
    data = stored_comparison(session(), old.content_hash, new.content_hash)
    if data is not None:
        return data
    if not within_request_budget(old, new):
        comparison_queue().request(old.id, new.id)
        return None
    data = compare(draft_content(old), draft_content(new)).to_json()
    try:
        save_comparison(session(), old.content_hash, new.content_hash, data)
    except SQLAlchemyError:  # the answer is made; storing it only saves the next one work
        log.warning("could not store the diff of drafts %d and %d", old.id, new.id, exc_info=True)
    return data


def not_ready(old: DraftRecord, new: DraftRecord) -> Any:
    """Answer 503 with Retry-After: the diff is being prepared by the workers."""
    message = _(
        "Ændringerne fra version %(old)d til %(new)d bliver gjort klar; "
        "prøv igen om %(seconds)d sekunder",
        old=old.version,
        new=new.version,
        seconds=RETRY_AFTER_SECONDS,
    )
    body, status, headers = error_response(503, "diff_not_ready", message)
    headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if not request.path.startswith("/api/"):
        headers["Refresh"] = str(RETRY_AFTER_SECONDS)  # a browser reloads the page itself
    return body, status, headers


def plain_language_change(old: DraftRecord, new: DraftRecord) -> dict[str, Any] | None:
    """Return LIX per part before → after and the warnings gone and new, for the diff page.

    None for drafts too large to validate inside a request (REQUEST_WORDS): the page then
    shows the comparison without it rather than keep the reader waiting.
    """
    if not within_request_budget(old, new):
        return None
    return plain_language.change(draft_content(old), draft_content(new), current_language())
