"""Word styles for the DOCX: the theme's font and colours, the document language, page size.

Everything visual lives in named styles (not direct formatting), so that a
communications team can restyle the whole document in Word, and so that Word's
navigation pane, TOC and spell-check see real headings and a real language.
"""

from __future__ import annotations

from typing import Any, Protocol

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import BaseStyle, ParagraphStyle
from docx.text.paragraph import Paragraph

from worker.render.theme import Theme, WordStyle

LANGUAGE_TAGS = {"da": "da-DK", "en": "en-GB"}

# Custom style names; the renderer refers to them through these constants.
COVER_ORGANISATION = "Cover Organisation"
COVER_META = "Cover Meta"
DRAFT_BANNER = "Draft Banner"
VISION_HEADLINE = "Vision Headline"
CARD_LABEL = "Card Label"
TABLE_TEXT = "Table Text"
TABLE_HEADING = "Table Heading"
TABLE_STYLE = "Strategy Table"
HYPERLINK = "Hyperlink"

# The styles this renderer adds to python-docx's template (the others are Word's own).
CUSTOM_STYLES = (
    "TOC 1",
    "TOC 2",
    COVER_ORGANISATION,
    COVER_META,
    DRAFT_BANNER,
    VISION_HEADLINE,
    CARD_LABEL,
    TABLE_TEXT,
    TABLE_HEADING,
)

# Every paragraph style the renderer applies; apply_theme checks their ids (see set_style).
PARAGRAPH_STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "List Bullet",
    "List Bullet 2",
    "List Bullet 3",
    "List Number",
    "List Number 2",
    "List Number 3",
    "List Continue",
    "List Continue 2",
    "List Continue 3",
    *CUSTOM_STYLES,
)

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def apply_theme(document: Document, theme: Theme, language: str) -> None:
    """Set page size, default font, language and every style the renderer uses.

    Sizes, gaps and colours come from the theme's [word] tables; this function only
    knows which styles exist and what Word needs beyond them (borders, keep-with-next).
    """
    page, look = theme.word.page, theme.word
    missing = sorted(set(CUSTOM_STYLES) - set(look.styles))
    if missing:  # these styles exist only once the theme defines them
        raise ValueError(f"theme {theme.name!r}: [word.styles] lacks {missing}")
    section = document.sections[0]
    section.page_width, section.page_height = Cm(page["width"]), Cm(page["height"])
    section.left_margin, section.right_margin = Cm(page["left"]), Cm(page["right"])
    section.top_margin, section.bottom_margin = Cm(page["top"]), Cm(page["bottom"])
    section.header_distance, section.footer_distance = Cm(page["header"]), Cm(page["footer"])
    _defaults(document, theme, LANGUAGE_TAGS[language])
    font = theme.font_family
    for name in ("Normal", *(n for n in look.styles if n != "Normal")):
        _para(document, name, font, look.styles[name], theme, new=name in CUSTOM_STYLES)
    _border(document.styles["Title"], "bottom", None)  # the template's blue rule
    _border(document.styles["Subtitle"], "bottom", theme.colours["accent"], space=14)
    _no_letter_spacing(document.styles["Subtitle"])
    for name in ("Header", "Footer"):
        _right_tab_only(document.styles[name], text_width(document))
    if theme.band:
        # Word has no page background a band could be drawn in: a thick rule in the band
        # colour under the header stands for it (the cover's empty header shows it too).
        _border(document.styles["Header"], "bottom", theme.colours[theme.band], space=4, size=36)
    _border(document.styles[DRAFT_BANNER], "all", theme.colours["mark"], space=5)
    for name in ("Heading 1", "Heading 2", VISION_HEADLINE, CARD_LABEL, TABLE_HEADING):
        document.styles[name].paragraph_format.keep_with_next = True
    _hyperlink_style(document, RGBColor(*theme.colour_rgb("primary")))
    _table_style(document, theme)
    _fix_bullets(document, font)
    _drop_styles_with_effects(document)
    for name in PARAGRAPH_STYLES:
        if document.styles[name].style_id != style_id(name):
            raise RuntimeError(f"style {name!r} has an unexpected id in the template")
    # Word knows these as built-in styles (named "toc 1", "Hyperlink"): its TOC update and
    # link insertion then use the theme's look instead of adding look-alike styles.
    for name, builtin in (("TOC 1", "toc 1"), ("TOC 2", "toc 2"), (HYPERLINK, HYPERLINK)):
        element = document.styles[name].element
        element.attrib.pop(qn("w:customStyle"), None)
        element.name_val = builtin


class Container(Protocol):
    """Anything python-docx can add a paragraph to: the document body or a table cell."""

    def add_paragraph(self, text: str = "", style: Any = None) -> Paragraph:
        """Append a paragraph and return it."""


def style_id(name: str) -> str:
    """Return the id of a paragraph style the renderer uses (its name without spaces)."""
    return name.replace(" ", "")


def set_style(paragraph: Paragraph, name: str) -> None:
    """Apply a paragraph style by name."""
    # python-docx resolves a style name by scanning every style twice; on a long document
    # that was most of the render time, so the id is set directly (checked in apply_theme).
    paragraph._p.style = style_id(name)


def add_styled(container: Container, style: str | None, text: str = "") -> Paragraph:
    """Append a paragraph holding literal text in a paragraph style."""
    paragraph = container.add_paragraph(text)
    if style:
        set_style(paragraph, style)
    return paragraph


def text_width(document: Document) -> Length:
    """Return the width between the page margins."""
    section = document.sections[0]
    page, left, right = section.page_width, section.left_margin, section.right_margin
    if page is None or left is None or right is None:
        raise ValueError("the page size and margins must be set first")
    return Length(page - left - right)


def _defaults(document: Document, theme: Theme, language_tag: str) -> None:
    """Set the document-wide font and language (docDefaults) so spell-check uses it."""
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    _set_fonts(rpr, theme.font_family)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language_tag)
    lang.set(qn("w:eastAsia"), language_tag)


def _set_fonts(rpr: object, family: str) -> None:
    """Name the font for every script and drop theme fonts, which would win over it."""
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), family)


def _para(
    document: Document, name: str, font: str, look: WordStyle, theme: Theme, *, new: bool
) -> None:
    """Define or restyle a paragraph style from the theme (new=True creates a custom style)."""
    if new:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.quick_style = True
    style = document.styles[name]
    _set_fonts(style.element.get_or_add_rPr(), font)
    if look.size is not None:
        style.font.size = Pt(look.size)
    if look.colour is not None:
        style.font.color.rgb = RGBColor(*theme.colour_rgb(look.colour))
    if look.bold is not None:
        style.font.bold = look.bold
    if look.italic is not None:
        style.font.italic = look.italic
    if look.caps is not None:
        style.font.all_caps = look.caps
    fmt = style.paragraph_format
    if look.before is not None:
        fmt.space_before = Pt(look.before)
    if look.after is not None:
        fmt.space_after = Pt(look.after)
    if look.line is not None:
        fmt.line_spacing = look.line
    if look.indent is not None:
        fmt.left_indent = Cm(look.indent)
    if look.shade is not None:
        _shade(style, theme.colour_hex(look.shade))


def _border(
    style: BaseStyle, side: str, colour: str | None, space: int = 4, size: int = 12
) -> None:
    """Remove the paragraph borders of a style, or set one side (or "all") to a colour."""
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is not None:
        ppr.remove(borders)
    if colour is None:
        return
    borders = OxmlElement("w:pBdr")
    for name in ("top", "left", "bottom", "right") if side == "all" else (side,):
        edge = OxmlElement(f"w:{name}")
        for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space))):
            edge.set(qn(f"w:{key}"), value)
        edge.set(qn("w:color"), colour.lstrip("#"))
        borders.append(edge)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")


def _right_tab_only(style: BaseStyle, position: Length) -> None:
    """Replace a style's tab stops (the template's, for Letter paper) by one at the margin."""
    ppr = style.element.get_or_add_pPr()
    tabs = ppr.find(qn("w:tabs"))
    if tabs is not None:
        ppr.remove(tabs)
    if isinstance(style, ParagraphStyle):
        style.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def _no_letter_spacing(style: BaseStyle) -> None:
    """Drop the template's widened letter spacing from a style."""
    rpr = style.element.get_or_add_rPr()
    spacing = rpr.find(qn("w:spacing"))
    if spacing is not None:
        rpr.remove(spacing)


def shading(colour: str) -> Any:
    """Return a w:shd element that fills with a solid colour (hex, with or without '#')."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#"))
    return shd


def _shade(style: BaseStyle, colour: str) -> None:
    """Give a paragraph style a solid background, e.g. the draft banner."""
    ppr = style.element.get_or_add_pPr()
    ppr.insert_element_before(
        shading(colour), "w:tabs", "w:spacing", "w:ind", "w:jc", "w:outlineLvl"
    )


def _hyperlink_style(document: Document, colour: RGBColor) -> None:
    """Add Word's built-in Hyperlink character style, which the default template lacks."""
    style = document.styles.add_style(HYPERLINK, WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = colour
    style.font.underline = True


def _fix_bullets(document: Document, font: str) -> None:
    """Use a plain bullet in the theme font instead of the template's Symbol-font glyph."""
    numbering = document.part.numbering_part.element
    for level in numbering.iter(qn("w:lvl")):
        fmt = level.find(qn("w:numFmt"))
        if fmt is None or fmt.get(qn("w:val")) != "bullet":
            continue
        level.find(qn("w:lvlText")).set(qn("w:val"), "•")
        rpr = level.find(qn("w:rPr"))
        if rpr is not None:
            _set_fonts(rpr, font)
            rpr.find(qn("w:rFonts")).set(qn("w:hint"), "default")


def _table_style(document: Document, theme: Theme) -> None:
    """Add the table style: light horizontal rules, and a dark header row Word repeats."""
    line, primary = theme.colours["line"].lstrip("#"), theme.colours["primary"].lstrip("#")
    rule = f'w:val="single" w:sz="4" w:space="0" w:color="{line}"'
    margin = 'w:type="dxa"'
    xml = f"""<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="StrategyTable">
      <w:name w:val="{TABLE_STYLE}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
      <w:qFormat/>
      <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>
      <w:tblPr>
        <w:tblBorders><w:top {rule}/><w:bottom {rule}/><w:insideH {rule}/></w:tblBorders>
        <w:tblCellMar><w:top w:w="70" {margin}/><w:left w:w="100" {margin}/>
          <w:bottom w:w="70" {margin}/><w:right w:w="100" {margin}/></w:tblCellMar>
      </w:tblPr>
      <w:tblStylePr w:type="firstRow">
        <w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>
        <w:tblPr/>
        <w:trPr><w:tblHeader/></w:trPr>
        <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{primary}"/></w:tcPr>
      </w:tblStylePr>
    </w:style>"""
    document.styles.element.append(parse_xml(xml))


def _drop_styles_with_effects(document: Document) -> None:
    """Remove the template's Word 2010 style copy, which would contradict the styles above."""
    # Word 2013+ ignores stylesWithEffects.xml; a stale one makes Word 2010 "repair" the file.
    part = document.part
    for r_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(r_id)
