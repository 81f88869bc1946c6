"""A deny-all URL fetcher for WeasyPrint: only the theme's files and small data: images.

Nothing a user writes ever becomes markup, so in practice the template is the only
source of URLs. This fetcher is the second wall: whatever slips through cannot make
the renderer touch the network or read a file outside the theme folder.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os.path
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.shortening import shortened

LOG = logging.getLogger(__name__)

# Files a theme may serve. Templates and theme.toml are read by Python, never by WeasyPrint.
THEME_SUFFIXES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}
DATA_MEDIA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
MAX_DATA_URL = 64 * 1024  # characters; a logo or an icon, not a photo album


class RefusedURL(ValueError):
    """The renderer may not load this URL."""


class ThemeFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Serve files from one theme folder and small data: images; refuse everything else."""

    def __init__(self, root: Path, *extended: Path) -> None:
        # No protocols and no redirects for the inherited urllib machinery, so that even a
        # call that reached the parent class could not open anything.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        # The theme's folder, then those of the themes it extends: a file asked for in one
        # is looked up in each in turn, as the templates are (see worker.render.theme).
        self.roots = tuple(folder.resolve() for folder in (root, *extended))
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the resource at `url` if it is allowed, or raise RefusedURL."""
        # Scheme checks are case-sensitive on purpose: "FILE:" or "Data:" never come from
        # the template, so they are refused rather than normalised.
        if url.startswith("file:"):
            return self._file(url)
        if url.startswith("data:"):
            return self._data(url)
        raise self._refuse(url, "scheme not allowed")

    def _refuse(self, url: str, reason: str) -> RefusedURL:
        shown = shortened(url, 200)
        self.refused.append(shown)
        LOG.warning("refused to load %r: %s", shown, reason)
        return RefusedURL(f"refused to load {shown!r}: {reason}")

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
            raise self._refuse(url, "not a plain local file URL")
        # Check the path lexically before touching the disk, so that a path outside the
        # theme is refused without any file access; then resolve symlinks and check again.
        lexical = Path(os.path.normpath(url2pathname(parts.path)))
        inside = [r for r in self.roots if lexical.is_absolute() and lexical.is_relative_to(r)]
        if not inside:
            raise self._refuse(url, "outside the theme folder")
        media_type = THEME_SUFFIXES.get(lexical.suffix.lower())
        if media_type is None:
            raise self._refuse(url, "not a theme asset")
        relative = lexical.relative_to(inside[0])
        for root in self.roots[self.roots.index(inside[0]) :]:
            path = (root / relative).resolve()
            if path.is_relative_to(root) and path.is_file():
                # Logged so that a test (or an operator at DEBUG) can see which fetcher
                # served the theme: WeasyPrint's own fetcher would load the files silently.
                LOG.debug("served %s", url)
                return URLFetcherResponse(
                    url, path.read_bytes(), headers={"Content-Type": media_type}
                )
        raise self._refuse(url, "not a file in the theme folder")

    def _data(self, url: str) -> URLFetcherResponse:
        if len(url) > MAX_DATA_URL:
            raise self._refuse(url, "data URL too large")
        header, comma, payload = url[len("data:") :].partition(",")
        params = header.split(";")
        media_type = params[0].strip().lower()
        if not comma or media_type not in DATA_MEDIA_TYPES:
            raise self._refuse(url, "only small data: images are allowed")
        try:
            if "base64" in params[1:]:
                body = base64.b64decode(payload, validate=True)
            else:
                body = unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            raise self._refuse(url, "malformed data URL") from None
        LOG.debug("served a %s data: URL of %d bytes", media_type, len(body))
        return URLFetcherResponse(url, body, headers={"Content-Type": media_type})
