"""Where document themes live and which are installed; the worker loads their contents."""

from __future__ import annotations

import re
from pathlib import Path

# The repository's templates/ folder: one folder per theme, each with a theme.toml.
THEMES_DIR = Path(__file__).resolve().parents[1] / "templates"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


def available_themes() -> list[str]:
    """Return the names of the installed themes."""
    return sorted(p.parent.name for p in THEMES_DIR.glob("*/theme.toml"))


def theme_folder(name: str) -> Path | None:
    """Return the folder of an installed theme, or None (a name is never a path)."""
    if _NAME.match(name) and (THEMES_DIR / name / "theme.toml").is_file():
        return THEMES_DIR / name
    return None
