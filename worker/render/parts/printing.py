"""One piece of a document printed with WeasyPrint, with what assembly needs to know of it."""

from __future__ import annotations

from dataclasses import dataclass

from worker.render.pdf import lay_out, write_pdf
from worker.render.theme import Theme


@dataclass(frozen=True)
class PrintedPiece:
    """A piece's PDF, its page count, and where its anchors and footers are."""

    pdf: bytes
    pages: int
    # The page (0-based, in this piece) of every anchor the piece holds itself.
    anchors: dict[str, int]
    # The pages that carry the running footer ("Side X af Y"), which assembly writes.
    footed: tuple[int, ...]


def print_piece(
    html: str, theme: Theme, *, elsewhere: tuple[str, ...] = (), archival: bool = False
) -> PrintedPiece:
    """Print one piece's HTML; `elsewhere` names the empty targets of other pieces' anchors."""
    document = lay_out(html, theme, archival=archival)
    stubs = set(elsewhere)
    anchors: dict[str, int] = {}
    footed: list[int] = []
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor not in stubs:
                anchors.setdefault(anchor, number)
        if _has_footer(page):
            footed.append(number)
    return PrintedPiece(
        write_pdf(document, archival=archival), len(document.pages), anchors, tuple(footed)
    )


def _has_footer(page: object) -> bool:
    """Whether WeasyPrint laid out the page's bottom-right box (the main pages, not the cover)."""
    box = getattr(page, "_page_box", None)
    return any(
        getattr(child, "at_keyword", None) == "@bottom-right"
        for child in getattr(box, "children", ())
    )
