"""Headings: real Heading 1/2 paragraphs with a bookmark each, collected for the TOC."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from worker.render.docx.fields import OutlineEntry
from worker.render.docx.richtext import run_element
from worker.render.docx.styles import Container, add_styled, set_style


class Outline:
    """The document's headings in order, as the TOC will list them."""

    def __init__(self) -> None:
        self.entries: list[OutlineEntry] = []

    def add_heading(
        self, container: Container, text: str, level: int, paragraph: Paragraph | None = None
    ) -> Paragraph:
        """Append a heading (or turn `paragraph` into one) with a `_Toc` bookmark around it."""
        if paragraph is None:
            paragraph = add_styled(container, f"Heading {level}")
        else:
            set_style(paragraph, f"Heading {level}")
        number = len(self.entries) + 1
        # Word's own TOC bookmarks start with "_Toc", which hides them from the bookmark list.
        name = f"_Toc{number:08d}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(number))
        for element in (start, run_element(text), end):
            paragraph._p.append(element)
        self.entries.append(OutlineEntry(level, text, name))
        return paragraph
