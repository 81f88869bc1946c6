"""The PDF renderer: Strategy -> HTML (Jinja2) -> tagged PDF/UA-1 (WeasyPrint)."""

from __future__ import annotations

from weasyprint import HTML

from core.content import Strategy
from worker.render.fetcher import ThemeFetcher
from worker.render.html import build_html
from worker.render.theme import Theme, load_theme

PDF_VARIANT = "pdf/ua-1"  # tagged and accessible; costs about 0-15 % render time


def render_pdf(strategy: Strategy, theme: str = "default") -> bytes:
    """Render a strategy as an A4 PDF/UA-1 document and return its bytes."""
    chosen = load_theme(theme)
    return print_pdf(build_html(strategy, chosen), chosen)


def print_pdf(html: str, theme: Theme) -> bytes:
    """Print the HTML of one of the theme's templates as PDF/UA-1, fetching only theme files."""
    document = HTML(
        string=html,
        base_url=str(theme.path) + "/",
        url_fetcher=ThemeFetcher(theme.path),
    )
    pdf: bytes = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        presentational_hints=False,
        stylesheets=None,  # no user stylesheets: the theme's own CSS is linked by the template
        optimize_images=True,
    )
    return pdf
