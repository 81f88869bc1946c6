"""The example strategy and the empty template that ship with udkast, as text and as data."""

from __future__ import annotations

import copy
from functools import cache
from importlib.resources import files
from typing import Any

from core.content import load

# Shipped inside the package (pyproject package-data), so a wheel installed anywhere has them.
_FOLDER = files(__name__)


def example_text() -> str:
    """Return the reference example (Socialstrategi, first draft) as YAML text."""
    return (_FOLDER / "example.yaml").read_text(encoding="utf-8")


def skeleton_text() -> str:
    """Return the commented template of a new strategy as YAML text."""
    return (_FOLDER / "skeleton.yaml").read_text(encoding="utf-8")


@cache
def _loaded(name: str) -> dict[str, Any]:
    text = example_text() if name == "example" else skeleton_text()
    return load(text.encode("utf-8"), "application/yaml").to_data()


def example_data() -> dict[str, Any]:
    """Return the reference example as validated content data (a fresh copy per call)."""
    return _copy(_loaded("example"))


def skeleton_data() -> dict[str, Any]:
    """Return the template as validated content data (a fresh copy per call)."""
    return _copy(_loaded("skeleton"))


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(data)
