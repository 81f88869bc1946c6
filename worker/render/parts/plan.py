"""Where a document is cut into pieces, and the HTML each piece is printed from.

A cut falls only where the single-pass print starts a page: after the contents (the
cover and contents are the first piece) and before each part whose heading starts a
page. So the pieces laid out one after another are the single pass, page for page.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from core.view import DocumentView, Part
from worker.render.html import document_html
from worker.render.theme import Theme


@dataclass(frozen=True)
class Piece:
    """What one piece prints: the cover and contents, or a run of parts."""

    cover: bool
    parts: tuple[Part, ...]
    # The contents' page numbers by anchor (the cover piece, once the others are printed).
    toc_pages: dict[str, str] | None = None
    # Anchors of other pieces this one links to: printed as empty targets, so WeasyPrint
    # keeps the links, and dropped again at assembly.
    elsewhere: tuple[str, ...] = ()
    # Lay out the page footer as the single pass does (to measure where it goes).
    numbered: bool = False


def pieces(view: DocumentView) -> list[Piece]:
    """Cut a document view into the cover and contents, then runs of parts, in order."""
    runs: list[list[Part]] = []
    for part in view.parts:
        if part.heading.new_page or not runs:
            runs.append([])
        runs[-1].append(part)
    return [Piece(cover=True, parts=()), *(Piece(cover=False, parts=tuple(r)) for r in runs)]


def piece_html(view: DocumentView, theme: Theme, piece: Piece) -> str:
    """Return the HTML one piece is printed from (the document's template, in part mode)."""
    return document_html(view, theme, piece=piece)


def linked_elsewhere(htmls: list[str]) -> list[tuple[str, ...]]:
    """Return, for each piece's HTML, the anchors of other pieces it links to, sorted."""
    ids: list[set[str]] = []
    targets: list[set[str]] = []
    for html in htmls:
        root = lxml.html.document_fromstring(html)
        ids.append({str(e.get("id")) for e in root.iter() if e.get("id")})
        targets.append(
            {
                str(e.get("href"))[1:]
                for e in root.iter("a")
                if str(e.get("href") or "").startswith("#") and len(str(e.get("href"))) > 1
            }
        )
    everywhere = set().union(*ids) if ids else set()
    return [tuple(sorted((t - own) & everywhere)) for own, t in zip(ids, targets, strict=True)]
