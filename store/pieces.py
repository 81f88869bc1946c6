"""Printed pieces of long documents: claimed by one worker, printed once, reused by key.

A piece's key says everything its printed form depends on (worker.pieces), so a piece
found here is the same bytes a new print would give: a redraft reuses every piece whose
HTML did not change, and a build never takes a piece of another draft unless it would
print the very same. Answers are plain data, never ORM rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, undefer

from store.base import utcnow
from store.db import insert_ignore, writing
from store.models import PrintedPiece


@dataclass(frozen=True)
class PieceRecord:
    """A printed piece: its PDF, page count, where its anchors are and which pages have a footer."""

    key: str
    pdf: bytes
    pages: int
    anchors: dict[str, int]
    footed: tuple[int, ...]


def claim_piece(session: Session, key: str, claimer: str, *, stale_after: dt.timedelta) -> bool:
    """Claim a piece to print it; False if it is printed, or claimed within `stale_after`."""
    now = utcnow()
    with writing(session):
        insert_ignore(session, PrintedPiece, {"key": key, "claimed_by": claimer, "claimed_at": now})
        # A claim older than `stale_after` with no piece is a worker that died printing it.
        session.execute(
            update(PrintedPiece)
            .where(
                PrintedPiece.key == key,
                PrintedPiece.printed_at.is_(None),
                PrintedPiece.claimed_by != claimer,
                PrintedPiece.claimed_at < now - stale_after,
            )
            .values(claimed_by=claimer, claimed_at=now)
        )
        row = session.execute(
            select(PrintedPiece.claimed_by, PrintedPiece.printed_at).where(PrintedPiece.key == key)
        ).one()
    return row.claimed_by == claimer and row.printed_at is None


def hold_claim(session: Session, key: str, claimer: str) -> bool:
    """Renew a claim while its piece prints; False once the piece is printed or taken over."""
    with writing(session):
        result = session.execute(
            update(PrintedPiece)
            .where(
                PrintedPiece.key == key,
                PrintedPiece.claimed_by == claimer,
                PrintedPiece.printed_at.is_(None),
            )
            .values(claimed_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))


def save_piece(
    session: Session,
    key: str,
    pdf: bytes,
    pages: int,
    anchors: dict[str, int],
    footed: Iterable[int],
) -> None:
    """Keep a printed piece (whoever claimed it: the same key prints the same bytes)."""
    now = utcnow()
    values = {
        "pdf": pdf,
        "pages": pages,
        "anchors": json.dumps(anchors, sort_keys=True),
        "footed": json.dumps(list(footed)),
        "printed_at": now,
    }
    with writing(session):
        insert_ignore(
            session, PrintedPiece, {"key": key, "claimed_by": "", "claimed_at": now, **values}
        )
        session.execute(
            update(PrintedPiece)
            .where(PrintedPiece.key == key, PrintedPiece.printed_at.is_(None))
            .values(**values)
        )


def printed_pieces(session: Session, keys: Iterable[str]) -> dict[str, PieceRecord]:
    """Return the pieces among `keys` that are printed, by key."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.scalars(
        select(PrintedPiece)
        .options(undefer(PrintedPiece.pdf))
        .where(PrintedPiece.key.in_(wanted), PrintedPiece.printed_at.is_not(None))
    ).all()
    found = {
        row.key: PieceRecord(
            row.key,
            row.pdf or b"",
            int(row.pages or 0),
            {str(k): int(v) for k, v in json.loads(row.anchors or "{}").items()},
            tuple(int(n) for n in json.loads(row.footed or "[]")),
        )
        for row in rows
    }
    session.rollback()  # end the read: no transaction is held while a worker prints
    return found


def printed_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Return which of `keys` are printed, without reading their PDFs."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    found = set(
        session.scalars(
            select(PrintedPiece.key).where(
                PrintedPiece.key.in_(wanted), PrintedPiece.printed_at.is_not(None)
            )
        )
    )
    session.rollback()
    return found


def forget_pieces(session: Session, older_than: dt.timedelta) -> int:
    """Delete pieces printed (or claimed) longer ago than `older_than`; return how many."""
    cutoff = utcnow() - older_than
    with writing(session):
        result = session.execute(
            delete(PrintedPiece).where(
                (PrintedPiece.printed_at < cutoff)
                | (PrintedPiece.printed_at.is_(None) & (PrintedPiece.claimed_at < cutoff))
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)
