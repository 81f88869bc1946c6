"""Help: the content format as a page; the empty templates (YAML, Word) and the example."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, render_template
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from core.outputs import DOCX
from core.samples import WORD_TEMPLATES, example_text, skeleton_text, word_template_file
from service.i18n import current_language

blueprint = Blueprint("help", __name__)

# A copy of docs/content-format.md that ships in the wheel (pyproject package-data:
# service/templates/**); tests/test_help.py keeps it identical to the source.
FORMAT_DOC = "templates/help/content-format.md"
TEMPLATE_FILE = "strategi-skabelon.yaml"
EXAMPLE_FILE = "strategi-eksempel.yaml"


@cache
def format_html() -> Markup:
    """Return the content format description as HTML; on a phone each table row stacks."""
    text = (files("service") / FORMAT_DOC).read_text(encoding="utf-8")
    # Our own document, but rendered as if it were not: no raw HTML, only safe links.
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(text)
    _label_cells(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    return Markup(html)  # noqa: S704  # markdown-it escaped every text, with html off


def _label_cells(tokens: list[Token]) -> None:
    """Mark tables to stack on a phone, each cell labelled with its column's header."""
    headers: list[str] = []
    column = 0
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            token.attrSet("class", "stack")
            headers = []
        elif token.type == "th_open":
            headers.append(tokens[index + 1].content)
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            if column < len(headers) and headers[column]:
                token.attrSet("data-label", headers[column])
            column += 1


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


@blueprint.get(f"/help/<any({', '.join(map(repr, WORD_TEMPLATES.values()))}):name>")
def word_template(name: str) -> Response:
    """Send the empty Word template in its language, named in it (strategi-skabelon.docx)."""
    language = next(code for code, file in WORD_TEMPLATES.items() if file == name)
    response = Response(word_template_file(language), content_type=DOCX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.app_context_processor
def word_template_name() -> dict[str, Any]:
    """Give pages the file name of the Word template in the page's language."""

    def name() -> str:
        return WORD_TEMPLATES.get(current_language(), WORD_TEMPLATES["da"])

    return {"word_template_name": name}


def _yaml_download(text: str, name: str) -> Response:
    response = Response(text, content_type="application/yaml; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
