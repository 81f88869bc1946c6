"""Embedded fonts: the theme's faces travel inside the DOCX, subset and obfuscated.

This does what Word does with "Embed fonts in the file" and "Embed only the
characters used in the document": each face the text uses is subset to the
document's characters (plus a base set for small edits), obfuscated as ECMA-376
Part 1 §17.8.1 prescribes, stored as word/fonts/fontN.odttf and named in
word/fontTable.xml; settings.xml says the file carries TrueType fonts. Word and
LibreOffice then show the designed typeface on machines that do not have it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from fontTools import subset
from fontTools.ttLib import TTFont
from lxml import etree

from worker.render.docx.font_usage import referenced_families, runs_usage
from worker.render.theme import Theme

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"

# Always kept, whatever the text uses: someone fixing a typo in Word types with the
# embedded subset, and Danish letters, quotes and dashes are the likely ones.
BASE_CHARACTERS = frozenset(
    string.printable.strip() + " \u00a0\u00ad\u2011æøåÆØÅéÉüÜöÖäÄ–—“”‘’„‚«»•●○×…·§€°"
)

# (bold, italic) → the fontTable element that names that face, in schema order.
_SLOTS = {
    (False, False): "w:embedRegular",
    (True, False): "w:embedBold",
    (False, True): "w:embedItalic",
    (True, True): "w:embedBoldItalic",
}
# CT_Settings children that come before w:embedTrueTypeFonts.
_BEFORE_EMBED = (
    "w:writeProtection",
    "w:view",
    "w:zoom",
    "w:removePersonalInformation",
    "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries",
    "w:displayBackgroundShape",
    "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth",
    "w:printFormsData",
)

# Lato (and many fonts) store 'head' dates as Unix time; fontTools warns on every
# load, which would repeat in the worker's log for each render.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").addFilter(
    lambda record: "timestamp seems very low" not in record.getMessage()
)


@dataclass(frozen=True)
class Face:
    """One font file of a theme: the family name Word matches and its style bits."""

    path: Path
    family: str
    bold: bool
    italic: bool


def embed_fonts(document: Document, theme: Theme) -> None:
    """Embed every theme face the document's text uses, subset and obfuscated."""
    package = document.part.package
    parts = [p for p in package.iter_parts() if isinstance(p, XmlPart)]
    families = referenced_families(parts)
    faces = [f for f in theme_faces(tuple(sorted(theme.fonts.values()))) if f.family in families]
    if not faces:
        return
    combos, characters = runs_usage(parts, document.styles.element)
    text = "".join(sorted(characters | BASE_CHARACTERS))
    table_part = _font_table_part(document)
    table = etree.fromstring(table_part.blob)
    for family in sorted({f.family for f in faces}):
        mine = [f for f in faces if f.family == family]
        # The regular face goes in even if no run asks for it: Word and LibreOffice
        # derive missing styles from it rather than from a substitute family.
        used = [f for f in mine if (f.bold, f.italic) in combos | {(False, False)}]
        if not used:
            continue
        entry = _font_entry(table, family, _describing_face(mine))
        for face in sorted(used, key=lambda f: list(_SLOTS).index((f.bold, f.italic))):
            data = subset_face(face.path, text)
            key = font_key(data)
            partname = package.next_partname("/word/fonts/font%d.odttf")
            font_part = Part(partname, OBFUSCATED_FONT, obfuscate_font(data, key), package)
            embed = etree.SubElement(entry, qn(_SLOTS[face.bold, face.italic]))
            embed.set(qn("r:id"), table_part.relate_to(font_part, RT.FONT))
            embed.set(qn("w:fontKey"), key)
            embed.set(qn("w:subsetted"), "1")
    # The template's fontTable is a plain (blob) part in python-docx: write it back.
    table_part._blob = etree.tostring(
        table, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    _mark_settings(document.settings.element)


@lru_cache(maxsize=8)
def theme_faces(paths: tuple[Path, ...]) -> tuple[Face, ...]:
    """Return the family name (name ID 1, as Word matches it) and style of each font file."""
    faces = []
    for path in paths:
        with TTFont(path, lazy=True) as font:
            selection = font["OS/2"].fsSelection
            family = font["name"].getDebugName(1)
        faces.append(Face(path, family, bool(selection & 0x20), bool(selection & 0x01)))
    return tuple(faces)


@lru_cache(maxsize=64)
def subset_face(path: Path, text: str) -> bytes:
    """Return the TrueType font at `path` cut down to the glyphs `text` needs."""
    options = subset.Options()
    options.name_IDs = ["*"]  # keep every name: Word matches the family by name ID 1
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.recalc_timestamp = False
    # No GSUB/GPOS: decoding Lato's layout tables costs ~0.3 s a face, and Word applies
    # neither unless a style asks for ligatures or kerning. The legacy 'kern' table
    # stays, so LibreOffice (and Word, if kerning is switched on) still kerns.
    options.drop_tables += ["GSUB", "GPOS"]
    options.legacy_kern = True
    # The same text gives the same bytes: TTFont.save() would stamp head.modified with
    # the clock, so two renders a second apart embedded different fonts.
    out = io.BytesIO()
    with TTFont(path, lazy=True, recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        font.save(out)
    return out.getvalue()


def font_key(data: bytes) -> str:
    """Return a GUID for a font part, derived from its bytes so renders are reproducible."""
    digest = hashlib.sha256(data).hexdigest()[:32].upper()
    return f"{{{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}}}"


def obfuscate_font(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the fontKey's bytes, last first; it also de-obfuscates."""
    # ECMA-376 Part 1 §17.8.1: the key is the GUID's hex digits as written, read as 16
    # bytes in reverse order, applied to bytes 0-15 and again to bytes 16-31.
    guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _font_table_part(document: Document) -> Any:
    """Return the fontTable part, adding an empty one if the package has none."""
    try:
        return document.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        blob = f"<w:fonts {nsdecls('w', 'r')}/>".encode()
        package = document.part.package
        part = Part(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, blob, package)
        document.part.relate_to(part, RT.FONT_TABLE)
        return part


def _describing_face(faces: list[Face]) -> Face:
    """Return the face whose metrics describe the family: the regular one if there is one."""
    return next((f for f in faces if not f.bold and not f.italic), faces[0])


def _font_entry(table: Any, family: str, face: Face) -> Any:
    """Replace the family's w:font with one a reader without the font can substitute from."""
    for old in table.findall(qn("w:font")):
        if old.get(qn("w:name")) == family:
            table.remove(old)
    entry = etree.SubElement(table, qn("w:font"))
    entry.set(qn("w:name"), family)
    for tag, attrs in _font_properties(face.path):
        child = etree.SubElement(entry, qn(tag))
        for name, value in attrs.items():
            child.set(qn(name), value)
    return entry


@lru_cache(maxsize=16)
def _font_properties(path: Path) -> tuple[tuple[str, dict[str, str]], ...]:
    """Return w:panose1, w:charset, w:family, w:pitch and w:sig as read from the font."""
    with TTFont(path, lazy=True) as font:
        return _read_properties(font)


def _read_properties(font: TTFont) -> tuple[tuple[str, dict[str, str]], ...]:
    """Return the w:font children that describe an open font (see _font_properties)."""
    os2 = font["OS/2"]
    panose = os2.panose
    digits = [
        panose.bFamilyType,
        panose.bSerifStyle,
        panose.bWeight,
        panose.bProportion,
        panose.bContrast,
        panose.bStrokeVariation,
        panose.bArmStyle,
        panose.bLetterForm,
        panose.bMidline,
        panose.bXHeight,
    ]
    if panose.bFamilyType == 2:  # Latin text: serif styles 11-15 are the sans ones
        family = "swiss" if panose.bSerifStyle >= 11 else "roman"
    else:
        family = {3: "script", 4: "decorative"}.get(panose.bFamilyType, "auto")
    ranges = [os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3, os2.ulUnicodeRange4]
    pages = [os2.ulCodePageRange1, os2.ulCodePageRange2]
    sig = {f"w:usb{i}": f"{v:08X}" for i, v in enumerate(ranges)}
    sig |= {f"w:csb{i}": f"{v:08X}" for i, v in enumerate(pages)}
    return (
        ("w:panose1", {"w:val": "".join(f"{d:02X}" for d in digits)}),
        ("w:charset", {"w:val": "00"}),  # ANSI: the Latin text the themes are for
        ("w:family", {"w:val": family}),
        ("w:pitch", {"w:val": "fixed" if font["post"].isFixedPitch else "variable"}),
        ("w:sig", sig),
    )


def _mark_settings(settings: Any) -> None:
    """Add w:embedTrueTypeFonts and w:saveSubsetFonts to settings.xml in schema order."""
    embed = settings.find(qn("w:embedTrueTypeFonts"))
    if embed is None:
        embed = OxmlElement("w:embedTrueTypeFonts")
        before = [c for c in settings if c.tag in {qn(t) for t in _BEFORE_EMBED}]
        if before:
            before[-1].addnext(embed)
        else:
            settings.insert(0, embed)
    if settings.find(qn("w:saveSubsetFonts")) is None:
        system = settings.find(qn("w:embedSystemFonts"))
        (system if system is not None else embed).addnext(OxmlElement("w:saveSubsetFonts"))
