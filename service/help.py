"""Help: the content format as a page, and the empty template and the example to download."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from core.samples import example_text, skeleton_text

blueprint = Blueprint("help", __name__)

# A copy of docs/content-format.md that ships in the wheel (pyproject package-data:
# service/templates/**); tests/test_help.py keeps it identical to the source.
FORMAT_DOC = "templates/help/content-format.md"
TEMPLATE_FILE = "strategi-skabelon.yaml"
EXAMPLE_FILE = "strategi-eksempel.yaml"


@cache
def format_html() -> Markup:
    """Return the content format description as HTML, tables wrapped to scroll on a phone."""
    text = (files("service") / FORMAT_DOC).read_text(encoding="utf-8")
    # Our own document, but rendered as if it were not: no raw HTML, only safe links.
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0"><table>')
    html = html.replace("</table>", "</table></div>")
    return Markup(html)  # noqa: S704  # markdown-it escaped every text, with html off


@blueprint.get("/help/format")
def content_format() -> Any:
    """Show the description of the content format (strategy/v1)."""
    return render_template("help/format.html", body=format_html())


@blueprint.get(f"/help/{TEMPLATE_FILE}")
def template_file() -> Response:
    """Send the empty, commented template of a new strategy."""
    return _yaml_download(skeleton_text(), TEMPLATE_FILE)


@blueprint.get(f"/help/{EXAMPLE_FILE}")
def example_file() -> Response:
    """Send the reference example (Socialstrategi, first draft)."""
    return _yaml_download(example_text(), EXAMPLE_FILE)


def _yaml_download(text: str, name: str) -> Response:
    response = Response(text, content_type="application/yaml; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
