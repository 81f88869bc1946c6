"""The example strategy and the empty templates that ship with udkast, as text and as data.

The empty Word templates (one per language) are rendered ahead from word-template-*.yaml
by `make word-templates` and shipped as files: the web service may not render DOCX.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib.resources import files
from typing import Any

from core.content import Strategy, load

# Shipped inside the package (pyproject package-data), so a wheel installed anywhere has them.
_FOLDER = files(__name__)
# The empty Word template's file name in each language udkast writes.
WORD_TEMPLATES = {"da": "strategi-skabelon.docx", "en": "strategy-template.docx"}


def example_text() -> str:
    """Return the reference example (Socialstrategi, first draft) as YAML text."""
    return (_FOLDER / "example.yaml").read_text(encoding="utf-8")


def example_strategy() -> Strategy:
    """Return the reference example as a validated strategy."""
    return load(example_text().encode("utf-8"), "application/yaml")


def skeleton_text() -> str:
    """Return the commented template of a new strategy as YAML text."""
    return (_FOLDER / "skeleton.yaml").read_text(encoding="utf-8")


def word_template_text(language: str) -> str:
    """Return what the empty Word template in `language` (da, en) is rendered from, as YAML."""
    return (_FOLDER / f"word-template-{language}.yaml").read_text(encoding="utf-8")


def word_template_data(language: str) -> dict[str, Any]:
    """Return what the empty Word template in `language` is rendered from, as content data."""
    return _copy(_loaded(f"word-template-{language}"))


def word_template_file(language: str) -> bytes:
    """Return the empty Word template (DOCX) in `language` (da, en), as shipped."""
    return (_FOLDER / WORD_TEMPLATES[language]).read_bytes()


@cache
def _loaded(name: str) -> dict[str, Any]:
    if name == "example":
        text = example_text()
    elif name == "skeleton":
        text = skeleton_text()
    else:
        text = word_template_text(name.removeprefix("word-template-"))
    return load(text.encode("utf-8"), "application/yaml").to_data()


def example_data() -> dict[str, Any]:
    """Return the reference example as validated content data (a fresh copy per call)."""
    return _copy(_loaded("example"))


def skeleton_data() -> dict[str, Any]:
    """Return the template as validated content data (a fresh copy per call)."""
    return _copy(_loaded("skeleton"))


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(data)
