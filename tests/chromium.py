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
            yield browser
        finally:
            browser.close()
