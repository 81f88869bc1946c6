"""The name of the task that computes and stores a comparison, known to web and worker.

The web service sends it by name when a diff it was asked for is not stored yet and too
large to compute inside the request; the worker registers it (worker.tasks). It belongs
beside RENDER_TASK in core.broker, and moves there when that file is next edited.
"""

from __future__ import annotations

COMPARE_TASK = "udkast.store_comparison"
