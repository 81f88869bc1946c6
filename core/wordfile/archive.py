"""Unpack a Word file's ZIP archive into memory, counting bytes as they are inflated."""

from __future__ import annotations

import io
import zipfile
import zlib

from core.wordfile.errors import malformed, too_large, unsupported
from core.wordfile.limits import MIB, WordLimits

_CHUNK = 64 * 1024
# An OLE compound file: Word 97-2003 (.doc), or any Office file protected by a password.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Word writes only these; refusing the rest keeps bzip2's and LZMA's memory appetite out.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# What zipfile and zlib raise on a broken archive (beyond BadZipFile): a truncated stream,
# an encrypted entry, an unknown compression method, a seek before the start.
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError)


def unpack(data: bytes, limits: WordLimits) -> dict[str, bytes]:
    """Return every entry of the archive by name, or refuse the file with the reason."""
    if data.startswith(_OLE_MAGIC):
        raise unsupported(
            "the file is in Word's old format (.doc) or protected by a password: "
            "save it as a Word Document (.docx) without a password",
            code="word_old_format",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (*_BROKEN, OSError):
        raise malformed(
            "the file is not a Word document (.docx; not a ZIP archive): send the DOCX "
            "udkast made for a draft, or write in the editor",
            code="word_not_zip",
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_parts:
            raise too_large(
                f"the file has {len(entries)} parts; at most {limits.max_parts}",
                code="word_too_many_parts",
                count=str(len(entries)),
                max=str(limits.max_parts),
            )
        _check_names(entries)
        parts: dict[str, bytes] = {}
        budget = [limits.max_total_bytes]
        for entry in entries:
            # A folder entry, or an entry with no name, is no part anything can refer to.
            if entry.filename and not entry.filename.endswith("/"):
                parts[entry.filename] = _inflate(archive, entry, limits, budget)
        return parts


def _check_names(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse macros by name, and two entries whose names differ only in case."""
    seen: set[str] = set()
    for entry in entries:
        name = entry.filename.lower()
        if name.rsplit("/", 1)[-1] == "vbaproject.bin":
            raise macros_refused()
        if name in seen:
            # OPC part names ignore case: which of the two would Word read? Neither, here.
            raise malformed(
                f"the file holds the part {entry.filename} twice",
                code="word_part_damaged",
                part=entry.filename,
            )
        seen.add(name)


def _inflate(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: WordLimits, budget: list[int]
) -> bytes:
    """Read one entry in chunks, refusing it once it passes the total size or the ratio."""
    if entry.compress_type not in _METHODS or entry.flag_bits & 0x1:
        raise _damaged(entry.filename)
    # The headers' sizes are the sender's word: the bytes that come out are what count.
    # zipfile reads at most `compress_size` packed bytes, so the ratio below is a bound.
    packed = max(entry.compress_size, 1)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise too_large(
                        f"the file unpacks to more than {limits.max_total_bytes // MIB} MiB",
                        code="word_too_large",
                        size=str(limits.max_total_bytes),
                    )
                if size > limits.ratio_floor and size > limits.max_ratio * packed:
                    raise too_large(
                        f"the part {entry.filename} unpacks to more than "
                        f"{limits.max_ratio} times its packed size",
                        code="word_compression",
                        part=entry.filename,
                        max=str(limits.max_ratio),
                    )
                chunks.append(chunk)
    except _BROKEN:
        raise _damaged(entry.filename) from None
    return b"".join(chunks)


def _damaged(name: str) -> Exception:
    return malformed(
        f"the part {name} of the file cannot be read: open the file in Word, save it, "
        "and send it again",
        code="word_part_damaged",
        part=name,
    )


def macros_refused() -> Exception:
    """Return the refusal of a macro-enabled file."""
    return unsupported(
        "the file contains macros (VBA), which are not accepted: save it as a Word "
        "Document (.docx), without macros",
        code="word_macros",
    )
