"""Embedded fonts: the DOCX carries subset, obfuscated Lato that Word and LibreOffice use."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from core.content import Strategy, validate
from tests import needs
from worker.render.docx import render_docx
from worker.render.docx.fonts import OBFUSCATED_FONT
from worker.render.redline import render_redline_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_REL = f"{R}/font"
NS = {"w": W}
GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")
SLOTS = {
    "embedRegular": (False, False),
    "embedBold": (True, False),
    "embedItalic": (False, True),
    "embedBoldItalic": (True, True),
}
FONTS = Path(__file__).resolve().parents[1] / "templates" / "default" / "fonts"


def deobfuscate(data: bytes, key: str) -> bytes:
    """Undo the font obfuscation, written from the spec independently of the renderer.

    ECMA-376 Part 1 §17.8.1: the GUID's 32 hex digits as written give 16 bytes; byte i
    of the font (i < 32) is XORed with key byte 15 - (i mod 16).
    """
    digits = key[1:-1].replace("-", "")
    guid = [int(digits[2 * i : 2 * i + 2], 16) for i in range(16)]
    head = bytes(data[i] ^ guid[15 - i % 16] for i in range(32))
    return head + data[32:]


def _xml(docx: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read(name))


def _embedded(docx: bytes) -> dict[tuple[str, str], bytes]:
    """Return {(family, slot): de-obfuscated font bytes} for every embedded face."""
    table = _xml(docx, "word/fontTable.xml")
    rels = _xml(docx, "word/_rels/fontTable.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels if r.get("Type") == FONT_REL}
    out = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for font in table.iterfind("w:font", NS):
            for embed in font:
                slot = etree.QName(embed).localname
                if slot not in SLOTS:
                    continue
                data = package.read("word/" + targets[embed.get(f"{{{R}}}id")])
                out[font.get(f"{{{W}}}name"), slot] = deobfuscate(
                    data, embed.get(f"{{{W}}}fontKey")
                )
    return out


def _document_characters(docx: bytes) -> set[str]:
    """Return every character the document shows: run text, deleted text, VML text paths."""
    chars: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for name in package.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(package.read(name))
            chars.update("".join(root.itertext(f"{{{W}}}t", f"{{{W}}}delText")))
            for path in root.iter("{urn:schemas-microsoft-com:vml}textpath"):
                chars.update(path.get("string", ""))
    return chars


@pytest.fixture(scope="module")
def docx2(udkast2: Strategy) -> bytes:
    return render_docx(udkast2)


def test_font_parts_have_the_obfuscated_font_type_and_relationships(docx2: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(docx2)) as package:
        names = [n for n in package.namelist() if n.startswith("word/fonts/")]
        types = etree.fromstring(package.read("[Content_Types].xml"))
    assert names and all(re.fullmatch(r"word/fonts/font\d+\.odttf", n) for n in names)
    overrides = {o.get("PartName"): o.get("ContentType") for o in types if o.get("PartName")}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types if d.get("Extension")}
    for name in names:
        assert overrides.get("/" + name, defaults.get("odttf")) == OBFUSCATED_FONT
    rels = _xml(docx2, "word/_rels/fontTable.xml.rels")
    assert sorted("word/" + r.get("Target") for r in rels if r.get("Type") == FONT_REL) == sorted(
        names
    )
    lato = _xml(docx2, "word/fontTable.xml").find("w:font[@w:name='Lato']", NS)
    assert lato is not None
    assert lato.find("w:family", NS).get(f"{{{W}}}val") == "swiss"
    assert lato.find("w:panose1", NS).get(f"{{{W}}}val") == "020F0502020204030203"
    embeds = [e for e in lato if etree.QName(e).localname in SLOTS]
    # Regular, bold (headings) and italic (timeline notes); no run is bold italic.
    assert [etree.QName(e).localname for e in embeds] == [
        "embedRegular",
        "embedBold",
        "embedItalic",
    ]
    for embed in embeds:
        assert GUID.match(embed.get(f"{{{W}}}fontKey"))
        assert embed.get(f"{{{W}}}subsetted") == "1"
    keys = [e.get(f"{{{W}}}fontKey") for e in embeds]
    assert len(set(keys)) == len(keys)


def test_only_the_faces_the_styles_use_are_embedded(docx2: bytes) -> None:
    table = _xml(docx2, "word/fontTable.xml")
    names = {
        f.get(f"{{{W}}}name")
        for f in table.iterfind("w:font", NS)
        if f.xpath("w:*[starts-with(local-name(), 'embed')]", namespaces=NS)
    }
    assert names == {"Lato"}  # not "Lato Black" / "Lato Light": no style names them


def test_each_font_deobfuscates_to_a_lato_subset_covering_the_text(docx2: bytes) -> None:
    faces = _embedded(docx2)
    text = _document_characters(docx2)
    assert {"æ", "ø", "å", "–", "●"} <= text  # the check below covers more than ASCII
    with zipfile.ZipFile(io.BytesIO(docx2)) as package:
        font_parts = [package.read(n) for n in package.namelist() if n.endswith(".odttf")]
    # Stored obfuscated: no part starts with a TrueType header.
    assert all(part[:4] != b"\x00\x01\x00\x00" for part in font_parts)
    for (family, slot), data in faces.items():
        assert data[:4] == b"\x00\x01\x00\x00", slot
        font = TTFont(io.BytesIO(data))
        assert family == "Lato"
        assert font["name"].getDebugName(1) == "Lato"
        selection = font["OS/2"].fsSelection
        assert (bool(selection & 0x20), bool(selection & 0x01)) == SLOTS[slot]
        cmap = font.getBestCmap()
        assert {c for c in text if ord(c) not in cmap and not c.isspace()} == set(), slot
        assert {ord(c) for c in "æøåÆØÅ–—“”‘’•…"} <= set(cmap)  # the base set for edits
        assert len(font.getGlyphOrder()) < 400  # a subset: the full face has 3026 glyphs
        assert "kern" in font  # LibreOffice kerns with it


def test_settings_say_the_file_embeds_subset_truetype_fonts(docx2: bytes) -> None:
    settings = _xml(docx2, "word/settings.xml")
    order = [etree.QName(c).localname for c in settings]
    assert "embedTrueTypeFonts" in order and "saveSubsetFonts" in order
    assert order.index("zoom") < order.index("embedTrueTypeFonts")
    assert order.index("embedTrueTypeFonts") < order.index("saveSubsetFonts")
    assert order.index("saveSubsetFonts") < order.index("proofState")


def test_the_embedded_fonts_keep_the_file_small(docx2: bytes) -> None:
    assert len(docx2) < 400 * 1024


def test_renders_are_reproducible(udkast2: Strategy, docx2: bytes) -> None:
    again = render_docx(udkast2)
    assert _embedded(again) == _embedded(docx2)
    assert _xml(again, "word/fontTable.xml").xpath("//@w:fontKey", namespaces=NS) == _xml(
        docx2, "word/fontTable.xml"
    ).xpath("//@w:fontKey", namespaces=NS)


def test_bold_italic_text_brings_the_bold_italic_face(udkast2: Strategy) -> None:
    data = udkast2.to_data()
    data["foreword"] = "Et ***fremhævet*** ord og en ŝpecial karakter."
    faces = _embedded(render_docx(validate(data)))
    assert set(faces) == {("Lato", s) for s in SLOTS}
    cmap = TTFont(io.BytesIO(faces["Lato", "embedBoldItalic"])).getBestCmap()
    assert ord("ŝ") in cmap  # a character outside the base set, taken from the text


def test_the_redline_embeds_fonts_covering_deleted_text_too(
    udkast1: Strategy, udkast2: Strategy
) -> None:
    red = render_redline_docx(udkast1, udkast2)
    faces = _embedded(red)
    assert ("Lato", "embedRegular") in faces
    text = _document_characters(red)
    for data in faces.values():
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        assert {c for c in text if ord(c) not in cmap and not c.isspace()} == set()
    assert "embedTrueTypeFonts" in [
        etree.QName(c).localname for c in _xml(red, "word/settings.xml")
    ]


# --- LibreOffice without Lato installed ----------------------------------------------------


def _without_lato(tmp_path: Path) -> dict[str, str]:
    """Return an environment whose fontconfig sees only /usr/share/fonts (no Lato)."""
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>/usr/share/fonts</dir><cachedir>{tmp_path}/fc-cache</cachedir>"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FONTCONFIG", "XDG_"))}
    env |= {
        "HOME": str(home),  # no ~/.fonts or ~/.local/share/fonts (where udkast puts Lato)
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "FONTCONFIG_FILE": str(config),
    }
    if shutil.which("fc-list"):
        listed = subprocess.run(
            ["fc-list"], env=env, capture_output=True, text=True, check=True, timeout=60
        ).stdout
        assert "lato" not in listed.lower(), "Lato is visible; the check would prove nothing"
    return env


def _pdf_fonts(path: Path) -> set[str]:
    """Return the base font names of a PDF without the subset prefix (ABCDEF+)."""
    names: set[str] = set()
    for page in PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_libreoffice_without_lato_uses_the_embedded_fonts(tmp_path: Path, docx2: bytes) -> None:
    soffice = needs.soffice("font embedding in LibreOffice")
    env = _without_lato(tmp_path)
    (tmp_path / "embedded.docx").write_bytes(docx2)
    # The control: the same file without the w:embed* references. If LibreOffice drew
    # Lato for it too, Lato would come from somewhere other than the DOCX.
    with (
        zipfile.ZipFile(io.BytesIO(docx2)) as src,
        zipfile.ZipFile(tmp_path / "control.docx", "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for name in src.namelist():
            data = src.read(name)
            if name == "word/fontTable.xml":
                data = re.sub(rb"<w:embed\w+ [^>]*/>", b"", data)
            out.writestr(name, data)
    # Separate processes and profiles: LibreOffice keeps a document's embedded fonts
    # registered until it exits, and would lend them to the control.
    for name in ("embedded", "control"):
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp_path}/profile-{name}", "--headless",
             "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / f"{name}.docx")],
            env=env, check=True, capture_output=True, timeout=240,
        )  # fmt: skip
    embedded = _pdf_fonts(tmp_path / "embedded.pdf")
    control = _pdf_fonts(tmp_path / "control.pdf")
    assert {"Lato-Regular", "Lato-Bold", "Lato-Italic"} <= embedded, embedded
    assert not any("Lato" in name for name in control), control
