"""A template's stylesheets parsed once per process, not once per print.

WeasyPrint parses every stylesheet a document links or holds (`<link>`, `<style>`) and
loads its fonts again for each document: about 0.06 s of CSS and 0.05 s of fonts, a
third of a one-page piece's print, and a long document prints forty pieces and more.
So the head's stylesheets are taken out of the HTML, parsed once with one font
configuration, and handed to WeasyPrint as ready stylesheets, in the same order.

Handed over, they are user stylesheets to WeasyPrint, not author ones. The cascade is
the same: no author stylesheet is left, so ours still come after the browser's own,
in their order; a `style` attribute (the logo's width) still wins over them, and
`!important` still wins over both (none is used). The printed bytes are the same
(scripts/same-output.py).

Only what our templates write is taken: `<link rel="stylesheet" href="…">` and
`<style>…</style>` in the head, before `</head>` (user text there is escaped, so it
cannot look like either). If anything else stylesheet-like is left in the head, nothing
is taken and WeasyPrint reads the head as before: slower, never different.
"""

from __future__ import annotations

import html as html_text
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from weasyprint import CSS
from weasyprint.css.counters import CounterStyle
from weasyprint.html import parse_url
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import ensure_url

from worker.render.fetcher import ThemeFetcher

_HEAD_END = "</head>"
_SHEET = re.compile(r'<link rel="stylesheet" href="([^"<>]*)">\n?|<style>(.*?)</style>\n?', re.S)
_LEFT = re.compile(r"<style|<link", re.I)
# Sets of stylesheets kept per thread: a theme, its languages, draft marks, and the
# pieces' variant (no page numbers) make a handful.
_KEPT = 16


@dataclass(frozen=True)
class Sheets:
    """Parsed stylesheets and the font and counter configuration they were parsed with."""

    css: tuple[CSS, ...]
    font_config: FontConfiguration
    counter_style: CounterStyle


def split(html: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """Return the HTML without its head's stylesheets, and them ("link"/"style", value).

    None when the head holds none, or one this does not take (it is then left as is).
    """
    at = html.find(_HEAD_END)
    if at < 0:
        return None
    head = html[:at]
    found = tuple(
        ("link", html_text.unescape(m[1])) if m[1] is not None else ("style", m[2])
        for m in _SHEET.finditer(head)
    )
    rest = _SHEET.sub("", head)
    if not found or _LEFT.search(rest):
        return None
    return rest + html[at:], found


_local = threading.local()


def parsed(sources: tuple[tuple[str, str], ...], base_url: str, fetcher: ThemeFetcher) -> Sheets:
    """Return the stylesheets parsed, kept from an earlier print in this thread if any."""
    # Per thread: a font configuration holds Pango's font map, which is not thread-safe.
    kept: OrderedDict[tuple[object, ...], Sheets] = getattr(_local, "kept", None) or OrderedDict()
    _local.kept = kept
    key = (base_url, fetcher.roots, sources)
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    fonts, counters = FontConfiguration(), CounterStyle()
    base = ensure_url(base_url)  # a folder's path, as WeasyPrint takes a document's
    # As WeasyPrint does for a document's own stylesheets: one list of page rules and
    # of layers for all of them.
    page_rules: list[object] = []
    layers: list[object] = []
    common = {
        "url_fetcher": fetcher,
        "font_config": fonts,
        "counter_style": counters,
        "page_rules": page_rules,
        "layers": layers,
    }
    css = tuple(
        CSS(url=parse_url(value, base), _check_mime_type=True, **common)
        if kind == "link"
        else CSS(string=value, base_url=base, **common)
        for kind, value in sources
    )
    kept[key] = Sheets(css, fonts, counters)
    while len(kept) > _KEPT:
        kept.popitem(last=False)
    return kept[key]
