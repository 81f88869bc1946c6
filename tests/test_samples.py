"""The example and the template that ship with udkast are valid strategies."""

from __future__ import annotations

from core.samples import example_data, example_text, skeleton_data, skeleton_text
from tests.conftest import example_path


def test_the_shipped_example_is_the_reference_first_draft() -> None:
    from core.content import load

    reference = load(example_path("udkast-1").read_bytes(), "application/yaml").to_data()

    assert example_data() == reference
    assert example_text().startswith("# Eksempel")


def test_the_template_is_valid_and_fills_every_part_of_the_format() -> None:
    data = skeleton_data()

    parts = ("foreword", "visions", "signs_of_success", "sections", "timeline", "consultation")
    assert all(data.get(part) for part in parts)
    assert "# " in skeleton_text()  # it explains itself to whoever opens it


def test_each_call_gives_a_fresh_copy() -> None:
    first = example_data()
    first["visions"].clear()

    assert example_data()["visions"]
