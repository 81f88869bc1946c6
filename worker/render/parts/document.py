"""A document's PDF printed in pieces and assembled: the same pages as the single pass."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from core.view import DocumentView
from worker.render.parts.assembly import assemble
from worker.render.parts.footer import footer_look
from worker.render.parts.plan import Piece, linked_elsewhere, piece_html, pieces
from worker.render.parts.printing import PrintedPiece, print_piece
from worker.render.theme import Theme

# The contents are printed again while their page count changes with the numbers in
# them (it does not: a leader fills each line; bounded all the same).
_CONTENTS_TRIES = 3

Printer = Callable[[str, tuple[str, ...]], PrintedPiece]


def planned_pieces(view: DocumentView, theme: Theme) -> list[tuple[Piece, str]]:
    """Return the document's pieces, each with the HTML it is printed from."""
    cut = pieces(view)
    elsewhere = linked_elsewhere([piece_html(view, theme, piece) for piece in cut])
    planned = [
        dataclasses.replace(piece, elsewhere=names)
        for piece, names in zip(cut, elsewhere, strict=True)
    ]
    return [(piece, piece_html(view, theme, piece)) for piece in planned]


def contents_numbers(
    view: DocumentView, contents_pages: int, chapters: Sequence[PrintedPiece]
) -> dict[str, str]:
    """Return the page number of every entry of the contents, by anchor."""
    found: dict[str, int] = {}
    start = contents_pages
    for printed in chapters:
        for anchor, index in printed.anchors.items():
            found.setdefault(anchor, start + index + 1)
        start += printed.pages
    return {entry.anchor: str(found.get(entry.anchor, "")) for entry in view.toc}


def contents_placeholder(view: DocumentView, chapters: Sequence[PrintedPiece]) -> dict[str, str]:
    """Return numbers as wide as the real ones will be, to print the contents once to count."""
    widest = "8" * len(str(sum(p.pages for p in chapters) + 9))
    return {entry.anchor: widest for entry in view.toc}


def print_in_pieces(view: DocumentView, theme: Theme, *, archival: bool = False) -> bytes:
    """Print a document's pieces one after another in this process and assemble them."""

    def printer(html: str, elsewhere: tuple[str, ...]) -> PrintedPiece:
        return print_piece(html, theme, elsewhere=elsewhere, archival=archival)

    planned = planned_pieces(view, theme)
    chapters = [printer(html, piece.elsewhere) for piece, html in planned[1:]]
    cover = print_contents(view, theme, planned[0][0], chapters, printer)
    return assemble([cover, *chapters], footer_look(view, theme))


def print_contents(
    view: DocumentView,
    theme: Theme,
    piece: Piece,
    chapters: Sequence[PrintedPiece],
    printer: Printer,
) -> PrintedPiece:
    """Print the cover and contents with the chapters' page numbers."""
    numbers = contents_placeholder(view, chapters)
    printed = None
    for _ in range(_CONTENTS_TRIES):
        numbered = dataclasses.replace(piece, toc_pages=numbers)
        printed = printer(piece_html(view, theme, numbered), numbered.elsewhere)
        settled = contents_numbers(view, printed.pages, chapters)
        if settled == numbers:
            return printed
        numbers = settled
    if printed is None:  # pragma: no cover - _CONTENTS_TRIES is positive
        raise AssertionError
    return printed
