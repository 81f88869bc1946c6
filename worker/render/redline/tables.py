"""Tracked tables: rows aligned by key, whole rows inserted or deleted, cells diffed by word.

Each table is rendered twice with the normal DOCX table builders (old and new draft);
the rows are then aligned on keys that name what a row shows (the header, a vision's
group row, an indicator id, a consultation id, a matched milestone), so a row keeps
its identity when its text changes and a row that moved reads as deleted + inserted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Any

from docx.document import Document
from docx.oxml.ns import qn

from core.content import Strategy
from core.matching import in_date_order, milestone_pairs
from core.view import Consultation, Indicators
from worker.render.redline.merge import merge_paragraphs
from worker.render.redline.revisions import Kind, Revisions, mark_paragraph, mark_row, mark_table

Builder = Callable[[Document], object]  # what it returns is not used


def indicator_keys(part: Indicators | None) -> list[str]:
    """Return the row keys of the indicator table in the order it renders them."""
    keys = ["header"]
    if part is None:
        return keys
    for group in part.groups:
        keys += [f"group:{group.key}"] if part.by_vision else []
        keys += [f"indicator:{i.id}" for i in group.indicators]
    return keys


def milestone_keys(old: Strategy, new: Strategy) -> tuple[list[str], list[str]]:
    """Return the timeline's row keys for both drafts; matched milestones share a key.

    The keys follow the rows as the view orders them (by date, core.view.in_date_order).
    """
    old_keys = [f"old:{i}" for i in range(len(old.timeline))]
    new_keys = [f"new:{j}" for j in range(len(new.timeline))]
    for i, j in milestone_pairs(old.timeline, new.timeline):
        old_keys[i] = new_keys[j] = f"pair:{i}"
    return (
        ["header"] + [old_keys[i] for i in in_date_order(old.timeline)],
        ["header"] + [new_keys[j] for j in in_date_order(new.timeline)],
    )


def consultation_keys(part: Consultation | None) -> list[str]:
    """Return the row keys of the consultation appendix."""
    rows = part.rows if part else ()
    return ["header"] + [f"input:{row.id}" for row in rows]


def appended(document: Document, build: Builder) -> list[Any]:
    """Run a builder on the body and return the elements it appended."""
    body = document.element.body
    # python-docx appends before the final w:sectPr, so the new elements end there.
    tail = 1 if len(body) and body[-1].tag == qn("w:sectPr") else 0
    start = len(body) - tail
    build(document)
    return list(body)[start : len(body) - tail]


def tracked_table(
    document: Document,
    old: Builder | None,
    new: Builder | None,
    keys: tuple[list[str], list[str]],
    rev: Revisions,
) -> None:
    """Render a table for both drafts (either may be absent) and leave one tracked table."""
    new_elements = appended(document, new) if new else []
    old_elements = appended(document, old) if old else []
    if new_elements and old_elements:
        merge_table(_table(old_elements), _table(new_elements), keys, rev)
        for element in old_elements:
            element.getparent().remove(element)
        return
    kind: Kind = "ins" if new_elements else "del"
    for element in new_elements or old_elements:
        if element.tag == qn("w:tbl"):
            mark_table(element, kind, rev)
        else:
            mark_paragraph(element, kind, rev)


def _table(elements: Sequence[Any]) -> Any:
    return next(e for e in elements if e.tag == qn("w:tbl"))


def merge_table(old: Any, new: Any, keys: tuple[list[str], list[str]], rev: Revisions) -> None:
    """Rebuild `new`'s rows as the tracked merge of `old`'s and `new`'s rows."""
    old_rows, new_rows = old.findall(qn("w:tr")), new.findall(qn("w:tr"))
    old_keys, new_keys = keys
    if (len(old_keys), len(new_keys)) != (len(old_rows), len(new_rows)):
        raise ValueError("row keys do not match the rendered table")
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    rows: list[Any] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [
                _merge_row(old_rows[i], new_rows[j], rev)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        # Deleted rows first, where they stood, then the inserted ones.
        for row in old_rows[i1:i2]:
            mark_row(row, "del", rev)
            rows.append(row)
        for row in new_rows[j1:j2]:
            mark_row(row, "ins", rev)
            rows.append(row)
    for row in new_rows:
        new.remove(row)
    new.extend(rows)


def _merge_row(old: Any, new: Any, rev: Revisions) -> Any:
    old_cells, new_cells = old.findall(qn("w:tc")), new.findall(qn("w:tc"))
    if len(old_cells) != len(new_cells):
        raise ValueError("a row kept its key but not its cells")
    for old_cell, new_cell in zip(old_cells, new_cells, strict=True):
        olds, news = old_cell.findall(qn("w:p")), new_cell.findall(qn("w:p"))
        merged = merge_paragraphs(olds, news, rev)
        for paragraph in news:
            new_cell.remove(paragraph)
        new_cell.extend(merged)
    return new
