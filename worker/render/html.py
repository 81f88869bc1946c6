"""The HTML the PDF is printed from: a Jinja2 template of the theme walking a document view.

The view (core.view) decides the parts, their order, groups, marks, dates and labels;
the template only lays them out. User text only ever reaches the template as a value:
autoescaping is on, undefined names fail loudly, and rich text arrives as markup built
by the filters of templates.filters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.content import Strategy
from core.view import DocumentView, document_view
from templates.filters import FILTERS
from worker.render.theme import Theme

TEMPLATE = "document.html.j2"
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_COLOUR_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


@lru_cache(maxsize=8)
def environment(folders: tuple[Path, ...]) -> Environment:
    """Return the Jinja2 environment for a theme's folders (autoescaping, strict undefined).

    One environment serves the document and the comparison templates of a theme; a
    template the theme lacks comes from the theme it extends.
    """
    env = Environment(
        loader=FileSystemLoader(list(folders)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def build_html(strategy: Strategy, theme: Theme) -> str:
    """Render the strategy as the HTML document the PDF is printed from."""
    return document_html(document_view(strategy), theme)


def document_html(view: DocumentView, theme: Theme, **extra: Any) -> str:
    """Render a document view as the HTML its PDF is printed from (whole, or one piece)."""
    template = environment(theme.folders).get_template(TEMPLATE)
    return template.render({**view_values(view, theme), **extra})


def context(strategy: Strategy, theme: Theme) -> dict[str, Any]:
    """Return the values the template needs: the document view and the theme's look."""
    return view_values(document_view(strategy), theme)


def view_values(view: DocumentView, theme: Theme) -> dict[str, Any]:
    """Return the values the template needs of a document view and a theme."""
    return {
        "view": view,
        "doc": view.info,
        "L": view.labels,
        "mark": view.mark,
        **theme_values(theme, view.language),
    }


def theme_values(theme: Theme, language: str) -> dict[str, Any]:
    """Return what every template of a theme reads: colours, fonts, stylesheets and logo."""
    logo = None
    if theme.logo is not None:
        logo = {
            "src": theme.relative(theme.logo.path),
            "alt": theme.logo.alt_text(language),
            "width": f"{theme.logo.width_mm:g}mm",
        }
    return {
        "colours": theme_colours(theme),
        "font_family": theme.font_family,
        "font_faces": theme.font_faces(),
        "stylesheets": theme.stylesheets,
        "logo": logo,
        "band": theme.band,
    }


def theme_colours(theme: Theme) -> dict[str, str]:
    """Return the theme's colours, each checked to be a #rrggbb value before it goes into CSS."""
    bad = [
        k for k, v in theme.colours.items() if not (_COLOUR_NAME.match(k) and _HEX_COLOUR.match(v))
    ]
    if bad:
        raise ValueError(f"theme {theme.name!r}: colours must be name = '#rrggbb': {bad}")
    return dict(theme.colours)
