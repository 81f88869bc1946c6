"""A real browser (Playwright driving Debian's Chromium) against a real running service.

Needs `playwright` from PyPI and the `chromium` Debian package; `playwright install` is
never run (it downloads a browser of its own). Without them the test fails under CI and
is skipped elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

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
        page.fill("#token", service.token)
        page.click("main button[type=submit]")
        page.wait_for_url(service.url + "/")
        page.screenshot(path=str(tmp_path / "index-empty.png"), full_page=True)

        page.set_input_files("#file", str(example_path("udkast-1")))
        page.click("main button[type=submit]")
        page.wait_for_url("**/builds/**")
        assert page.locator(".state").first.inner_text() in ("i kø", "bygges", "færdig")

        # The page refreshes itself every 2 s until the build ends.
        page.wait_for_selector("text=færdig", timeout=90_000)
        assert "fejlede" not in page.content()
        page.screenshot(path=str(tmp_path / "build.png"), full_page=True)

        link = page.locator("a[href$='.pdf']")
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
