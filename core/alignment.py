"""Align two sequences (words, paragraphs) at a bounded cost: difflib within a work budget.

difflib's SequenceMatcher takes the longest common runs first, which reads well for
words and paragraphs, but its cost grows with the product of the lengths, and worse on
repetitive text (`"a " * 12000` against the same plus `" b"` took 13-29 s in a web
request). Here the common prefix and suffix are taken off first (linear, and enough
for most edits), the matcher is charged for every position it scans, and a diff that
would cost more than its share of the budget is retried with difflib's own shortcut
for popular items, then aligned on the items that occur once on each side (patience
anchors), with what lies between anchors matched while budget is left and replaced
whole after that: coarser, but always exact.

One budget spans a whole comparison (`work_budget()` around `compare()`), so a
document of many expensive fields is bounded as a whole, not field by field; a diff
run outside one gets a budget of its own.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from difflib import SequenceMatcher
from typing import Any, Literal

Tag = Literal["equal", "replace", "delete", "insert"]
Opcode = tuple[Tag, int, int, int, int]

# A unit is about one step of difflib's inner loop (a fraction of a microsecond), so
# a whole comparison costs at most about a second of matching whatever it is given;
# real drafts use a small part of it (the 75k-word benchmark pair: under 1 %).
COMPARE_BUDGET = 3_000_000
# One alignment may take this much of what is left, so one hostile field cannot
# leave the others only the coarse fallback: a floor for short texts, plus a share
# that grows with the length.
ALIGN_FLOOR = 200_000
ALIGN_PER_ITEM = 50
JUNK_FROM = 200  # difflib ignores popular items only in a second sequence this long


class WorkBudget:
    """The matching work one comparison may still spend, and what it spent."""

    def __init__(self, units: int) -> None:
        self.left = units
        self.spent = 0
        self.fallbacks = 0  # alignments that took the coarse path

    def take(self, units: int) -> bool:
        """Spend units if that many are left; tell whether they were."""
        if units > self.left:
            return False
        self.left -= units
        self.spent += units
        return True


_BUDGET: ContextVar[WorkBudget | None] = ContextVar("udkast_diff_budget", default=None)


@contextmanager
def work_budget(units: int = COMPARE_BUDGET) -> Iterator[WorkBudget]:
    """Share one budget among every alignment made inside the block.

    Inside another such block the outer budget is shared, so a caller that makes
    several comparisons (a redline document, a test) bounds and sees them all.
    """
    outer = _BUDGET.get()
    if outer is not None:
        yield outer
        return
    budget = WorkBudget(units)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def spend(units: int) -> bool:
    """Charge work done outside the matcher to the current budget; tell whether it was left."""
    budget = _BUDGET.get()
    return budget is None or budget.take(units)


def _budget() -> WorkBudget:
    return _BUDGET.get() or WorkBudget(COMPARE_BUDGET)


class _OverBudget(Exception):
    """The matcher would pass its allowance."""


class _ChargedMatcher(SequenceMatcher[Hashable]):
    """difflib's matcher, charged before every longest-match search for what it may scan.

    A search over a[alo:ahi] visits, for each item, at most the positions of that item
    in b, so the prefix sums of (1 + occurrences in b) bound its work exactly enough.
    """

    # Set by difflib (not in its type stubs): the first sequence, and where each
    # non-junk item of the second one occurs.
    a: Sequence[Hashable]
    b2j: dict[Hashable, list[int]]

    def __init__(
        self,
        a: Sequence[Hashable],
        b: Sequence[Hashable],
        autojunk: bool,
        allowance: int,
        budget: WorkBudget,
    ) -> None:
        super().__init__(None, a, b, autojunk=autojunk)
        cost = [0]
        for item in a:
            cost.append(cost[-1] + 1 + len(self.b2j.get(item, ())))
        self._cost, self._allowance, self._budget = cost, allowance, budget

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> Any:
        """Charge the search, then run difflib's; raise _OverBudget past the allowance."""
        top = len(self.a) if ahi is None else ahi
        units = self._cost[top] - self._cost[alo]
        if units > self._allowance or not self._budget.take(units):
            raise _OverBudget
        self._allowance -= units
        return super().find_longest_match(alo, ahi, blo, bhi)


def align(a: Sequence[Hashable], b: Sequence[Hashable], autojunk: bool = False) -> list[Opcode]:
    """Return difflib-style opcodes turning a into b, at a cost the current budget bounds.

    Within budget the result is SequenceMatcher's on what lies between the common prefix
    and suffix; past it, stretches between unique common items are replaced whole.
    """
    n, m = len(a), len(b)
    head = 0
    while head < n and head < m and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and a[n - 1 - tail] == b[m - 1 - tail]:
        tail += 1
    out: list[Opcode] = [("equal", 0, head, 0, head)] if head else []
    budget = _budget()
    out += _middle(a, b, head, n - tail, head, m - tail, autojunk, budget)
    if tail:
        out.append(("equal", n - tail, n, m - tail, m))
    return _tidy(out)


def similarity(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Return difflib's ratio, 2 × matched / total, from a bounded alignment."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    matched = sum(i2 - i1 for tag, i1, i2, _, _ in align(a, b) if tag == "equal")
    return 2 * matched / total


def _middle(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    autojunk: bool,
    budget: WorkBudget,
) -> list[Opcode]:
    """Align a[alo:ahi] with b[blo:bhi]: difflib within the allowance, else anchors."""
    if alo == ahi or blo == bhi:
        return _replaced(alo, ahi, blo, bhi)
    ops = _matched(a, b, alo, ahi, blo, bhi, autojunk, budget)
    if ops is not None:
        return ops
    budget.fallbacks += 1
    if not autojunk and bhi - blo >= JUNK_FROM:
        # difflib's own shortcut: items in over 1 % of b only extend matches found
        # around rarer ones, so repetitive text is cheap again.
        ops = _matched(a, b, alo, ahi, blo, bhi, True, budget)
        if ops is not None:
            return ops
    return _anchored(a, b, alo, ahi, blo, bhi, autojunk, budget)


def _matched(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    autojunk: bool,
    budget: WorkBudget,
) -> list[Opcode] | None:
    """Run difflib on the stretch if its allowance covers it; None when it does not."""
    size = (ahi - alo) + (bhi - blo)
    allowance = min(budget.left, ALIGN_FLOOR + ALIGN_PER_ITEM * size)
    if not budget.take(size):  # indexing b and the prefix sums
        return None
    try:
        matcher = _ChargedMatcher(a[alo:ahi], b[blo:bhi], autojunk, allowance - size, budget)
        codes = matcher.get_opcodes()
    except _OverBudget:
        return None
    return [(tag, i1 + alo, i2 + alo, j1 + blo, j2 + blo) for tag, i1, i2, j1, j2 in codes]


def _anchored(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    autojunk: bool,
    budget: WorkBudget,
) -> list[Opcode]:
    """Align on items unique to both sides (in order), then each stretch between them.

    Linear apart from sorting the anchors; a stretch is matched with difflib while
    budget is left and replaced whole after that, so this never recurses further.
    """
    anchors = _anchors(a[alo:ahi], b[blo:bhi])
    out: list[Opcode] = []
    i, j = alo, blo
    for ai, bj in [*((x + alo, y + blo) for x, y in anchors), (ahi, bhi)]:
        if ai < i:
            continue  # the run grown from the anchor before already took this one
        # Grow the anchor backwards over equal items, then match what is left between.
        start_a, start_b = ai, bj
        while start_a > i and start_b > j and a[start_a - 1] == b[start_b - 1]:
            start_a, start_b = start_a - 1, start_b - 1
        if (start_a - i) and (start_b - j):
            ops = _matched(a, b, i, start_a, j, start_b, autojunk, budget)
            out += ops if ops is not None else _replaced(i, start_a, j, start_b)
        else:
            out += _replaced(i, start_a, j, start_b)
        if ai == ahi:
            out.append(("equal", start_a, ai, start_b, bj))
            break
        end_a, end_b = ai + 1, bj + 1
        while end_a < ahi and end_b < bhi and a[end_a] == b[end_b]:
            end_a, end_b = end_a + 1, end_b + 1
        out.append(("equal", start_a, end_a, start_b, end_b))
        i, j = end_a, end_b
    return out


def _anchors(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Return (i, j) of items once in a and once in b, the longest run kept in order."""
    in_a, in_b = Counter(a), Counter(b)
    where = {item: j for j, item in enumerate(b) if in_b[item] == 1 and in_a[item] == 1}
    pairs = [(i, where[item]) for i, item in enumerate(a) if item in where]
    # Longest increasing subsequence of the b positions (patience sorting).
    tops: list[int] = []  # the smallest b position ending a run of each length
    ends: list[int] = []  # index into pairs of that run's last pair
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tops, j)
        back.append(ends[at - 1] if at else -1)
        if at == len(tops):
            tops.append(j)
            ends.append(k)
        else:
            tops[at], ends[at] = j, k
    chain: list[tuple[int, int]] = []
    k = ends[-1] if ends else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _replaced(alo: int, ahi: int, blo: int, bhi: int) -> list[Opcode]:
    if alo < ahi and blo < bhi:
        return [("replace", alo, ahi, blo, bhi)]
    if alo < ahi:
        return [("delete", alo, ahi, blo, bhi)]
    if blo < bhi:
        return [("insert", alo, ahi, blo, bhi)]
    return []


def _tidy(ops: list[Opcode]) -> list[Opcode]:
    """Drop empty runs and join neighbours of the same kind (kept, or edited)."""
    out: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        if i1 == i2 and j1 == j2:
            continue
        if out and (out[-1][0] == "equal") == (tag == "equal"):
            _, p1, _, q1, _ = out.pop()
            i1, j1 = p1, q1
            if tag != "equal":
                tag = "replace" if (i2 > i1 and j2 > j1) else "delete" if i2 > i1 else "insert"
        out.append((tag, i1, i2, j1, j2))
    return out
