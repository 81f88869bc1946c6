"""What a DOCX's text uses of its fonts: the families named, bold/italic styles, characters.

`fonts` embeds only what this finds: the faces (regular, bold, italic, bold italic)
some run may show in after Word's style resolution, cut to the characters shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product
from typing import Any

from docx.oxml.ns import qn

_TEXT_TAGS = (qn("w:t"), qn("w:delText"))
_VML_TEXTPATH = "{urn:schemas-microsoft-com:vml}textpath"
_CSS_FAMILY = re.compile(r"font-family:\s*\"?([^;\"]+)")
_ON = {None, "1", "true", "on"}  # ST_OnOff; an element without w:val is on


def referenced_families(parts: Iterable[Any]) -> set[str]:
    """Return every font family a run, style, list level or VML text path names."""
    families: set[str] = set()
    attrs = [qn(f"w:{a}") for a in ("ascii", "hAnsi", "cs", "eastAsia")]
    for part in parts:
        for fonts in part.element.iter(qn("w:rFonts")):
            families.update(v for a in attrs if (v := fonts.get(a)))
        for path in part.element.iter(_VML_TEXTPATH):
            families.update(m.strip() for m in _CSS_FAMILY.findall(path.get("style", "")))
    return families


def runs_usage(parts: Iterable[Any], styles: Any) -> tuple[set[tuple[bool, bool]], set[str]]:
    """Return the (bold, italic) styles text may show in, and every character shown."""
    resolver = _Styles(styles)
    combos: set[tuple[bool, bool]] = set()
    characters: set[str] = set()
    for part in parts:
        characters.update("".join(part.element.itertext(*_TEXT_TAGS)))
        for path in part.element.iter(_VML_TEXTPATH):
            characters.update(path.get("string", ""))
        for level in part.element.iter(qn("w:lvlText")):
            characters.update(re.sub(r"%\d", "", level.get(qn("w:val"), "")))
        # By paragraph: the paragraph and table styles are looked up once for all runs.
        # (A text box's runs are seen again with the outer paragraph's context; that
        # can only add a face, never lose one.)
        for paragraph in part.element.iter(qn("w:p")):
            context = resolver.context(paragraph)
            for run in paragraph.iter(qn("w:r")):
                if run.find(_TEXT_TAGS[0]) is None and run.find(_TEXT_TAGS[1]) is None:
                    continue
                rpr = run.find(qn("w:rPr"))
                bold, italic = (
                    resolver.values(rpr, context, "w:b"),
                    resolver.values(rpr, context, "w:i"),
                )
                combos.update(product(bold, italic))
    return combos, characters


@dataclass(frozen=True)
class _Context:
    """What a paragraph's runs inherit from: its style, and its table's style and row."""

    paragraph_style: str | None
    table_style: str | None = None
    header_row: bool = False


class _Styles:
    """Enough of Word's style resolution to tell whether a run may be bold or italic."""

    def __init__(self, styles: Any) -> None:
        self._by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
        self._default_para = next(
            (
                s.get(qn("w:styleId"))
                for s in styles.iter(qn("w:style"))
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in _ON - {None}
            ),
            None,
        )
        self._defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self._memo: dict[tuple[Any, ...], set[bool]] = {}

    def context(self, paragraph: Any) -> _Context:
        """Return the style context of a paragraph."""
        style = _val(paragraph.find(qn("w:pPr")), "w:pStyle") or self._default_para
        table = next(paragraph.iterancestors(qn("w:tbl")), None)
        if table is None:
            return _Context(style)
        row = next(paragraph.iterancestors(qn("w:tr")), None)
        header = row is not None and (
            table.find(qn("w:tr")) is row
            or row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        )
        return _Context(style, _val(table.find(qn("w:tblPr")), "w:tblStyle"), header)

    def values(self, rpr: Any, context: _Context, tag: str) -> set[bool]:
        """Return the values a toggle property (w:b, w:i) can take on a run."""
        change = rpr.find(f"{qn('w:rPrChange')}/{qn('w:rPr')}") if rpr is not None else None
        # Rejecting a tracked formatting change brings the old value back.
        direct = (_flag(rpr, tag),) + ((_flag(change, tag),) if change is not None else ())
        key = (tag, _val(rpr, "w:rStyle"), direct, context)
        if key not in self._memo:
            self._memo[key] = self._resolve(key[1], direct, context, tag)
        return self._memo[key]

    def _resolve(
        self, run_style: str | None, direct: tuple[bool | None, ...], context: _Context, tag: str
    ) -> set[bool]:
        found = {v for v in direct if v is not None}
        if None not in direct:
            return found
        levels = [
            self._chain(run_style, tag),
            self._chain(context.paragraph_style, tag),
            self._chain(context.table_style, tag),
        ]
        found |= self._combine(levels, tag)
        # A table style's conditional formatting (first row, banding, …) may or may not
        # reach this cell; both outcomes are possible.
        for value in self._conditionals(context, tag):
            found |= self._combine([*levels, value], tag)
        return found

    def _combine(self, levels: list[bool | None], tag: str) -> set[bool]:
        """Return the values the style levels (character, paragraph, table) can give."""
        stated = [v for v in levels if v is not None]
        if not stated:
            return {bool(_flag(self._defaults, tag))}
        # Toggle properties cancel out across style levels (ECMA-376 §17.7.3): if
        # several levels state one, "off" is possible too.
        return set(stated) | ({False} if len(stated) > 1 else set())

    def _chain(self, style_id: str | None, tag: str) -> bool | None:
        """Return the value the style or one it is based on sets, or None."""
        for _ in range(32):  # basedOn loops are invalid but must not hang the render
            style = self._by_id.get(style_id)
            if style is None:
                return None
            value = _flag(style.find(qn("w:rPr")), tag)
            if value is not None:
                return value
            style_id = _val(style, "w:basedOn")
        return None

    def _conditionals(self, context: _Context, tag: str) -> list[bool | None]:
        """Return what the table style's conditional parts that may apply here set."""
        found: list[bool | None] = []
        style_id, seen = context.table_style, set()
        while (style := self._by_id.get(style_id)) is not None and style_id not in seen:
            seen.add(style_id)
            for part in style.iter(qn("w:tblStylePr")):
                if part.get(qn("w:type")) != "firstRow" or context.header_row:
                    found.append(_flag(part.find(qn("w:rPr")), tag))
            style_id = _val(style, "w:basedOn")
        return found


def _val(parent: Any, tag: str) -> str | None:
    child = parent.find(qn(tag)) if parent is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _flag(rpr: Any, tag: str) -> bool | None:
    """Return an on/off property of a w:rPr, or None when it does not set it."""
    element = rpr.find(qn(tag)) if rpr is not None else None
    return None if element is None else element.get(qn("w:val")) in _ON
