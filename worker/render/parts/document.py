"""A document's PDF printed in pieces and assembled: the same pages as the single pass."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from core.view import DocumentView, words_in
from worker.render.parts.assembly import assemble
from worker.render.parts.footer import footer_look
from worker.render.parts.plan import Piece, linked_elsewhere, piece_html, pieces
from worker.render.parts.printing import PrintedPiece, print_piece
from worker.render.theme import Theme

# The contents are printed again while their page count changes with the numbers in
# them (it does not: a leader fills each line; bounded all the same).
_CONTENTS_TRIES = 3
# About as many words as a page holds, to guess how wide the page numbers will be.
_WORDS_A_PAGE = 250

Printer = Callable[[str, tuple[str, ...]], PrintedPiece]


def planned_pieces(view: DocumentView, theme: Theme) -> list[tuple[Piece, str]]:
    """Return the document's pieces, each with the HTML it is printed from."""
    cut = pieces(view)
    htmls = [piece_html(view, theme, piece) for piece in cut]
    planned = []
    for piece, html, names in zip(cut, htmls, linked_elsewhere(htmls), strict=True):
        if names:  # only a piece that links into others needs its empty targets
            piece = dataclasses.replace(piece, elsewhere=names)
            html = piece_html(view, theme, piece)
        planned.append((piece, html))
    return planned


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


def contents_guess(
    view: DocumentView, theme: Theme, piece: Piece, printer: Printer
) -> PrintedPiece:
    """Print the cover and contents with numbers as wide as the real ones will likely be.

    Its page count places the chapters; a leader fills each line, so the numbers' width
    seldom changes it (print_contents prints again if it did).
    """
    pages = max(1, sum(words_in(part) for part in view.parts) // _WORDS_A_PAGE)
    widest = "8" * len(str(pages + 9))
    numbered = dataclasses.replace(piece, toc_pages={e.anchor: widest for e in view.toc})
    return printer(piece_html(view, theme, numbered), numbered.elsewhere)


def piece_printer(theme: Theme, *, archival: bool) -> Printer:
    """Return what prints a piece's HTML in a theme, as PDF/UA-1 or archival PDF/A-2a."""

    def printer(html: str, elsewhere: tuple[str, ...]) -> PrintedPiece:
        return print_piece(html, theme, elsewhere=elsewhere, archival=archival)

    return printer


def print_in_pieces(view: DocumentView, theme: Theme, *, archival: bool = False) -> bytes:
    """Print a document's pieces one after another in this process and assemble them."""
    printer = piece_printer(theme, archival=archival)
    planned = planned_pieces(view, theme)
    guess = contents_guess(view, theme, planned[0][0], printer)
    chapters = [printer(html, piece.elsewhere) for piece, html in planned[1:]]
    cover = print_contents(view, theme, planned[0][0], chapters, printer, guess)
    return assemble([cover, *chapters], footer_look(view, theme))


def print_contents(
    view: DocumentView,
    theme: Theme,
    piece: Piece,
    chapters: Sequence[PrintedPiece],
    printer: Printer,
    guess: PrintedPiece,
) -> PrintedPiece:
    """Print the cover and contents with the chapters' page numbers.

    `guess` is the contents printed with numbers of the right width (contents_guess):
    its page count places the chapters, then the contents are printed with their numbers
    (again while that changes their page count, which a leader filling each line avoids).
    """
    printed = guess
    for _ in range(_CONTENTS_TRIES):
        numbers = contents_numbers(view, printed.pages, chapters)
        numbered = dataclasses.replace(piece, toc_pages=numbers)
        again = printer(piece_html(view, theme, numbered), numbered.elsewhere)
        if again.pages == printed.pages:
            return again
        printed = again
    return printed
