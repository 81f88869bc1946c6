"""A strategy's public page, its published files and its Atom feed, for anyone to read.

Only a public strategy (an editor opted in) with at least one published version has
them; anything else is the same 404 as an address that names nothing, so the page
never tells an internal strategy from none (and shows nothing before a version is
published: its title would come from an internal draft). Only published versions are
listed, downloadable or compared: "what changed and why" runs between consecutive
PUBLISHED versions, so an internal draft between them shows neither itself nor its
changes. Its Atom feed is service/public/feed.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from core.consultation import DONE
from core.content import Strategy
from core.labels import labels
from core.outputs import draft_outputs
from service import compare
from service.downloads import send_public_file
from service.filenames import artifact_name
from service.i18n import current_language
from service.local_time import local_today
from service.routing import VERSION
from service.runtime import runtime, session
from store import (
    DraftRecord,
    HearingRecord,
    NotFound,
    draft_content,
    hearings_of,
    list_drafts,
    published_drafts,
)


@dataclass(frozen=True)
class Milestone:
    """A milestone of the newest published version's timeline, as the page shows it."""

    date: dt.date
    event: str
    state: str
    is_next: bool  # the first planned one, in date order


@dataclass(frozen=True)
class PartNote:
    """A part that was added, removed, moved or changed, named by its title."""

    kind: str
    title: str
    what: str  # "flyttet fra plads 2 til 1, ændret", in the page's language


@dataclass(frozen=True)
class InputNote:
    """A consultation input that led to a change: who said it, the response, what changed."""

    source: str
    input: str
    response: str | None
    status_label: str  # in the document's language
    changed: tuple[str, ...]  # the titles of the parts it changed


@dataclass(frozen=True)
class Changes:
    """What changed from one published version to the next, and why, in plain words."""

    old: DraftRecord
    ready: bool  # False while the workers prepare a large comparison
    language: str  # the documents' language (titles, inputs, statuses as written)
    counts: tuple[str, ...] = ()  # "Visioner: 3 ændret, 1 flyttet"
    words_added: int = 0
    words_removed: int = 0
    parts: tuple[tuple[str, tuple[PartNote, ...]], ...] = ()  # by kind, in reading order
    inputs: tuple[InputNote, ...] = ()


@dataclass(frozen=True)
class PublishedVersion:
    """A published version on the page: its files and what changed since the one before."""

    draft: DraftRecord
    files: tuple[tuple[str, str], ...]  # (output, download URL), finished files only
    changes: Changes | None  # None for the first published version


@dataclass(frozen=True)
class PublicHearing:
    """A public hearing that is open or was held."""

    hearing: HearingRecord
    version_label: str | None
    is_open: bool
    ended: dt.date | None  # the last day it took responses, once it has closed
    url: str  # its page


def strategy(slug: str) -> Any:
    """Show a public strategy: its published versions, its timeline, what changed and why."""
    published = published_or_404(slug)
    newest = published[-1]
    content = draft_content(newest)
    done = {d.version: d.done_outputs for d in list_drafts(session(), slug)}
    versions = []
    for index, draft in enumerate(published):
        files = tuple(
            (output, _download_url(draft, output))
            for output in done.get(draft.version, ())
            if output in draft_outputs()
        )
        changes = _changes(published[index - 1], draft) if index else None
        versions.append(PublishedVersion(draft, files, changes))
    return render_template(
        "public/strategy.html",
        slug=slug,
        document=content.document,
        doc_lang=content.document.language,
        timeline=_timeline(content),
        versions=list(reversed(versions)),
        hearings=public_hearings(slug),
        feed_url=url_for("public.feed", slug=slug, lang=current_language()),  # i18n.QUERY
        L=labels(current_language()),
    )


def download(slug: str, version: int, filename: str) -> Response:
    """Send a published version's PDF or Word file; anything else is a 404."""
    if all(d.version != version for d in published_or_404(slug)):  # an internal version
        raise NotFound(_no_public_page())
    return send_public_file(session(), request, slug, version, filename)


def published_or_404(slug: str) -> list[DraftRecord]:
    """Return the published versions, oldest first; NotFound unless the page is up."""
    published = published_drafts(session(), slug)
    if not published:
        raise NotFound(_no_public_page())
    return published


def _no_public_page() -> str:
    return str(_("Der er ingen offentlig side eller fil på denne adresse."))


def _download_url(draft: DraftRecord, output: str) -> str:
    name = artifact_name(draft.slug, draft.version, draft.label, output)
    return url_for("public.download", slug=draft.slug, version=draft.version, filename=name)


def _timeline(content: Strategy) -> list[Milestone]:
    """Return the milestones in date order, the first planned one marked as the next."""
    ordered = sorted(content.timeline, key=lambda m: m.date)
    upcoming = next((m for m in ordered if m.state == "planned"), None)
    return [Milestone(m.date, m.event, m.state, m is upcoming) for m in ordered]


def public_hearings(slug: str) -> list[PublicHearing]:
    """Return the strategy's public hearings that have opened, the newest version's first."""
    today = local_today(runtime().settings.time_zone)
    labels_of = {d.version: d.label for d in list_drafts(session(), slug)}
    found = []
    for h in hearings_of(session(), slug):
        if not h.public or h.opens > today:  # a hearing by unguessable link stays unlisted
            continue
        closed_early = h.closed_at.date() if h.closed_at is not None else None
        ended = min(closed_early, h.closes) if closed_early else h.closes
        is_open = closed_early is None and today <= h.closes
        found.append(
            PublicHearing(
                hearing=h,
                version_label=labels_of.get(h.version),
                is_open=is_open,
                ended=None if is_open else ended,
                url=url_for("public.hearing", key=h.key),
            )
        )
    return found


def _changes(old: DraftRecord, new: DraftRecord) -> Changes:
    """Say what changed from one published version to the next, and which inputs led to it."""
    data = compare.comparison_data(old, new)
    if data is None:  # a large pair: the workers are preparing it
        return Changes(old=old, ready=False, language=new.language)
    words = labels(current_language())
    counts = []
    for kind, n in data["summary"]["counts"].items():
        said = [
            f"{n[what]} {words['cmp.' + what].lower()}"
            for what in ("added", "removed", "moved", "changed")
            if n[what]
        ]
        if said:
            counts.append(f"{words['cmp.kind.' + kind]}: {', '.join(said)}")
    parts: dict[str, list[PartNote]] = {}  # the inputs are told of below, with their reasons
    for p in data["parts"]:
        if p["kind"] != "consultation":
            note = PartNote(p["kind"], p["title"], _what_happened(p, words))
            parts.setdefault(words["cmp.kind." + p["kind"]], []).append(note)
    return Changes(
        old=old,
        ready=True,
        language=data["language"],
        counts=tuple(counts),
        words_added=data["summary"]["words_added"],
        words_removed=data["summary"]["words_removed"],
        parts=tuple((kind, tuple(notes)) for kind, notes in parts.items()),
        inputs=_inputs_behind(data),
    )


def _what_happened(part: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """Word what became of a part: "Flyttet fra plads 2 til 1, ændret"."""
    said = []
    if part["moved"]:
        said.append(
            words["cmp.moved_from"].format(old=part["old_index"] + 1, new=part["new_index"] + 1)
        )
    if part["status"] != "unchanged":
        said.append(words["cmp." + part["status"]])
    return ", ".join(said[:1] + [s[:1].lower() + s[1:] for s in said[1:]])


def _inputs_behind(data: Mapping[str, Any]) -> tuple[InputNote, ...]:
    """Return the inputs worked in by this version whose parts changed (not carried over)."""
    notes = []
    for group in data["consultation"]["groups"]:
        for entry in group["inputs"]:
            worked_in = entry["status"] in DONE and entry["check"] != "carried_over"
            if worked_in and entry["changes"]:
                notes.append(
                    InputNote(
                        source=group["source"],
                        input=entry["input"],
                        response=entry["response"],
                        status_label=entry["status_label"],
                        changed=tuple(dict.fromkeys(c["title"] for c in entry["changes"])),
                    )
                )
    return tuple(notes)


# Added to the public blueprint by service/public/views.py, with every other public route.
ROUTES = (
    ("/strategies/<slug:slug>", "strategy", strategy, ["GET"]),
    (f"/strategies/<slug:slug>/<{VERSION}:version>/<filename>", "download", download, ["GET"]),
)
