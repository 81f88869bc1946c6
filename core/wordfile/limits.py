"""How much of an uploaded Word file we are willing to unpack and read."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class WordLimits:
    """Bounds on an uploaded Word file; each is something a user's file could exceed."""

    max_total_bytes: int = 50 * MIB  # all parts together, counted as they are inflated
    max_ratio: int = 100  # inflated bytes per compressed byte, for one part...
    ratio_floor: int = 1 * MIB  # ...once that part has inflated past this many bytes
    max_parts: int = 300  # entries in the ZIP archive
    max_comments: int = 2_000  # Word comments in the comments part


DEFAULT_LIMITS = WordLimits()
