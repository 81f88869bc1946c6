"""Why a file or a preview could not be made: one English wording per kind, with its values.

The worker stores the English sentence, which the API shows as its clients know it. A
page reads the sentence back into its kind and values (`read_failure`) to say it in the
reader's language; a sentence of no known kind is shown as it is.
"""

from __future__ import annotations

import re
import string
from functools import cache

TOO_LARGE = "; the document is too large or complex"

FAILURES: dict[str, str] = {
    "timeout": "rendering took longer than {seconds} s" + TOO_LARGE,
    "memory_limit": (
        "rendering needed more than the {limit} MiB one render may use "
        "({used} MiB when it was stopped)" + TOO_LARGE
    ),
    "out_of_memory": "rendering ran out of memory" + TOO_LARGE,
    "storage_full": (
        "the server's disk is full, so the file could not be stored; post the draft again "
        "once space has been freed"
    ),
    "renderer_failed": (
        "the {output} renderer failed on this draft ({error}); the worker log has the details"
    ),
    "gave_up": (
        "gave up after {attempts} attempts: the renderer crashed or was stopped every time "
        "(the document may be too large or too complex)"
    ),
    "unknown_output": "this worker renders no output named {output}",
    "no_previous": "there is no previous version to compare",
    "theme": "the theme {theme} cannot be loaded: {detail}",
    "invalid_draft": "the stored draft is no longer valid: {detail}",
    "preview_timeout": "the preview took longer than {seconds} s",
    "preview_memory": "the preview needed more than {limit} MiB ({used} MiB)",
    "preview_invalid": "the content is no longer valid: {detail}",
    "preview_failed": "the PDF renderer failed ({error})",
    "queue_down": "the queue is unavailable; try again in a moment",
}


def failure(kind: str, **values: object) -> str:
    """Return the English sentence of a failure of this kind with these values."""
    return FAILURES[kind].format(**values)


def read_failure(text: str) -> tuple[str, dict[str, str]] | None:
    """Return the kind and values of a stored failure sentence, or None if it is no known one."""
    for kind, pattern in _patterns().items():
        found = pattern.fullmatch(text)
        if found is not None:
            return kind, found.groupdict()
    return None


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Return each wording as a pattern whose groups are its values."""
    patterns = {}
    for kind, wording in FAILURES.items():
        parts = []
        for literal, name, _spec, _conversion in string.Formatter().parse(wording):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>.+?)")
        patterns[kind] = re.compile("".join(parts), re.DOTALL)
    return patterns
