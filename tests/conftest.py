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
    """Leave generated-example tests and the cost tests out of coverage (pytest-cov's no_cover)."""
    for item in items:
        generated = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if generated or item.path.name in _UNMEASURED_MODULES:
            item.add_marker(pytest.mark.no_cover)
