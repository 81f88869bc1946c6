"""Accept all / reject all simulated on a tracked-changes DOCX's XML (notes A3, check 2).

python-docx's `paragraph.text` ignores runs inside w:ins/w:del, so the texts here are
read from the XML itself, table-cell paragraphs included, empty paragraphs dropped.
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

from lxml import etree

from core.content import Strategy
from core.labels import labels
from worker.render.docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REPORT = labels("da")["consultation_report"]


def xml_root(data: bytes, part: str = "word/document.xml") -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(part))


def _resolve(root: Any, keep: str, drop: str) -> Any:
    """Keep one kind of revision (unwrap it) and undo the other, as Word's Accept/Reject All."""
    root = copy.deepcopy(root)
    for row in list(root.iter(f"{W}tr")):
        if row.find(f"{W}trPr/{W}{drop}") is not None:
            row.getparent().remove(row)
    marked = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}{drop}") is not None]
    marks = (f"{W}rPr", f"{W}trPr")
    for element in list(root.iter(f"{W}{drop}", f"{W}{keep}")):
        parent = element.getparent()
        if parent.tag in marks or element.tag == f"{W}{drop}":
            parent.remove(element)
        else:
            for child in list(element):
                element.addprevious(child)
            parent.remove(element)
    for element in list(root.iter(f"{W}delText")):
        element.tag = f"{W}t"
    # A paragraph whose mark is undone joins the next paragraph.
    paragraphs = list(root.iter(f"{W}p"))
    for paragraph in reversed(marked):
        index = paragraphs.index(paragraph)
        content = [c for c in paragraph if c.tag != f"{W}pPr"]
        if index + 1 < len(paragraphs):
            following = paragraphs[index + 1]
            at = 1 if following.find(f"{W}pPr") is not None else 0
            for offset, child in enumerate(content):
                following.insert(at + offset, child)
        paragraph.getparent().remove(paragraph)
    return root


def accept_all(root: Any) -> Any:
    return _resolve(root, "ins", "del")


def reject_all(root: Any) -> Any:
    return _resolve(root, "del", "ins")


def text_of(paragraph: Any) -> str:
    out = []
    for element in paragraph.iter(f"{W}t", f"{W}delText", f"{W}tab", f"{W}br"):
        if element.tag == f"{W}tab":
            out.append("\t")
        elif element.tag == f"{W}br":
            out.append("\n" if element.get(f"{W}type") in (None, "textWrapping") else "")
        else:
            out.append(element.text or "")
    return "".join(out)


def paragraph_texts(root: Any) -> list[tuple[str, str]]:
    """(style id, text) of every non-empty paragraph in the body, table cells included."""
    out = []
    for paragraph in root.iter(f"{W}p"):
        if (text := text_of(paragraph)).strip():
            style = paragraph.find(f"{W}pPr/{W}pStyle")
            out.append((style.get(f"{W}val") if style is not None else "", text))
    return out


def draft_texts(root: Any, report: str = REPORT) -> list[str]:
    """The texts before the appended høringsnotat, without the TOC lines of the appended
    notes (it and the plain-language feedback): the draft itself."""
    texts = paragraph_texts(root)
    end = max(i for i, (style, text) in enumerate(texts) if style == "Heading1" and text == report)
    appended = {("TOC1", report)} | {("TOC1", labels(lang)["cmp.plain"]) for lang in ("da", "en")}
    return [text for style, text in texts[:end] if (style, text) not in appended]


def plain_texts(strategy: Strategy) -> list[str]:
    return [text for _, text in paragraph_texts(xml_root(render_docx(strategy)))]
