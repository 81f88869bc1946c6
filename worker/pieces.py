"""A long document's PDF printed in pieces by several workers at once, then assembled.

The output's own task (the owner: worker.jobs) plans the pieces (worker/render/parts),
sends a few helper tasks to other processes, and prints pieces itself, largest first;
each helper prints the pieces nobody claimed until none is left. Whoever claims a piece
(store.pieces) prints it, renewing its claim while it prints; the others skip it. When every chapter
piece is printed, the owner prints the cover and contents with their page numbers and
assembles the file. A helper that dies loses nothing: its claim goes stale and the owner
prints that piece itself. A piece's key is a hash of its HTML, the renderer's fingerprint
and the PDF variant: a redraft reuses every piece whose HTML did not change, and an
assembly only ever takes pieces that print exactly what this draft's plan asks for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from core.content import Strategy
from core.outputs import ARCHIVAL_PDF
from core.view import DocumentView, document_view
from settings import DEFAULT_PIECE_HELPERS
from store.pieces import (
    PieceRecord,
    claim_piece,
    hold_claim,
    printed_keys,
    printed_pieces,
    save_piece,
)
from worker.heartbeat import beating
from worker.render.parts.assembly import assemble
from worker.render.parts.document import (
    Printer,
    contents_guess,
    piece_printer,
    planned_pieces,
    print_contents,
)
from worker.render.parts.footer import footer_look
from worker.render.parts.plan import Piece
from worker.render.parts.printing import PrintedPiece, print_piece
from worker.render.theme import Theme, load_theme

log = logging.getLogger(__name__)

# The outputs printed in pieces when their document has chapters that start pages.
PIECED_OUTPUTS = {"pdf": False, ARCHIVAL_PDF: True}  # output -> archival
# A claim this old with no piece is a worker that died printing it: another prints it.
# The printing worker renews its claim meanwhile, so a piece that takes longer to print
# than this is not printed twice.
CLAIM_STALE = dt.timedelta(seconds=15)
CLAIM_RENEW_SECONDS = CLAIM_STALE.total_seconds() / 3
_POLL = 0.1


@dataclass(frozen=True)
class Plan:
    """A document's pieces, each with its HTML and key, for one output."""

    view: DocumentView
    pieces: tuple[tuple[Piece, str], ...]
    keys: tuple[str, ...]
    archival: bool
    version: str  # the renderer's fingerprint, part of every key


def plan(strategy: Strategy, theme: str, version: str, output: str) -> Plan | None:
    """Plan an output's pieces; None when it is printed in one pass (one run of chapters)."""
    if output not in PIECED_OUTPUTS:
        return None
    view = document_view(strategy)
    if sum(part.heading.new_page for part in view.parts) < 2:
        return None
    archival = PIECED_OUTPUTS[output]
    planned = tuple(planned_pieces(view, load_theme(theme)))
    keys = tuple(piece_key(html, theme, version, archival) for _, html in planned)
    return Plan(view, planned, keys, archival, version)


def piece_key(html: str, theme: str, version: str, archival: bool) -> str:
    """Return the key of a piece: what its printed bytes depend on, hashed."""
    digest = hashlib.sha256()
    for part in (theme, version, "archival" if archival else "ua", html):
        data = part.encode()
        digest.update(f"{len(data)}\0".encode() + data)
    return digest.hexdigest()


def print_owned(
    sessions: sessionmaker[Session],
    plan_: Plan,
    theme: str,
    helpers: Callable[[Sequence[int]], None] | None,
    counter: list[str] | None = None,
    *,
    in_time: Callable[[], None] | None = None,
    most_helpers: int = DEFAULT_PIECE_HELPERS,
) -> bytes:
    """Print the plan's pieces with helpers' help, wait for theirs, and assemble the file.

    `helpers` sends one helper task for each piece index it is given, the piece that
    helper starts with (None: print alone), at most `most_helpers` of them. `counter`,
    when given, gets the key of every chapter piece this process printed. `in_time`,
    asked before each piece and while waiting, raises when the render's time is up.
    """
    check = in_time or (lambda: None)
    chosen = load_theme(theme)
    chapters = list(range(1, len(plan_.pieces)))
    with sessions() as session:
        have = printed_keys(session, plan_.keys[1:])
    missing = [i for i in _order(plan_) if plan_.keys[i] not in have]
    if helpers is not None and len(missing) > 1 and most_helpers > 0:
        # Each helper goes on with the next pieces nobody claimed, so a few are enough;
        # this process starts with the largest itself.
        helpers(missing[1 : 1 + most_helpers])

    # The contents are kept like the chapters: a redraft whose page counts stay the same
    # prints the same contents, and reuses both prints of them.
    printer = _kept(sessions, piece_printer(chosen, archival=plan_.archival), theme, plan_)

    # The contents with numbers as wide as the real ones, while the helpers start: its
    # page count places the chapters, and only the numbered print is left for the end.
    cover_piece = plan_.pieces[0][0]
    guess = contents_guess(plan_.view, chosen, cover_piece, printer)
    claimer = str(uuid.uuid4())
    pending = list(missing)
    while pending:
        for index in list(pending):
            check()
            if _print_if_claimed(sessions, plan_, chosen, index, claimer, counter):
                pending.remove(index)
        with sessions() as session:
            done = printed_keys(session, [plan_.keys[i] for i in pending])
        pending = [i for i in pending if plan_.keys[i] not in done]
        if pending:
            check()
            time.sleep(_POLL)
    with sessions() as session:
        found = printed_pieces(session, plan_.keys[1:])
    printed = [_printed(found[plan_.keys[i]]) for i in chapters]
    check()
    cover = print_contents(plan_.view, chosen, cover_piece, printed, printer, guess)
    return assemble([cover, *printed], footer_look(plan_.view, chosen))


def print_helped(sessions: sessionmaker[Session], plan_: Plan, theme: str, start: int) -> int:
    """Print pieces for an owner, from `start` on, that nobody claimed; return how many."""
    if not 0 < start < len(plan_.pieces):
        return 0
    order = _order(plan_)
    at = order.index(start)
    claimer, chosen, made = str(uuid.uuid4()), load_theme(theme), 0
    for index in order[at:] + order[:at]:
        made += _print_if_claimed(sessions, plan_, chosen, index, claimer, None)
    return made


def _order(plan_: Plan) -> list[int]:
    """Return the chapter pieces, the largest first: the longest prints start first."""
    return sorted(range(1, len(plan_.pieces)), key=lambda i: (-len(plan_.pieces[i][1]), i))


def _print_if_claimed(
    sessions: sessionmaker[Session],
    plan_: Plan,
    theme: Theme,
    index: int,
    claimer: str,
    counter: list[str] | None,
) -> bool:
    key = plan_.keys[index]
    with sessions() as session:
        if not claim_piece(session, key, claimer, stale_after=CLAIM_STALE):
            return False
    piece, html = plan_.pieces[index]

    def renew() -> bool:
        with sessions() as session:
            return hold_claim(session, key, claimer)

    with beating(renew, CLAIM_RENEW_SECONDS, f"claim of piece {index}"):
        printed = print_piece(html, theme, elsewhere=piece.elsewhere, archival=plan_.archival)
    _keep(sessions, key, printed)
    if counter is not None:
        counter.append(key)
    log.debug("printed piece %d (%d pages)", index, printed.pages)
    return True


def _kept(sessions: sessionmaker[Session], printer: Printer, theme: str, plan_: Plan) -> Printer:
    """Return a printer that reuses a piece printed from the same HTML before, and keeps it."""

    def kept(html: str, elsewhere: tuple[str, ...]) -> PrintedPiece:
        key = piece_key(html, theme, plan_.version, plan_.archival)
        with sessions() as session:
            found = printed_pieces(session, [key])
        if key in found:
            return _printed(found[key])
        printed = printer(html, elsewhere)
        _keep(sessions, key, printed)
        return printed

    return kept


def _keep(sessions: sessionmaker[Session], key: str, printed: PrintedPiece) -> None:
    with sessions() as session:
        save_piece(session, key, printed.pdf, printed.pages, printed.anchors, printed.footed)


def _printed(record: PieceRecord) -> PrintedPiece:
    return PrintedPiece(record.pdf, record.pages, record.anchors, record.footed)
