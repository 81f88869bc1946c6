"""File names and media types of rendered artifacts."""

from __future__ import annotations

import re
import unicodedata

from core.content import Strategy

FORMATS = ("pdf", "docx")
# The outputs a build can have: the draft itself, and (from version 2 on) what changed
# since the previous version. Each maps to (file extension, name suffix).
COMPARISON_OUTPUTS = ("changes-pdf", "changes-docx")
OUTPUTS = {
    "pdf": ("pdf", ""),
    "docx": ("docx", ""),
    "changes-pdf": ("pdf", "-changes"),
    "changes-docx": ("docx", "-changes"),
}
_MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MEDIA_TYPES = {output: _MEDIA[ext] for output, (ext, _) in OUTPUTS.items()}


def slugify(text: str) -> str:
    """Turn a label such as "Udkast 2" into "udkast-2" (ASCII, lower case, hyphens)."""
    folded = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    folded = folded.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def stem(slug: str, label: str | None, version: int | None = None) -> str:
    """Return `<slug>-<draft label or vN>`, e.g. "socialstrategi-udkast-2"."""
    tail = slugify(label or "") or (f"v{version}" if version is not None else "")
    return f"{slug}-{tail}" if tail else slug


def artifact_stem(strategy: Strategy, version: int | None = None) -> str:
    """Return the file name stem of a strategy's artifacts."""
    return stem(strategy.document.slug, strategy.document.draft_label, version)


def artifact_name(slug: str, version: int, label: str | None, output: str) -> str:
    """Return the download name of a draft's output, e.g. "socialstrategi-udkast-2-changes.pdf"."""
    ext, suffix = OUTPUTS[output]
    return f"{stem(slug, label, version)}{suffix}.{ext}"


def output_of(slug: str, version: int, label: str | None, filename: str) -> str | None:
    """Return which output a published file name names, or None if it names none."""
    for output in OUTPUTS:
        if artifact_name(slug, version, label, output) == filename:
            return output
    return None
