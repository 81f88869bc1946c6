"""The worker's Celery app with its themes folder elsewhere, for tests that need a theme the
repository does not hold: `celery -A tests.themes_elsewhere worker`, with UDKAST_TEST_THEMES
naming the folder. Everything else is the real worker.
"""

from __future__ import annotations

import os
from pathlib import Path

import core.themes

# Before the worker's modules read it: settings check UDKAST_THEME against this folder.
core.themes.THEMES_DIR = Path(os.environ["UDKAST_TEST_THEMES"])

from worker.celery_app import app  # noqa: E402  # the folder must be set first

__all__ = ["app"]
