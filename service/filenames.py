"""The download names of a draft's files, unique across its strategy's versions.

core.outputs.file_stems decides them from every version's label; this reads the labels
once per request and strategy.
"""

from __future__ import annotations

from flask import g

from core.outputs import file_name, output_of_stems, stem
from service.runtime import session
from store import draft_file_stems

# The uploaded Word file is not an output (nothing renders it), so it is not in
# core.outputs; its name only has to differ from every output's.
SOURCE_SUFFIX = "-uploaded.docx"


def file_stem(slug: str, version: int, label: str | None) -> str:
    """Return the file name stem of a version, e.g. "socialstrategi-udkast-1-v4"."""
    cache: dict[str, dict[int, str]] = g.setdefault("file_stems", {})
    if slug not in cache:
        cache[slug] = draft_file_stems(session(), slug)
    return cache[slug].get(version) or stem(slug, label, version)


def artifact_name(slug: str, version: int, label: str | None, output: str) -> str:
    """Return the download name of a version's output, e.g. "socialstrategi-udkast-2.pdf"."""
    return file_name(file_stem(slug, version, label), output)


def output_named_by(slug: str, version: int, label: str | None, filename: str) -> str | None:
    """Return which output a download name names, or None.

    The label-only name a repeated label had before names were made unique still works.
    """
    return output_of_stems((file_stem(slug, version, label), stem(slug, label, version)), filename)


def source_name(slug: str, version: int, label: str | None) -> str:
    """Return the download name of the Word file a version was read from."""
    return f"{file_stem(slug, version, label)}{SOURCE_SUFFIX}"
