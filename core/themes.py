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
    title: dict[str, str]  # by interface language
    description: dict[str, str]

    def titled(self, language: str) -> str:
        """Return the theme's title in a language (else the Danish one, else its name)."""
        return self.title.get(language) or self.title.get("da") or self.name

    def described(self, language: str) -> str:
        """Return the description in a language (Danish if that one is missing)."""
        return self.description.get(language) or self.description.get("da") or ""


def theme_choices() -> list[ThemeChoice]:
    """Return the installed themes with their descriptions, the default first."""
    choices = []
    for name in available_themes():
        config = tomllib.loads((THEMES_DIR / name / "theme.toml").read_text(encoding="utf-8"))
        title, description = _by_language(config, "title"), _by_language(config, "description")
        choices.append(ThemeChoice(name, title, description))
    return sorted(choices, key=lambda c: (c.name != "default", c.name))


def _by_language(config: dict[str, object], key: str) -> dict[str, str]:
    """Read `key` (Danish) and `key_en` (English) from a theme.toml, leaving out empty ones."""
    found = {"da": str(config.get(key, "")), "en": str(config.get(f"{key}_en", ""))}
    return {language: text for language, text in found.items() if text}
