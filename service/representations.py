"""The JSON shapes of drafts, builds and strategies, as the API and OpenAPI document show them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import url_for

from core.outputs import draft_outputs_for, output_names
from service.filenames import artifact_name, source_name
from store import (
    BuildStatus,
    DraftRecord,
    DraftSummary,
    HearingRecord,
    ResponseRecord,
    StrategySummary,
)


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """Format a date or UTC time as ISO 8601 (times with a Z)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def draft_links(
    slug: str, version: int, label: str | None, *, from_word: bool = False
) -> dict[str, str]:
    """Return the links of one draft: itself, its history, its own files (by output).

    A version read from a Word file also links to that file as uploaded (`source`).
    """
    links = {
        "self": url_for("api.draft", slug=slug, version=version),
        "history": url_for("api.drafts", slug=slug),
    }
    # The archival PDF only where a build asked for it: the build and the history link it.
    for output in draft_outputs_for("standard"):
        name = artifact_name(slug, version, label, output)
        links[output] = url_for("api.download", slug=slug, version=version, filename=name)
    if from_word:
        name = source_name(slug, version, label)
        links["source"] = url_for("api.download", slug=slug, version=version, filename=name)
    return links


def public_links(slug: str) -> dict[str, str]:
    """Return the links of a strategy's public page and its Atom feed (once it has them)."""
    return {
        "public": url_for("public.strategy", slug=slug),
        "feed": url_for("public.feed", slug=slug),
    }


def posted_by_json(token_name: str | None, user_name: str | None) -> dict[str, Any] | None:
    """Return who posted a draft: the user, and the token's name then (None if not recorded)."""
    if token_name is None and user_name is None:
        return None
    return {"token": token_name, "user": user_name}


def draft_json(draft: DraftRecord, *, with_content: bool = False) -> dict[str, Any]:
    """Return a stored draft as JSON data."""
    slug = draft.slug
    out: dict[str, Any] = {
        "slug": slug,
        "version": draft.version,
        "label": draft.label,
        "date": iso(draft.date),
        "status": draft.status,
        "language": draft.language,
        "title": draft.title,
        "content_hash": draft.content_hash,
        "created_at": iso(draft.created_at),
        "posted_by": posted_by_json(draft.posted_by_name, draft.posted_by_user),
        "published_at": iso(draft.published_at),
        "links": draft_links(
            slug, draft.version, draft.label, from_word=draft.source_hash is not None
        ),
    }
    if with_content:
        out["content"] = json.loads(draft.content)
    return out


def summary_json(slug: str, summary: DraftSummary) -> dict[str, Any]:
    """Return one line of a strategy's history as JSON data."""
    return {
        "version": summary.version,
        "label": summary.label,
        "date": iso(summary.date),
        "status": summary.status,
        "title": summary.title,
        "created_at": iso(summary.created_at),
        "content_hash": summary.content_hash,
        "posted_by": posted_by_json(summary.posted_by, summary.posted_by_user),
        "published_at": iso(summary.published_at),
        "build": {
            "id": summary.build_id,
            "state": summary.build_state,
            "links": {"self": url_for("api.build", build_id=summary.build_id)},
        }
        if summary.build_id
        else None,
        # Every finished file, also when another output of the build failed.
        "files": {
            output: url_for(
                "api.download",
                slug=slug,
                version=summary.version,
                filename=artifact_name(slug, summary.version, summary.label, output),
            )
            for output in summary.done_outputs
        },
        "links": draft_links(slug, summary.version, summary.label, from_word=summary.from_word),
    }


def strategy_json(summary: StrategySummary, *, public_page: bool = False) -> dict[str, Any]:
    """Return one strategy of the list as JSON data (with its public page's links, if any)."""
    links = {
        "drafts": url_for("api.drafts", slug=summary.slug),
        "latest": url_for("api.draft", slug=summary.slug, version=summary.latest_version),
    }
    if public_page:
        links |= public_links(summary.slug)
    return {
        "slug": summary.slug,
        "title": summary.title,
        "latest_version": summary.latest_version,
        "created_at": iso(summary.created_at),
        "updated_at": iso(summary.updated_at),
        "links": links,
    }


def build_json(status: BuildStatus, label: str | None = None) -> dict[str, Any]:
    """Return a build's state, per-output states, timings and links as JSON data."""
    outputs = {}
    for output, out in status.outputs.items():  # in the registry's listing order
        name = artifact_name(status.slug, status.version, label, output)
        outputs[output] = {
            "state": out.state,
            "attempts": out.attempts,
            "started_at": iso(out.started_at),
            "finished_at": iso(out.finished_at),
            "seconds": out.seconds,
            "error": out.error,
            "size": out.size,
            "url": url_for("api.download", slug=status.slug, version=status.version, filename=name)
            if out.state == "done"
            else None,
        }
    return {
        "id": status.id,
        "state": status.state,
        "slug": status.slug,
        "version": status.version,
        "theme": status.theme,
        "created_at": iso(status.created_at),
        "started_at": iso(status.started_at),
        "finished_at": iso(status.finished_at),
        "seconds": status.seconds,
        "error": status.error,
        "outputs": outputs,
        "links": {
            "self": url_for("api.build", build_id=status.id),
            "draft": url_for("api.draft", slug=status.slug, version=status.version),
        },
    }


def hearing_json(
    hearing: HearingRecord,
    responses: list[ResponseRecord] | None = None,
    *,
    emails: bool = False,
    report: DraftRecord | None = None,
) -> dict[str, Any]:
    """Return a hearing as JSON data, with its responses when given (addresses if `emails`).

    `report` is the version whose høringsnotat accounts for the responses (the latest):
    its downloads are the links `report` (the PDF) and `report-docx`.
    """
    out: dict[str, Any] = {
        "slug": hearing.slug,
        "version": hearing.version,
        "opens": hearing.opens.isoformat(),
        "closes": hearing.closes.isoformat(),
        "closed_early": iso(hearing.closed_at),
        "public": hearing.public,
        "intro": hearing.intro,
        "parts": list(hearing.parts) if hearing.parts is not None else None,
        "max_responses": hearing.max_responses,
        "response_count": hearing.responses,
        "links": {
            "self": url_for("api.hearing", slug=hearing.slug, version=hearing.version),
            "page": url_for("public.hearing", key=hearing.key),
            "responses": url_for("api.hearing_response", key=hearing.key),
        },
    }
    if report is not None:
        for output in output_names("hearing"):
            name = artifact_name(report.slug, report.version, report.label, output)
            link = url_for("api.download", slug=report.slug, version=report.version, filename=name)
            # `report` is the PDF (what people read), `report-docx` the Word file.
            kind = output.rsplit("-", 1)[-1]
            out["links"]["report" if kind == "pdf" else f"report-{kind}"] = link
    if responses is not None:
        out["responses"] = [response_json(r, emails=emails) for r in responses]
    return out


def response_json(response: ResponseRecord, *, emails: bool = False) -> dict[str, Any]:
    """Return one hearing response as JSON data (its e-mail address only if `emails`)."""
    out: dict[str, Any] = {
        "id": response.id,
        "input_id": response.input_id,
        "created_at": iso(response.created_at),
        "name": response.name,
        "organisation": response.organisation,
        "parts": list(response.parts),
        "text": response.text,
        "attachment": response.attachment_name,
    }
    if emails:
        out["email"] = response.email
    return out
