"""Pair the parts of two drafts, find the ones that moved, and put milestones in date order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from core.content import Milestone
from core.textdiff import normalise


def moved_positions(pairs: Sequence[tuple[int, int]]) -> set[int]:
    """Return the new indices of matched parts that moved.

    Parts on a longest increasing subsequence of new positions (in old order) kept their
    relative order; only the others moved, so one vision moved to the top is one move,
    not three visions shifted down. On a tie the part moved towards the front is the
    mover: moving a vision up is how a committee signals weight. O(n²) is fine for the
    at most 300 parts of one kind.
    """
    seq = [n for _, n in sorted(pairs)]
    longest = [1] * len(seq)  # longest increasing run starting at i
    for i in range(len(seq) - 1, -1, -1):
        for j in range(i + 1, len(seq)):
            if seq[j] > seq[i] and longest[j] + 1 > longest[i]:
                longest[i] = longest[j] + 1
    kept: set[int] = set()
    need, prev, start = max(longest, default=0), -1, 0
    while need:
        options = [i for i in range(start, len(seq)) if seq[i] > prev and longest[i] == need]
        pick = max(options, key=lambda i: seq[i])
        kept.add(seq[pick])
        need, prev, start = need - 1, seq[pick], pick + 1
    return set(seq) - kept


def id_pairs(old: Sequence[Any], new: Sequence[Any]) -> list[tuple[int, int]]:
    """Pair parts by id."""
    where = {item.id: i for i, item in enumerate(new)}
    return [(i, where[item.id]) for i, item in enumerate(old) if item.id in where]


def milestone_pairs(old: Sequence[Milestone], new: Sequence[Milestone]) -> list[tuple[int, int]]:
    """Pair milestones, which have no id, by content.

    First the same date and event; then the same event text, since a rescheduled
    meeting keeps its wording (a change of `date`); then the same date, since a reworded
    event keeps its date (a change of `event`). Whatever is left was added or removed.
    """
    keys: tuple[Callable[[Milestone], object], ...] = (
        lambda m: (m.date, normalise(m.event)),
        lambda m: normalise(m.event),
        lambda m: m.date,
    )
    pairs: list[tuple[int, int]] = []
    for key in keys:
        done_old, done_new = {o for o, _ in pairs}, {n for _, n in pairs}
        free: dict[object, list[int]] = {}
        for j, m in enumerate(new):
            if j not in done_new:
                free.setdefault(key(m), []).append(j)
        for i, m in enumerate(old):
            if i not in done_old and free.get(key(m)):
                pairs.append((i, free[key(m)].pop(0)))
    return pairs


def in_date_order(milestones: Sequence[Milestone]) -> list[int]:
    """Return the milestones' positions in date order; one date keeps the draft's order."""
    # A timeline is read as a sequence of dates: a meeting added (or cancelled) late in
    # the list still belongs where its date puts it.
    return sorted(range(len(milestones)), key=lambda i: milestones[i].date)
