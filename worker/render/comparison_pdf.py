"""The comparison PDF: what changed from one draft to the next, and the høringsnotat.

Same theme, fonts, running header and deny-all fetcher as `render_pdf`, and the same
rules: user text reaches the template only as values (autoescaped), never as source.
"""

from __future__ import annotations

from core.content import Strategy
from core.diff import Comparison, compare, comparison_view
from worker.render.comparison_context import comparison_context
from worker.render.html import environment, theme_values
from worker.render.pdf import print_pdf
from worker.render.theme import Theme, load_theme

TEMPLATE = "comparison.html.j2"


def build_comparison_html(
    old: Strategy, new: Strategy, theme: Theme, comparison: Comparison | None = None
) -> str:
    """Render the comparison of two drafts as the HTML the PDF is printed from.

    `comparison` is `compare(old, new)` when the caller has it (the worker's stored
    diff); without it the drafts are compared here.
    """
    found = compare(old, new) if comparison is None else comparison
    values = comparison_context(old, new, comparison_view(found.to_json()))
    values |= {**theme_values(theme, new.document.language), "mark": None}
    return environment(theme.folders).get_template(TEMPLATE).render(values)


def render_comparison_pdf(
    old: Strategy,
    new: Strategy,
    theme: str = "default",
    comparison: Comparison | None = None,
) -> bytes:
    """Render the changes from `old` to `new` as an A4 PDF/UA-1 document.

    `comparison` is `compare(old, new)`, if the caller has it.
    """
    chosen = load_theme(theme)
    return print_pdf(build_comparison_html(old, new, chosen, comparison), chosen)
