"""Nothing in a document reaches the network or the file system: the renderers' fetcher, proved.

What WeasyPrint fetches through its `url_fetcher`: stylesheets (`<link>`, `@import`),
`url()` in CSS (backgrounds, `content`, `@font-face`), `<img>`, `<object>`, `<embed>`,
SVG `<image>` and `<a rel=attachment>`; a plain `<a href>` only becomes a link. No text
a user controls can reach any of those: every field is autoescaped into element content
(or a `<meta>`/`<title>` value, never loaded), rich text yields only `<a href>` with
http, https or mailto, user text never goes into CSS, ids are slugs, and the theme is
chosen by name among the installed ones. So a hostile *document* alone observes nothing
different with or without the fetcher, and could not make a test fail when
`url_fetcher=` is removed.

These tests therefore render, through the real `render_pdf` and `render_comparison_pdf`
with a real listener on loopback, a document whose every free-text field is hostile
(markup, Markdown images, CSS `url()`, `file:///etc/passwd`, `http://127.0.0.1:PORT/…`)
with a theme whose stylesheet also points outside itself (the "second wall" case: a
template mistake or a theme from elsewhere), and assert:

- the fetcher actually used served the theme's own CSS and fonts (it logs what it serves),
  and refused exactly the theme's outside URLs: nothing the document holds was asked for;
- no connection reached the listener and the image outside the theme is not in the PDF;
- the hostile text is printed literally.

Remove `url_fetcher=` from either renderer and WeasyPrint's own fetcher loads the
outside URLs: the listener sees connections, the outside image lands in the PDF and
nothing is served or refused by ours, so these tests fail.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

import core.themes
from core.content import Strategy, validate
from core.errors import InvalidContent
from tests.conftest import load_example
from tests.loopback import Listener
from worker.render.comparison_pdf import render_comparison_pdf
from worker.render.pdf import render_pdf
from worker.render.theme import load_theme

THEME_NAME = "outside-urls"  # no installed theme has this name
OUTSIDE_IMAGE_SIZE = (37, 23)  # pixels, told apart from the theme's own image by size
INSIDE_IMAGE_SIZE = (11, 13)
FieldPath = tuple[str | int, ...]


# ---------- a document hostile in every field ----------


def hostile_texts(port: int) -> list[str]:
    """Text that would load something if it ever became markup, CSS or a Markdown image."""
    base = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{base}/img.png" alt="x">',
        f"![billede]({base}/markdown.png)",
        f"background: url({base}/css.png)",
        "file:///etc/passwd",
        f'<link rel="stylesheet" href="{base}/link.css">',
        f"<style>@import url({base}/import.css);</style>",
        f'<a rel="attachment" href="{base}/attached.txt">bilag</a>',
        f'<object data="{base}/object.svg"></object>',
        f"[link]({base}/link) <{base}/autolink> [fil](file:///etc/passwd)",
    ]


def text_leaves(value: Any, path: FieldPath = ()) -> Iterator[FieldPath]:
    """Yield the path of every text value in parsed content."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from text_leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from text_leaves(item, (*path, index))
    elif isinstance(value, str):
        yield path


def get(data: Any, path: FieldPath) -> Any:
    for step in path:
        data = data[step]
    return data


def put(data: Any, path: FieldPath, value: Any) -> None:
    get(data, path[:-1])[path[-1]] = value


def dotted(path: FieldPath) -> str:
    """Write a path as validation problems name it: visions[0].headline."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def hostile_everywhere(example: str, port: int, shift: int = 0) -> tuple[Strategy, int]:
    """Return a shared example with hostile text in every field that takes free text.

    Every text value is replaced; the ones validation refuses (ids, dates, choices,
    references) get their value back, so the document stays valid and no field a user
    may write freely is left out. Also returns how many fields hold hostile text.
    """
    data = load_example(example).to_data()
    texts = hostile_texts(port)
    original = {path: get(data, path) for path in text_leaves(data)}
    for number, path in enumerate(original):
        put(data, path, texts[(number + shift) % len(texts)])
    while True:
        try:
            return validate(data), len(original)
        except InvalidContent as exc:
            refused = {p.path for p in exc.problems}
            put_back = [path for path in original if dotted(path) in refused]
            assert put_back, f"problems away from any text field: {exc.problems}"
            for path in put_back:
                put(data, path, original.pop(path))


# Fields that take an id, a date, a choice or a reference, not free text.
NOT_FREE_TEXT = {"format", "slug", "language", "status", "date", "id", "vision", "state", "affects"}


def test_every_free_text_field_is_hostile() -> None:
    strategy, _ = hostile_everywhere("udkast-2", 1)
    data, texts = strategy.to_data(), hostile_texts(1)
    kept = {
        next(s for s in reversed(path) if isinstance(s, str))
        for path in text_leaves(data)
        if get(data, path) not in texts
    }
    assert kept <= NOT_FREE_TEXT, kept - NOT_FREE_TEXT


# ---------- a theme that points outside itself ----------


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def outside_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real PNG outside every theme: if a render embeds it, the file system was read."""
    path = tmp_path_factory.mktemp("outside") / "outside.png"
    Image.new("RGB", OUTSIDE_IMAGE_SIZE, (200, 30, 30)).save(path)
    return path


def outside_urls(port: int, image: Path) -> list[str]:
    """The URLs the theme's stylesheet points at outside the theme folder."""
    return [
        f"http://127.0.0.1:{port}/theme-import.css",
        f"http://127.0.0.1:{port}/theme-background.png",
        f"http://127.0.0.1:{port}/theme-font.ttf",
        image.as_uri(),
    ]


@pytest.fixture(scope="module")
def outside_theme(
    listener: Listener, outside_image: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """Install, for this module only, a copy of the default theme whose CSS points outside."""
    themes = tmp_path_factory.mktemp("themes")
    folder = themes / THEME_NAME
    shutil.copytree(core.themes.THEMES_DIR / "default", folder)
    imported, background, font, image = outside_urls(listener.port, outside_image)
    Image.new("RGB", INSIDE_IMAGE_SIZE, (30, 30, 200)).save(folder / "inside.png")
    css = folder / "print.css"
    css.write_text(
        f'@import url("{imported}");\n'
        + css.read_text(encoding="utf-8")
        + f'\nbody {{ background-image: url("{background}"); }}\n'
        + f'@font-face {{ font-family: "Outside"; src: url("{font}"); }}\n'
        + f'main::before {{ content: url("{image}"); }}\n'
        + 'main::after { content: url("inside.png"); }\n',
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(core.themes, "THEMES_DIR", themes)
        yield load_theme(THEME_NAME).path.resolve()
    load_theme.cache_clear()  # forget the theme whose folder goes away


# ---------- one render of each kind, with what the fetcher did ----------


class FetcherLog(logging.Handler):
    """Collect what the renderers' fetcher served and refused."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Render:
    """A PDF rendered with the outside-urls theme, and what the fetcher logged meanwhile."""

    pdf: bytes
    log: list[str]
    connections: list[tuple[str, int]]

    def served(self) -> set[str]:
        return {m.removeprefix("served ") for m in self.log if m.startswith("served file:")}

    def refused(self) -> set[str]:
        found = (re.match(r"refused to load '([^']*)'", m) for m in self.log)
        return {m.group(1) for m in found if m}

    def text(self) -> str:
        pages = PdfReader(io.BytesIO(self.pdf)).pages
        text = "\n".join(page.extract_text() for page in pages)
        return text.replace("\u2010\n", "")  # hyphens WeasyPrint adds at line ends

    def image_sizes(self) -> set[tuple[int, int]]:
        with pikepdf.open(io.BytesIO(self.pdf)) as pdf:
            return {
                (int(obj.Width), int(obj.Height))
                for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
            }


def document_pdf(port: int) -> bytes:
    strategy, _ = hostile_everywhere("udkast-2", port)
    return render_pdf(strategy, THEME_NAME)


def comparison_pdf(port: int) -> bytes:
    # Different hostile text in each field of the two drafts: every field changed, so
    # the hostile text is printed both as deleted and as inserted.
    old, _ = hostile_everywhere("udkast-1", port)
    new, _ = hostile_everywhere("udkast-2", port, shift=1)
    return render_comparison_pdf(old, new, THEME_NAME)


RENDERERS: dict[str, Callable[[int], bytes]] = {
    "render_pdf": document_pdf,
    "render_comparison_pdf": comparison_pdf,
}


@pytest.fixture(scope="module", params=list(RENDERERS))
def rendered(request: pytest.FixtureRequest, listener: Listener, outside_theme: Path) -> Render:
    listener.settle()  # connections of an earlier render are not this one's
    handler = FetcherLog()
    logger = logging.getLogger("worker.render.fetcher")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        pdf = RENDERERS[request.param](listener.port)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return Render(pdf, handler.messages, listener.settle())


def test_nothing_reaches_the_network(rendered: Render) -> None:
    assert rendered.connections == []


def test_no_file_outside_the_theme_is_read(rendered: Render) -> None:
    # The theme's own image is embedded, so an image read from outside would show too.
    assert rendered.image_sizes() == {INSIDE_IMAGE_SIZE}


def test_the_deny_all_fetcher_refused_each_outside_url_and_only_those(
    rendered: Render, listener: Listener, outside_image: Path
) -> None:
    # Exactly the theme's own outside URLs: nothing in the hostile document was asked for.
    assert rendered.refused() == set(outside_urls(listener.port, outside_image))


def test_the_theme_loads_through_the_same_fetcher(rendered: Render, outside_theme: Path) -> None:
    served = {Path(url.removeprefix("file://")).resolve() for url in rendered.served()}
    assert {outside_theme / "print.css", outside_theme / "inside.png"} <= served
    assert {outside_theme / f for f in ("fonts/Lato-Regular.ttf", "fonts/Lato-Bold.ttf")} <= served
    assert all(path.is_relative_to(outside_theme) for path in served), served


def test_hostile_text_is_printed_literally(rendered: Render, listener: Listener) -> None:
    # Compared without white space: the PDF breaks long URLs across lines.
    text = re.sub(r"\s+", "", rendered.text())
    for hostile in hostile_texts(listener.port):
        assert re.sub(r"\s+", "", hostile) in text, hostile
    assert "root:x:" not in text
