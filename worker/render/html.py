"""The HTML the PDF is printed from: a Jinja2 template of the theme, filled with a Strategy.

User text only ever reaches the template as a value: autoescaping is on, undefined
names fail loudly, and rich text arrives as markup built by `richhtml`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from core.consultation import part_names
from core.content import Indicator, Strategy
from core.labels import format_date, labels
from core.markup import redline_html, value_text
from worker.render.richhtml import rich_html
from worker.render.theme import Theme

TEMPLATE = "document.html.j2"
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_COLOUR_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
_CSS_PLAIN = re.compile(r"[A-Za-z0-9 ]")


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents, linking to a heading's id."""

    anchor: str
    text: str
    level: int


@dataclass(frozen=True)
class IndicatorGroup:
    """The signs of success under one vision, or the cross-cutting ones (vision None)."""

    title: str
    indicators: list[Indicator] = field(default_factory=list)


@lru_cache(maxsize=8)
def environment(theme_path: Path) -> Environment:
    """Return the Jinja2 environment for a theme folder (autoescaping, strict undefined).

    One environment serves the document and the comparison templates of a theme.
    """
    env = Environment(
        loader=FileSystemLoader(theme_path),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["rich"] = rich_html
    env.filters["css_string"] = css_string
    env.filters["redline"] = redline_html
    env.filters["value"] = value_text
    return env


def build_html(strategy: Strategy, theme: Theme) -> str:
    """Render the strategy as the HTML document the PDF is printed from."""
    template = environment(theme.path).get_template(TEMPLATE)
    return template.render(context(strategy, theme))


def context(strategy: Strategy, theme: Theme) -> dict[str, Any]:
    """Return the values the template needs, computed once in Python."""
    doc = strategy.document
    text = labels(doc.language)
    mark = {"draft": text["draft_mark"], "consultation": text["consultation_mark"]}
    names = part_names(strategy)

    def date(value: dt.date | None) -> str:
        return format_date(value, doc.language) if value else ""

    return {
        "s": strategy,
        "doc": doc,
        "L": text,
        "date": date,
        "mark": mark.get(doc.status),
        "colours": theme_colours(theme),
        "toc": toc_entries(strategy, text),
        "groups": indicator_groups(strategy, text["shared_indicators"]),
        "affects": {c.id: [names.get(r, r) for r in c.affects] for c in strategy.consultation},
    }


def toc_entries(strategy: Strategy, text: dict[str, str]) -> list[TocEntry]:
    """List the headings the table of contents links to, in document order."""
    entries: list[TocEntry] = []
    if strategy.foreword:
        entries.append(TocEntry("foreword", text["foreword"], 1))
    entries.append(TocEntry("visions", text["visions"], 1))
    entries += [TocEntry(f"v-{v.id}", v.headline, 2) for v in strategy.visions]
    if strategy.signs_of_success:
        entries.append(TocEntry("signs", text["signs_of_success"], 1))
    entries += [TocEntry(f"s-{s.id}", s.title, 1) for s in strategy.sections]
    if strategy.timeline:
        entries.append(TocEntry("timeline", text["timeline"], 1))
    if strategy.consultation:
        entries.append(TocEntry("consultation", text["consultation"], 1))
    return entries


def indicator_groups(strategy: Strategy, shared_title: str) -> list[IndicatorGroup]:
    """Group the signs of success by vision, in vision order, cross-cutting ones last."""
    groups = [IndicatorGroup(v.title) for v in strategy.visions]
    by_id = {v.id: g for v, g in zip(strategy.visions, groups, strict=True)}
    shared = IndicatorGroup(shared_title)
    for indicator in strategy.signs_of_success:
        by_id.get(indicator.vision or "", shared).indicators.append(indicator)
    return [g for g in [*groups, shared] if g.indicators]


def theme_colours(theme: Theme) -> dict[str, str]:
    """Return the theme's colours, each checked to be a #rrggbb value before it goes into CSS."""
    bad = [
        k for k, v in theme.colours.items() if not (_COLOUR_NAME.match(k) and _HEX_COLOUR.match(v))
    ]
    if bad:
        raise ValueError(f"theme {theme.name!r}: colours must be name = '#rrggbb': {bad}")
    return dict(theme.colours)


def css_string(value: str) -> Markup:
    """Quote text as a CSS string, escaping everything but letters, digits and spaces."""
    # Hex escapes of six digits need no terminating space and cannot close the string,
    # the rule or the <style> element, whatever the text holds.
    body = "".join(c if _CSS_PLAIN.match(c) else f"\\{ord(c):06x}" for c in value)
    return Markup(f'"{body}"')  # noqa: S704  # every character but [A-Za-z0-9 ] is escaped
