"""Word fields: PAGE/NUMPAGES, the TOC with its pre-filled entries, and updateFields.

Fields are complex fields (fldChar begin / instrText / separate / result / end):
Word recalculates them, and the cached result is what a reader sees until it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from worker.render.docx.richtext import run_element
from worker.render.docx.styles import set_style

TOC_INSTRUCTION = r'TOC \o "1-2" \h \z \u'

# CT_Settings children that must follow w:updateFields (schema order matters to Word).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


@dataclass(frozen=True)
class OutlineEntry:
    """A heading as the TOC lists it: level, text and the bookmark on the heading."""

    level: int
    text: str
    bookmark: str


def field_begin(instruction: str) -> list[Any]:
    """Return the runs that open a complex field up to its `separate` mark."""
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    return [_fld_char("begin"), _wrap(instr), _fld_char("separate")]


def field_end() -> Any:
    """Return the run that closes a complex field."""
    return _fld_char("end")


def add_field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """Append a whole field (e.g. PAGE) with the result shown before Word updates it."""
    for element in [*field_begin(instruction), run_element(cached), field_end()]:
        paragraph._p.append(element)


def add_toc(placeholder: Paragraph, entries: list[OutlineEntry]) -> None:
    """Replace `placeholder` by a TOC field pre-filled with the headings, linked to them."""
    paragraphs = []
    for entry in entries:
        paragraph = placeholder.insert_paragraph_before()
        set_style(paragraph, f"TOC {entry.level}")
        # Page numbers are unknown until Word lays the pages out (updateFields does that),
        # so the cached entries are links to the headings without numbers.
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), entry.bookmark)
        link.set(qn("w:history"), "1")
        link.append(run_element(entry.text))
        paragraph._p.append(link)
        paragraphs.append(paragraph)
    if not paragraphs:
        paragraphs.append(placeholder.insert_paragraph_before())
        set_style(paragraphs[0], "TOC 1")
    first, last = paragraphs[0]._p, paragraphs[-1]._p
    for offset, element in enumerate(field_begin(TOC_INSTRUCTION)):
        first.insert(offset + (1 if first.pPr is not None else 0), element)
    last.append(field_end())
    placeholder._p.getparent().remove(placeholder._p)


def request_field_update(document: Document) -> None:
    """Ask Word to refresh every field (the TOC's page numbers) when it opens the file."""
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        successor = next(
            (
                found
                for tag in _AFTER_UPDATE_FIELDS
                if (found := settings.find(qn(tag))) is not None
            ),
            None,
        )
        if successor is None:
            settings.append(update)
        else:
            successor.addprevious(update)
    update.set(qn("w:val"), "true")


def set_theme_font_language(document: Document, language_tag: str) -> None:
    """Set the language Word assumes for theme fonts to the document's language."""
    lang = document.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), language_tag)


def _fld_char(kind: str) -> Any:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return _wrap(char)


def _wrap(child: Any) -> Any:
    run = OxmlElement("w:r")
    run.append(child)
    return run
