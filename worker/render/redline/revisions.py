"""Revision markup: w:ins / w:del around runs, on paragraph marks and on table rows.

The shapes are the ones Word writes: deleted text lives in `w:delText`
inside `w:del`, a paragraph-mark revision is the first child of `w:pPr/w:rPr`, and a
row revision sits in `w:trPr` after at least one ordinary row property.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

Kind = Literal["ins", "del"]

# Elements that carry a revision id (w:id shared with nothing else of their kind).
REVISION_TAGS = tuple(qn(f"w:{t}") for t in ("ins", "del", "rPrChange", "pPrChange"))
# w:pPr children that must follow w:rPr (schema order matters to Word).
_AFTER_PPR_RPR = ("w:sectPr", "w:pPrChange")
# w:trPr children that must follow a row's w:ins / w:del.
_AFTER_TRPR_MARK = ("w:trPrChange",)


def revision_date(when: dt.datetime | None, day: dt.date | None) -> str | None:
    """Return an xsd:dateTime in UTC without fractions and with Z, as Word writes it.

    Without `when`, the new draft's date at noon UTC: the same calendar day in every
    time zone Word might display it in (LibreOffice shows the time as local). Without
    either, None: the revisions carry no date (it is optional), rather than the clock's,
    so rendering the same drafts twice gives the same bytes.
    """
    if when is None:
        if day is None:
            return None
        when = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class Revisions:
    """Stamps revision elements with a unique id, the author and the date."""

    def __init__(self, author: str, date: str | None) -> None:
        self.author, self.date = author, date
        self._next = 1

    def element(self, tag: str) -> Any:
        """Return a new revision element (w:ins, w:del, w:rPrChange, …) with its attributes."""
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self._next))
        element.set(qn("w:author"), self.author)
        if self.date:
            element.set(qn("w:date"), self.date)
        self._next += 1
        return element

    def wrap(self, kind: Kind, runs: Iterable[Any]) -> Any:
        """Return a w:ins / w:del holding the runs; deleted text becomes w:delText."""
        wrapper = self.element(f"w:{kind}")
        for run in runs:
            if kind == "del":
                to_deleted_text(run)
            wrapper.append(run)
        return wrapper


def to_deleted_text(run: Any) -> None:
    """Turn a run's w:t and w:instrText into w:delText / w:delInstrText (same attributes)."""
    for old, new in (("w:t", "w:delText"), ("w:instrText", "w:delInstrText")):
        for element in run.iter(qn(old)):
            element.tag = qn(new)


def wrap_runs(parent: Any, kind: Kind, rev: Revisions) -> None:
    """Wrap every stretch of runs in `parent` (a paragraph or a hyperlink) in one revision."""
    stretch: list[Any] = []
    for child in [*list(parent), None]:
        if child is not None and child.tag == qn("w:r"):
            stretch.append(child)
            continue
        if stretch:
            # Put the wrapper where the stretch stood, then move the runs into it.
            stretch[0].addprevious(rev.wrap(kind, []))
            wrapper = stretch[0].getprevious()
            for run in stretch:
                if kind == "del":
                    to_deleted_text(run)
                wrapper.append(run)
            stretch = []
        if child is not None and child.tag == qn("w:hyperlink"):
            # w:ins / w:del may not hold a hyperlink, so the revision goes inside it.
            wrap_runs(child, kind, rev)


def mark_paragraph(paragraph: Any, kind: Kind, rev: Revisions) -> None:
    """Mark a paragraph's mark (its pilcrow) as inserted or deleted."""
    ppr = paragraph.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.insert_element_before(rpr, *_AFTER_PPR_RPR)
    rpr.insert(0, rev.element(f"w:{kind}"))


def mark_whole_paragraph(paragraph: Any, kind: Kind, rev: Revisions) -> Any:
    """Mark a paragraph's runs and its mark as inserted or deleted; return it."""
    wrap_runs(paragraph, kind, rev)
    mark_paragraph(paragraph, kind, rev)
    return paragraph


def mark_row(row: Any, kind: Kind, rev: Revisions) -> None:
    """Mark a table row and the runs in its cells as inserted or deleted."""
    trpr = row.get_or_add_trPr()
    base = [c for c in trpr if c.tag not in (qn("w:ins"), qn("w:del"), qn("w:trPrChange"))]
    if not base:
        # The schema wants an ordinary row property before the revision; this one is a no-op.
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "off")
        trpr.insert(0, cant_split)
    trpr.insert_element_before(rev.element(f"w:{kind}"), *_AFTER_TRPR_MARK)
    for paragraph in row.iter(qn("w:p")):
        wrap_runs(paragraph, kind, rev)


def mark_table(table: Any, kind: Kind, rev: Revisions) -> None:
    """Mark every row of a table as inserted or deleted."""
    for row in table.findall(qn("w:tr")):
        mark_row(row, kind, rev)


def renumber(root: Any, start: int) -> int:
    """Give every revision under `root` a fresh id from `start` on; return the next free id."""
    for element in root.iter(*REVISION_TAGS):
        element.set(qn("w:id"), str(start))
        start += 1
    return start
