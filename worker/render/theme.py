"""Document themes: a folder under `templates/` with fonts, colours, templates and Word look.

A theme may extend another (`extends = "default"` in its theme.toml): its folder is then
searched first and the other's after it, for templates, stylesheets, fonts and images
alike, and whatever its theme.toml leaves out (colours, Word styles, ...) comes from the
other. So a theme is files and values only: nothing about it is written in code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.themes import available_themes, theme_folder

MAX_DEPTH = 4  # a theme extending a theme extending ...: a loop or a mistake, not a design

# The CSS weight and style of each font slot a theme.toml may name.
FONT_FACES = {
    "light": (300, "normal"),
    "regular": (400, "normal"),
    "italic": (400, "italic"),
    "bold": (700, "normal"),
    "bold_italic": (700, "italic"),
    "black": (900, "normal"),
}
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_STYLE_KEYS = {
    "size",
    "colour",
    "shade",
    "bold",
    "italic",
    "caps",
    "before",
    "after",
    "line",
    "indent",
}


class UnknownTheme(ValueError):
    """No theme of that name is installed, or its theme.toml is not usable."""


@dataclass(frozen=True)
class WordStyle:
    """How the DOCX draws one paragraph style: size and spacing in points, a colour's name."""

    size: float | None = None
    colour: str | None = None  # a colour of the theme by name, or #rrggbb
    shade: str | None = None  # the paragraph's background colour, the same way
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    before: float | None = None
    after: float | None = None
    line: float | None = None  # a multiple of single spacing
    indent: float | None = None  # centimetres


@dataclass(frozen=True)
class WordLook:
    """Everything the theme decides for the DOCX besides fonts and colours."""

    page: Mapping[str, float]  # width, height, the four margins, header/footer distance (cm)
    styles: Mapping[str, WordStyle]
    spacing: Mapping[str, float]  # named gaps and widths the renderer uses (see theme.toml)


@dataclass(frozen=True)
class Logo:
    """The theme's logo: a PNG or JPEG in the theme folder, its width and its alt text."""

    path: Path
    width_mm: float
    alt: Mapping[str, str]  # by document language

    def alt_text(self, language: str) -> str:
        """Return the logo's alt text in a document language (Danish if that one is missing)."""
        return self.alt.get(language) or self.alt["da"]


@dataclass(frozen=True)
class Theme:
    """A theme's folders, font files, colours, stylesheets, logo and Word look."""

    name: str
    path: Path
    font_family: str
    fonts: dict[str, Path]
    colours: dict[str, str]
    # The theme's own folder first, then those of the themes it extends.
    folders: tuple[Path, ...] = ()
    stylesheets: tuple[str, ...] = ()  # extra CSS, after the templates' own
    logo: Logo | None = None
    band: str | None = None  # a colour's name: a band across the top of every page
    word: WordLook = field(
        default_factory=lambda: WordLook(MappingProxyType({}), MappingProxyType({}), {})
    )
    description: str = ""

    def colour_hex(self, key: str) -> str:
        """Return a colour of the theme (by name, or a #rrggbb value) as rrggbb."""
        return (key if _HEX.match(key) else self.colours[key]).lstrip("#")

    def colour_rgb(self, key: str) -> tuple[int, int, int]:
        """Return a colour of the theme (by name, or a #rrggbb value) as an (r, g, b) tuple."""
        value = self.colour_hex(key)
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)

    def font_faces(self) -> list[tuple[str, int, str]]:
        """Return each font file as (path relative to the theme folders, weight, style)."""
        faces = []
        for slot, path in self.fonts.items():
            weight, style = FONT_FACES[slot]
            faces.append((self.relative(path), weight, style))
        return faces

    def relative(self, path: Path) -> str:
        """Return a file's path relative to the folder of the theme that holds it."""
        for folder in self.folders:
            if path.is_relative_to(folder):
                return path.relative_to(folder).as_posix()
        raise ValueError(f"{path} is in none of the theme's folders")

    def find(self, relative: str) -> Path | None:
        """Return the first of the theme's folders' files at a relative path, or None."""
        for folder in self.folders:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
        return None


@lru_cache(maxsize=16)
def load_theme(name: str = "default") -> Theme:
    """Load a theme by name; raise UnknownTheme for a name that is not installed."""
    return _load(name, ())


def _load(name: str, seen: tuple[str, ...]) -> Theme:
    path = theme_folder(name)
    if path is None:
        raise UnknownTheme(f"no theme named {name!r}; installed: {', '.join(available_themes())}")
    if name in seen or len(seen) >= MAX_DEPTH:
        raise UnknownTheme(f"theme {name!r}: `extends` goes round ({' → '.join((*seen, name))})")
    config = tomllib.loads((path / "theme.toml").read_text(encoding="utf-8"))
    base = _load(str(config["extends"]), (*seen, name)) if "extends" in config else None
    try:
        return _theme(name, path, config, base)
    except (KeyError, TypeError, ValueError) as error:
        raise UnknownTheme(f"theme {name!r}: theme.toml is not usable: {error}") from None


def _theme(name: str, path: Path, config: dict[str, Any], base: Theme | None) -> Theme:
    folders = (path, *(base.folders if base else ()))
    font_config = config.get("fonts")
    if font_config is None and base is not None:
        family, fonts = base.font_family, base.fonts
    else:
        family = str(font_config["family"]) if font_config else ""
        fonts = {k: path / v for k, v in (font_config or {}).items() if k != "family"}
        unknown = set(fonts) - set(FONT_FACES)
        if unknown or "regular" not in fonts:
            raise ValueError(f"fonts: name a regular face, and only {sorted(FONT_FACES)}")
    colours = {**(base.colours if base else {}), **config.get("colours", {})}
    logo = _logo(path, config["logo"]) if "logo" in config else (base.logo if base else None)
    sheets = tuple(str(s) for s in config.get("stylesheets", ()))
    band = config.get("band", base.band if base else None)
    if band is not None and band not in colours:
        raise ValueError(f"band: no colour named {band!r}")
    return Theme(
        name=name,
        path=path,
        font_family=family,
        fonts=fonts,
        colours=colours,
        folders=folders,
        stylesheets=(*(base.stylesheets if base else ()), *sheets),
        logo=logo,
        band=band,
        word=_word(config.get("word", {}), base.word if base else None, colours),
        description=str(config.get("description", base.description if base else "")),
    )


def _logo(path: Path, config: dict[str, Any]) -> Logo:
    file = path / str(config["file"])
    if file.suffix.lower() not in (".png", ".jpg", ".jpeg") or not file.is_file():
        raise ValueError(f"logo: {config['file']!r} must be a PNG or JPEG file in the theme")
    alt = {str(k): str(v) for k, v in dict(config["alt"]).items()}
    if not alt.get("da"):
        raise ValueError("logo: alt.da, the logo's alt text in Danish, is required")
    return Logo(file, float(config["width_mm"]), MappingProxyType(alt))


def _word(config: dict[str, Any], base: WordLook | None, colours: dict[str, str]) -> WordLook:
    """Merge a theme.toml's [word] tables over the extended theme's, style by style."""
    styles = dict(base.styles) if base else {}
    for style, values in config.get("styles", {}).items():
        unknown = set(values) - _STYLE_KEYS
        if unknown:
            raise ValueError(f"word.styles.{style}: unknown {sorted(unknown)}")
        for key in ("colour", "shade"):
            colour = values.get(key)
            if colour is not None and colour not in colours and not _HEX.match(str(colour)):
                raise ValueError(f"word.styles.{style}.{key}: no colour named {colour!r}")
        merged = {**(vars(styles[style]) if style in styles else {}), **values}
        styles[style] = WordStyle(**merged)
    return WordLook(
        page=MappingProxyType({**(base.page if base else {}), **config.get("page", {})}),
        styles=MappingProxyType(styles),
        spacing=MappingProxyType({**(base.spacing if base else {}), **config.get("spacing", {})}),
    )
