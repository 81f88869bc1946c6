"""Shared fixtures: the reference examples from ../shared, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.content import Strategy, load

# Registered here, before any test module imports it, so pytest can rewrite its asserts.
pytest_plugins = ["tests.store_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "examples" / "socialstrategi"


def example_path(name: str) -> Path:
    """Return the path of a shared example such as "udkast-1"."""
    return EXAMPLES / f"{name}.yaml"


def load_example(name: str) -> Strategy:
    """Load and validate a shared example."""
    path = example_path(name)
    return load(path.read_bytes(), filename=path.name)


@pytest.fixture(scope="session")
def udkast1() -> Strategy:
    return load_example("udkast-1")


@pytest.fixture(scope="session")
def udkast2() -> Strategy:
    return load_example("udkast-2")


# Modules whose tests run our diff under a line tracer of their own (sys.settrace), or run
# the same code thousands of times: coverage's tracer would multiply their time (Python
# 3.11 has no cheap tracing) and teach nothing the rest of the suite does not.
_UNMEASURED_MODULES = {"test_diff_cost.py"}


# The files that take longest (each runs in one xdist process, `--dist loadfile`), handed
# out first: started last, in name order, each left one process running minutes after the
# others ended (2026-12-01: test_worker_loss 205 s of make test's 643; test_recovery_e2e
# 146 s and test_faults_redis 91 s of make test-robust's 234).
_LONGEST_FIRST = ("test_worker_loss.py", "test_recovery_e2e.py", "test_faults_redis.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Hand out the longest files first; leave generated-example and cost tests unmeasured."""
    rank = {name: place for place, name in enumerate(_LONGEST_FIRST)}
    # A stable sort: every other file, and the tests within each file, keep their order.
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
    # Coverage (pytest-cov's no_cover) is left out for generated examples and cost tests.
    for item in items:
        generated = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if generated or item.path.name in _UNMEASURED_MODULES:
            item.add_marker(pytest.mark.no_cover)
