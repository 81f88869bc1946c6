"""Word-level diffs of one text field.

Texts are split with the tokeniser of the tracked-changes notes, which keeps "12.000"
and "2018-03-02" whole, so a change never splits a word. Words are aligned by
core.alignment, whose cost the comparison's work budget bounds. Whitespace is attached to the
word before it and ignored when matching: reflowed lines are not a change. A space
where there was none ("Et, Et" → "Et , Et") is one, as `normalise` sees it: it becomes
an insert or delete of the whitespace alone. Ops carry the new text, and an `equal` op
whose whitespace differs (in kind or length only) also carries the old text, so the ops
rebuild both drafts exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from core.alignment import align

TOKEN = re.compile(r"\s+|\w+(?:[.,:/-]\w+)*|[^\w\s]")
WORD = re.compile(r"\w")
AUTOJUNK_FROM = 1_500  # units; beyond this, exact matching gets quadratic in common words

OpKind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Op:
    """One run of a word diff; `old` is set only on an `equal` run whose whitespace differs."""

    op: OpKind
    text: str
    old: str | None = None


def tokenise(text: str) -> list[str]:
    """Split text into whitespace, word and punctuation tokens that join back to it."""
    return TOKEN.findall(text)


def normalise(text: str | None) -> str:
    """Return text with runs of whitespace collapsed, for whitespace-tolerant equality."""
    return " ".join((text or "").split())


def count_words(text: str | None) -> int:
    """Count the word tokens of a text (punctuation is not a word)."""
    return sum(1 for t in tokenise(text or "") if WORD.match(t))


def _units(text: str) -> list[str]:
    """Group tokens into units of one word or sign plus the whitespace after it."""
    units: list[str] = []
    for token in tokenise(text):
        if token.isspace() and units:
            units[-1] += token
        else:
            units.append(token)
    return units


class _Run:
    """A kept or edited run of units while ops are being built (mutable, so merges are cheap)."""

    __slots__ = ("new", "new_size", "old", "old_size", "same")

    def __init__(self, same: bool, old: list[str], new: list[str]) -> None:
        self.same, self.old, self.new = same, old, new
        self.old_size = sum(len(u.strip()) for u in old)
        self.new_size = sum(len(u.strip()) for u in new)

    def absorb(self, kept: _Run, right: _Run) -> None:
        """Append a kept run and the edit after it to this edit."""
        for run in (kept, right):
            self.old += run.old
            self.new += run.new
            self.old_size += run.old_size
            self.new_size += run.new_size


def diff_text(old: str | None, new: str | None) -> tuple[Op, ...]:
    """Return word ops that turn old into new; a replacement is a delete then an insert."""
    ou, nu = _units(old or ""), _units(new or "")
    ok, nk = [u.strip() for u in ou], [u.strip() for u in nu]
    junk = max(len(ok), len(nk)) > AUTOJUNK_FROM
    runs = [
        _Run(tag == "equal", ou[i1:i2], nu[j1:j2])
        for tag, i1, i2, j1, j2 in align(ok, nk, autojunk=junk)
    ]
    return tuple(_ops(_absorb_short_equalities(runs)))


def _absorb_short_equalities(runs: list[_Run]) -> list[_Run]:
    """Fold a short kept run between two edits into them, so a rewrite reads as one.

    The rule is diff-match-patch's semantic cleanup on words: a kept run no longer than
    the edits on both sides of it ("og", "i") carries no meaning of its own. One pass
    with a stack keeps it linear however many edits a paragraph has.
    """
    out: list[_Run] = []
    for run in runs:
        out.append(run)
        while len(out) >= 3 and not out[-1].same and out[-2].same and not out[-3].same:
            left, kept, right = out[-3], out[-2], out[-1]
            size = kept.old_size
            if size > max(left.old_size, left.new_size) or size > max(
                right.old_size, right.new_size
            ):
                break
            left.absorb(kept, right)
            del out[-2:]
    return out


def _split_at_spaces(runs: list[_Run]) -> list[_Run]:
    """Cut a kept run where a space appears or goes between two of its units.

    Only a change of whitespace's kind or length is a reflow; a space before a comma
    that was not there changes the text (Reject All must take it away), so it becomes an
    edit of that whitespace alone. The end of a run is left to `_shift_whitespace`.
    """
    out: list[_Run] = []
    for run in runs:
        start = 0
        for k in range(len(run.old) - 1 if run.same else 0):
            o_unit, n_unit = run.old[k], run.new[k]
            o_word, n_word = o_unit.rstrip(), n_unit.rstrip()
            if (o_word == o_unit) == (n_word == n_unit):
                continue
            out.append(_Run(True, [*run.old[start:k], o_word], [*run.new[start:k], n_word]))
            out.append(_Run(False, [o_unit[len(o_word) :]], [n_unit[len(n_word) :]]))
            start = k + 1
        out.append(run if start == 0 else _Run(True, run.old[start:], run.new[start:]))
    return out


def _shift_whitespace(runs: list[_Run]) -> None:
    """Move whitespace that differs at the end of a kept run into the edit after it.

    "metoder. Samskabelse" → "metoder sammen": the space belongs to the insertion, so
    the kept "metoder" is the same text in both drafts.
    """
    for run, edit in pairwise(runs):
        if not run.same or not run.old or not run.new:
            continue
        o_last, n_last = run.old[-1], run.new[-1]
        o_tail, n_tail = o_last[len(o_last.rstrip()) :], n_last[len(n_last.rstrip()) :]
        if o_tail != n_tail and o_last.strip():
            run.old[-1], run.new[-1] = o_last.rstrip(), n_last.rstrip()
            edit.old[:0] = [o_tail] if o_tail else []
            edit.new[:0] = [n_tail] if n_tail else []


def _ops(runs: list[_Run]) -> list[Op]:
    runs = _split_at_spaces(runs)
    _shift_whitespace(runs)
    out: list[Op] = []
    for run in runs:
        old_text, new_text = "".join(run.old), "".join(run.new)
        if run.same:
            out.append(Op("equal", new_text, old_text if old_text != new_text else None))
            continue
        if old_text:
            out.append(Op("delete", old_text))
        if new_text:
            out.append(Op("insert", new_text))
    return out


def apply_ops(old: str, ops: Sequence[Op]) -> str:
    """Rebuild the new text from the old one and its ops; raise if they do not fit."""
    pos, out = 0, []
    for op in ops:
        if op.op == "insert":
            out.append(op.text)
            continue
        consumed = op.old if op.old is not None else op.text
        if not old.startswith(consumed, pos):
            raise ValueError(f"op {op.op} {consumed!r} does not match the old text at {pos}")
        pos += len(consumed)
        if op.op == "equal":
            out.append(op.text)
    if pos != len(old):
        raise ValueError("ops do not consume the whole old text")
    return "".join(out)


def ops_words(ops: Sequence[Op]) -> tuple[int, int]:
    """Return the words inserted and deleted by word ops."""
    added = sum(count_words(op.text) for op in ops if op.op == "insert")
    removed = sum(count_words(op.text) for op in ops if op.op == "delete")
    return added, removed
