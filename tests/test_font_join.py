"""The subsets of one face that pieces embed are joined into one (worker/render/parts/fonts).

The equivalence tests (test_part_rendering) check whole documents against the single
pass; these check the join's own cases on two small prints: a piece whose accented
letters are made of a component HarfBuzz moved past its last glyph, joined into a piece
that has no such component, and a face the join must leave alone.
"""

from __future__ import annotations

import io
import subprocess
import tempfile

import pikepdf
from fontTools.ttLib import TTFont

from core.labels import labels
from tests.pdf_fonts import reached_descriptors
from worker.render.html import environment, theme_values
from worker.render.parts.fonts import _widths, share_fonts
from worker.render.pdf import print_pdf
from worker.render.theme import load_theme

# One paragraph in the theme's look and fonts (its @font-face rules are in page-labels).
PAGE = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Skrift</title>
<link rel="stylesheet" href="print.css">
<style>{% include "partials/page-labels.css.j2" %}</style></head>
<body><main><p>{{ text }}</p></main></body></html>"""


def _printed(text: str) -> bytes:
    theme = load_theme("default")
    values = {**theme_values(theme, "da"), "L": labels("da"), "mark": None, "text": text}
    return print_pdf(environment(theme.folders).from_string(PAGE).render(values), theme)


def _pages(*texts: str) -> pikepdf.Pdf:
    """Return the prints of `texts` as the pages of one file, each with its own subsets."""
    whole = pikepdf.open(io.BytesIO(_printed(texts[0])))
    for text in texts[1:]:
        whole.pages.extend(pikepdf.open(io.BytesIO(_printed(text))).pages)
    return whole


def _type0_fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [
        obj
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0"
    ]


def _subsets_of_face(fonts: list[pikepdf.Dictionary], face: str) -> int:
    """Return how many distinct subsets the fonts of a face point at."""
    return len({f.DescendantFonts[0].objgen for f in fonts if str(f.BaseFont) == face})


def _joined(*texts: str) -> tuple[pikepdf.Pdf, int]:
    """Return the prints of `texts` as pages of one file, and how many faces were joined."""
    whole = _pages(*texts)
    joined = share_fonts(whole)
    out = io.BytesIO()
    whole.save(out)
    return pikepdf.open(io.BytesIO(out.getvalue())), joined


def _programs(pdf: pikepdf.Pdf) -> dict[str, list[TTFont]]:
    found: dict[str, list[TTFont]] = {}
    for font, descriptor in reached_descriptors(pdf):
        data = descriptor.FontFile2.read_bytes()
        found.setdefault(str(font.BaseFont), []).append(TTFont(io.BytesIO(data)))
    return found


def _outline(program: TTFont, char: str) -> tuple[object, ...]:
    """Return the outline and advance drawn for a character, its components resolved."""
    original = TTFont(load_theme("default").folders[0] / "fonts" / "Lato-Regular.ttf")
    gid = original.getGlyphID(original.getBestCmap()[ord(char)])
    name = program.getGlyphOrder()[gid]
    coordinates, ends, _ = program["glyf"][name].getCoordinates(program["glyf"])
    return list(coordinates), list(ends), program["hmtx"][name][0]


def _text(pdf: pikepdf.Pdf) -> str:
    out = io.BytesIO()
    pdf.save(out)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(out.getvalue())
        file.flush()
        return subprocess.run(
            ["pdftotext", file.name, "-"], check=True, capture_output=True, text=True
        ).stdout


def test_a_piece_with_accents_joins_a_piece_without_them() -> None:
    # "→" is Lato's highest glyph here, so its piece's subset is the base of the join;
    # "å" is a composite whose shared component HarfBuzz moved past the other's last id.
    alone = _programs(pikepdf.open(io.BytesIO(_printed("Det går på skinner"))))

    pdf, joined = _joined("Det går på skinner", "Se videre →")

    programs = _programs(pdf)
    lato = next(name for name in programs if name.endswith("+Lato"))
    assert joined >= 1 and len(programs[lato]) == 1  # one program for both pages
    for char in "gårpskine":  # drawn as the piece alone drew them
        assert _outline(programs[lato][0], char) == _outline(alone[lato][0], char)
    assert _outline(programs[lato][0], "→")[0]  # the other piece's glyph is there too
    text = _text(pdf)
    assert "Det går på skinner" in text and "Se videre →" in text


def test_a_face_written_another_way_is_left_as_it_is() -> None:
    whole = _pages("første", "anden")
    fonts = _type0_fonts(whole)
    fonts[-1].Encoding = pikepdf.Name("/Identity-V")  # not how WeasyPrint writes text

    joined = share_fonts(whole)

    changed = str(fonts[-1].BaseFont)
    assert [str(font.BaseFont) for font in fonts].count(changed) == 2  # both pages use it
    # Its two subsets stay apart; the faces both pages wrote alike are joined.
    assert _subsets_of_face(fonts, changed) == 2
    assert joined == len({str(font.BaseFont) for font in fonts}) - 1


def test_widths_are_read_in_both_of_their_forms() -> None:
    given = pikepdf.Array([3, pikepdf.Array([500, 250]), 10, 12, 600])
    assert list(_widths(given)) == [(3, 500.0), (4, 250.0), (10, 600.0), (11, 600.0), (12, 600.0)]


def test_a_font_program_that_cannot_be_read_leaves_its_face_apart() -> None:
    whole = _pages("første", "anden")
    fonts = _type0_fonts(whole)
    broken = fonts[-1].DescendantFonts[0].FontDescriptor.FontFile2
    broken.write(b"\x00\x01\x00\x00" + b"\xff" * 64)  # a TrueType header and nothing usable

    assert share_fonts(whole) == len({str(font.BaseFont) for font in fonts}) - 1

    assert _subsets_of_face(fonts, str(fonts[-1].BaseFont)) == 2
