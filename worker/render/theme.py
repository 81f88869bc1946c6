"""Document themes: a folder under `templates/` with fonts, colours and templates."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.themes import available_themes, theme_folder


class UnknownTheme(ValueError):
    """No theme of that name is installed."""


@dataclass(frozen=True)
class Theme:
    """A theme's folder, font files and colours, read from its theme.toml."""

    name: str
    path: Path
    font_family: str
    fonts: dict[str, Path]
    colours: dict[str, str]

    def colour_rgb(self, key: str) -> tuple[int, int, int]:
        """Return a colour of the theme as an (r, g, b) tuple."""
        value = self.colours[key].lstrip("#")
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@lru_cache(maxsize=16)
def load_theme(name: str = "default") -> Theme:
    """Load a theme by name; raise UnknownTheme for a name that is not installed."""
    path = theme_folder(name)
    if path is None:
        raise UnknownTheme(f"no theme named {name!r}; installed: {', '.join(available_themes())}")
    config = tomllib.loads((path / "theme.toml").read_text(encoding="utf-8"))
    fonts = {k: path / v for k, v in config["fonts"].items() if k != "family"}
    return Theme(
        name=name,
        path=path,
        font_family=config["fonts"]["family"],
        fonts=fonts,
        colours=dict(config["colours"]),
    )
