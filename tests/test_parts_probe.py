"""The part-rendering probe (bench/parts_probe.py) cuts a document where its parts begin."""

from __future__ import annotations

import lxml.html

from bench.generate import generate
from bench.parts_probe import split, two_process_makespan
from core.content import validate
from core.view import document_view
from worker.render.html import build_html
from worker.render.theme import load_theme


def test_each_part_is_a_whole_document_with_the_theme_stylesheet():
    strategy = validate(generate("S", seed=3))
    view = document_view(strategy)

    parts = split(build_html(strategy, load_theme("default")))

    cards = len(strategy.visions)
    chapters = [p.heading.anchor for p in view.parts if p.kind != "visions"]
    assert parts[0].name == "cover+contents"
    assert [p.name for p in parts if p.name.startswith("vision ")] == [
        f"vision {n}" for n in range(1, cards + 1)
    ]
    assert [p.name for p in parts[1:] if not p.name.startswith("vision ")] == chapters
    for part in parts:
        root = lxml.html.document_fromstring(part.html)
        assert root.head.find("link").get("href") == "print.css"
        assert root.body.find("main") is not None


def test_two_processes_take_the_longest_parts_first():
    assert two_process_makespan([5.0, 1.0, 1.0, 1.0, 1.0, 1.0]) == 5.0
    assert two_process_makespan([3.0, 3.0, 2.0, 2.0, 2.0]) == 7.0
