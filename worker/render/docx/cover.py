"""The cover page and the file's core properties (title, author, language, …)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from core.content import Strategy
from core.shortening import shortened
from core.view import DocumentView
from worker.render.docx.styles import (
    COVER_META,
    COVER_ORGANISATION,
    DRAFT_BANNER,
    LANGUAGE_TAGS,
    add_styled,
)
from worker.render.theme import Logo, Theme

# python-docx refuses core property values longer than this,
# while authors, subtitle and keywords may legitimately run longer.
CORE_PROPERTY_MAX = 255


@dataclass(frozen=True)
class CoverParagraphs:
    """The cover's paragraphs that show a document field, by field (None when not shown)."""

    organisation: Paragraph
    title: Paragraph
    subtitle: Paragraph | None
    draft_label: Paragraph | None
    date: Paragraph | None
    authors: list[Paragraph]


def write_cover(document: Document, view: DocumentView, theme: Theme) -> CoverParagraphs:
    """Write the cover (banner, logo, organisation, title, ...); return the field paragraphs."""
    add_cover_art(document, view, theme)
    return write_cover_text(document, view, theme)


def add_cover_art(document: Document, view: DocumentView, theme: Theme) -> None:
    """Write what the theme puts at the top of every cover: its logo, if it has one."""
    if theme.logo is not None:
        add_logo(document, theme.logo, view.info.language)


def add_logo(document: Document, logo: Logo, language: str) -> None:
    """Add the theme's logo in a paragraph of its own, with its alt text for screen readers."""
    picture = (
        document.add_paragraph().add_run().add_picture(str(logo.path), width=Mm(logo.width_mm))
    )
    # Word reads a picture's alt text from wp:docPr's descr; the name stays python-docx's
    # file name, which says nothing.
    properties = picture._inline.docPr
    properties.set("descr", logo.alt_text(language))
    properties.set("name", "Logo")


def write_cover_text(document: Document, view: DocumentView, theme: Theme) -> CoverParagraphs:
    """Write the cover's text: draft banner, organisation, title, subtitle, date, authors."""
    info, table = view.info, view.labels
    if view.mark:
        banner = " · ".join(part for part in (view.mark, info.draft_label) if part)
        add_styled(document, DRAFT_BANNER, banner)
    top = add_styled(document, COVER_ORGANISATION, info.organisation or "")
    top.paragraph_format.space_before = Pt(theme.word.spacing["cover_top"])
    title = add_styled(document, "Title", info.title)
    subtitle = add_styled(document, "Subtitle", info.subtitle) if info.subtitle else None
    label_line, date_line = (
        add_styled(document, COVER_META, line) if line else None
        for line in (info.draft_label, view.date)
    )
    authors = []
    if info.authors:
        label = add_styled(document, COVER_META, table["authors"])
        label.paragraph_format.space_before = Pt(theme.word.spacing["cover_authors"])
        label.runs[0].bold = True
        for author in info.authors:
            name = f"{author.name}, {author.role}" if author.role else author.name
            authors.append(add_styled(document, COVER_META, name))
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    return CoverParagraphs(top, title, subtitle, label_line, date_line, authors)


def set_core_properties(document: Document, strategy: Strategy) -> None:
    """Fill title, author, subject, keywords and language, replacing the template's."""
    info = strategy.document
    props = document.core_properties
    author = _fit("; ".join(a.name for a in info.authors) or info.organisation or "")
    props.title = _fit(info.title)
    props.author = author
    props.last_modified_by = author
    props.subject = _fit(info.subtitle or "")
    props.language = LANGUAGE_TAGS[info.language]
    props.keywords = _fit(
        ", ".join(
            part for part in (info.organisation, info.slug, info.draft_label, info.status) if part
        )
    )
    _drop_template_thumbnail(document)
    props.comments = ""
    props.category = ""
    props.revision = 1
    if info.date:
        # The draft's own date, not the render time: rendering twice gives the same properties.
        stamp = dt.datetime.combine(info.date, dt.time(12, 0), tzinfo=dt.UTC)
        props.created = props.modified = stamp


def _fit(text: str) -> str:
    """Shorten text to what a core property holds, marking the cut with an ellipsis."""
    return shortened(text, CORE_PROPERTY_MAX)


def _drop_template_thumbnail(document: Document) -> None:
    """Remove the template's preview picture, which shows a page of another document."""
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(r_id)
