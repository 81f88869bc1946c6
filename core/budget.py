"""What a whole document may cost to lay out: bounds over all its fields together.

Each field has its own limits (core.content, core.richtext); these add up. A document
at every per-field limit would still be about 330,000 words and 43,000 list items, which
no worker lays out within its time limit. Measured here on one core: the generated L
document (73,000 words, 880 paragraphs and list items, 160 pages) renders its PDF in
8 s; 16,000 list items took 25 s and 480 MB; 148,000 words took 32 s and 290 MiB on a
busy machine. The bounds below keep any valid document near 1.4 times L, so it renders
well inside the 60 s soft limit on a busy worker, in under 300 MiB.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from core import richtext
from core.errors import Problem

MAX_WORDS = 100_000  # in every text field together: about 220 pages
MAX_BLOCKS = 5_000  # paragraphs and list items in every rich-text field together
# Past either, a document goes to the bulk lane (broker.BULK_QUEUE): about 45 pages,
# some 6 s of PDF layout here, several times an ordinary strategy (the examples: 1 s).
HEAVY_WORDS = 20_000
HEAVY_BLOCKS = 1_500
STANDARD, BULK = "standard", "bulk"  # the lanes, as stored with a build
_NOT_TEXT = frozenset({"id", "slug", "vision", "affects", "date", "format", "language"})
_RICH = frozenset({"foreword", "body"})


def layout_problems(data: dict[str, Any]) -> list[Problem]:
    """Return the problems of a valid document's data that is too large to lay out."""
    problems: list[Problem] = []
    words = sum(len(text.split()) for _, text in _texts(data, ""))
    if words > MAX_WORDS:
        problems.append(
            Problem(
                "",
                f"the document has {words:,} words; at most {MAX_WORDS:,}: split it",
                code="too_many_words",
                args=(("count", str(words)), ("max", str(MAX_WORDS))),
            )
        )
    blocks = {
        path: richtext.block_count(richtext.parse(text))
        for path, text in _texts(data, "")
        if path.rsplit(".", 1)[-1] in _RICH
    }
    if (total := sum(blocks.values())) > MAX_BLOCKS:
        largest = sorted(blocks.items(), key=lambda item: -item[1])[:3]
        where = ", ".join(f"{path}: {count:,}" for path, count in largest)
        problems.append(
            Problem(
                "",
                f"the document has {total:,} paragraphs and list items; at most "
                f"{MAX_BLOCKS:,} (most in {where})",
                code="too_many_blocks",
                args=(
                    ("count", str(total)),
                    ("max", str(MAX_BLOCKS)),
                    ("largest", "|".join(f"{path}={count}" for path, count in largest)),
                ),
            )
        )
    return problems


def lane(data: dict[str, Any]) -> str:
    """Return the lane a valid document's build goes to: "bulk" when heavy to lay out."""
    return _lane_of(_texts(data, ""))


def changes_lane(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Return the lane of the comparison of two drafts: "bulk" when what changed is heavy."""
    # The comparison lays out the parts that changed, as they were and as they are, and
    # names the others: its cost grows with the change, not with the document.
    before, after = _parts(old), _parts(new)
    changed = [
        *(value for key, value in before.items() if after.get(key) != value),
        *(value for key, value in after.items() if before.get(key) != value),
    ]
    return _lane_of(text for path, value in changed for text in _texts(value, path))


def _lane_of(texts: Iterable[tuple[str, str]]) -> str:
    words = 0
    blocks = 0
    for path, text in texts:
        words += len(text.split())
        if path.rsplit(".", 1)[-1] in _RICH:
            blocks += richtext.block_count(richtext.parse(text))
    return BULK if words > HEAVY_WORDS or blocks > HEAVY_BLOCKS else STANDARD


def _parts(data: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Return a document's parts by key ("foreword", "sections#id"): (path, value)."""
    parts: dict[str, tuple[str, Any]] = {}
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value):
            parts.update({f"{key}#{item['id']}": (key, item) for item in value})
        else:
            parts[key] = (key, value)
    return parts


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Yield (path, text) for every text a reader sees, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                yield from _texts(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")
