"""Paragraph-level diffs of rich text and of lists: align paragraphs, then diff words.

Paragraphs are aligned on their whitespace-normalised texts (difflib within the
comparison's work budget, see core.alignment); in a stretch that differs, paragraphs at
least PAIR_RATIO similar (on words) are paired and diffed word by word, and the rest
are whole-paragraph insertions and deletions. Past the budget, similarity is not
measured and paragraphs are replaced whole: coarser, still exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.alignment import align, similarity, spend
from core.textdiff import AUTOJUNK_FROM, Op, count_words, diff_text, normalise, ops_words

PAIR_RATIO = 0.5  # paragraphs at least this similar are one changed paragraph
PAIR_WINDOW = 12  # how far ahead a changed paragraph looks for its counterpart
EXACT_CELLS = 400  # up to about 20×20 differing paragraphs, pair them optimally
# Similarity checks allowed in one differing stretch: a wholesale rewrite of a long
# field then costs well under a second, and what is left is replaced whole.
RATIO_BUDGET = 6_000
RATIO_COST = 20  # budget units a similarity check costs however short its paragraphs

ParagraphKind = Literal["equal", "insert", "delete", "change"]


@dataclass(frozen=True)
class ParagraphOp:
    """One paragraph (or list item): kept, inserted, deleted, or changed with word ops."""

    op: ParagraphKind
    old: str | None
    new: str | None
    ops: tuple[Op, ...] = ()


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> tuple[ParagraphOp, ...]:
    """Align paragraphs (or list items) first, then diff words inside similar pairs.

    A paragraph with no similar counterpart is a whole-paragraph insert or delete, so a
    removed paragraph reads as removed rather than as words scattered over its neighbour.
    """
    okeys, nkeys = [normalise(p) for p in old], [normalise(p) for p in new]
    out: list[ParagraphOp] = []
    for tag, i1, i2, j1, j2 in align(okeys, nkeys):
        if tag == "equal":
            out.extend(
                ParagraphOp("equal", old[i], new[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        else:
            out.extend(_align(old[i1:i2], new[j1:j2], okeys[i1:i2], nkeys[j1:j2]))
    return tuple(out)


def _ratio(a: list[str], b: list[str]) -> float:
    """Return how similar two paragraphs' words are, 0.0 when surely below PAIR_RATIO."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    if 2 * min(len(a), len(b)) < PAIR_RATIO * total or not spend(RATIO_COST + total):
        return 0.0
    # The words both have, counted with repeats: an upper bound of what can match.
    shared = sum((Counter(a) & Counter(b)).values())
    if 2 * shared < PAIR_RATIO * total:
        return 0.0
    if max(len(a), len(b)) > AUTOJUNK_FROM:
        # Long paragraphs: the words they share are estimate enough to pair them (the
        # word diff that follows is exact either way); aligning them here as well would
        # spend the budget twice on one field.
        return 2 * shared / total
    return similarity(a, b)


def _pairs(okeys: Sequence[str], nkeys: Sequence[str]) -> list[tuple[int, int]]:
    """Pair similar old and new paragraphs of a differing stretch, keeping their order."""
    ow, nw = [k.split() for k in okeys], [k.split() for k in nkeys]
    if len(ow) * len(nw) <= EXACT_CELLS:
        return _best_pairs(ow, nw)
    return _greedy_pairs(ow, nw)


def _greedy_pairs(ow: list[list[str]], nw: list[list[str]]) -> list[tuple[int, int]]:
    """Pair each old paragraph with the most similar of the next few new ones."""
    pairs: list[tuple[int, int]] = []
    j, budget = 0, RATIO_BUDGET
    for i, words in enumerate(ow):
        window = range(j, min(len(nw), j + PAIR_WINDOW))
        budget -= len(window)
        if budget < 0:
            break
        scored = [(r, -k) for k in window if (r := _ratio(words, nw[k])) >= PAIR_RATIO]
        if scored:
            k = -max(scored)[1]  # the most similar; on a tie, the nearest
            pairs.append((i, k))
            j = k + 1
    return pairs


def _best_pairs(ow: list[list[str]], nw: list[list[str]]) -> list[tuple[int, int]]:
    """Pick the order-keeping set of similar pairs with the largest total ratio."""
    n, m = len(ow), len(nw)
    score = {
        (i, j): r
        for i in range(n)
        for j in range(max(0, i - PAIR_WINDOW), min(m, i + PAIR_WINDOW + 1))
        if (r := _ratio(ow[i], nw[j])) >= PAIR_RATIO
    }
    # best[i][j]: the best total for old[i:] against new[j:]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            here = max(best[i + 1][j], best[i][j + 1])
            if (i, j) in score:
                here = max(here, score[i, j] + best[i + 1][j + 1])
            best[i][j] = here
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if (i, j) in score and best[i][j] == score[i, j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _align(
    old: Sequence[str], new: Sequence[str], okeys: Sequence[str], nkeys: Sequence[str]
) -> list[ParagraphOp]:
    out: list[ParagraphOp] = []
    i = j = 0
    for pi, pj in [*_pairs(okeys, nkeys), (len(old), len(new))]:
        # Deletions before insertions, as Word shows a replaced passage.
        out.extend(ParagraphOp("delete", old[k], None) for k in range(i, pi))
        out.extend(ParagraphOp("insert", None, new[k]) for k in range(j, pj))
        if pi < len(old):
            a, b = old[pi], new[pj]
            out.append(ParagraphOp("change", a, b, diff_text(a, b)))
        i, j = pi + 1, pj + 1
    return out


def paragraph_words(ops: Sequence[ParagraphOp]) -> tuple[int, int]:
    """Return the words inserted and deleted by paragraph ops."""
    added = removed = 0
    for op in ops:
        if op.op == "insert":
            added += count_words(op.new)
        elif op.op == "delete":
            removed += count_words(op.old)
        elif op.op == "change":
            a, r = ops_words(op.ops)
            added, removed = added + a, removed + r
    return added, removed
