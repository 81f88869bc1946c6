"""LibreOffice for the dev tools: convert a DOCX to PDF with a private profile."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str | None:
    """Return LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice")


def docx_to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert `docx` to a PDF in `out_dir` and return its path."""
    command = soffice()
    if command is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    # A private profile: parallel runs and a user's open LibreOffice do not collide.
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                command,
                f"-env:UserInstallation=file://{profile}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            check=True,
            capture_output=True,
        )
    return out_dir / f"{docx.stem}.pdf"
