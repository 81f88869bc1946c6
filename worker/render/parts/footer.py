"""The page footer ("Side X af Y") written on assembled pages, as the single pass draws it.

Pieces are printed without page numbers, so a piece's PDF does not depend on where it
ends up. Where the footer goes, its size and colour are measured once per theme and
language from WeasyPrint's own layout of a one-page document; the text is drawn with a
subset of the theme's font (fontTools), embedded once, as a pagination artifact, which
is what the finisher makes of the single pass's footer (a screen reader skips it).
"""

from __future__ import annotations

import hashlib
import io
import logging
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont

from core.view import DocumentView
from worker.render.pdf import lay_out
from worker.render.theme import FONT_FACES, Theme

# Lato's 'head' table dates it near 1904; fontTools logs that on every open.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
_PX = 0.75  # CSS px to PDF points
_FONT_NAME = pikepdf.Name("/UdkastFooter")  # WeasyPrint names its fonts otherwise
# Every character a footer may show, in either language: the labels and the digits.
_DIGITS = string.digits


@dataclass(frozen=True)
class FooterLook:
    """Where and how the footer is drawn: its right edge and baseline in points, its font."""

    right: float  # from the page's left edge
    baseline: float  # from the page's top edge
    size: float
    colour: tuple[float, float, float]
    font: Path
    before: str  # "Side "
    middle: str  # " af "

    def text(self, page: int, pages: int) -> str:
        """Return the footer of page `page` (1-based) of `pages`."""
        return f"{self.before}{page}{self.middle}{pages}"


_LOOKS: dict[tuple[str, str], FooterLook] = {}


def footer_look(view: DocumentView, theme: Theme) -> FooterLook:
    """Measure the theme's page footer from WeasyPrint's layout of a one-page document.

    Measured once per theme and language in a process: the footer's place and look come
    from the theme's CSS, not from the document (the view only fills the template).
    """
    key = (theme.name, view.language)
    if key not in _LOOKS:
        _LOOKS[key] = _measured(view, theme)
    return _LOOKS[key]


def _measured(view: DocumentView, theme: Theme) -> FooterLook:
    from worker.render.parts.plan import Piece, piece_html  # plan imports this module

    html = piece_html(view, theme, Piece(cover=False, parts=(), numbered=True))
    page = lay_out(html, theme).pages[0]
    box = next(
        child
        for child in page._page_box.children  # WeasyPrint keeps the page's boxes here
        if getattr(child, "at_keyword", None) == "@bottom-right"
    )
    line = box.children[0]
    words = line.children[0]
    style = words.style
    colour = style["color"]
    slot = (int(style["font_weight"]), "normal" if style["font_style"] == "normal" else "italic")
    face = next(
        (path for name, path in theme.fonts.items() if FONT_FACES[name] == slot),
        theme.fonts["regular"],
    )
    text = view.labels
    return FooterLook(
        right=(words.position_x + words.width) * _PX,
        baseline=(line.position_y + line.baseline) * _PX,
        size=style["font_size"] * _PX,
        colour=tuple(float(v) for v in colour.to("srgb").coordinates[:3]),  # type: ignore[arg-type]
        font=face,
        before=text["page_x_of_y_before"],
        middle=text["page_x_of_y_middle"],
    )


def prepare(view: DocumentView, theme: Theme) -> None:
    """Measure the footer and subset its font now, as a worker warming up does."""
    with pikepdf.new() as pdf:
        FooterWriter(pdf, footer_look(view, theme))


class FooterWriter:
    """Writes footers on the pages of one PDF, with one embedded font for all of them."""

    def __init__(self, pdf: pikepdf.Pdf, look: FooterLook) -> None:
        self._pdf = pdf
        self._look = look
        self._font, self._widths = _embedded_font(pdf, look)

    def write(self, page: pikepdf.Page, text: str) -> None:
        """Draw `text` as the page's footer, right-aligned, as a pagination artifact."""
        look = self._look
        code = text.encode("cp1252")
        width = sum(self._widths[b] for b in code) * look.size / 1000
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        # A fixed name (pikepdf would make up a random one): the same pieces, the same bytes.
        name = page.add_resource(self._font, pikepdf.Name.Font, name=_FONT_NAME)
        r, g, b = look.colour
        literal = code.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        drawn = (
            b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC q BT "
            + f"{name} {look.size:.4f} Tf {r:.4f} {g:.4f} {b:.4f} rg "
            f"1 0 0 1 {look.right - width:.4f} {height - look.baseline:.4f} Tm ".encode()
            + b"("
            + literal
            + b") Tj ET Q EMC\n"
        )
        # The page's own content may leave its coordinate system changed: keep it apart.
        page.contents_add(pikepdf.Stream(self._pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(self._pdf, b"Q\n" + drawn), prepend=False)


def _embedded_font(pdf: pikepdf.Pdf, look: FooterLook) -> tuple[pikepdf.Object, dict[int, float]]:
    """Embed a subset of the footer's font (WinAnsi, with a ToUnicode map); return it and widths."""
    chars = sorted(set(look.before + look.middle + _DIGITS))
    data, widths, metrics = _subset(look.font, "".join(chars))
    codes = sorted(ord(c.encode("cp1252").decode("latin-1")) for c in chars)
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(data).digest()[:6])
    base = pikepdf.Name(f"/{tag}+{metrics.name}")
    program = pikepdf.Stream(pdf, data)
    program.Length1 = len(data)
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=base,
            Flags=32,  # non-symbolic: its characters are the standard Latin set
            FontBBox=pikepdf.Array(metrics.bbox),
            ItalicAngle=metrics.italic,
            Ascent=metrics.ascent,
            Descent=metrics.descent,
            CapHeight=metrics.cap,
            StemV=80,
            FontFile2=program,
        )
    )
    first, last = codes[0], codes[-1]
    by_code = {ord(c.encode("cp1252").decode("latin-1")): widths[c] for c in chars}
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.TrueType,
            BaseFont=base,
            FirstChar=first,
            LastChar=last,
            Widths=pikepdf.Array([round(by_code.get(c, 0)) for c in range(first, last + 1)]),
            Encoding=pikepdf.Name.WinAnsiEncoding,
            FontDescriptor=descriptor,
            ToUnicode=pikepdf.Stream(pdf, _to_unicode(by_code, chars)),
        )
    )
    return font, {code: round(width) for code, width in by_code.items()}


def _to_unicode(by_code: dict[int, float], chars: list[str]) -> bytes:
    pairs = "".join(
        f"<{ord(c.encode('cp1252').decode('latin-1')):02X}> <{ord(c):04X}>\n" for c in chars
    )
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{pairs}endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode("ascii")


@dataclass(frozen=True)
class _Metrics:
    """What the font descriptor says of a font, in thousandths of the font size."""

    name: str
    bbox: tuple[int, int, int, int]
    italic: float
    ascent: int
    descent: int
    cap: int


@lru_cache(maxsize=8)
def _subset(path: Path, chars: str) -> tuple[bytes, dict[str, float], _Metrics]:
    """Return a TrueType subset of the font with these characters, their widths and metrics."""
    font = TTFont(path, recalcTimestamp=False)  # the same bytes every time
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = {c: font["hmtx"][cmap[ord(c)]][0] * scale for c in chars}
    head, os2 = font["head"], font["OS/2"]
    x_min, y_min, x_max, y_max = (
        round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)
    )
    metrics = _Metrics(
        name=str(font["name"].getDebugName(6) or path.stem).replace(" ", ""),
        bbox=(x_min, y_min, x_max, y_max),
        italic=float(font["post"].italicAngle),
        ascent=round(os2.sTypoAscender * scale),
        descent=round(os2.sTypoDescender * scale),
        cap=round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
    )
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), widths, metrics
