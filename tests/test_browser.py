"""A real browser (Playwright driving Debian's Chromium) against a real running service.

Needs `playwright` from PyPI and the `chromium` Debian package; `playwright install` is
never run (it downloads a browser of its own). Without them the test fails under CI and
is skipped elsewhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.samples import example_text
from tests.app_fixtures import example_data, example_yaml
from tests.chromium import launched_chromium
from tests.conftest import example_path
from tests.live_service import LiveService, live_service

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("browser"))


def test_sign_in_upload_follow_the_build_and_download_the_pdf(browser, service, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(service.url + "/")
        assert page.url.startswith(service.url + "/sign-in")
        page.fill("#email", service.email)
        page.fill("#password", service.password)
        page.click("main button[type=submit]")
        page.wait_for_url(service.url + "/")
        page.screenshot(path=str(tmp_path / "index-empty.png"), full_page=True)

        page.set_input_files("#file", str(example_path("udkast-1")))
        page.click("main button[type=submit]")
        page.wait_for_url("**/builds/**")
        assert page.locator(".state").first.inner_text() in ("i kø", "bygges", "færdig")

        # The page's script follows the build in place (no reload) and says when it ends.
        page.evaluate("window.stillTheSamePage = true")
        following = page.locator("script[src$='/build.js']").count() == 1
        page.wait_for_selector("[data-build-state]:has-text('færdig')", timeout=90_000)
        assert page.evaluate("window.stillTheSamePage") is True
        if following:  # not when the build ended before the page was first shown
            assert "færdig" in page.locator("[data-announce]").text_content()
        assert "fejlede" not in page.content()
        assert not page.locator("[data-refresh-link]").is_visible()
        page.screenshot(path=str(tmp_path / "build.png"), full_page=True)

        link = page.locator("a[href$='/socialstrategi-udkast-1.pdf']")  # the draft's own PDF
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == "socialstrategi-udkast-1.pdf"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-")

        page.goto(service.url + "/")
        assert page.locator("a[href='/strategies/socialstrategi']").count() == 1
        page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
        page.goto(service.url + "/strategies/socialstrategi")
        page.screenshot(path=str(tmp_path / "history.png"), full_page=True)
        assert not failed, failed  # e.g. a missing stylesheet or icon
        assert not console_errors, console_errors  # e.g. a CSP violation

        page.click(".sign-out button")
        page.wait_for_url("**/sign-in")
        page.goto(service.url + "/")
        assert "/sign-in" in page.url
    finally:
        context.close()


# --- every page a person uses, on a desktop and on a phone -------------------------------

WIDTHS = (1280, 390)
# What blocks a person: axe-core's two highest impacts.
BLOCKING = ("serious", "critical")
SCREENS = Path(os.environ.get("UDKAST_SCREENS", "out/screens"))


@pytest.fixture(scope="module")
def two_drafts(service: LiveService) -> dict[str, str]:
    """Post two drafts of one strategy through the API and wait for both builds; return paths."""
    paths = {}
    for version, example in ((1, "udkast-1"), (2, "udkast-2")):
        status, body = service.json(
            "POST",
            "/api/v1/drafts",
            example_yaml(example, slug="sider"),
            media_type="application/yaml",
        )
        assert status == 202, body
        build = service.wait_build(body["build"]["links"]["self"])
        assert build["state"] == "done", build
        paths[f"build-v{version}"] = f"/builds/{body['build']['id']}"
    paths["history"] = "/strategies/sider"
    paths["diff"] = "/strategies/sider/2/diff"
    paths["error"] = "/strategies/sider/9/diff"
    return paths


def check_page(page: Any, name: str, width: int) -> list[str]:
    """Return what is wrong with the open page at this width; save its screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    wrong = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        wrong.append(f"{name} at {width} px is {scroll_width} px wide")
    response = Axe().run(page).response
    assert response["passes"], f"axe-core checked nothing on {name}"  # it did run
    for violation in response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [node["target"] for node in violation["nodes"]][:3]
            wrong.append(
                f"{name} at {width} px: {violation['id']} ({violation['impact']}) {targets}"
            )
    return wrong


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_passes_axe(browser, service, two_drafts, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    wrong: list[str] = []
    try:
        page.goto(service.url + "/sign-in")
        wrong += check_page(page, "sign-in", width)
        page.fill("#email", service.email)
        page.fill("#password", service.password)
        page.click("main button[type=submit]")
        page.wait_for_url(service.url + "/")
        wrong += check_page(page, "index", width)
        for name, path in two_drafts.items():
            page.goto(service.url + path)
            wrong += check_page(page, name, width)
        # What a person sees of each: the files by their names, the way to what changed.
        page.goto(service.url + two_drafts["build-v2"])
        assert page.get_by_role("link", name="Se hvad der er ændret siden version 1").is_visible()
        page.goto(service.url + two_drafts["diff"])
        assert page.get_by_role("link", name="Sporede ændringer (Word)").is_visible()
        assert page.locator("#against option:checked").inner_text() == "Udkast 1 (version 1)"
    finally:
        context.close()
    assert not wrong, "\n".join(wrong)
    assert [e for e in console_errors if "404" not in e] == []  # the error page's own 404


# --- accounts: an admin adds a reader, who signs in and cannot save -----------------------

NEW_PASSWORD = "læseren vælger selv en lang sætning"  # noqa: S105 - typed in the test


def checked(page: Any, name: str) -> list[str]:
    """Check the open page at each width (the same page, resized); return what is wrong."""
    wrong = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        wrong += check_page(page, name, width)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return wrong


def test_an_admin_adds_a_reader_who_signs_in_and_sees_no_upload_form(browser, service):
    admin = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    reader = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    console_errors: list[str] = []
    wrong: list[str] = []
    try:
        page = admin.new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.goto(service.url + "/")
        page.fill("#email", service.email)
        page.fill("#password", service.password)
        page.click("main button[type=submit]")
        page.wait_for_url(service.url + "/")
        assert page.get_by_role("link", name="Ada Admin").is_visible()

        page.get_by_role("link", name="Brugere").click()
        page.wait_for_url("**/admin/users")
        page.fill("#email", "lene@example.dk")
        page.fill("#name", "Lene Læser")
        page.select_option("#role", "reader")
        page.get_by_role("button", name="Tilføj og lav link").click()
        link = page.locator("[data-link]").inner_text().strip()
        assert "/set-password/" in link
        wrong += checked(page, "accounts-users")
        page.get_by_role("link", name="API-nøgler").click()
        page.wait_for_url("**/admin/tokens")
        wrong += checked(page, "accounts-tokens")
        page.get_by_role("link", name="Ada Admin").click()
        wrong += checked(page, "accounts-account")

        own = reader.new_page()
        own.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        own.goto(link)
        own.get_by_text("Hej Lene Læser").wait_for()
        wrong += checked(own, "accounts-set-password")
        own.fill("#new", NEW_PASSWORD)
        own.fill("#repeat", NEW_PASSWORD)
        own.get_by_role("button", name="Gem og log ind").click()
        own.wait_for_url(service.url + "/")
        assert own.locator("#file").count() == 0  # no upload form for a reader
        assert own.get_by_text("Kun redaktører kan gemme nye udkast").is_visible()
        assert own.get_by_role("link", name="Brugere").count() == 0
        wrong += checked(own, "accounts-reader-index")

        own.click(".sign-out button")
        own.wait_for_url("**/sign-in")
        own.fill("#email", "LENE@example.dk")
        own.fill("#password", NEW_PASSWORD)
        own.click("main button[type=submit]")
        own.wait_for_url(service.url + "/")
        assert own.get_by_role("link", name="Lene Læser").is_visible()
    finally:
        admin.close()
        reader.close()
    assert not wrong, "\n".join(wrong)
    assert not console_errors, console_errors  # e.g. a CSP violation


def test_forhaandsvis_shows_the_first_pages_without_saving_a_version(browser, service):
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    wrong: list[str] = []
    _, before = service.json("GET", "/api/v1/strategies")
    try:
        page.goto(service.url + "/sign-in")
        page.fill("#email", service.email)
        page.fill("#password", service.password)
        page.click("main button[type=submit]")
        page.wait_for_url(service.url + "/")

        page.fill("#text", example_text())
        page.get_by_role("button", name="Forhåndsvis").click()
        page.wait_for_selector("#preview")
        # The script follows the preview in place and says when it is ready.
        first = page.get_by_role("img", name="Side 1 af forhåndsvisningen")
        first.wait_for(timeout=120_000)
        assert page.get_by_role("img", name="Side 3 af forhåndsvisningen").is_visible()
        assert "klar" in (page.locator("#preview [data-announce]").text_content() or "")
        assert not page.locator("#preview [data-refresh-link]").is_visible()
        assert page.evaluate("document.querySelector('#preview img').naturalWidth") > 0
        assert "Socialstrategi" in page.input_value("#text")  # ready to save as it is
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wrong += check_page(page, "index-preview", width)

        # The page the "Opdater" link opens without JavaScript.
        image_url = (
            page.locator("#preview [data-preview-pages] a").first.get_attribute("href") or ""
        )
        page.goto(service.url + image_url.split("/pages/", 1)[0] + "/view")
        assert page.get_by_role("img", name="Side 1 af forhåndsvisningen").is_visible()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wrong += check_page(page, "preview-view", width)

        page.goto(service.url + "/help/format")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wrong += check_page(page, "help-format", width)
    finally:
        context.close()
    status, after = service.json("GET", "/api/v1/strategies")
    assert (status, after) == (200, before)  # no version was made
    assert not wrong, "\n".join(wrong)
    assert not console_errors, console_errors


def test_a_word_file_comes_back_through_the_form_and_is_kept_in_the_history(
    browser, service, tmp_path
):
    from core.content import load
    from tests.test_wordfile_content import (
        control_at,
        edited,
        paragraph_of,
        typed_over,
        with_document,
    )
    from worker.render.docx import render_docx

    content = load(example_yaml("udkast-1", slug="ordet"), "application/yaml")
    status, body = service.json(
        "POST",
        "/api/v1/drafts",
        example_yaml("udkast-1", slug="ordet"),
        media_type="application/yaml",
    )
    assert status == 202, body
    place = f"visions[{content.visions[0].id}].headline"
    docx = edited(render_docx(content), place, lambda c: typed_over(c, "Alle skal have en ven"))

    def noted(root) -> None:  # a note typed between two fields
        control_at(root, "foreword").addnext(paragraph_of("Husk tallene fra 2017"))

    word_file = tmp_path / "ordet.docx"
    word_file.write_bytes(with_document(docx, noted))
    context = browser.new_context(
        accept_downloads=True, viewport={"width": WIDTHS[0], "height": 900}
    )
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    wrong: list[str] = []
    try:
        page.goto(service.url + "/sign-in")
        page.fill("#email", service.email)
        page.fill("#password", service.password)
        page.click("main button[type=submit]")
        page.wait_for_url(service.url + "/")
        page.get_by_text("Valg for Word-filer").click()
        accepted = page.get_by_label("Læs teksten, som om alle ændringer er godkendt")
        assert accepted.is_checked()  # the default
        wrong += checked(page, "index-word-options")
        page.set_input_files("#file", str(word_file))
        page.get_by_role("button", name="Gem og byg").click()
        page.wait_for_url("**/builds/**")
        said = page.locator(".flash").all_inner_texts()
        assert any("Husk tallene fra 2017" in text for text in said), said
        page.wait_for_selector("[data-build-state]:has-text('færdig')", timeout=90_000)
        wrong += checked(page, "build-from-word")

        page.goto(service.url + "/strategies/ordet")
        wrong += checked(page, "history-from-word")
        with page.expect_download() as info:
            page.get_by_role("link", name="Uploadet Word-fil, version 2").click()
        assert info.value.suggested_filename.endswith("-uploaded.docx")
        assert Path(info.value.path()).read_bytes() == word_file.read_bytes()
        assert page.get_by_role("link", name=re.compile("Uploadet Word-fil")).count() == 1
    finally:
        context.close()
    assert not wrong, "\n".join(wrong)
    assert not console_errors, console_errors


# --- the interface in English: every page, no Danish left ---------------------------------

# Every text of a page that is not part of the strategy, as the reader sees or hears it:
# text, labels for screen readers, titles, placeholders, alternative texts. Text tagged
# with a language of its own (the switch's "Dansk", quoted English) is left out.
PAGE_TEXTS = """() => {
  const texts = [];
  const own = (el) => el && !el.closest('script, style, [lang]:not(html)');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue.trim();
    if (text && own(walker.currentNode.parentElement)) texts.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (!own(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  texts.push(document.title);
  return texts;
}"""
# Words that are the same in both languages, and texts made only of names and numbers.
SAME_IN_BOTH = {
    *("udkast", "PDF", "Word", "DOCX", "YAML", "JSON", "API", "Markdown", "E-mail", "slug"),
    *("Status", "Format", "Version", "Input", "Layout", "administrator", "LIX"),
}
SAME_PATTERN = re.compile(r"[\d.,]+ KiB|\(?vision \d+\)?", re.IGNORECASE)


def _strings(value: Any) -> list[str]:
    """Return every text in a strategy's data (what the user wrote, shown as it is)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value is not None else []


def untranslated(danish: list[str], english: list[str], written: list[str]) -> list[str]:
    """Return the English page's texts that are the Danish page's, and not the user's."""
    same = set(danish) & set(english)
    written = [" ".join(w.replace("**", "").replace("*", "").split()) for w in written]
    wrong = []
    for text in sorted(same):
        # A service user's generated name (tests.live_service) is the user's own words.
        # A redline mark's brackets, "[+…]" and "[−…]", frame the strategy's own words.
        bare = re.sub(r"test-[0-9a-f]{8}", "", " ".join(text.split())).strip("…:·,()[]«»\"' +−")
        if sum(c.isalpha() for c in bare) < 3 or bare in SAME_IN_BOTH:
            continue
        if SAME_PATTERN.fullmatch(bare):
            continue
        if any(bare in w or (len(w) > 3 and w in bare) for w in written):
            continue  # the strategy's own words, or a person's name or address
        wrong.append(text)
    return wrong


def test_an_english_reader_sees_every_page_in_english(browser, service, two_drafts):
    written = _strings(example_data("udkast-1")) + _strings(example_data("udkast-2"))
    # People other tests in this module add (names and addresses are their own words).
    written += [service.email, "Ada Admin", "sider", "Socialstrategi", "Lene Læser", "lene@"]
    paths = {
        "index": "/",
        **two_drafts,
        "editor": "/new",
        "editor-v2": "/strategies/sider/2/edit",
        "account": "/account",
        "users": "/admin/users",
        "tokens": "/admin/tokens",
        "help": "/help/format",
    }
    pages = {}
    leaks: list[str] = []
    wrong: list[str] = []
    for locale in ("da-DK", "en-GB"):
        context = browser.new_context(locale=locale, viewport={"width": WIDTHS[1], "height": 900})
        page = context.new_page()
        try:
            page.goto(service.url + "/sign-in")
            pages[locale, "sign-in"] = page.evaluate(PAGE_TEXTS)
            page.fill("#email", service.email)
            page.fill("#password", service.password)
            page.click("main button[type=submit]")
            page.wait_for_url(service.url + "/")
            for name, path in paths.items():
                page.goto(service.url + path)
                pages[locale, name] = page.evaluate(PAGE_TEXTS)
                if locale == "en-GB":
                    assert page.locator("html").get_attribute("lang") == "en", name
                    wrong += checked(page, f"en-{name}")
        finally:
            context.close()
    for name in ("sign-in", *paths):
        for text in untranslated(pages["da-DK", name], pages["en-GB", name], written):
            leaks.append(f"{name}: {text!r}")
    assert not leaks, "Danish on English pages:\n" + "\n".join(leaks)
    assert not wrong, "\n".join(wrong)
