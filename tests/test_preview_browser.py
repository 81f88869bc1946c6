"""Preview end to end: a real browser asks a real service, whose real worker renders it.

One service and one browser for the module; the pages it shows are checked with axe
at both widths, as tests/test_browser.py checks the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.samples import example_text
from tests.chromium import launched_chromium
from tests.live_service import LiveService, live_service
from tests.test_browser import WIDTHS, check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("preview-browser"))


def test_forhaandsvis_shows_the_first_pages_without_saving_a_version(browser, service):
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
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
    status, body = service.json("GET", "/api/v1/strategies")
    assert (status, body["strategies"]) == (200, [])  # no version was made
    assert not wrong, "\n".join(wrong)
    assert not console_errors, console_errors
