"""Render strategy files to PDF and DOCX and turn their pages into PNGs to look at.

Usage: python -m scripts.preview FILE... --out DIR [--theme NAME ...]
Every installed theme is rendered unless --theme names some; each theme's files go to
DIR/<theme>/. PDF pages come from pdftoppm; DOCX pages from LibreOffice (DOCX→PDF) then pdftoppm,
when LibreOffice is installed. The themes' fonts are installed for the current user so
LibreOffice shows the DOCX with the fonts Word users will see.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from core.content import load
from core.outputs import artifact_stem
from core.themes import available_themes
from scripts import office
from worker.render.docx import render_docx
from worker.render.pdf import render_pdf
from worker.render.theme import load_theme


def to_png(pdf: Path, prefix: Path) -> None:
    """Write every page of `pdf` as `<prefix>-N.png` at 60 dpi."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True)


def install_theme_fonts(themes: list[str]) -> None:
    """Copy the themes' fonts where fontconfig (and so LibreOffice) finds them."""
    target = Path.home() / ".local" / "share" / "fonts" / "udkast"
    target.mkdir(parents=True, exist_ok=True)
    for theme in themes:
        for font in load_theme(theme).fonts.values():
            shutil.copy2(font, target / font.name)
    subprocess.run(["fc-cache", "-f", str(target)], check=False, capture_output=True)


def main() -> int:
    """Render the files and their page images; print what was written."""
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("preview"))
    parser.add_argument("--theme", action="append", choices=available_themes())
    args = parser.parse_args()
    themes = args.theme or available_themes()
    soffice = office.soffice()
    if soffice:
        install_theme_fonts(themes)
    for theme in themes:
        out = args.out / theme
        out.mkdir(parents=True, exist_ok=True)
        for file in args.files:
            strategy = load(file.read_bytes(), filename=file.name)
            stem = artifact_stem(strategy)
            pdf, docx = out / f"{stem}.pdf", out / f"{stem}.docx"
            pdf.write_bytes(render_pdf(strategy, theme))
            docx.write_bytes(render_docx(strategy, theme))
            to_png(pdf, out / f"{stem}-pdf")
            print(pdf, docx)
            if soffice:
                with tempfile.TemporaryDirectory() as tmp:
                    to_png(office.docx_to_pdf(docx, Path(tmp)), out / f"{stem}-docx")
            else:
                print("LibreOffice is not installed: no PNG pages of the DOCX", file=sys.stderr)
    print(f"PNG pages in {args.out}/<theme>/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
