"""Where a link may send a reader back to: only a path on this site."""

from __future__ import annotations

import re

_LOCAL_PATH = re.compile(r"/[!-\[\]-~]*")  # printable ASCII, no space or backslash


def local_path(target: str) -> str:
    r"""Return `target` if it is a plain path on this site, else "/".

    Never redirect to a host named in the link: browsers read `/\\host` as `//host`
    and drop tabs and line breaks from a URL, so only printable ASCII without a
    backslash is let through, and the path may not start with two slashes.
    """
    if _LOCAL_PATH.fullmatch(target) and not target.startswith("//"):
        return target
    return "/"
