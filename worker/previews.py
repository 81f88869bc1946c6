"""Previews: render content to PDF as a build does, and keep its first pages as PNG images.

The content was validated when the preview was asked for; it is validated again here,
as a stored draft is, so a change of the rules never renders what they now refuse.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import pypdfium2  # type: ignore[import-untyped]  # ships no type information
from sqlalchemy.orm import Session, sessionmaker

from core.content import Strategy, validate
from core.errors import InvalidContent
from core.failures import failure
from store import begin_preview, fail_preview, finish_preview, preview_content
from worker.memory import memory_guard
from worker.render import renderer

log = logging.getLogger(__name__)

MAX_PAGES = 3  # the first pages show the cover, the foreword and a vision
MAX_WIDTH = 900  # pixels: sharp in a page column, about 150 kB a page
MAX_HEIGHT = 1800  # pixels: a theme with an odd page size still makes a bounded image

# (width, height, PNG) of each kept page, and the number of pages of the whole PDF.
Pages = tuple[list[tuple[int, int, bytes]], int]


def preview_images(strategy: Strategy, theme: str, max_pages: int = MAX_PAGES) -> Pages:
    """Render a strategy to PDF as a build does; return its first pages as PNG and its length."""
    pdf = renderer("pdf")(strategy, theme)
    return rasterise(pdf, max_pages)


def rasterise(pdf: bytes, max_pages: int = MAX_PAGES) -> Pages:
    """Return the first `max_pages` pages of a PDF as PNG images at most MAX_WIDTH wide."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in range(min(max_pages, len(document))):
            page = document[index]
            width, height = page.get_size()  # in points
            scale = min(MAX_WIDTH / width, MAX_HEIGHT / height)
            image = page.render(scale=scale).to_pil()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            images.append((image.width, image.height, out.getvalue()))
            page.close()
        return images, len(document)
    finally:
        document.close()


def render_preview(
    sessions: sessionmaker[Session],
    preview_id: str,
    *,
    passthrough: tuple[type[BaseException], ...] = (),
    memory_mib: int | None = None,
    on_memory: Callable[[int], None] | None = None,
) -> str:
    """Render a queued preview and keep its pages; return what happened, for the logs.

    "skipped" when it is gone (replaced by a newer one, expired) or taken already.
    Exceptions of the types in `passthrough` (the task's time limit) reach the caller.
    """
    with sessions() as session:
        if not begin_preview(session, preview_id):
            return "skipped"
        found = preview_content(session, preview_id)
    if found is None:
        return "skipped"
    data, theme = found
    try:
        strategy = validate(data)
    except InvalidContent as exc:
        _fail(sessions, preview_id, failure("preview_invalid", detail=exc))
        return "failed"
    try:
        if memory_mib is not None and on_memory is not None:
            with memory_guard(memory_mib, on_memory):
                pages, count = preview_images(strategy, theme)
        else:
            pages, count = preview_images(strategy, theme)
    except passthrough:
        raise
    except Exception as exc:  # a renderer bug fails this preview, not the worker
        log.exception("rendering preview %s failed", preview_id)
        _fail(sessions, preview_id, failure("preview_failed", error=type(exc).__name__))
        return "failed"
    with sessions() as session:
        kept = finish_preview(session, preview_id, pages, count)
    return "done" if kept else "skipped"


def fail_for(sessions: sessionmaker[Session], preview_id: str, reason: str) -> None:
    """Mark a preview failed with the reason people read."""
    _fail(sessions, preview_id, reason)


def _fail(sessions: sessionmaker[Session], preview_id: str, reason: str) -> None:
    with sessions() as session:
        fail_preview(session, preview_id, reason)
