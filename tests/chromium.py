"""Debian's Chromium driven by Playwright, for the tests that use the web UI as a person does.

Needs `playwright` from PyPI and the `chromium` Debian package; `playwright install` is
never run (it downloads a browser of its own). Without them the tests fail under CI and
are skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests import needs

CHROMIUM = Path(os.environ.get("UDKAST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# The people udkast is made for read Danish, so the browser asks for Danish pages unless a
# test asks for another language (new_context(locale="en-GB")).
LOCALE = "da-DK"


class DanishBrowser:
    """Playwright's Browser whose new contexts ask for Danish pages unless told otherwise."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        """Open a browser context (a fresh profile) with the Danish locale by default."""
        options.setdefault("locale", LOCALE)
        return self._browser.new_context(**options)

    def new_page(self, **options: Any) -> Any:
        """Open a page in a context of its own, with the Danish locale by default."""
        options.setdefault("locale", LOCALE)
        return self._browser.new_page(**options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


def launched_chromium() -> Iterator[Any]:
    """Yield a headless Chromium browser (Playwright's Browser) and close it afterwards."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        needs.unavailable("playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists() and not shutil.which(str(CHROMIUM)):
        needs.unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield DanishBrowser(browser)
        finally:
            browser.close()
