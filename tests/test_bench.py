"""`make bench` keeps working: its diff part runs end to end on a small generated pair."""

from __future__ import annotations

import pytest

from bench import diff_bench


@pytest.mark.slow
def test_the_diff_benchmark_runs_compare_page_and_redline(capsys: pytest.CaptureFixture[str]):
    diff_bench.main(["S"])

    printed = capsys.readouterr().out
    assert "S:" in printed and "compare" in printed
    assert "diff page (HTML)" in printed  # the page answered 200 to a signed-in browser
    assert "redline DOCX" in printed
