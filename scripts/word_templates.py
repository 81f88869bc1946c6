"""Render the empty Word templates the start page offers, into core/samples (package data).

Usage: python -m scripts.word_templates  (or `make word-templates`)
The web service may not import the worker, so the templates are rendered ahead with the
worker's DOCX renderer and committed; tests/test_word_template.py fails while they are
stale.
"""

from __future__ import annotations

from pathlib import Path

from core.content import validate
from core.samples import WORD_TEMPLATES, word_template_data
from worker.render.docx import render_docx

SAMPLES = Path(__file__).resolve().parents[1] / "core" / "samples"


def render_template(language: str) -> bytes:
    """Return the empty Word template in `language` (da, en), rendered now."""
    return render_docx(validate(word_template_data(language)), template=True)


def main() -> None:
    """Write each language's template next to the content it is rendered from."""
    for language, name in WORD_TEMPLATES.items():
        target = SAMPLES / name
        target.write_bytes(render_template(language))
        print(f"wrote {target.relative_to(SAMPLES.parents[1])}")


if __name__ == "__main__":
    main()
