"""Stored comparisons: what changed between two contents, computed once and served many times.

The web service must not run the diff of two large drafts inside a request, so the
worker computes it once per pair of contents and keeps compare()'s JSON here; the JSON
endpoint and the diff page read it back. Answers are plain data, never ORM rows.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import core
from store.db import insert_ignore, writing
from store.models import StoredComparison

# The domain code a comparison is made of (diff, parts, alignment, text diff, labels,
# consultation, content model, ...). The store is not in it: it keeps diffs, it does
# not shape them.
CORE = Path(core.__file__).resolve().parent


@cache
def diff_version() -> str:
    """Return a fingerprint of the domain code, so a changed diff is computed again."""
    digest = hashlib.sha256()
    for path in sorted(CORE.glob("*.py")):
        data = path.read_bytes()
        # The name and length frame each file, so moving bytes between files changes it.
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:16]


def stored_comparison(session: Session, old_hash: str, new_hash: str) -> dict[str, Any] | None:
    """Return the stored comparison of two contents (compare()'s JSON), or None."""
    query = select(StoredComparison.data).where(
        StoredComparison.old_hash == old_hash,
        StoredComparison.new_hash == new_hash,
        StoredComparison.diff_version == diff_version(),
    )
    text = session.scalars(query).one_or_none()
    if text is None:
        return None
    data: dict[str, Any] = json.loads(text)
    return data


def has_comparison(session: Session, old_hash: str, new_hash: str) -> bool:
    """Tell whether the comparison of two contents is stored, without reading it."""
    query = select(StoredComparison.old_hash).where(
        StoredComparison.old_hash == old_hash,
        StoredComparison.new_hash == new_hash,
        StoredComparison.diff_version == diff_version(),
    )
    return session.scalars(query).first() is not None


def save_comparison(session: Session, old_hash: str, new_hash: str, data: dict[str, Any]) -> None:
    """Store the comparison of two contents, unless it is stored already (its own transaction)."""
    values = {
        "old_hash": old_hash,
        "new_hash": new_hash,
        "diff_version": diff_version(),
        "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
    }
    # ON CONFLICT DO NOTHING: the worker and a web request may store the same pair at
    # once; both computed the same answer from the same contents and code.
    with writing(session):
        insert_ignore(session, StoredComparison, values)
