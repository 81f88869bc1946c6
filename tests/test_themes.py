"""Themes: every installed theme renders both reference drafts as accessible PDF and DOCX.

The municipal theme (`kommune`) looks clearly different and holds nothing in code: its
logo (with alt text) on the cover, a colour band on every page, another font, and its
Word styles come from its folder. A build chooses its theme in the API, the upload form,
the editor and `udkast submit`; a theme that is not installed is refused by name.
"""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import page
import pikepdf
import pypdfium2
import pytest
from docx.oxml.ns import qn
from werkzeug.serving import make_server

from cli.main import main as udkast
from core import themes
from core.content import Strategy
from core.themes import available_themes, theme_choices
from service.runtime import runtime
from tests.app_fixtures import TestApp, csrf_token, example_yaml, make_test_app
from tests.test_pdf_ua_property import assert_accessible, assert_mark_is_an_artifact
from worker import jobs
from worker.render import comparison_renderer, hearing_renderer
from worker.render.docx import render_docx
from worker.render.fetcher import RefusedURL, ThemeFetcher
from worker.render.pdf import render_pdf
from worker.render.theme import UnknownTheme, load_theme

pytestmark = pytest.mark.slow

THEMES = available_themes()
KOMMUNE_NAVY = (0x17, 0x3F, 0x6B)


def test_two_themes_are_installed() -> None:
    assert THEMES == ["default", "kommune"]
    described = {c.name: c for c in theme_choices()}
    assert described["kommune"].titled("en") == "Municipal"
    assert described["kommune"].described("da").startswith("Kommunalt design")
    assert described["kommune"].described("en").startswith("Municipal design")


@pytest.fixture(scope="module", params=[(t, d) for t in THEMES for d in ("udkast-1", "udkast-2")])
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Strategy, Path, bytes]:
    theme, draft = request.param
    strategy: Strategy = request.getfixturevalue(draft.replace("-", ""))
    path = tmp_path_factory.mktemp("theme") / f"{draft}-{theme}.pdf"
    data = render_pdf(strategy, theme)
    path.write_bytes(data)
    return theme, strategy, path, render_docx(strategy, theme)


def test_every_theme_renders_both_drafts_as_pdf_ua(
    rendered: tuple[str, Strategy, Path, bytes],
) -> None:
    _theme, strategy, path, _docx = rendered
    assert_accessible(path.read_bytes(), strategy, path)
    assert_mark_is_an_artifact(path, strategy)


def _font_names(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {
            str(font.BaseFont).split("+", 1)[-1]
            for page in pdf.pages
            for font in page.Resources.get("/Font", {}).values()
        }


def _figures(node: Any) -> list[Any]:
    found = []
    if isinstance(node, pikepdf.Dictionary) and node.get("/S") == "/Figure":
        found.append(node)
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            found += _figures(kid)
    elif isinstance(kids, pikepdf.Dictionary):
        found += _figures(kids)
    return found


def test_each_theme_prints_in_its_own_font(rendered: tuple[str, Strategy, Path, bytes]) -> None:
    theme, _strategy, path, document = rendered
    family = load_theme(theme).font_family
    names = _font_names(path)
    assert names and all(name.startswith(family) for name in names), names
    styles = docx.Document(io.BytesIO(document)).styles
    assert styles["Normal"].font.name == family
    assert styles["Title"].font.name == family


def _top_band(path: Path, page_index: int) -> tuple[int, int, int]:
    """Return the colour of the sheet 1 mm below its top edge, in the middle."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        image = pdf[page_index].render(scale=1).to_pil().convert("RGB")
    finally:
        pdf.close()
    r, g, b = image.getpixel((image.width // 2, 3))  # 3 px at 72 dpi is about 1 mm
    return int(r), int(g), int(b)


def test_the_municipal_theme_has_its_logo_band_and_colours(
    rendered: tuple[str, Strategy, Path, bytes],
) -> None:
    theme, strategy, path, document = rendered
    language = strategy.document.language
    with pikepdf.open(path) as pdf:
        figures = _figures(pdf.Root.StructTreeRoot)
    logo = load_theme(theme).logo
    if theme == "default":
        assert logo is None and figures == []
        assert _top_band(path, 2) == (255, 255, 255)
        return
    assert logo is not None
    # The coat of arms is a figure that a screen reader announces by its alt text.
    assert [str(f.Alt) for f in figures] == [logo.alt_text(language)]
    # The band across the top of the cover and of every page after it.
    assert _top_band(path, 0) == KOMMUNE_NAVY
    assert _top_band(path, 2) == KOMMUNE_NAVY
    # The Word file: the logo on the cover with its alt text, the theme's styles.
    word = docx.Document(io.BytesIO(document))
    pictures = word.inline_shapes
    assert len(pictures) == 1
    assert pictures[0]._inline.docPr.get("descr") == logo.alt_text(language)
    title = word.styles["Title"].font
    assert title.size.pt == 36 and str(title.color.rgb) == "173F6B"
    header_rule = word.styles["Header"].element.find(qn("w:pPr")).find(qn("w:pBdr"))
    assert header_rule.find(qn("w:bottom")).get(qn("w:color")) == "173F6B"


def test_the_default_theme_keeps_its_word_look(udkast1: Strategy) -> None:
    word = docx.Document(io.BytesIO(render_docx(udkast1, "default")))
    assert len(word.inline_shapes) == 0
    title = word.styles["Title"].font
    assert title.size.pt == 34 and str(title.color.rgb) == "0B4F5C"
    margin = word.sections[0].left_margin
    assert margin is not None and margin.cm == pytest.approx(2.3, abs=0.01)


# ---------- a theme is files and values: extending, overriding, refusing ----------


@pytest.fixture
def theme_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed-themes folder with copies of the real themes, for themes a test adds."""
    root = tmp_path / "templates"
    for name in THEMES:
        shutil.copytree(themes.THEMES_DIR / name, root / name)
    monkeypatch.setattr(themes, "THEMES_DIR", root)
    load_theme.cache_clear()
    yield root
    load_theme.cache_clear()


def _add_theme(root: Path, name: str, toml: str) -> None:
    (root / name).mkdir()
    (root / name / "theme.toml").write_text(toml, encoding="utf-8")


def test_a_theme_takes_what_it_leaves_out_from_the_one_it_extends(theme_dir: Path) -> None:
    _add_theme(
        theme_dir,
        "groen",
        'extends = "kommune"\n[colours]\nprimary = "#0F5132"\n'
        '[word.styles]\n"Title" = { size = 30 }\n',
    )
    theme = load_theme("groen")
    kommune = load_theme("kommune")
    assert theme.colours["primary"] == "#0F5132"
    assert theme.colours["accent"] == kommune.colours["accent"]
    assert theme.font_family == "Arimo" and theme.logo == kommune.logo
    title = theme.word.styles["Title"]
    assert title.size == 30 and title.colour == "primary" and title.bold
    assert theme.folders == (theme_dir / "groen", theme_dir / "kommune", theme_dir / "default")


def test_a_theme_installed_as_a_link_to_a_folder_elsewhere_prints_with_its_look(
    theme_dir: Path, udkast1: Strategy, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere" / "kommune"
    shutil.copytree(theme_dir / "kommune", elsewhere)
    (theme_dir / "lenket").symlink_to(elsewhere, target_is_directory=True)
    path = tmp_path / "lenket.pdf"

    path.write_bytes(render_pdf(udkast1, "lenket"))

    # Its stylesheets and fonts were once refused as outside the theme, and the PDF
    # printed without them, in a fallback font.
    names = _font_names(path)
    assert names and all(name.startswith("Arimo") for name in names), names
    assert _top_band(path, 1) == _top_band_of(udkast1, "kommune", tmp_path)


def _top_band_of(strategy: Strategy, theme: str, folder: Path) -> tuple[int, int, int]:
    path = folder / f"{theme}.pdf"
    path.write_bytes(render_pdf(strategy, theme))
    return _top_band(path, 1)


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('extends = "loop"\n', "goes round"),
        ('extends = "ingen"\n', "ingen"),
        (
            'extends = "default"\n[word.styles]\n"Title" = { colour = "rod" }\n',
            "rod",
        ),
        ('extends = "default"\n[word.styles]\n"Title" = { font = "Comic" }\n', "font"),
        ('extends = "default"\nband = "sky"\n', "sky"),
        ('extends = "default"\n[logo]\nfile = "../x.png"\nwidth_mm = 1\nalt.da = "x"\n', "logo"),
    ],
)
def test_a_theme_that_cannot_be_used_is_refused_by_name(
    theme_dir: Path, toml: str, named: str
) -> None:
    _add_theme(theme_dir, "loop", toml)
    with pytest.raises(UnknownTheme, match=named):
        load_theme("loop")


def test_the_fetcher_serves_the_extended_theme_and_nothing_beside_it() -> None:
    kommune, default = load_theme("kommune"), load_theme("default")
    fetcher = ThemeFetcher(*kommune.folders)
    # print.css is the default theme's, asked for as if it were the municipal one's.
    served = fetcher.fetch((kommune.path / "print.css").as_uri())
    try:
        assert served.read() == (default.path / "print.css").read_bytes()
    finally:
        served.close()
    logo = fetcher.fetch((kommune.path / "logo.png").as_uri())
    try:
        assert logo.read(8) == b"\x89PNG\r\n\x1a\n"
    finally:
        logo.close()
    with pytest.raises(RefusedURL):
        fetcher.fetch((kommune.path / "theme.toml").as_uri())
    with pytest.raises(RefusedURL):
        fetcher.fetch((kommune.path.parent.parent / "pyproject.toml").as_uri())


# ---------- chosen per build ----------


@pytest.fixture
def made(tmp_path: Path) -> TestApp:
    return make_test_app(tmp_path)


def _post(made: TestApp, query: str = "", **form: str) -> Any:
    client = made.app.test_client()
    headers = {"Authorization": f"Bearer {made.token}"}
    body = example_yaml(slug="design", inputs=False)
    if form:
        files = {"file": (io.BytesIO(body), "udkast.yaml"), **form}
        return client.post(f"/api/v1/drafts{query}", data=files, headers=headers)
    headers["Content-Type"] = "application/yaml"
    return client.post(f"/api/v1/drafts{query}", data=body, headers=headers)


def _rendered_pdf(made: TestApp, build: dict[str, Any]) -> bytes:
    with made.app.app_context():
        sessions = runtime().sessions
    assert jobs.render_output(sessions, build["id"], "pdf", max_attempts=3) == "done"
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    answer = client.get(f"/api/v1/builds/{build['id']}", headers=auth).get_json()
    return bytes(client.get(answer["outputs"]["pdf"]["url"], headers=auth).get_data())


def test_the_api_builds_in_the_theme_asked_for(made: TestApp, tmp_path: Path) -> None:
    posted = _post(made, "?theme=kommune")
    assert posted.status_code == 202, posted.get_data()
    build = posted.get_json()["build"]
    assert build["theme"] == "kommune"
    path = tmp_path / "design.pdf"
    path.write_bytes(_rendered_pdf(made, build))
    assert all(name.startswith("Arimo") for name in _font_names(path))
    # The same content in the other theme is a new build of the same version.
    again = _post(made, theme="default")
    assert again.status_code == 202, again.get_data()
    assert again.get_json()["build"]["theme"] == "default"
    assert again.get_json()["draft"]["version"] == posted.get_json()["draft"]["version"]


@pytest.mark.parametrize(
    "query", ["?theme=nope", "?theme=..%2Fdefault", "?theme=kommune&theme=default"]
)
def test_a_theme_that_is_not_installed_is_refused_and_nothing_stored(
    made: TestApp, query: str
) -> None:
    posted = _post(made, query)
    assert posted.status_code == 400, posted.get_data()
    assert "theme" in posted.get_json()["message"]
    assert made.versions("design") == []


def test_the_openapi_document_lists_the_installed_themes(made: TestApp) -> None:
    document = made.app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["components"]["schemas"]["ThemeName"]["enum"] == THEMES
    parameters = document["paths"]["/api/v1/drafts"]["post"]["parameters"]
    assert "theme" in [p["name"] for p in parameters]


def test_the_upload_form_offers_the_themes(made: TestApp) -> None:
    client = made.app.test_client()
    made.sign_in(client)
    page = client.get("/").get_data(as_text=True)
    assert 'name="theme" value="default" checked' in page
    assert 'name="theme" value="kommune"' in page
    form = {
        "csrf_token": csrf_token(client, "/"),
        "text": example_yaml(slug="design", inputs=False).decode("utf-8"),
        "theme": "kommune",
    }
    answer = client.post("/drafts", data=form, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    auth = {"Authorization": f"Bearer {made.token}"}
    history = client.get("/api/v1/strategies/design/drafts", headers=auth).get_json()
    build = client.get(history["drafts"][0]["build"]["links"]["self"], headers=auth).get_json()
    assert build["theme"] == "kommune"
    # A tampered choice gets the form back with the reason, and nothing is stored.
    form["theme"] = "hacked"
    form["text"] = example_yaml(slug="andet", inputs=False).decode("utf-8")
    refused = client.post("/drafts", data=form, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "theme" in refused.get_data(as_text=True)
    assert made.versions("andet") == []


def test_the_server_default_theme_is_used_when_a_build_does_not_say(tmp_path: Path) -> None:
    made = make_test_app(tmp_path, UDKAST_THEME="kommune")
    posted = _post(made)
    assert posted.status_code == 202, posted.get_data()
    assert posted.get_json()["build"]["theme"] == "kommune"
    client = made.app.test_client()
    made.sign_in(client)
    assert 'name="theme" value="kommune" checked' in client.get("/").get_data(as_text=True)


def test_udkast_submit_theme_asks_the_server(made: TestApp, tmp_path: Path) -> None:
    source = tmp_path / "design.yaml"
    source.write_bytes(example_yaml(slug="design", inputs=False))
    server = make_server("127.0.0.1", 0, made.app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        flags = ["--server", f"http://127.0.0.1:{server.port}", "--token", made.token]
        code = udkast(["submit", str(source), *flags, "--theme", "kommune"])
        refused = udkast(["submit", str(source), *flags, "--theme", "nope"])
    finally:
        server.shutdown()
        serving.join()
    assert code == 0
    assert refused != 0
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    history = client.get("/api/v1/strategies/design/drafts", headers=auth).get_json()
    assert len(history["drafts"]) == 1
    build = client.get(history["drafts"][0]["build"]["links"]["self"], headers=auth).get_json()
    assert build["theme"] == "kommune"


@pytest.mark.parametrize("output", ["changes-pdf", "hearing-notes-pdf"])
def test_the_comparison_and_the_notes_carry_the_theme_too(
    output: str, udkast1: Strategy, udkast2: Strategy, tmp_path: Path
) -> None:
    if output == "changes-pdf":
        data = comparison_renderer(output)(udkast1, udkast2, "kommune", None)
    else:
        data = hearing_renderer(output)(udkast2, udkast1, "kommune", None)
    path = tmp_path / f"{output}.pdf"
    path.write_bytes(data)
    report = page.validate_pdf_bytes(data, profile=page.ValidationProfile.PDF_UA_1)
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    logo = load_theme("kommune").logo
    assert logo is not None
    with pikepdf.open(path) as pdf:
        assert [str(f.Alt) for f in _figures(pdf.Root.StructTreeRoot)] == [logo.alt_text("da")]
    assert all(name.startswith("Arimo") for name in _font_names(path))
    assert _top_band(path, 0) == KOMMUNE_NAVY


def test_the_editor_keeps_the_design_the_version_was_built_in(made: TestApp) -> None:
    posted = _post(made, "?theme=kommune")
    assert posted.status_code == 202, posted.get_data()
    client = made.app.test_client()
    made.sign_in(client)
    page = client.get("/strategies/design/1/edit").get_data(as_text=True)
    assert 'name="theme" value="kommune" checked' in page
    assert 'name="theme" value="default" checked' not in page
    # A new strategy starts in the server's default.
    fresh = client.get("/new").get_data(as_text=True)
    assert 'name="theme" value="default" checked' in fresh
