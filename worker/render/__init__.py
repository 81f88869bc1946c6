"""Renderers: each takes a validated Strategy and a theme name and returns bytes."""

from __future__ import annotations

from collections.abc import Callable

from core.content import Strategy
from core.naming import COMPARISON_OUTPUTS, FORMATS, MEDIA_TYPES

__all__ = ["COMPARISON_OUTPUTS", "FORMATS", "MEDIA_TYPES", "comparison_renderer", "renderer"]


def renderer(fmt: str) -> Callable[[Strategy, str], bytes]:
    """Return the render function for a format ("pdf" or "docx")."""
    if fmt == "pdf":
        from worker.render.pdf import render_pdf

        return render_pdf
    if fmt == "docx":
        from worker.render.docx import render_docx

        return render_docx
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def comparison_renderer(output: str) -> Callable[[Strategy, Strategy, str], bytes]:
    """Return the function that renders what changed between two drafts (old, new, theme)."""
    if output == "changes-pdf":
        from worker.render.comparison_pdf import render_comparison_pdf

        return render_comparison_pdf
    if output == "changes-docx":
        from worker.render.redline import render_redline_docx

        return render_redline_docx
    raise ValueError(f"unknown comparison output {output!r}")
