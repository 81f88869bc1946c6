"""The PDF renderer: Strategy -> HTML (Jinja2) -> tagged PDF/UA-1 or archival PDF/A-2a.

The archival PDF is PDF/A-2a (tagged, fonts embedded, an sRGB output intent) that is
also PDF/UA-1: WeasyPrint writes one variant per file, so pdf_finish declares the
second in the XMP. Both go through the same finisher, which fixes list items' tags.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files
from typing import Any

from weasyprint import HTML
from weasyprint.css import ColorProfile
from weasyprint.document import Document

from core.content import Strategy
from core.view import DocumentView
from worker.render.fetcher import ThemeFetcher
from worker.render.html import build_html, document_html
from worker.render.pdf_finish import finisher
from worker.render.stylesheets import parsed, split
from worker.render.theme import Theme, load_theme

PDF_VARIANT = "pdf/ua-1"  # tagged and accessible; costs about 0-15 % render time
ARCHIVAL_VARIANT = "pdf/a-2a"  # PDF/A-2 level A (tagged), declared PDF/UA-1 as well
_OUTPUT_INTENT = "archive-srgb"


def render_pdf(strategy: Strategy, theme: str = "default") -> bytes:
    """Render a strategy as an A4 PDF/UA-1 document and return its bytes."""
    chosen = load_theme(theme)
    return print_pdf(build_html(strategy, chosen), chosen)


def print_view(view: DocumentView, theme: Theme, *, archival: bool = False) -> bytes:
    """Print a document view in one pass (the reference the pieces are assembled to match)."""
    return print_pdf(document_html(view, theme), theme, archival=archival)


def render_archival_pdf(strategy: Strategy, theme: str = "default") -> bytes:
    """Render a strategy as an A4 archival PDF/A-2a document that is also PDF/UA-1."""
    chosen = load_theme(theme)
    return print_pdf(build_html(strategy, chosen), chosen, archival=True)


def print_pdf(html: str, theme: Theme, *, archival: bool = False) -> bytes:
    """Print the HTML of one of the theme's templates as PDF/UA-1 (or PDF/A-2a + UA-1)."""
    return write_pdf(lay_out(html, theme, archival=archival), archival=archival)


def lay_out(html: str, theme: Theme, *, archival: bool = False) -> Document:
    """Lay out the HTML of one of the theme's templates into pages, ready to write."""
    # The folder as the fetcher knows it (its real path): a theme installed as a link to
    # a folder elsewhere would otherwise have its own files refused as outside it.
    base_url = str(theme.path.resolve()) + "/"
    fetcher = ThemeFetcher(*theme.folders)
    options = _options(archival)
    colours = options.pop("color_profiles", None)
    apart = split(html)
    if apart is not None:
        html, sources = apart
        sheets = parsed(sources, base_url, fetcher)
        options |= {
            "stylesheets": list(sheets.css),
            "font_config": sheets.font_config,
            "counter_style": sheets.counter_style,
        }
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.render(color_profiles=colours, **options)


def write_pdf(document: Document, *, archival: bool = False) -> bytes:
    """Write laid-out pages as PDF/UA-1 (or PDF/A-2a + UA-1), finished by pdf_finish."""
    options = _options(archival)
    options.pop("color_profiles", None)  # used in laying out
    pdf: bytes = document.write_pdf(finisher=finisher(archival=archival), **options)
    return pdf


def _options(archival: bool) -> dict[str, Any]:
    archive: dict[str, Any] = {}
    if archival:
        # PDF/A wants an output intent. WeasyPrint's own ("srgb") opens its ICC profile and
        # never closes it, so the same profile comes in under a name of ours, read whole.
        archive = {"color_profiles": {_OUTPUT_INTENT: _srgb()}, "output_intent": _OUTPUT_INTENT}
    return {
        "pdf_variant": ARCHIVAL_VARIANT if archival else PDF_VARIANT,
        "presentational_hints": False,
        # The template's own, parsed once (worker.render.stylesheets), or none.
        "stylesheets": None,
        "optimize_images": True,
        **archive,
    }


def _srgb() -> ColorProfile:
    # A new profile for every file: littlecms writes a profile out again once it has been
    # read, larger, so a profile shared between renders would make their bytes differ.
    return ColorProfile(
        io.BytesIO(_srgb_bytes()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )


@cache
def _srgb_bytes() -> bytes:
    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
