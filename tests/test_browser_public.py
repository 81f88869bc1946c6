"""In Chromium: an editor publishes a strategy, and a visitor with no cookies reads it.

The editor gives the strategy a public page and publishes two versions from the history
page; then a new browser context (no cookies, no account) reads the public page in
Danish and English at a desktop's and a phone's width, downloads the PDF, and sees what
changed and why. axe-core finds nothing serious on any of it; the visitor's browser asks
nothing of another server and holds no cookie afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.app_fixtures import example_yaml
from tests.chromium import launched_chromium
from tests.live_service import LiveService, live_service
from tests.test_browser import SCREENS, WIDTHS, check_page

pytestmark = pytest.mark.e2e

SLUG = "aaben-strategi"
EDITOR = "rikke@example.dk"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("browser-public"))


@pytest.fixture(scope="module")
def two_versions(service: LiveService) -> None:
    """Post both reference drafts of one strategy and wait for their files."""
    for example in ("udkast-1", "udkast-2"):
        body_yaml = example_yaml(example, slug=SLUG)
        status, body = service.json(
            "POST", "/api/v1/drafts", body_yaml, media_type="application/yaml"
        )
        assert status == 202, body
        build = service.wait_build(body["build"]["links"]["self"])
        assert build["state"] == "done", build
    service.add_user(EDITOR, "Rikke Redaktør", "editor")


def _watch(page: Any, problems: list[str]) -> None:
    """Note console errors, answers of 400 and more, and requests to any other server."""
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )


def _publish(browser: Any, service: LiveService) -> tuple[str, list[str]]:
    """As the editor, open the public page and publish versions 1 and 2; return its path."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    problems: list[str] = []
    wrong: list[str] = []
    try:
        page = context.new_page()
        _watch(page, problems)
        page.goto(service.url + "/sign-in")
        page.fill("#email", EDITOR)
        page.fill("#password", service.password)
        page.click("main button[type=submit]")
        page.wait_for_url(service.url + "/")
        page.goto(f"{service.url}/strategies/{SLUG}")
        assert page.get_by_text("Strategien har ingen offentlig side.").is_visible()

        page.get_by_role("button", name="Giv strategien en offentlig side").click()
        page.get_by_text("Strategien har nu en offentlig side.").wait_for()
        for version in (1, 2):
            page.get_by_role("button", name=f"Offentliggør version {version}", exact=True).click()
            page.get_by_text(f"Version {version} er offentliggjort.").wait_for()
        assert page.locator(".published-mark").count() == 2
        assert page.get_by_role("button", name="Gør intern igen: version 2").is_visible()
        link = page.get_by_role("link", name="Se den offentlige side")
        path = link.get_attribute("href")
        assert path == f"/public/strategies/{SLUG}"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wrong += check_page(page, "public-history", width)
    finally:
        context.close()
    assert not problems, problems
    return path, wrong


def test_an_editor_publishes_and_a_visitor_without_cookies_reads_it(
    browser, service, two_versions, tmp_path: Path
):
    path, wrong = _publish(browser, service)

    visitor = browser.new_context(
        accept_downloads=True, viewport={"width": WIDTHS[0], "height": 900}
    )
    problems: list[str] = []
    elsewhere: list[str] = []
    cookies_set: list[str] = []
    try:
        page = visitor.new_page()
        _watch(page, problems)
        page.on(
            "request",
            lambda r: (
                elsewhere.append(r.url)
                if urlsplit(r.url).netloc != urlsplit(service.url).netloc
                else None
            ),
        )
        page.on(
            "response",
            lambda r: cookies_set.append(r.url) if "set-cookie" in r.headers else None,
        )
        page.goto(service.url + path)
        assert page.locator("h1").inner_text() == "Socialstrategi 2018–2022"
        # What changed between the two published versions, and why.
        changes = page.locator("#version-2 .changes")
        assert "Hvad er ændret siden Udkast 1 (version 1), og hvorfor" in changes.inner_text()
        assert changes.get_by_text("Det hele liv er nu den første vision.").is_visible()
        assert changes.get_by_text("HovedMED").first.is_visible()
        assert page.locator(".timeline li.next").count() == 1
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wrong += check_page(page, "public-strategy-da", width)

        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        # On paper: the organisation and what changed, no buttons to download or follow.
        page.emulate_media(media="print")
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / "public-strategy-print.png"), full_page=True)
        assert page.locator(".hero").get_by_text("Socialforvaltningen").is_visible()
        assert not page.get_by_role("link", name="Hent som PDF").is_visible()
        assert changes.get_by_text("Det hele liv er nu den første vision.").is_visible()
        page.emulate_media(media="screen")
        with page.expect_download() as info:
            page.get_by_role("link", name="Hent som PDF").click()
        download = info.value
        assert download.suggested_filename == f"{SLUG}-udkast-2.pdf"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-")

        page.get_by_role("link", name="English").click()
        page.wait_for_url("**lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").get_attribute("lang") == "da"
        assert page.get_by_text("What changed since Udkast 1 (version 1), and why").is_visible()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wrong += check_page(page, "public-strategy-en", width)

        feed = page.locator("link[rel=alternate][type='application/atom+xml']")
        answer = page.request.get(service.url + feed.get_attribute("href"))
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("application/atom+xml")
        assert "set-cookie" not in answer.headers
        cookies = visitor.cookies()
    finally:
        visitor.close()
    assert cookies == []
    assert not cookies_set, cookies_set
    assert not elsewhere, elsewhere
    assert not problems, problems
    assert not wrong, "\n".join(wrong)
