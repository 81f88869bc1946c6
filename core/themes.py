"""Where document themes live and which are installed; the worker loads their contents."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ThemeChoice:
    """An installed theme as a person chooses it: its name and what it looks like, in words."""

    name: str
    description: dict[str, str]  # by interface language

    def described(self, language: str) -> str:
        """Return the description in a language (Danish if that one is missing)."""
        return self.description.get(language) or self.description.get("da") or self.name


def theme_choices() -> list[ThemeChoice]:
    """Return the installed themes with their descriptions, the default first."""
    choices = []
    for name in available_themes():
        config = tomllib.loads((THEMES_DIR / name / "theme.toml").read_text(encoding="utf-8"))
        described = {
            "da": str(config.get("description", "")),
            "en": str(config.get("description_en", "")),
        }
        choices.append(ThemeChoice(name, {k: v for k, v in described.items() if v}))
    return sorted(choices, key=lambda c: (c.name != "default", c.name))
