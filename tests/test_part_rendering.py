"""A document printed in pieces and assembled reads as the single pass does (issue 14).

The pieces (worker/render/parts) are compared with the single-pass print of the same
document view (`print_view`, the reference): the same pages with the same text, the
running footer "Side X af Y" and the contents' page numbers among it; the same outline;
every internal link resolving to the same named target; a structure tree that reaches
the tagged content of every page; PDF/UA-1 (and PDF/A-2a for the archival PDF) passing
page-validation.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import page
import pikepdf
import pytest

from bench.generate import generate
from bench.parts_probe import tagged_pages
from core.content import Strategy, validate
from core.view import DocumentView, document_view
from tests.conftest import example_path, load_example
from tests.pdf_fonts import reached_descriptors
from tests.test_cli import run
from worker.render.parts.document import planned_pieces, print_in_pieces
from worker.render.pdf import print_view
from worker.render.theme import load_theme


def chapters_on_new_pages(view: DocumentView) -> DocumentView:
    """Return the view with every part starting a page, so a short draft has many pieces."""
    parts = tuple(
        dataclasses.replace(p, heading=dataclasses.replace(p.heading, new_page=True))
        for p in view.parts
    )
    return dataclasses.replace(view, parts=parts)


def page_texts(pdf: bytes) -> list[str]:
    """Return each page's text as pdftotext reads it, whitespace made single spaces."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(
            ["pdftotext", file.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    return [re.sub(r"\s+", " ", page_text).strip() for page_text in text.split("\f")[:-1]]


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """Return the outline as (depth, title, page number) in reading order."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        pages = {p.objgen: n for n, p in enumerate(opened.pages, start=1)}
        entries: list[tuple[int, str, int]] = []

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                target = item.destination
                if isinstance(target, (str, pikepdf.String)):
                    target = _named(opened, str(target))
                entries.append((depth, item.title, pages[target[0].objgen]))
                walk(list(item.children), depth + 1)

        with opened.open_outline() as tree:
            walk(list(tree.root), 0)
        return entries


def _named(opened: pikepdf.Pdf, name: str) -> pikepdf.Array:
    return pikepdf.NameTree(opened.Root.Names.Dests)[name]


def links(pdf: bytes) -> list[tuple[int, str, int | None]]:
    """Return every internal link as (its page, target name, the target's page or None)."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        pages = {p.objgen: n for n, p in enumerate(opened.pages, start=1)}
        names = opened.Root.get("/Names")
        tree = pikepdf.NameTree(names.Dests) if names is not None and "/Dests" in names else {}
        found = []
        for number, each in enumerate(opened.pages, start=1):
            for annot in each.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link" or "/Dest" not in annot:
                    continue
                name = str(annot.Dest)
                target = tree.get(name)
                found.append((number, name, pages.get(target[0].objgen) if target else None))
        return found


def pdf_ua_failures(pdf: bytes, profile: page.ValidationProfile) -> list[str]:
    """Return the rules page-validation finds broken."""
    report = page.validate_pdf_bytes(pdf, profile=profile)
    return sorted({failure.rule_id for failure in report.failures})


def assert_same_document(pieces: bytes, single: bytes) -> None:
    """Assert what a reader would notice is the same in both prints."""
    texts, expected = page_texts(pieces), page_texts(single)
    assert len(texts) == len(expected)
    for number, (got, want) in enumerate(zip(texts, expected, strict=True), start=1):
        assert got == want, f"page {number} differs"
    assert outline(pieces) == outline(single)
    assert links(pieces) == links(single)
    assert all(target is not None for _, _, target in links(pieces))
    pages, reached, keys = tagged_pages(pieces)
    assert reached == pages == keys  # the tree reaches every page, each its own key
    # One subset of each face for the whole file, as the single pass embeds: every piece's
    # own subsets would make it 1.4 times as large (fonts.share_fonts).
    faces = embedded_faces(pieces)
    assert set(faces) >= set(embedded_faces(single)) and set(faces.values()) == {1}
    assert len(pieces) <= 1.2 * len(single)


def embedded_faces(pdf: bytes) -> Counter[str]:
    """Return how many font programs the text embeds of each face (by name, no subset tag).

    The text's fonts are WeasyPrint's Type0 fonts; the footer's own is not counted.
    """
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return Counter(
            str(descriptor.FontName).split("+")[-1]
            for _, descriptor in reached_descriptors(opened)
            if "/FontFile2" in descriptor or "/FontFile3" in descriptor
        )


@pytest.fixture(scope="module")
def udkast2() -> Strategy:
    return load_example("udkast-2")


@pytest.mark.parametrize("theme", ["default", "kommune"])
def test_a_draft_printed_in_pieces_is_the_single_pass(udkast2: Strategy, theme: str) -> None:
    view = chapters_on_new_pages(document_view(udkast2))
    chosen = load_theme(theme)
    assert len(planned_pieces(view, chosen)) == len(view.parts) + 1  # many cuts to join

    pieces, single = print_in_pieces(view, chosen), print_view(view, chosen)

    assert_same_document(pieces, single)
    assert pdf_ua_failures(pieces, page.ValidationProfile.PDF_UA_1) == []
    texts = page_texts(pieces)
    assert texts[1].endswith(f"Side 2 af {len(texts)}")  # the footer, written at assembly
    assert "Side" not in texts[0]  # not on the cover


def test_an_english_draft_in_pieces_has_english_page_numbers() -> None:
    strategy = load_example("udkast-1")
    english = strategy.model_copy(
        update={"document": strategy.document.model_copy(update={"language": "en"})}
    )
    view = chapters_on_new_pages(document_view(english))
    theme = load_theme("default")

    pieces = print_in_pieces(view, theme)

    assert_same_document(pieces, print_view(view, theme))
    assert page_texts(pieces)[-1].endswith(
        f"Page {len(page_texts(pieces))} of {len(page_texts(pieces))}"
    )


def test_the_archival_pdf_in_pieces_is_pdf_a_2a_and_pdf_ua_1(udkast2: Strategy) -> None:
    view = chapters_on_new_pages(document_view(udkast2))
    theme = load_theme("default")

    pieces = print_in_pieces(view, theme, archival=True)

    assert_same_document(pieces, print_view(view, theme, archival=True))
    for profile in (page.ValidationProfile.PDF_A_2A, page.ValidationProfile.PDF_UA_1):
        assert pdf_ua_failures(pieces, profile) == []


def test_the_same_pieces_give_the_same_bytes(udkast2: Strategy) -> None:
    view = chapters_on_new_pages(document_view(udkast2))
    theme = load_theme("default")

    assert print_in_pieces(view, theme) == print_in_pieces(view, theme)


def test_a_long_generated_document_is_cut_where_its_chapters_start() -> None:
    view = document_view(validate(generate("M", seed=5)))
    theme = load_theme("default")
    planned = planned_pieces(view, theme)
    assert len(planned) > 5  # a long document's chapters start pages: cuts fall there

    pieces = print_in_pieces(view, theme)

    assert_same_document(pieces, print_view(view, theme))
    assert pdf_ua_failures(pieces, page.ValidationProfile.PDF_UA_1) == []


def test_a_short_generated_document_keeps_its_parts_flowing() -> None:
    view = document_view(validate(generate("S", seed=5)))
    # An ordinary document is not cut between its parts: the cover and one run.
    assert len(planned_pieces(view, load_theme("default"))) == 2
    assert [p.heading.new_page for p in view.parts] == [True] + [False] * (len(view.parts) - 1)


def test_udkast_render_in_pieces_prints_what_the_single_pass_prints(tmp_path: Path) -> None:
    for flags, folder in (((), "single"), (("--in-pieces",), "pieces")):
        done = run(
            "render",
            str(example_path("udkast-2")),
            "-o",
            str(tmp_path / folder),
            "--outputs",
            "pdf",
            *flags,
        )
        assert done.returncode == 0, done.stderr

    pieces, single = ((tmp_path / f / "socialstrategi-udkast-2.pdf") for f in ("pieces", "single"))
    assert_same_document(pieces.read_bytes(), single.read_bytes())
