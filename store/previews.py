"""Previews: content rendered without a version, kept for a short while for its owner.

A preview belongs to one owner (the service names it: the signed-in person or token);
starting a new one deletes the owner's earlier ones, so each owner has at most one, and
every preview is deleted PREVIEW_LIFETIME after it was asked for (on the next write,
and by the workers' recovery step).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from store.base import utcnow
from store.db import writing
from store.models import Preview, PreviewPage

PREVIEW_LIFETIME = dt.timedelta(hours=1)
PreviewState = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class PreviewRecord:
    """A preview's state and the sizes of its page images (not their bytes)."""

    id: str
    owner: str
    theme: str
    state: PreviewState
    error: str | None
    page_count: int | None  # pages of the whole PDF; only the first few are kept
    pages: tuple[tuple[int, int], ...]  # (width, height) of each kept page image, in order
    created_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class PreviewPageImage:
    """One kept page of a preview: a PNG."""

    width: int
    height: int
    png: bytes


def start_preview(session: Session, owner: str, content: str, theme: str) -> PreviewRecord:
    """Store a queued preview of canonical JSON content, replacing the owner's earlier ones."""
    with writing(session):
        _delete_expired(session)
        _delete(session, select(Preview.id).where(Preview.owner == owner))
        row = Preview(owner=owner, content=content, theme=theme, state="queued")
        session.add(row)
        session.flush()
        return _record(row)


def get_preview(
    session: Session, preview_id: str, owner: str | None = None
) -> PreviewRecord | None:
    """Return a live preview (only if it is `owner`'s, when given); None if gone or expired."""
    row = session.get(Preview, preview_id)
    if row is None or row.created_at + PREVIEW_LIFETIME <= utcnow():
        return None
    if owner is not None and row.owner != owner:
        return None
    return _record(row)


def preview_content(session: Session, preview_id: str) -> tuple[dict[str, object], str] | None:
    """Return a live preview's content (as data) and theme, for its render."""
    row = session.get(Preview, preview_id)
    if row is None or row.created_at + PREVIEW_LIFETIME <= utcnow():
        return None
    data: dict[str, object] = json.loads(row.content)
    return data, row.theme


def preview_page(session: Session, preview_id: str, number: int) -> PreviewPageImage | None:
    """Return one kept page image of a preview, or None."""
    page = session.get(PreviewPage, (preview_id, number))
    if page is None:
        return None
    return PreviewPageImage(page.width, page.height, page.png)


def begin_preview(session: Session, preview_id: str) -> bool:
    """Mark a queued preview running; False if it is gone, expired or taken already."""
    with writing(session):
        done = session.execute(
            update(Preview)
            .where(
                Preview.id == preview_id,
                Preview.state == "queued",
                Preview.created_at > utcnow() - PREVIEW_LIFETIME,
            )
            .values(state="running")
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]


def finish_preview(
    session: Session,
    preview_id: str,
    pages: list[tuple[int, int, bytes]],
    page_count: int,
) -> bool:
    """Keep a preview's page images (width, height, PNG) and mark it done; False if gone."""
    with writing(session):
        # Locked: a newer preview of the same owner deletes this row meanwhile, or waits.
        row = session.get(Preview, preview_id, with_for_update=True)
        if row is None:
            return False  # replaced by a newer preview while it rendered
        for number, (width, height, png) in enumerate(pages, start=1):
            session.add(
                PreviewPage(
                    preview_id=preview_id, number=number, width=width, height=height, png=png
                )
            )
        row.state = "done"
        row.page_count = page_count
        row.finished_at = utcnow()
        return True


def fail_preview(session: Session, preview_id: str, error: str) -> None:
    """Mark a preview failed with the reason people read (nothing if it is gone)."""
    with writing(session):
        session.execute(
            update(Preview)
            .where(Preview.id == preview_id)
            .values(state="failed", error=error, finished_at=utcnow())
        )


def delete_expired_previews(session: Session) -> int:
    """Delete every preview older than PREVIEW_LIFETIME; return how many."""
    with writing(session):
        return _delete_expired(session)


def _delete_expired(session: Session) -> int:
    cutoff = utcnow() - PREVIEW_LIFETIME
    return _delete(session, select(Preview.id).where(Preview.created_at <= cutoff))


def _delete(session: Session, ids: Select[Any]) -> int:
    found = list(session.scalars(ids))
    if not found:
        return 0
    # Pages first: SQLite enforces the foreign key, and a bulk delete skips the ORM cascade.
    session.execute(delete(PreviewPage).where(PreviewPage.preview_id.in_(found)))
    session.execute(delete(Preview).where(Preview.id.in_(found)))
    return len(found)


def _record(row: Preview) -> PreviewRecord:
    pages = tuple((p.width, p.height) for p in row.pages) if row.state == "done" else ()
    return PreviewRecord(
        id=row.id,
        owner=row.owner,
        theme=row.theme,
        state=row.state,
        error=row.error,
        page_count=row.page_count,
        pages=pages,
        created_at=row.created_at,
        expires_at=row.created_at + PREVIEW_LIFETIME,
    )
