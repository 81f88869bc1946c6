"""Saving a Word document as the same bytes every time the same content is rendered.

python-docx writes each ZIP entry with the clock's time and in the order it walks the
package's relationships. The content-addressed store keeps one copy of a document only
if two renders of one draft give identical bytes, so the package is written again here:
entries in a fixed order, each stamped with the draft's date, with no host-dependent
attributes. Everything inside the parts is already derived from the content (core
properties from the draft's date, font keys from the font bytes, ids from the slug).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document

# ZIP's epoch: the stamp of a draft without a date.
NO_DATE = dt.datetime(1980, 1, 1)
# Read first by every consumer (OPC §10.1.2 puts the content types at the start in
# practice, and tools that stream the package rely on it), then the package's own rels.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def save_docx(document: Document, date: dt.date | None) -> bytes:
    """Return the document's DOCX bytes, reproducible for the same content and date."""
    out = io.BytesIO()
    document.save(out)
    return repack(out.getvalue(), date)


def repack(data: bytes, date: dt.date | None) -> bytes:
    """Rewrite a ZIP package with its entries in a fixed order and a fixed timestamp."""
    stamp = dt.datetime.combine(date, dt.time(12, 0)) if date else NO_DATE
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in sorted(source.namelist(), key=_place):
            entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0  # the default names the host's OS
            entry.external_attr = 0
            target.writestr(entry, source.read(name))
    return out.getvalue()


def _place(name: str) -> tuple[int, str]:
    """Order entries: content types, package rels, then every other part by name."""
    return (_FIRST.index(name), "") if name in _FIRST else (len(_FIRST), name)
