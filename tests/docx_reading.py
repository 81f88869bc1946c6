"""Reading a DOCX's text the way a person sees it, content controls included.

python-docx's `Document.paragraphs`, `Document.tables` and `Paragraph.text` list only
direct children, so they skip what udkast's DOCX keeps in Word content controls
(`w:sdt`): the title, headlines, rich text and tables. These helpers walk the XML.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from docx import Document
from docx.oxml.ns import qn


def paragraph_texts(source: str | Path | IO[bytes]) -> list[str]:
    """Return the text of every body paragraph in order, in cells and controls too."""
    body = Document(str(source) if isinstance(source, Path) else source).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]
