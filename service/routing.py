"""What a URL's path values may look like, checked by routing before a view or the database.

A value outside these shapes (a NUL, which PostgreSQL cannot hold in text; a thousand
characters; a version past the database's integer column) is a plain 404 from routing.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

from core.content import SLUG_PATTERN
from core.shortening import shortened

# Versions are positive and fit the database's 32-bit integer column.
MAX_VERSION = 2_147_483_647
# Use it in routes as <{VERSION}:version>.
VERSION = f"int(min=1, max={MAX_VERSION})"


class SlugConverter(BaseConverter):
    """A slug as the content format allows it; every stored strategy has one."""

    regex = SLUG_PATTERN.removeprefix("^").removesuffix("$")


class BuildIdConverter(BaseConverter):
    """A build id: the lowercase UUID the store gives every build."""

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def install(app: Flask) -> None:
    """Add the converters to the app; call before registering the blueprints that use them."""
    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["build_id"] = BuildIdConverter


def shown(value: str, limit: int = 60) -> str:
    """Quote a value from a request for a message, shortened so it cannot flood the answer."""
    return repr(shortened(value, limit))
