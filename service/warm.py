"""What a web process loads before its first request, not during it.

A new web process answered its first posted draft in about 0.5-0.8 s and the next ones
in 0.1-0.25 s: the first post loads Celery's result backend class (the app keeps no
results, but Celery builds the backend on the first send) and the plain-language
measures' hyphenation dictionaries. gunicorn starts each web process with
`service.wsgi`, which calls `warm` once; the app factory does not, so tests and the CLI
do not pay for it. A failure is logged, never raised: a web process that cannot warm
still serves.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from core import plain_language
from core.samples import example_strategy
from service.i18n import LANGUAGES
from service.runtime import runtime

log = logging.getLogger(__name__)


def warm(app: Flask) -> float:
    """Load what a first post would (queue client, plain-language measures); return seconds."""
    start = time.monotonic()
    try:
        with app.app_context():
            runtime().queue.warm()
        strategy = example_strategy()
        for language in LANGUAGES:
            plain_language.report(strategy, language)
    except Exception:  # a web process that cannot warm still serves
        log.warning("the web process's warm-up failed; it serves without it", exc_info=True)
    seconds = time.monotonic() - start
    log.info("web process warmed in %.2f s", seconds)
    return seconds
