"""Warm a worker process's renderers when it starts, so its first build is as fast as the next.

A fresh process pays once for its imports (WeasyPrint, python-docx, about 1.1 s), the
theme's fonts and CSS and python-docx's template: the first M build of a new worker took
1.3 times the second (issue 14). Each process renders the reference example to PDF and
DOCX in the default theme and the server's theme when it starts, before it takes a
task, and throws the bytes away; it measures the page footer a PDF assembled from pieces
gets, subsets its font (worker/render/parts/footer.py) and prints one piece, whose
stylesheets the process then keeps (worker.render.stylesheets: per thread). Prefork
children warm on `worker_process_init` (also the children that replace recycled ones), and so does a
solo pool's one process; a threads pool warms its process when the worker is ready.
What the process then holds is frozen out of the garbage collector's way (`settle`). A
warm-up never stops a worker: a failure is logged, and the whole warm-up is cut off
after WARM_UP_SECONDS.
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_ready

from core.samples import example_strategy
from core.view import document_view
from settings import Settings
from worker.render import renderer
from worker.render.parts.footer import prepare as prepare_footer
from worker.render.parts.plan import Piece, piece_html
from worker.render.parts.printing import print_piece
from worker.render.theme import load_theme

log = logging.getLogger(__name__)

WARM_UP_SECONDS = 30.0  # a warm-up takes 2-4 s on a busy 2-core machine
# Celery kills a pool child that has not reported up within its `worker_proc_alive_timeout`
# (4 s by default), which a warm-up on a busy machine can pass: the worker app waits for
# the warm-up's bound plus this margin instead.
PROC_ALIVE_MARGIN = 10.0
DEFAULT_THEME = "default"
OUTPUTS = ("pdf", "docx")
# The pools that run tasks in the worker's own process without sending
# `worker_process_init` there (the solo pool sends it, as prefork children do).
IN_PLACE_POOLS = ("celery.concurrency.thread",)


class OutOfTime(BaseException):
    """The warm-up ran past its bound (not an Exception, so no renderer's handler keeps it)."""


@dataclass(frozen=True)
class WarmUp:
    """What one warm-up did: renders finished, renders failed (with why), seconds taken."""

    done: tuple[str, ...]
    failed: tuple[str, ...]
    seconds: float
    timed_out: bool


def themes_to_warm(settings: Settings) -> tuple[str, ...]:
    """Return the themes a worker warms: the default theme and the server's, once each."""
    return tuple(dict.fromkeys((DEFAULT_THEME, settings.theme)))


def warm_up(themes: tuple[str, ...], budget: float = WARM_UP_SECONDS) -> WarmUp:
    """Render the reference example in every output and theme, within `budget` seconds."""
    start = time.monotonic()
    done: list[str] = []
    failed: list[str] = []
    timed_out = False
    try:
        with time_limit(budget):
            strategy = example_strategy()
            for theme in themes:
                for output in OUTPUTS:
                    name = f"{output} in theme {theme!r}"
                    try:
                        renderer(output)(strategy, theme)
                    except Exception as exc:  # a broken theme must not stop the worker
                        failed.append(f"{name}: {type(exc).__name__}: {exc}")
                    else:
                        done.append(name)
                try:  # what a long document's PDF in pieces adds: the footer's look and
                    # font, and a piece's stylesheets (no page numbers: their own set)
                    view, chosen = document_view(strategy), load_theme(theme)
                    prepare_footer(view, chosen)
                    print_piece(piece_html(view, chosen, Piece(False, view.parts[:1])), chosen)
                except Exception as exc:
                    failed.append(f"pieces in theme {theme!r}: {type(exc).__name__}: {exc}")
                else:
                    done.append(f"pieces in theme {theme!r}")
    except OutOfTime:
        timed_out = True
    return WarmUp(tuple(done), tuple(failed), time.monotonic() - start, timed_out)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in the block once `seconds` have passed (main thread; else unbounded)."""
    if threading.current_thread() is not threading.main_thread():
        # Signals reach the main thread only; both places that warm run there.
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def warm_process(settings: Settings) -> WarmUp | None:
    """Warm this process as the settings say, log what happened; never raise."""
    if not settings.warm_up:
        return None
    try:
        result = warm_up(themes_to_warm(settings))
    except BaseException:  # whatever went wrong, the worker must start
        log.exception("renderer warm-up failed; the worker goes on without it")
        return None
    for failure in result.failed:
        log.warning(
            "renderer warm-up failed for %s; the worker goes on, but builds there may fail",
            failure,
        )
    if result.timed_out:
        log.warning(
            "renderer warm-up stopped after %.0f s (UDKAST_WARM_UP); the worker goes on",
            result.seconds,
        )
    if result.done:
        log.info("renderer warmed in %.1f s: %s", result.seconds, ", ".join(result.done))
    return result


def settle() -> None:
    """Keep what this process holds now out of the garbage collector's full collections.

    The imports and the warm-up's caches (WeasyPrint, fontTools, python-docx, the
    themes) live as long as a worker process; a render makes millions of objects, and
    every full collection walked those too. Frozen, an L document's PDF took 0.92× the
    time, and a new process's first M build no longer took longer than its next (issue
    14: the first was 1.1× with a warm-up alone).
    """
    gc.collect()
    gc.freeze()
    log.info("%d objects of the start kept out of the garbage collector", gc.get_freeze_count())


def connect(app: Celery) -> None:
    """Warm each worker process of `app` when it starts, before it takes a task."""

    def warm_child(**_: Any) -> None:
        warm_process(app.conf.udkast_settings)
        settle()

    def warm_in_place(sender: Any = None, **_: Any) -> None:
        if type(getattr(sender, "pool", None)).__module__ in IN_PLACE_POOLS:
            warm_process(app.conf.udkast_settings)
            settle()

    # dispatch_uid: connected once however often the module is imported.
    worker_process_init.connect(warm_child, weak=False, dispatch_uid="udkast-warm-child")
    worker_ready.connect(warm_in_place, weak=False, dispatch_uid="udkast-warm-in-place")


def proc_alive_timeout(settings: Settings) -> float:
    """Return how long Celery waits for a new pool child to report up (warm-up included)."""
    return WARM_UP_SECONDS + PROC_ALIVE_MARGIN if settings.warm_up else 4.0
