"""Walk the comparison part by part and write each part of the redline in reading order.

Every part is rendered with the normal DOCX building blocks for the draft(s) it
exists in, then merged (`merge`, `tables`): kept parts stay plain,
changed ones show word changes, added parts are inserted, and removed or moved-away
parts are deleted where they used to stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.paragraph import Paragraph

from core.content import Strategy
from core.diff import Comparison
from core.parts import FieldChange, PartKind
from core.richtext import Block
from core.view import Card, DocumentView, Visions
from worker.render.docx.cover import add_cover_art, write_cover_text
from worker.render.docx.outline import Outline
from worker.render.docx.richtext import add_blocks
from worker.render.docx.styles import Container
from worker.render.docx.visions import CardParagraphs, add_card_cell, add_card_spacer, fill_card
from worker.render.redline.merge import merge_paragraph, merge_paragraphs, replace_block
from worker.render.redline.notes import note_move
from worker.render.redline.revisions import Kind, Revisions, mark_paragraph, mark_row, wrap_runs
from worker.render.redline.tables import appended
from worker.render.theme import Theme

Place = Literal["same", "ins", "del"]


@dataclass
class Redline:
    """The document being written, both drafts and their views, and what the TOC must track."""

    document: Document
    old: Strategy
    new: Strategy
    before: DocumentView  # the old draft's view
    after: DocumentView  # the new draft's view
    comparison: Comparison
    theme: Theme
    width: Length
    rev: Revisions
    outline: Outline = field(default_factory=Outline)
    # Bookmark of a heading → how its TOC line changed ("ins", "del", or its old text).
    toc: dict[str, str] = field(default_factory=dict)

    def fields(self, kind: PartKind, ident: str) -> dict[str, FieldChange]:
        """Return the changed fields of one part by name (empty if it did not change)."""
        part = self.comparison.part(kind, ident)
        return {f.name: f for f in part.fields} if part else {}

    def moved(self, kind: PartKind) -> set[str]:
        """Return the ids of the parts of one kind that moved."""
        return {p.id for p in self.comparison.parts if p.kind == kind and p.moved}


def merged_order(
    old: Sequence[str], new: Sequence[str], moved: set[str]
) -> list[tuple[Place, int, int]]:
    """Interleave two id lists: kept parts once, removed and moved-away parts where they stood.

    Kept parts keep their relative order (the comparison moved the others), so both
    lists can be walked together; a deletion comes before an insertion at one place.
    """
    kept = (set(old) & set(new)) - moved
    out: list[tuple[Place, int, int]] = []
    i = j = 0
    while i < len(old) or j < len(new):
        if i < len(old) and old[i] not in kept:
            out.append(("del", i, -1))
            i += 1
        elif j < len(new) and new[j] not in kept:
            out.append(("ins", -1, j))
            j += 1
        else:
            out.append(("same", i, j))
            i, j = i + 1, j + 1
    return out


def add_tracked_cover(red: Redline) -> None:
    """Write the cover with its metadata changes (draft label, date, …) tracked."""
    add_cover_art(red.document, red.after, red.theme)
    new = appended(red.document, lambda d: write_cover_text(d, red.after, red.theme))
    old = appended(red.document, lambda d: write_cover_text(d, red.before, red.theme))
    # The page break at the end of each cover is a textless run: the merge leaves it be.
    replace_block([*new, *old], merge_paragraphs(old, new, red.rev))


def add_tracked_heading(
    red: Redline, old: str | None, new: str | None, level: int, page_break: bool
) -> Paragraph | None:
    """Add a heading present in either draft, its text change and TOC line tracked."""
    if new is not None:
        heading = red.outline.add_heading(red.document, new, level)
        if old is None:
            _mark_heading(red, heading._p, "ins")
        elif old != new:
            scratch = Outline().add_heading(red.document, old, level)
            merge_paragraph(scratch._p, heading._p, red.rev)
            scratch._p.getparent().remove(scratch._p)
            red.toc[red.outline.entries[-1].bookmark] = old
    elif old is not None:
        heading = red.outline.add_heading(red.document, old, level)
        _mark_heading(red, heading._p, "del")
    else:
        return None
    heading.paragraph_format.page_break_before = page_break
    return heading


def _mark_heading(red: Redline, paragraph: Any, kind: Kind) -> None:
    wrap_runs(paragraph, kind, red.rev)
    mark_paragraph(paragraph, kind, red.rev)
    red.toc[red.outline.entries[-1].bookmark] = kind


def add_tracked_blocks(
    red: Redline,
    container: Container,
    old: tuple[Block, ...] | None,
    new: tuple[Block, ...] | None,
    change: FieldChange | None,
) -> None:
    """Add a rich-text field (parsed) from both drafts, paragraphs aligned by the comparison."""
    if change is None and old == new:
        if new:
            add_blocks(container, new)
        return
    news = [p._p for p in add_blocks(container, new)] if new else []
    olds = [p._p for p in add_blocks(container, old)] if old else []
    ops = change.paragraphs if change else None
    replace_block([*news, *olds], merge_paragraphs(olds, news, red.rev, ops))


def add_tracked_visions(red: Redline) -> None:
    """Add the vision cards: kept ones merged, others inserted or deleted, moves noted."""
    olds, news = _cards(red.before), _cards(red.after)
    old_ids, new_ids = [c.vision.id for c in olds], [c.vision.id for c in news]
    moved = red.moved("vision")
    for place, i, j in merged_order(old_ids, new_ids, moved):
        if place == "same":
            _same_card(red, olds[i], news[j])
            continue
        card = news[j] if place == "ins" else olds[i]
        paragraphs = _whole_card(red, card, place)
        if card.vision.id in moved:
            note_moved(red, paragraphs.title, place, card.vision.id, old_ids, new_ids)


def note_moved(
    red: Redline,
    heading: Paragraph,
    place: Kind,
    ident: str,
    old_ids: Sequence[str],
    new_ids: Sequence[str],
) -> None:
    """Note on a moved part's heading where it came from or went (a comment)."""
    old_at, new_at = old_ids.index(ident) + 1, new_ids.index(ident) + 1
    language = red.new.document.language
    note_move(red.document, red.rev, heading, place, old_at, new_at, language)


def _cards(view: DocumentView) -> tuple[Card, ...]:
    part = view.part(Visions)
    return part.cards if part else ()


def _label(view: DocumentView) -> str:
    return view.labels["commitments"]


def _whole_card(red: Redline, vision: Card, kind: Kind) -> CardParagraphs:
    cell = add_card_cell(red.document, red.theme, red.width)
    view = red.after if kind == "ins" else red.before
    card = fill_card(cell, vision, red.outline, _label(view))
    red.toc[red.outline.entries[-1].bookmark] = kind
    mark_row(cell._tc.getparent(), kind, red.rev)
    mark_paragraph(add_card_spacer(red.document, red.theme)._p, kind, red.rev)
    return card


def _same_card(red: Redline, old: Card, new: Card) -> None:
    cell = add_card_cell(red.document, red.theme, red.width)
    card = fill_card(cell, new, red.outline, _label(red.after))
    changes = red.fields("vision", new.vision.id)
    # A card's own fields may be unchanged while its label changed with the language.
    if changes or (new.vision.commitments and _label(red.before) != _label(red.after)):
        scratch = add_card_cell(red.document, red.theme, red.width)
        before = fill_card(scratch, old, Outline(), _label(red.before))
        if "title" in changes:
            red.toc[red.outline.entries[-1].bookmark] = old.vision.title
        paragraphs = _merge_card(red, before, card, changes)
        for paragraph in cell._tc.findall(qn("w:p")):
            cell._tc.remove(paragraph)
        cell._tc.extend(paragraphs)
        table = scratch._tc.getparent().getparent()
        table.getparent().remove(table)
    add_card_spacer(red.document, red.theme)


def _merge_card(
    red: Redline, old: CardParagraphs, new: CardParagraphs, changes: dict[str, FieldChange]
) -> list[Any]:
    """Return the card's paragraphs in order, each role merged with its old version."""
    rev = red.rev

    def ops(name: str) -> Any:
        change = changes.get(name)
        return change.paragraphs if change else None

    def text_ops(name: str) -> Any:
        change = changes.get(name)
        return change.ops if change else None

    out = [
        merge_paragraph(old.title._p, new.title._p, rev, text_ops("title")),
        merge_paragraph(old.headline._p, new.headline._p, rev, text_ops("headline")),
    ]
    out += merge_paragraphs([p._p for p in old.body], [p._p for p in new.body], rev, ops("body"))
    labels_ = [[p._p] if p is not None else [] for p in (old.label, new.label)]
    out += merge_paragraphs(labels_[0], labels_[1], rev)
    olds, news = [p._p for p in old.commitments], [p._p for p in new.commitments]
    out += merge_paragraphs(olds, news, rev, ops("commitments"))
    return out
