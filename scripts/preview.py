"""Render strategy files to PDF and DOCX and turn their pages into PNGs to look at.

Usage: python -m scripts.preview FILE... --out DIR
PDF pages come from pdftoppm; DOCX pages from LibreOffice (DOCX→PDF) then pdftoppm,
when LibreOffice is installed. The theme's fonts are installed for the current user so
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
from scripts import office
from worker.render.docx import render_docx
from worker.render.pdf import render_pdf
from worker.render.theme import load_theme


def to_png(pdf: Path, prefix: Path) -> None:
    """Write every page of `pdf` as `<prefix>-N.png` at 60 dpi."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True)


def install_theme_fonts() -> None:
    """Copy the theme's fonts where fontconfig (and so LibreOffice) finds them."""
    target = Path.home() / ".local" / "share" / "fonts" / "udkast"
    target.mkdir(parents=True, exist_ok=True)
    for font in load_theme().fonts.values():
        shutil.copy2(font, target / font.name)
    subprocess.run(["fc-cache", "-f", str(target)], check=False, capture_output=True)


def main() -> int:
    """Render the files and their page images; print what was written."""
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("preview"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    soffice = office.soffice()
    if soffice:
        install_theme_fonts()
    for file in args.files:
        strategy = load(file.read_bytes(), filename=file.name)
        stem = artifact_stem(strategy)
        pdf, docx = args.out / f"{stem}.pdf", args.out / f"{stem}.docx"
        pdf.write_bytes(render_pdf(strategy))
        docx.write_bytes(render_docx(strategy))
        to_png(pdf, args.out / f"{stem}-pdf")
        print(pdf, docx)
        if soffice:
            with tempfile.TemporaryDirectory() as tmp:
                to_png(office.docx_to_pdf(docx, Path(tmp)), args.out / f"{stem}-docx")
        else:
            print("LibreOffice is not installed: no PNG pages of the DOCX", file=sys.stderr)
    print(f"PNG pages in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
