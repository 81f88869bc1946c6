"""The PDF renderer, checked on real PDFs read back with pypdf, pikepdf and `page`.

Each document is rendered once per module (a render takes about a second).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import page
import pikepdf
import pytest
from pypdf import PdfReader
from weasyprint import HTML

from core.content import Strategy, validate
from core.labels import labels
from core.richtext import MAX_FORMAT_CHANGES, MAX_FORMATTED_RUNS
from tests.loopback import Listener
from worker.render.fetcher import RefusedURL, ThemeFetcher
from worker.render.pdf import render_pdf
from worker.render.theme import load_theme

THEME = load_theme("default")


@dataclass
class Rendered:
    """A rendered PDF with its per-page text."""

    path: Path
    pages: list[str]

    @property
    def text(self) -> str:
        return normalise("\n".join(self.pages))


def normalise(text: str) -> str:
    """Undo line breaks and the hyphens WeasyPrint adds (U+2010) so phrases can be found."""
    text = text.replace("\u2010\n", "").replace("-\n", "-")
    return re.sub(r"\s+", " ", text).strip()


def render_to(strategy: Strategy, path: Path) -> Rendered:
    path.write_bytes(render_pdf(strategy))
    reader = PdfReader(path)
    return Rendered(path, [p.extract_text() for p in reader.pages])


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    # The hostile-strings test checks that `{{ 7*7 }}` never becomes "49"; a port
    # with "49" in it, wrapped across lines in the PDF, would look like one.
    server = Listener(avoid="49")
    yield server
    server.close()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="module")
def pdf1(udkast1: Strategy, out: Path) -> Rendered:
    return render_to(udkast1, out / "udkast-1.pdf")


@pytest.fixture(scope="module")
def pdf2(udkast2: Strategy, out: Path) -> Rendered:
    return render_to(udkast2, out / "udkast-2.pdf")


@pytest.fixture(scope="module")
def pdf_final(udkast2: Strategy, out: Path) -> Rendered:
    final = udkast2.model_copy(
        update={"document": udkast2.document.model_copy(update={"status": "final"})}
    )
    return render_to(final, out / "final.pdf")


@pytest.fixture(scope="module")
def pdf_en(udkast2: Strategy, out: Path) -> Rendered:
    data = udkast2.to_data()
    data["document"].update(language="en", status="consultation")
    data["timeline"][2]["state"] = "cancelled"
    return render_to(validate(data), out / "en.pdf")


@pytest.fixture(params=["udkast-1", "udkast-2"])
def case(request: pytest.FixtureRequest) -> tuple[Strategy, Rendered]:
    """Each reference example with its PDF."""
    key = request.param.replace("-", "")
    strategy: Strategy = request.getfixturevalue(key)
    rendered: Rendered = request.getfixturevalue("pdf1" if key == "udkast1" else "pdf2")
    return strategy, rendered


@pytest.fixture
def rendered(case: tuple[Strategy, Rendered]) -> Rendered:
    return case[1]


# ---------- the reference examples ----------


def test_every_headline_and_indicator_is_in_the_text(case: tuple[Strategy, Rendered]) -> None:
    strategy, rendered = case
    text = rendered.text
    for vision in strategy.visions:
        assert normalise(vision.headline) in text
        for commitment in vision.commitments:
            assert normalise(commitment) in text
    for indicator in strategy.signs_of_success:
        assert normalise(indicator.indicator) in text
    for item in strategy.consultation:
        assert normalise(item.input) in text


def test_page_count_is_plausible(pdf1: Rendered, pdf2: Rendered) -> None:
    assert 6 <= len(pdf1.pages) <= 14
    assert 6 <= len(pdf2.pages) <= 14


def test_every_page_after_the_cover_has_the_page_footer(rendered: Rendered) -> None:
    total = len(rendered.pages)
    assert "Side 1 af" not in rendered.pages[0]
    for number, text in enumerate(rendered.pages[1:], start=2):
        assert f"Side {number} af {total}" in text, f"page {number}"


def toc_entries(rendered: Rendered, heading: str) -> tuple[int, list[tuple[str, int]]]:
    """Return the TOC's page index and its (text, page number) lines."""
    toc_index = next(i for i, text in enumerate(rendered.pages) if heading in text.splitlines())
    entries = []
    for line in rendered.pages[toc_index].splitlines():
        # The dots are drawn, not text: a line reads "Forord 3" (and the footer "Side 2 af 7").
        match = re.fullmatch(r"(.+?)[\s.]*\s(\d+)", line.strip())
        if match and not re.fullmatch(r"Side \d+ af", match[1]):
            entries.append((match[1].rstrip(" ."), int(match[2])))
    return toc_index, entries


def heading_page(rendered: Rendered, text: str, after: int, ending: bool = False) -> int:
    """Return the 1-based number of the first page after `after` with `text` as a whole line.

    With `ending`, a line that ends with `text` will do.
    """
    for index in range(after + 1, len(rendered.pages)):
        lines = [line.strip() for line in rendered.pages[index].splitlines()]
        if any(line == text or (ending and line.endswith(text)) for line in lines):
            return index + 1
    raise AssertionError(f"heading {text!r} not found")


def test_toc_page_numbers_match_the_headings(case: tuple[Strategy, Rendered]) -> None:
    strategy, rendered = case
    toc_index, entries = toc_entries(rendered, "Indhold")
    # A vision is listed by its title, as in the DOCX (core/view.py says why).
    titles = [v.title for v in strategy.visions]
    assert [t for t, _ in entries if t in titles] == titles
    assert {"Forord", "Visioner", "Tegn på succes", "Tidsplan"} <= {t for t, _ in entries}
    for text, number in entries:
        if text in titles:  # the card's kicker: "VISION 1 · TITLE", in capitals
            assert heading_page(rendered, f"· {text.upper()}", toc_index, ending=True) == number
        else:
            assert heading_page(rendered, text, toc_index) == number, text


def test_toc_matches_the_pdf_bookmarks(pdf2: Rendered) -> None:
    reader = PdfReader(pdf2.path)
    marks: dict[str, int | None] = {}

    def walk(items: Sequence[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                marks[str(item.title)] = reader.get_destination_page_number(item)

    walk(reader.outline)
    _, entries = toc_entries(pdf2, "Indhold")
    assert len(entries) >= 5  # the loop below checks something
    for text, number in entries:
        assert marks[text] == number - 1


def test_draft_mark_on_every_page_of_a_draft(pdf2: Rendered) -> None:
    mark = labels("da")["draft_mark"]
    assert all(mark in text for text in pdf2.pages)


def test_no_draft_mark_when_final(pdf_final: Rendered) -> None:
    assert labels("da")["draft_mark"] not in pdf_final.text
    assert labels("da")["consultation_mark"] not in pdf_final.text
    # Still the same document otherwise.
    assert "Alle skal have en ven" in pdf_final.text


def test_english_labels_and_dates(pdf_en: Rendered) -> None:
    text = pdf_en.text
    for word in ("Contents", "Signs of success", "Timeline", "2 March 2018", "WHAT WE WILL DO"):
        assert word in text
    # Milestone states are told apart by a symbol and a word, not by colour alone.
    assert "● Done" in text
    assert "○ Planned" in text
    assert "× Cancelled" in text
    assert "Indhold" not in text
    assert "marts" not in text
    total = len(pdf_en.pages)
    assert all(f"Page {n} of {total}" in t for n, t in enumerate(pdf_en.pages[1:], start=2))
    assert all("CONSULTATION DRAFT" in t for t in pdf_en.pages)
    with pikepdf.open(pdf_en.path) as pdf:
        assert str(pdf.Root.Lang) == "en"


def test_a_card_over_half_a_page_breaks_so_its_chapter_heading_is_never_alone(
    udkast2: Strategy, tmp_path: Path
) -> None:
    data = udkast2.to_data()
    words = ["borgerne", "møder", "en", "sammenhængende", "indsats", "tæt", "på", "hverdagen"]
    paragraph = " ".join(words[n % len(words)] for n in range(110)).capitalize() + "."
    for vision in data["visions"]:
        vision["body"] = "\n\n".join([paragraph] * 4)  # about 450 words: most of a page
    long_cards = render_to(validate(data), tmp_path / "lange-kort.pdf")

    chapter = heading_page(long_cards, "Visioner", after=1)
    first = normalise(long_cards.pages[chapter - 1])
    assert data["visions"][0]["headline"] in first
    assert paragraph[:40] in first  # the card starts under its heading, on the same page


def test_a_short_card_is_kept_whole_on_one_page(pdf2: Rendered, udkast2: Strategy) -> None:
    for vision in udkast2.visions:
        pages = [normalise(page) for page in pdf2.pages]
        headline = next(n for n, page in enumerate(pages) if vision.headline in page)
        assert vision.commitments[-1] in pages[headline], vision.id


def test_indicators_are_grouped_by_vision(pdf2: Rendered, udkast2: Strategy) -> None:
    page_text = next(t for t in pdf2.pages if "Udgangspunkt" in t)
    lines = [line.strip() for line in page_text.splitlines()]
    for vision in udkast2.visions:
        assert vision.title in lines


def test_fonts_are_embedded_lato_subsets(rendered: Rendered) -> None:
    names = []
    with pikepdf.open(rendered.path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                names.append(str(obj.FontName))
                assert any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert names
    assert all(re.fullmatch(r"/[A-Z]{6}\+Lato(-[\w-]+)?", n) for n in names), names


def test_pdf_ua_1_compliant(rendered: Rendered) -> None:
    report = page.validate_pdf(str(rendered.path))
    assert report.is_compliant, [f.rule_id for f in report.failures]


def test_document_language_and_metadata(pdf2: Rendered, udkast2: Strategy) -> None:
    with pikepdf.open(pdf2.path) as pdf:
        assert str(pdf.Root.Lang) == "da"
        assert bool(pdf.Root.MarkInfo.Marked)
        info = pdf.docinfo
        assert str(info.Title) == udkast2.document.title
        assert "Kontor for Organisation" in str(info.Author)


# ---------- densely formatted text ----------


def test_text_at_both_formatting_caps_renders_completely(udkast2: Strategy, out: Path) -> None:
    # The caps in core.richtext exist because WeasyPrint's time grows with formatted runs
    # (and with their square inside one word). Text one past a cap is refused by validation
    # (tests/test_richtext.py); text at both caps must render, every word of it. How long
    # it may take is the worker's time limit, not an assert here.
    word = "".join("*a*" if n % 2 == 0 else "b" for n in range(MAX_FORMAT_CHANGES + 1))
    words = MAX_FORMATTED_RUNS // (MAX_FORMAT_CHANGES // 2 + 1)
    data = udkast2.to_data()
    data["visions"][0]["body"] = " ".join([word] * words)
    rendered = render_to(validate(data), out / "dense.pdf")
    plain = word.replace("*", "")
    assert rendered.text.count(plain) == words


# ---------- hostile input ----------


def hostile_strings(port: int) -> list[str]:
    return [
        "{{ 7*7 }}",
        "{% include '/etc/passwd' %}",
        "<script>alert(1)</script>",
        f'<img src="http://127.0.0.1:{port}/x.png">',
        f"![x](http://127.0.0.1:{port}/y.png)",
        "file:///etc/passwd",
        f"url(http://127.0.0.1:{port}/z)",
    ]


def hostile_document(port: int) -> Strategy:
    bad = hostile_strings(port)
    rich = "\n\n".join(bad)
    return validate(
        {
            "format": "strategy/v1",
            "document": {
                "slug": "hostile",
                "title": bad[0],
                "subtitle": bad[2],
                "organisation": bad[3],
                "draft_label": bad[1],
                "date": "2020-01-02",
                "authors": [{"name": bad[6], "role": bad[5]}],
            },
            "foreword": rich
            + f"\n\n[link](file:///etc/passwd) and [web](http://127.0.0.1:{port}/l)",
            "visions": [
                {
                    "id": "v1",
                    "title": bad[6],
                    "headline": bad[0],
                    "body": rich,
                    "commitments": bad,
                }
            ],
            "signs_of_success": [
                {"id": f"i{n}", "indicator": s, "baseline": s, "data_source": s}
                for n, s in enumerate(bad)
            ],
            "sections": [{"id": "s1", "title": bad[2], "body": rich}],
            "timeline": [{"date": "2020-01-03", "event": s} for s in bad],
            "consultation": [
                {"id": "c1", "from": bad[3], "input": bad[4], "response": bad[1]},
            ],
        }
    )


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Hostile:
    """The hostile document's PDF, the warnings logged and the connections made meanwhile."""

    rendered: Rendered
    records: list[logging.LogRecord]
    connections: list[tuple[str, int]]


@pytest.fixture(scope="module")
def hostile(listener: Listener, out: Path) -> Hostile:
    handler = Records()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("worker.render.fetcher")]
    listener.settle()  # connections before this render are not its own
    for logger in loggers:
        logger.addHandler(handler)
    try:
        rendered = render_to(hostile_document(listener.port), out / "hostile.pdf")
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    return Hostile(rendered, handler.records, listener.settle())


def test_hostile_strings_appear_literally(hostile: Hostile, listener: Listener) -> None:
    text = hostile.rendered.text
    for literal in hostile_strings(listener.port):
        assert normalise(literal) in text, literal
    # 7*7 must never be evaluated; the listener's port may itself contain "49".
    assert "49" not in text.replace(str(listener.port), "")
    assert "root:x:" not in text


def test_hostile_document_fetches_nothing(hostile: Hostile) -> None:
    # What the fetcher would refuse is proved in tests/test_render_no_fetch.py; here:
    # the document made no connection, and not even an attempt: the fetcher refused
    # nothing and WeasyPrint warned about nothing.
    assert hostile.connections == []
    assert [r.getMessage() for r in hostile.records] == []


def test_hostile_document_is_still_pdf_ua(hostile: Hostile) -> None:
    report = page.validate_pdf(str(hostile.rendered.path))
    assert report.is_compliant, [f.rule_id for f in report.failures]


# ---------- the fetcher ----------


@pytest.fixture
def fetcher() -> ThemeFetcher:
    return ThemeFetcher(THEME.path)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/x.png",
        "https://127.0.0.1:{port}/x.png",
        "HTTP://127.0.0.1:{port}/x.png",
        "ftp://127.0.0.1:{port}/x",
        "file:///etc/passwd",
        "file://127.0.0.1/etc/passwd",
        "{theme}/../../worker/render/theme.py",
        "{theme}/%2e%2e/%2e%2e/pyproject.toml",
        "{theme}/theme.toml",
        "FILE://{theme_path}/fonts/Lato-Regular.ttf",
        "data:text/html,<script>alert(1)</script>",
        "gopher://127.0.0.1:{port}/",
    ],
)
def test_fetcher_refuses(url: str, fetcher: ThemeFetcher, listener: Listener) -> None:
    url = url.format(port=listener.port, theme=THEME.path.as_uri(), theme_path=THEME.path)
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert listener.settle() == []


def test_fetcher_serves_a_theme_font(fetcher: ThemeFetcher) -> None:
    response = fetcher.fetch(f"{THEME.path.as_uri()}/fonts/Lato-Regular.ttf")
    try:
        assert response.read(4) == b"\x00\x01\x00\x00"
    finally:
        response.close()


def test_fetcher_serves_a_small_data_image(fetcher: ThemeFetcher) -> None:
    response = fetcher.fetch("data:image/svg+xml,%3Csvg%20xmlns%3D%22x%22%2F%3E")
    assert response.read() == b'<svg xmlns="x"/>'


def test_weasyprint_loads_nothing_through_the_fetcher(listener: Listener) -> None:
    """Markup that would load resources, rendered directly: the fetcher refuses each one.

    This hands WeasyPrint the fetcher itself; that `render_pdf` and the comparison PDF
    use it is proved in tests/test_render_no_fetch.py.
    """
    base = f"http://127.0.0.1:{listener.port}"
    source = f"""<html lang="da"><head><title>t</title>
        <link rel="stylesheet" href="{base}/a.css">
        <style>@import url({base}/b.css); body {{ background: url({base}/c.png) }}
        @font-face {{ font-family: X; src: url({base}/d.ttf) }}</style></head>
        <body><img src="{base}/e.png" alt="e">
        <img src="file:///etc/passwd" alt="p"></body></html>"""
    fetcher = ThemeFetcher(THEME.path)
    HTML(string=source, base_url=str(THEME.path) + "/", url_fetcher=fetcher).write_pdf()
    assert listener.settle() == []
    names = ("a.css", "b.css", "c.png", "d.ttf", "e.png")
    assert set(fetcher.refused) == {f"{base}/{name}" for name in names} | {"file:///etc/passwd"}
