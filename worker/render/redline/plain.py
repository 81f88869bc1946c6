"""The plain-language block of the redline: LIX before → after and the advice gone and new.

The same data as the comparison PDF and the web diff page (`core.plain_language.change`),
in the document's language. Like the høringsnotat it is plain content that describes the
drafts, never a tracked change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.document import Document
from docx.shared import Cm, Pt, RGBColor

from core import plain_language
from core.content import Strategy
from core.labels import labels
from worker.render.comparison_context import draft_name
from worker.render.docx.outline import Outline
from worker.render.docx.styles import CARD_LABEL, add_styled
from worker.render.docx.table_kit import add_row, keep_together, new_table, set_text
from worker.render.theme import Theme

_WIDTHS = (Cm(8.4), Cm(4.0), Cm(4.0))  # the part's name, then LIX before and after


def add_plain_language(
    document: Document, outline: Outline, old: Strategy, new: Strategy, theme: Theme
) -> None:
    """Add the "Klart sprog" heading, the LIX table and the advice gone and new."""
    language = new.document.language
    text = labels(language)
    plain = plain_language.change(old, new, language)
    old_name = draft_name(old, text["cmp.previous"])
    new_name = draft_name(new, text["cmp.current"])
    outline.add_heading(document, text["cmp.plain"], 1)
    add_styled(document, None, text["cmp.plain.intro"].format(label=plain["label"]))
    label = plain["label"]
    grid = new_table(
        document, _WIDTHS, [text["cmp.kind"], f"{label}: {old_name}", f"{label}: {new_name}"]
    )
    for part in [*plain["parts"], plain["overall"]]:
        row = add_row(grid, _WIDTHS)
        keep_together(row)
        for cell, value in zip(row.cells, _lix_row(part), strict=True):
            set_text(cell, value)
    for cell in row.cells:  # the whole document's row, last, as in the PDF
        cell.paragraphs[0].runs[0].bold = True
    counts = text["cmp.plain.advice"].format(
        before=plain["before"], after=plain["after"], old=old_name, new=new_name
    )
    add_styled(document, None, counts).paragraph_format.space_before = Pt(8)
    muted = RGBColor(*theme.colour_rgb("muted"))
    _advice(document, text["cmp.plain.gone"], plain["gone"], text["cmp.plain.more"], muted)
    _advice(document, text["cmp.plain.new"], plain["new"], text["cmp.plain.more"], muted)


def _lix_row(part: Mapping[str, Any]) -> tuple[str, str, str]:
    """Return a part's name and its LIX with band before and after ("–" where it had none)."""

    def lix(value: Mapping[str, Any] | None) -> str:
        return f"{value['lix']} ({value['band_name']})" if value else "–"

    return part["name"], lix(part["before"]), lix(part["after"])


def _advice(
    document: Document, title: str, found: Mapping[str, Any], more: str, muted: RGBColor
) -> None:
    """Add one list of advice (gone or new) under its title, with "… and N more"."""
    if not found["count"]:
        return
    add_styled(document, CARD_LABEL, title.format(n=found["count"]))
    for warning in found["shown"]:
        add_styled(document, "List Bullet", warning["message"])
    if found["more"]:
        rest = add_styled(document, None, more.format(n=found["more"]))
        rest.runs[0].italic = True
        rest.runs[0].font.color.rgb = muted
