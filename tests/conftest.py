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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long modules first; leave generated-example and cost tests out of coverage."""
    for item in items:
        generated = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if generated or item.path.name in _UNMEASURED_MODULES:
            item.add_marker(pytest.mark.no_cover)
    # `make test` hands whole modules to its two processes (--dist loadfile: a module's
    # services start once, in one process), in this order: the longest first, so that no
    # long module is left to run alone at the end while the other process idles.
    items.sort(key=_weight)


# The modules that take longest (minutes of services, kills and waits), longest first, as
# `pytest --durations` measured them; a hint for the order only, never for what runs.
_LONGEST_FIRST = (
    "test_worker_loss.py",
    "test_recovery_e2e.py",
    "test_lanes.py",
    "test_service_e2e.py",
    "test_faults_redis.py",
    "test_submit_cli.py",
    "test_stored_diff_e2e.py",
    "test_faults_disk.py",
    "test_browser.py",
    "test_browser_editor.py",
    "test_redline_properties.py",
    "test_redline.py",
)


def _weight(item: pytest.Item) -> tuple[int, int]:
    name = item.path.name
    rank = _LONGEST_FIRST.index(name) if name in _LONGEST_FIRST else len(_LONGEST_FIRST)
    if item.get_closest_marker("e2e") is not None:
        return rank, 0
    return rank, 1 if item.get_closest_marker("slow") is not None else 2
