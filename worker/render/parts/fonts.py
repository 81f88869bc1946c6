"""One embedded font program per face in an assembled PDF, as the single pass has.

Each piece embeds its own subset of every face it uses, so L's 31 pieces carried some
90 copies of four fonts: the assembled file was 1.4 times the single pass's size.
WeasyPrint subsets with the glyph ids retained and writes text as those ids (Identity-H,
CIDToGIDMap Identity), so the subsets of one face can be joined glyph by glyph: the
joined subset holds every glyph any piece draws, at the same id, and every piece's font
dictionary points at it, with the widths and the Unicode map of all of them. (The
program's own cmap stays the base subset's: text written as glyph ids never reads it;
readers take the text from the ToUnicode map.) A face whose pieces were written any
other way (another encoding, a CIDSet, a different font program under the same name),
or whose programs cannot be read, is left as it is.
"""

from __future__ import annotations

import array
import io
import logging
import re
import struct
import sys
from collections.abc import Iterable, Iterator

import pikepdf
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
log = logging.getLogger(__name__)

# A composite glyph's component flags (OpenType's glyf table).
_ARGS_ARE_WORDS, _A_SCALE, _MORE_COMPONENTS = 0x0001, 0x0008, 0x0020
_X_AND_Y_SCALE, _TWO_BY_TWO = 0x0040, 0x0080
# The maxp counts that bound every glyph of a font (TrueType outlines).
_MAXP_LARGEST = (
    "maxPoints",
    "maxContours",
    "maxCompositePoints",
    "maxCompositeContours",
    "maxComponentElements",
    "maxComponentDepth",
    "maxSizeOfInstructions",
)
# What must agree for two subsets to come from one font program.
_SAME_FONT = ("unitsPerEm", "created", "modified", "fontRevision")


def share_fonts(pdf: pikepdf.Pdf) -> int:
    """Join the subsets of each face the pieces embedded into one; return how many faces."""
    faces: dict[str, list[pikepdf.Dictionary]] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0":
            faces.setdefault(str(obj.get("/BaseFont")), []).append(obj)
    joined = 0
    for name, fonts in faces.items():
        try:
            parts = _joinable(fonts)
            if parts is None or len(parts) < 2:
                continue
            program = _joined_program(parts)
        except Exception:  # fontTools raises many kinds on a font it cannot read
            # Joining only makes the file smaller: a theme font it cannot read stays as
            # each piece embedded it, and the document is printed all the same.
            log.warning("the subsets of %s were left apart", name, exc_info=True)
            continue
        _point_at(pdf, fonts, parts, program)
        joined += 1
    return joined


class _Part:
    """One piece's subset of a face: its descendant font, program, widths and text map."""

    def __init__(self, cid_font: pikepdf.Dictionary, program: TTFont, to_unicode: bytes) -> None:
        self.cid_font = cid_font
        self.program = program
        self.widths = dict(_widths(cid_font.get("/W", pikepdf.Array())))
        self.text = dict(_bfchars(to_unicode))
        # HarfBuzz keeps every id up to the highest the piece draws; a component above it
        # (Lato's accents share one placed past its last glyph) moves to the ids after it.
        self.top = max(self.widths, default=-1)
        self.raw = _RawGlyphs(program)


def _joinable(fonts: list[pikepdf.Dictionary]) -> list[_Part] | None:
    """Return the distinct subsets of one face, or None when they cannot be joined."""
    parts: list[_Part] = []
    seen: set[tuple[int, int]] = set()
    for font in fonts:
        if font.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in font:
            return None
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
            return None
        cid_font = descendants[0]
        if not isinstance(cid_font, pikepdf.Dictionary):
            return None
        if cid_font.objgen in seen:
            continue
        seen.add(cid_font.objgen)
        descriptor = cid_font.get("/FontDescriptor")
        if (
            cid_font.get("/Subtype") != "/CIDFontType2"
            or cid_font.get("/CIDToGIDMap") != "/Identity"
            or descriptor is None
            or "/FontFile2" not in descriptor
            or "/CIDSet" in descriptor
        ):
            return None
        # The font's own dates stay: the same pieces must give the same bytes.
        data = descriptor.FontFile2.read_bytes()
        program = TTFont(io.BytesIO(data), recalcTimestamp=False)
        if "glyf" not in program or "hmtx" not in program:
            return None
        if parts and _identity(program) != _identity(parts[0].program):
            return None
        to_unicode = font.ToUnicode.read_bytes()
        if b"beginbfrange" in to_unicode:  # WeasyPrint writes none
            return None
        parts.append(_Part(cid_font, program, to_unicode))
    return parts


def _identity(program: TTFont) -> tuple[object, ...]:
    head = program["head"]
    return tuple(getattr(head, name) for name in _SAME_FONT)


def _joined_program(parts: list[_Part]) -> bytes:
    """Return one font program that draws every glyph any of the parts draws, at its id."""
    # The subset reaching the highest id: no other piece draws a glyph where it keeps
    # its moved components.
    base = max(parts, key=lambda part: (part.top, part.raw.count))
    have = {gid for gid in base.raw.drawn(base.widths) if gid <= base.top}
    # The joined program's moved components by their bytes and metrics: the base's own,
    # then any a part adds.
    added = {
        (base.raw.data(gid), base.raw.metrics(gid)): gid
        for gid in reversed(range(base.top + 1, base.raw.count))  # the lowest id of twins
    }
    for part in parts:
        if part is not base:
            _take_glyphs(base, have, added, part)
    # Every glyph comes from one of the parts, so their largest counts and widest box hold
    # for the join: fontTools need not decode every glyph again to measure them.
    program = base.program
    program.recalcBBoxes = False
    maxp, head = program["maxp"], program["head"]
    for field in _MAXP_LARGEST:
        if hasattr(maxp, field):
            setattr(maxp, field, max(getattr(p.program["maxp"], field, 0) for p in parts))
    for field, pick in (("xMin", min), ("yMin", min), ("xMax", max), ("yMax", max)):
        setattr(head, field, pick(getattr(p.program["head"], field) for p in parts))
    out = io.BytesIO()
    program.save(out)
    return out.getvalue()


def _point_at(
    pdf: pikepdf.Pdf, fonts: list[pikepdf.Dictionary], parts: list[_Part], program: bytes
) -> None:
    """Point every font dictionary of a face at one descendant font with the joined program."""
    widths: dict[int, float] = {}
    text: dict[int, bytes] = {}
    for part in parts:
        for gid, width in part.widths.items():
            widths.setdefault(gid, width)
        for gid, mapped in part.text.items():
            text.setdefault(gid, mapped)
    first = parts[0].cid_font
    descriptor = pikepdf.Dictionary(
        {key: value for key, value in first.FontDescriptor.items() if key != "/FontFile2"}
    )
    stream = pikepdf.Stream(pdf, program)
    stream.Length1 = len(program)
    descriptor.FontFile2 = pdf.make_indirect(stream)
    boxes = [part.cid_font.FontDescriptor.get("/FontBBox") for part in parts]
    widest = max(float(box[2]) for box in boxes if isinstance(box, pikepdf.Array))
    if isinstance(descriptor.get("/FontBBox"), pikepdf.Array):
        box = descriptor.FontBBox
        descriptor.FontBBox = pikepdf.Array([box[0], box[1], widest, box[3]])
    cid_font = pikepdf.Dictionary({key: value for key, value in first.items()})
    cid_font.FontDescriptor = pdf.make_indirect(descriptor)
    cid_font.W = _widths_array(widths)
    shared = pdf.make_indirect(cid_font)
    to_unicode = pdf.make_indirect(pikepdf.Stream(pdf, _to_unicode(text)))
    for font in fonts:
        font.DescendantFonts = pikepdf.Array([shared])
        font.ToUnicode = to_unicode


class _RawGlyphs:
    """A subset's glyphs as bytes, read from its loca and glyf tables without decompiling.

    fontTools would make an object of each of a subset's 2,500 glyph slots, most of them
    empty, for each of some 90 subsets in L: more than the rest of the join.
    """

    def __init__(self, program: TTFont) -> None:
        self.glyf = program.reader["glyf"]
        long_offsets = program["head"].indexToLocFormat == 1
        offsets = array.array("I" if long_offsets else "H", program.reader["loca"])
        if sys.byteorder == "little":
            offsets.byteswap()
        self.offsets = list(offsets) if long_offsets else [2 * o for o in offsets]
        self.count = len(self.offsets) - 1
        # Read once: the reader reads a table from the file again on every access.
        self.hmtx = program.reader["hmtx"]
        self.long_metrics = program["hhea"].numberOfHMetrics

    def data(self, gid: int) -> bytes:
        """Return a glyph's bytes (empty for an empty glyph)."""
        return bytes(self.glyf[self.offsets[gid] : self.offsets[gid + 1]])

    def components(self, gid: int) -> list[tuple[int, int]]:
        """Return a composite glyph's components as (where its id is written, the id)."""
        data = self.data(gid)
        if len(data) < 10 or struct.unpack_from(">h", data)[0] >= 0:
            return []
        found, at = [], 10
        while True:
            flags, component = struct.unpack_from(">HH", data, at)
            found.append((at + 2, component))
            at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
            if flags & _A_SCALE:
                at += 2
            elif flags & _X_AND_Y_SCALE:
                at += 4
            elif flags & _TWO_BY_TWO:
                at += 8
            if not flags & _MORE_COMPONENTS:
                return found

    def metrics(self, gid: int) -> tuple[int, int]:
        """Return a glyph's advance and left side bearing, read from the raw hmtx table.

        Decompiling the whole table of every piece's subset (2,500 glyphs each, most of
        them empty) cost more than the rest of the join; only the drawn glyphs are read.
        """
        count = self.long_metrics
        if gid < count:
            advance, bearing = struct.unpack_from(">Hh", self.hmtx, 4 * gid)
        else:
            (advance,) = struct.unpack_from(">H", self.hmtx, 4 * (count - 1))
            (bearing,) = struct.unpack_from(">h", self.hmtx, 4 * count + 2 * (gid - count))
        return int(advance), int(bearing)

    def drawn(self, gids: Iterable[int]) -> set[int]:
        """Return the glyph ids drawn for `gids`: them and the components they are made of."""
        todo, found = list(gids), set()
        while todo:
            gid = todo.pop()
            if gid in found or not 0 <= gid < self.count:
                continue
            found.add(gid)
            todo += [component for _, component in self.components(gid)]
        return found


def _take_glyphs(
    base: _Part, have: set[int], added: dict[tuple[bytes, tuple[int, int]], int], part: _Part
) -> None:
    """Copy into the base subset the glyphs a part draws that it lacks, at the same ids.

    A glyph the part draws keeps its id in every subset. A component that moved past the
    part's highest id is the same glyph as one of the base's own moved components, or is
    added after the base's last glyph; the part's glyphs made of it are pointed there.
    """
    program, raw = base.program, part.raw
    names = program.getGlyphOrder()
    glyf, hmtx = program["glyf"], program["hmtx"]
    moved: dict[int, int] = {}

    def copied(gid: int) -> bytes:
        data = bytearray(raw.data(gid))
        # A component is written as its id in the part's subset: write its id in the base.
        for at, component in raw.components(gid):
            struct.pack_into(">H", data, at, placed(component))
        return bytes(data)

    def placed(gid: int) -> int:
        if gid <= part.top:
            return gid
        if gid not in moved:
            data, metrics = copied(gid), raw.metrics(gid)
            if (data, metrics) not in added:
                name = f"joined.{len(names)}"
                glyf[name] = Glyph(data)  # appended to the glyph order (`names`)
                hmtx[name] = metrics
                added[data, metrics] = len(names) - 1
            moved[gid] = added[data, metrics]
        return moved[gid]

    drawn = raw.drawn(part.widths)
    for gid in sorted(drawn):
        if gid > part.top or gid in have:
            continue  # a moved component is placed with the glyphs made of it
        glyf[names[gid]] = Glyph(copied(gid))
        hmtx[names[gid]] = raw.metrics(gid)
        have.add(gid)


def _widths(given: pikepdf.Object) -> Iterator[tuple[int, float]]:
    """Yield (glyph id, width) from a CIDFont's /W array (both of its forms)."""
    items = list(given) if isinstance(given, pikepdf.Array) else []
    at = 0
    while at + 1 < len(items):
        start, then = int(items[at]), items[at + 1]
        if isinstance(then, pikepdf.Array):
            for offset, width in enumerate(then):
                yield start + offset, float(width)
            at += 2
        else:
            for gid in range(start, int(then) + 1):
                yield gid, float(items[at + 2])
            at += 3


def _widths_array(widths: dict[int, float]) -> pikepdf.Array:
    """Return a /W array: runs of consecutive glyph ids, each with its widths."""
    out: list[object] = []
    run: list[float] = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            run = []
            out += [gid, run]
        run.append(widths[gid])
    return pikepdf.Array(
        [
            pikepdf.Array([_number(w) for w in item]) if isinstance(item, list) else item
            for item in out
        ]
    )


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _bfchars(cmap: bytes) -> Iterator[tuple[int, bytes]]:
    """Yield (glyph id, UTF-16BE hex) from a ToUnicode CMap's bfchar entries."""
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for gid, text in _BFCHAR.findall(block):
            yield int(gid, 16), text


def _to_unicode(text: dict[int, bytes]) -> bytes:
    """Return a ToUnicode CMap of glyph ids to text, as WeasyPrint writes one."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(text.items())
    for at in range(0, len(items), 100):
        batch = items[at : at + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (gid, mapped) for gid, mapped in batch]
        lines.append(b"endbfchar")
    lines += [
        b"endcmap",
        b"CMapName currentdict /CMap defineresource pop",
        b"end",
        b"end",
    ]
    return b"\n".join(lines)
