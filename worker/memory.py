"""The memory one render may use: a cap set in every worker child before it takes a task.

Celery's `worker_max_memory_per_child` only recycles a child between tasks, so a render
that keeps growing would take the machine's memory first (8 vision bodies of 12,500 list
items took a child to 2.5 GB). Validation now bounds what a document may hold; this cap
is the second line: past it an allocation fails, the render raises MemoryError and its
output is marked failed with a reason, while the worker and the other builds go on.
"""

from __future__ import annotations

import resource

MIB = 1024 * 1024


def cap_memory(limit_mib: int) -> None:
    """Limit this process's heap and private memory (RLIMIT_DATA) to `limit_mib` MiB."""
    # RLIMIT_DATA counts the heap and private anonymous mappings, where Python, Pango and
    # cairo allocate; measured here it follows the resident size of a render closely (an
    # L document: 190 MB of both), unlike RLIMIT_AS, which also counts mapped libraries.
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = limit_mib * MIB
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def memory_cap_mib() -> int | None:
    """Return this process's memory cap in MiB, or None when it has none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    return None if soft == resource.RLIM_INFINITY else soft // MIB
