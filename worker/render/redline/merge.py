"""Merge two rendered versions of a paragraph (or of a list of them) into tracked changes.

Both drafts are rendered with the normal DOCX building blocks; the merge then keeps
the new paragraph's properties and rebuilds its runs from word ops: kept and inserted
text takes the new draft's formatting, deleted text the old draft's, so bold, italics
and links survive on both sides.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from core.paragraphdiff import ParagraphOp, diff_paragraphs
from core.textdiff import Op, apply_ops, diff_text
from worker.render.redline.revisions import Revisions, mark_whole_paragraph

_TEXT = {qn("w:t"): None, qn("w:delText"): None, qn("w:tab"): "\t", qn("w:cr"): "\n"}


@dataclass(frozen=True)
class Piece:
    """Text with one formatting: the run properties and the hyperlink it sits in, if any."""

    text: str
    rpr: Any
    link: Any
    kind: str = "equal"


def run_text(run: Any) -> str:
    """Return a run's text as a reader sees it (tabs and line breaks included)."""
    out = []
    for child in run:
        if child.tag in _TEXT:
            out.append(_TEXT[child.tag] or child.text or "")
        elif child.tag == qn("w:br") and child.get(qn("w:type")) in (None, "textWrapping"):
            out.append("\n")
    return "".join(out)


def paragraph_text(paragraph: Any) -> str:
    """Return the text of a paragraph, including runs inside w:ins, w:del and hyperlinks."""
    return "".join(run_text(run) for run in paragraph.iter(qn("w:r")))


def pieces(paragraph: Any) -> list[Piece]:
    """Return the text pieces of a paragraph's direct runs and hyperlinks, in order."""
    out: list[Piece] = []
    for child in paragraph:
        if child.tag == qn("w:r"):
            runs, link = [child], None
        elif child.tag == qn("w:hyperlink"):
            runs, link = child.findall(qn("w:r")), child
        else:
            continue
        out.extend(
            Piece(text, run.find(qn("w:rPr")), link) for run in runs if (text := run_text(run))
        )
    return out


def _slice(source: list[Piece], start: int, end: int, kind: str) -> list[Piece]:
    """Return the pieces covering characters start..end, cut at the edges."""
    out, pos = [], 0
    for piece in source:
        lo, hi = max(start, pos), min(end, pos + len(piece.text))
        if lo < hi:
            out.append(Piece(piece.text[lo - pos : hi - pos], piece.rpr, piece.link, kind))
        pos += len(piece.text)
    return out


def _ops_fit(old: str, new: str, ops: Sequence[Op] | None) -> Sequence[Op]:
    """Return the given word ops if they turn old into new, else fresh ones."""
    if ops:
        try:
            if apply_ops(old, ops) == new:
                return ops
        except ValueError:
            pass
    return diff_text(old, new)


def _run(piece: Piece) -> Any:
    run = OxmlElement("w:r")
    if piece.rpr is not None:
        run.append(copy.deepcopy(piece.rpr))
    run.text = piece.text  # python-docx writes tabs and line breaks as w:tab / w:br
    return run


def _link_key(link: Any) -> Any:
    return None if link is None else tuple(sorted(link.attrib.items()))


def merge_paragraph(old: Any, new: Any, rev: Revisions, ops: Sequence[Op] | None = None) -> Any:
    """Rewrite `new` so that its runs show the word changes from `old`; return it."""
    old_pieces, new_pieces = pieces(old), pieces(new)
    old_text = "".join(p.text for p in old_pieces)
    new_text = "".join(p.text for p in new_pieces)
    if old_text == new_text:
        return new
    merged: list[Piece] = []
    opos = npos = 0
    for op in _ops_fit(old_text, new_text, ops):
        if op.op == "delete":
            merged += _slice(old_pieces, opos, opos + len(op.text), "del")
            opos += len(op.text)
            continue
        kind = "ins" if op.op == "insert" else "equal"
        merged += _slice(new_pieces, npos, npos + len(op.text), kind)
        npos += len(op.text)
        if op.op == "equal":
            opos += len(op.old if op.old is not None else op.text)
    # Runs without text (a page break, a field character) stay where they are.
    content = [c for c in new if c.tag == qn("w:hyperlink") or (c.tag == qn("w:r") and run_text(c))]
    anchor = content[0].getprevious() if content else None
    for element in content:
        new.remove(element)
    elements = _elements(merged, rev)
    for element in reversed(elements):
        if anchor is None:
            new.insert(1 if new.pPr is not None else 0, element)
        else:
            anchor.addnext(element)
    return new


def _elements(merged: list[Piece], rev: Revisions) -> list[Any]:
    """Group pieces by hyperlink, then by revision kind, into runs, w:ins/w:del and links."""
    out: list[Any] = []
    for _, linked in groupby(merged, key=lambda p: _link_key(p.link)):
        group = list(linked)
        content: list[Any] = []
        for kind, same in groupby(group, key=lambda p: p.kind):
            runs = [_run(p) for p in same]
            content += (
                runs if kind == "equal" else [rev.wrap("ins" if kind == "ins" else "del", runs)]
            )
        link = group[0].link
        if link is None:
            out += content
        else:
            wrapper = OxmlElement("w:hyperlink")
            for name, value in link.attrib.items():
                wrapper.set(name, value)
            wrapper.extend(content)
            out.append(wrapper)
    return out


def merge_paragraphs(
    old: Sequence[Any],
    new: Sequence[Any],
    rev: Revisions,
    ops: Sequence[ParagraphOp] | None = None,
) -> list[Any]:
    """Return the paragraphs of the redline, in order, from rendered old and new ones.

    `ops` are the comparison's paragraph ops for the field; they are recomputed from the
    rendered texts when missing or when they do not describe these paragraphs.
    """
    old_texts = [paragraph_text(p) for p in old]
    new_texts = [paragraph_text(p) for p in new]
    if not ops or not _fits(ops, old_texts, new_texts):
        ops = diff_paragraphs(old_texts, new_texts)
    out: list[Any] = []
    i = j = 0
    for op in ops:
        if op.op == "delete":
            out.append(mark_whole_paragraph(old[i], "del", rev))
            i += 1
        elif op.op == "insert":
            out.append(mark_whole_paragraph(new[j], "ins", rev))
            j += 1
        else:
            out.append(
                merge_paragraph(old[i], new[j], rev, op.ops) if op.op == "change" else new[j]
            )
            i, j = i + 1, j + 1
    return out


def _fits(ops: Sequence[ParagraphOp], old: list[str], new: list[str]) -> bool:
    olds = [op.old for op in ops if op.op != "insert"]
    news = [op.new for op in ops if op.op != "delete"]
    return olds == old and news == new


def replace_block(rendered: Sequence[Any], merged: Sequence[Any]) -> None:
    """Put `merged` where the contiguous `rendered` elements stood, dropping the unused."""
    if not rendered:
        return
    parent = rendered[0].getparent()
    index = parent.index(rendered[0])
    for element in rendered:
        if element.getparent() is parent:
            parent.remove(element)
    for offset, element in enumerate(merged):
        parent.insert(index + offset, element)
