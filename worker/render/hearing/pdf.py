"""The høringsnotat PDF: the notes' view (core.hearing_notes) laid out by the theme.

Same theme, fonts, page footer and deny-all fetcher as `render_pdf`, and the same
rules: user text reaches the template only as values (autoescaped), never as source.
"""

from __future__ import annotations

from typing import Any

from core.content import Strategy
from core.diff import Comparison
from core.hearing_notes import hearing_notes
from worker.render.html import environment, theme_values
from worker.render.pdf import print_pdf
from worker.render.theme import Theme, load_theme

TEMPLATE = "hearing-notes.html.j2"


def build_hearing_notes_html(
    strategy: Strategy,
    previous: Strategy | None,
    theme: Theme,
    comparison: Comparison | None = None,
) -> str:
    """Render a version's høringsnotat as the HTML the PDF is printed from."""
    notes = hearing_notes(strategy, previous, comparison)
    values: dict[str, Any] = {
        "notes": notes,
        "doc": notes.info,
        "L": notes.labels,
        "mark": None,  # the cover names the version; no draft watermark, as on a comparison
        **theme_values(theme, notes.language),
    }
    return environment(theme.folders).get_template(TEMPLATE).render(values)


def render_hearing_notes_pdf(
    strategy: Strategy,
    previous: Strategy | None,
    theme: str = "default",
    comparison: Comparison | None = None,
) -> bytes:
    """Render a version's høringsnotat as an A4 PDF/UA-1 document.

    `previous` is the version before it (None for a first version); `comparison` is
    `compare(previous, strategy)` when the caller has it.
    """
    chosen = load_theme(theme)
    return print_pdf(build_hearing_notes_html(strategy, previous, chosen, comparison), chosen)
