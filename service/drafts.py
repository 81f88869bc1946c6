"""Posting a draft: store it as its strategy's next version and queue its build.

The API, the upload form and the editor all post through here, so a draft is stored and
queued the same way whichever way it came in.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import content
from service.runtime import runtime, session
from store import Actor, SubmitResult, submit_draft


@dataclass(frozen=True)
class Posted:
    """What posting did: what the store did, and whether the build reached the broker."""

    result: SubmitResult
    # False when nothing new needed queueing, or the broker could not be reached (the
    # workers' recovery step then sends the build's outputs once it is back).
    queued: bool


def post_draft(
    strategy: content.Strategy,
    theme: str,
    outputs: tuple[str, ...] | None,
    *,
    posted_by: Actor | None,
    base_version: int | None = None,
    source: bytes | None = None,
) -> Posted:
    """Store a validated strategy as a draft and queue its build if it is a new one."""
    result = submit_draft(
        session(),
        strategy,
        theme,
        outputs,
        posted_by=posted_by,
        base_version=base_version,
        source=source,
    )
    # Committed before publishing: a broker outage loses nothing (see BuildQueue.enqueue).
    queued = runtime().queue.enqueue_submitted(result) if result.new_build else False
    return Posted(result, queued)
