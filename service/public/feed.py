"""A public strategy's Atom feed: its published versions, and its public hearings.

One entry per published version (when it was published) and, per public hearing that
has opened, one when it opened (its first day, local time) and one when it closed (the
day after its last day, or when an editor closed it early). Like the page, it answers
404 unless the strategy is public with a published version, and has no entry a visitor
could not see on the page.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Response, current_app, request, url_for
from flask_babel import gettext as _

from service.i18n import current_language
from service.public.strategy import PublicHearing, public_hearings, published_or_404
from service.runtime import runtime
from service.web import draft_name
from store import DraftRecord, draft_content

FEED_TYPE = "application/atom+xml"


def feed(slug: str) -> Response:
    """Return the strategy's Atom feed: published versions, public hearings opened and closed."""
    published = published_or_404(slug)
    newest = published[-1]
    document = draft_content(newest).document
    page = url_for("public.strategy", slug=slug, _external=True)
    language = current_language()
    generator = FeedGenerator()
    generator.id(page)
    generator.title(document.title)
    if document.subtitle:
        generator.subtitle(document.subtitle)
    generator.author({"name": document.organisation or document.title})
    generator.link(href=page, rel="alternate", type="text/html", hreflang=newest.language)
    generator.link(href=request.url, rel="self", type=FEED_TYPE)
    generator.language(language)
    generator.generator("udkast")  # feedgen would name itself with a link to its website
    entries = [_version_entry(d, page) for d in published]
    for hearing in public_hearings(slug):
        entries += _hearing_entries(hearing, page)
    entries.sort(key=lambda e: e["updated"], reverse=True)
    generator.updated(entries[0]["updated"])
    for entry in entries:
        item = generator.add_entry(order="append")
        item.id(entry["id"])
        item.title(entry["title"])
        item.updated(entry["updated"])
        item.published(entry["updated"])
        item.link(href=entry["link"], rel="alternate", type="text/html")
        item.summary(entry["summary"])
    body = generator.atom_str(pretty=True)
    return Response(body, mimetype=FEED_TYPE)


def _midnight(day: dt.date) -> dt.datetime:
    """Return the start of a day in the service's time zone."""
    return dt.datetime.combine(day, dt.time(), zoneinfo.ZoneInfo(runtime().settings.time_zone))


def _version_entry(draft: DraftRecord, page: str) -> dict[str, Any]:
    name = draft_name(draft.label, draft.version)
    published = draft.published_at or draft.created_at
    return {
        "id": f"{page}#version-{draft.version}",
        "title": _("Ny version offentliggjort: %(name)s", name=name),
        "updated": published.replace(tzinfo=published.tzinfo or dt.UTC),
        "link": f"{page}#version-{draft.version}",
        "summary": _(
            "%(name)s af %(title)s kan nu læses og hentes som PDF og Word.",
            name=name,
            title=draft.title,
        ),
    }


def _hearing_entries(public: PublicHearing, page: str) -> list[dict[str, Any]]:
    """Return a hearing's "opened" entry, and its "closed" entry once it has closed."""
    h = public.hearing
    name = draft_name(public.version_label, h.version)
    link = url_for("public.hearing", key=h.key, _external=True)
    entries = [
        {
            "id": f"{page}#hearing-{h.id}-opened",
            "title": _("Høring åbnet: %(name)s", name=name),
            "updated": _midnight(h.opens),
            "link": link,
            "summary": _(
                "Alle kan give høringssvar til og med %(day)s.",
                day=current_app.jinja_env.filters["local_date"](h.closes),
            ),
        }
    ]
    if public.ended is not None:
        closed = h.closed_at or _midnight(public.ended + dt.timedelta(days=1))
        entries.append(
            {
                "id": f"{page}#hearing-{h.id}-closed",
                "title": _("Høring lukket: %(name)s", name=name),
                "updated": closed.replace(tzinfo=closed.tzinfo or dt.UTC),
                "link": link,
                "summary": _("Høringen tager ikke imod flere svar."),
            }
        )
    return entries


# Added to the public blueprint by service/public/views.py, with every other public route.
ROUTES = (("/strategies/<slug:slug>/feed.atom", "feed", feed, ["GET"]),)
