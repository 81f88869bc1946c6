"""Word paragraphs read back as rich-text blocks: runs, bold, italic, links, lists.

The inverse of the DOCX writer's rich text (worker/render/docx/richtext.py), and of what
a person does to it in Word: a list is a paragraph with a list style ("List Bullet",
"List Number 2") or with numbering of its own (`w:numPr`); bold and italic are run
properties; a link is a `w:hyperlink` whose target is an http(s) or mailto address.
Tracked changes are read as accepted, or as rejected. Nothing here fetches anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from core.richtext import (
    LINK_SCHEMES,
    Block,
    Inline,
    LineBreak,
    ListBlock,
    Paragraph,
    Span,
    append_span,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
Revisions = Literal["accept", "reject"]
# Containers whose children are read as if they were not there.
_TRANSPARENT = {f"{{{W}}}{name}" for name in ("smartTag", "customXml", "fldSimple", "dir", "bdo")}
_OFF = {"0", "false", "off", "none"}


def w(name: str) -> str:
    """Return the qualified name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{name}"


@dataclass(frozen=True)
class ListInfo:
    """What makes a paragraph a list item: the kind, the level and where numbers start."""

    ordered: bool
    level: int
    start: int = 1
    continues: bool = False  # a further paragraph of the item above ("List Continue")


@dataclass
class WordStyles:
    """What the reader needs of styles.xml and numbering.xml, and the part's links."""

    names: Mapping[str, str] = field(default_factory=dict)  # styleId -> name
    style_numbering: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    formats: Mapping[tuple[str, int], tuple[bool, int]] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)  # r:id -> external target


def read_styles(styles: Any | None, numbering: Any | None, links: Mapping[str, str]) -> WordStyles:
    """Collect style names, list numbering and link targets from parsed parts."""
    names: dict[str, str] = {}
    style_numbering: dict[str, tuple[str, int]] = {}
    if styles is not None:
        for style in styles.iter(w("style")):
            ident = style.get(w("styleId"), "")
            name = style.find(w("name"))
            if name is not None:
                names[ident] = name.get(w("val"), "")
            num = style.find(f"{w('pPr')}/{w('numPr')}")
            if num is not None:
                style_numbering[ident] = _num_ref(num)
    formats: dict[tuple[str, int], tuple[bool, int]] = {}
    if numbering is not None:
        abstract: dict[str, dict[int, tuple[bool, int]]] = {}
        for item in numbering.iter(w("abstractNum")):
            levels: dict[int, tuple[bool, int]] = {}
            for level in item.iter(w("lvl")):
                fmt = level.find(w("numFmt"))
                start = level.find(w("start"))
                ordered = fmt is not None and fmt.get(w("val")) not in ("bullet", "none")
                levels[_int(level.get(w("ilvl")))] = (ordered, _int(_val(start), 1))
            abstract[item.get(w("abstractNumId"), "")] = levels
        for num in numbering.iter(w("num")):
            num_id = num.get(w("numId"), "")
            ref = num.find(w("abstractNumId"))
            levels = dict(abstract.get(_val(ref) or "", {}))
            for override in num.iter(w("lvlOverride")):
                start = override.find(w("startOverride"))
                lvl = _int(override.get(w("ilvl")))
                if start is not None and lvl in levels:
                    levels[lvl] = (levels[lvl][0], _int(_val(start), 1))
            for lvl, value in levels.items():
                formats[(num_id, lvl)] = value
    return WordStyles(names, style_numbering, formats, dict(links))


def read_blocks(
    paragraphs: Iterable[Any], styles: WordStyles, revisions: Revisions = "accept"
) -> tuple[Block, ...]:
    """Return the rich-text blocks of a run of Word paragraphs (`w:p` elements)."""
    items: list[tuple[ListInfo | None, Paragraph]] = []
    for p in paragraphs:
        inlines = _inlines(p, styles, revisions)
        info = _list_info(p, styles)
        if not inlines and info is None:
            continue  # an empty paragraph is spacing, not content
        items.append((info, Paragraph(tuple(inlines))))
    return tuple(_nest(items, 0, [0])[0])


def _nest(
    items: Sequence[tuple[ListInfo | None, Paragraph]], level: int, at: list[int]
) -> tuple[list[Block], int]:
    """Build blocks from items[at[0]:] at `level`; stop at an item of a shallower list."""
    out: list[Block] = []
    while at[0] < len(items):
        info, paragraph = items[at[0]]
        if info is None:
            if level > 0:
                return out, at[0]
            out.append(paragraph)
            at[0] += 1
            continue
        if info.level < level:
            return out, at[0]
        out.append(_list(items, level, at))
    return out, at[0]


def _list(items: Sequence[tuple[ListInfo | None, Paragraph]], level: int, at: list[int]) -> Block:
    first = items[at[0]][0]
    assert first is not None  # noqa: S101 - called on a list item
    # A level with no paragraph of its own (a list inside an item that has no text) shows
    # no number or bullet: it is read as a bullet list around the deeper one.
    ordered, start = (first.ordered, first.start) if first.level == level else (False, 1)
    entries: list[tuple[Block, ...]] = []
    while at[0] < len(items):
        info, paragraph = items[at[0]]
        if info is None or info.level < level:
            break
        if info.level > level:  # a deeper list belongs to the item above
            nested = _list(items, level + 1, at)
            if entries:
                entries[-1] = (*entries[-1], nested)
            else:
                entries.append((nested,))
            continue
        if info.continues and entries:
            entries[-1] = (*entries[-1], paragraph)
        elif not info.continues and info.ordered != ordered and entries:
            break  # a list of the other kind begins
        else:
            entries.append((paragraph,))
        at[0] += 1
    return ListBlock(ordered=ordered, items=tuple(entries), start=start)


def _list_info(p: Any, styles: WordStyles) -> ListInfo | None:
    ppr = p.find(w("pPr"))
    style_id = ""
    num: tuple[str, int] | None = None
    if ppr is not None:
        style = ppr.find(w("pStyle"))
        style_id = _val(style) or ""
        num_pr = ppr.find(w("numPr"))
        if num_pr is not None:
            num = _num_ref(num_pr)
    name = styles.names.get(style_id, style_id)
    level = _style_level(name)
    if name.startswith("List Continue"):
        return ListInfo(ordered=False, level=level, continues=True)
    if num is None and style_id in styles.style_numbering:
        num = styles.style_numbering[style_id]
    if num is not None and num[0] not in ("", "0"):
        ordered, start = styles.formats.get(num, (name.startswith("List Number"), 1))
        return ListInfo(ordered=ordered, level=max(level, num[1]), start=start)
    if name.startswith("List Bullet"):
        return ListInfo(ordered=False, level=level)
    if name.startswith("List Number"):
        return ListInfo(ordered=True, level=level)
    return None


def _style_level(name: str) -> int:
    """Return the level a list style's name says: "List Bullet 2" is level 1."""
    last = name.rsplit(" ", 1)[-1]
    return int(last) - 1 if last.isdigit() and int(last) > 1 else 0


def runs_text(element: Any, revisions: Revisions = "accept") -> str:
    """Return the plain text of the runs in `element` (a field of one line)."""
    parts: list[str] = []
    for run, _href in _runs(element, None, revisions, {}):
        for child in run:
            if child.tag in (w("t"), w("delText")):
                parts.append(child.text or "")
            elif child.tag == w("tab"):
                parts.append("\t")
            elif child.tag == w("noBreakHyphen"):
                parts.append("-")
    return "".join(parts)


def _inlines(p: Any, styles: WordStyles, revisions: Revisions) -> list[Inline]:
    out: list[Inline] = []
    for run, href in _runs(p, None, revisions, styles.links):
        strong, emphasis = _formatting(run)
        for child in run:
            tag = child.tag
            if tag in (w("t"), w("delText")):
                append_span(out, Span(child.text or "", strong, emphasis, href))
            elif tag == w("tab"):
                append_span(out, Span("\t", strong, emphasis, href))
            elif tag == w("br") and child.get(w("type")) in (None, "textWrapping"):
                out.append(LineBreak())
            elif tag == w("noBreakHyphen"):
                append_span(out, Span("-", strong, emphasis, href))
    # Spaces at a paragraph's edges are not text a reader sees.
    while out and isinstance(out[-1], LineBreak):
        out.pop()
    return _trimmed(out)


def _runs(
    element: Any, href: str | None, revisions: Revisions, links: Mapping[str, str]
) -> Iterable[tuple[Any, str | None]]:
    """Yield the paragraph's runs in reading order, each with the link it is in."""
    for child in element:
        tag = child.tag
        if tag == w("r"):
            yield child, href
        elif tag == w("hyperlink"):
            # A link to an address the content may not hold (a file, a bookmark) is text.
            target = safe_link(links.get(child.get(f"{{{R}}}id") or "", ""))
            yield from _runs(child, target or href, revisions, links)
        elif tag == w("ins"):
            if revisions == "accept":
                yield from _runs(child, href, revisions, links)
        elif tag == w("del"):
            if revisions == "reject":
                yield from _runs(child, href, revisions, links)
        elif tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _runs(content, href, revisions, links)
        elif tag in _TRANSPARENT:
            yield from _runs(child, href, revisions, links)


def _formatting(run: Any) -> tuple[bool, bool]:
    rpr = run.find(w("rPr"))
    if rpr is None:
        return False, False
    return _on(rpr.find(w("b"))), _on(rpr.find(w("i")))


def _on(element: Any | None) -> bool:
    return element is not None and (element.get(w("val")) or "true").lower() not in _OFF


def _trimmed(out: list[Inline]) -> list[Inline]:
    while out and isinstance(out[0], Span) and not out[0].text.strip():
        out.pop(0)
    while out and isinstance(out[-1], Span) and not out[-1].text.strip():
        out.pop()
    if out and isinstance(out[0], Span):
        first = out[0]
        out[0] = Span(first.text.lstrip(), first.strong, first.emphasis, first.href)
    if out and isinstance(out[-1], Span):
        last = out[-1]
        out[-1] = Span(last.text.rstrip(), last.strong, last.emphasis, last.href)
    return out


def _num_ref(num_pr: Any) -> tuple[str, int]:
    return _val(num_pr.find(w("numId"))) or "", _int(_val(num_pr.find(w("ilvl"))))


def _val(element: Any | None) -> str | None:
    return None if element is None else element.get(w("val"))


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def safe_link(target: str) -> str | None:
    """Return a link target the content may hold (http, https, mailto), or None."""
    return target if target.strip().lower().startswith(LINK_SCHEMES) else None
