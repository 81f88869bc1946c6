"""A web process loads what its first post would before it serves (service.warm)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from service.warm import warm
from tests.app_fixtures import example_yaml, make_test_app


def test_a_warm_web_process_takes_a_draft_as_before(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    made = make_test_app(tmp_path)

    with caplog.at_level(logging.INFO, logger="service.warm"):
        warm(made.app)
    response = made.post_yaml(example_yaml(slug="varm"))

    assert [r.getMessage().split(" in ")[0] for r in caplog.records] == ["web process warmed"]
    assert response.status_code == 202
    assert response.get_json()["plain_language"]


def test_the_warm_up_opens_no_connection_to_a_broker_that_is_down(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Nothing listens on port 9 (discard): a connection attempt would fail and be logged.
    made = make_test_app(tmp_path, REDIS_URL="redis://127.0.0.1:9/0")

    with caplog.at_level(logging.INFO):
        warm(made.app)

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
