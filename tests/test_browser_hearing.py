"""The hearing in a real browser (Debian's Chromium) against a real running service.

An editor opens a hearing on the reference draft in consultation; an anonymous visitor,
in a browser context with no cookies, reads the hearing page and responds to the vision
"Det hele liv"; the editor finds the response pending in the editor, answers it and
saves the next draft; the comparison shows the answer. axe-core at 1280 and 390 px on
every public page, which must leave no cookie behind.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app_fixtures import example_yaml
from tests.chromium import launched_chromium
from tests.live_service import LiveService, live_service
from tests.test_browser import WIDTHS, checked
from tests.test_browser_editor import BUILD_WAIT_MS, new_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("browser-hearing"))


def pdf_text(path: Path) -> str:
    """Return a PDF's text as poppler's pdftotext reads it."""
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_hearing_from_opening_to_the_next_draft(browser, service):
    for name, status in (("udkast-1", "draft"), ("udkast-2", "consultation")):
        code, body = service.json(
            "POST",
            "/api/v1/drafts",
            example_yaml(name, slug="hoering", status=status),
            media_type="application/yaml",
        )
        assert code == 202, body
        assert service.wait_build(body["build"]["links"]["self"])["state"] == "done"

    editor, page, errors = new_page(browser, service)
    visitor = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    wrong: list[str] = []
    try:
        # The editor sends version 2 to hearing from the history, with the proposed dates.
        page.goto(service.url + "/strategies/hoering")
        page.get_by_role("link", name="Send i høring (version 2)").click()
        page.wait_for_url("**/strategies/hoering/2/hearing")
        wrong += checked(page, "hearing-open")
        page.fill("#intro", "Socialforvaltningen vil gerne høre din mening.")
        page.get_by_role("button", name="Åbn høringen").click()
        page.wait_for_url("**/strategies/hoering/2/hearing")
        link = page.input_value("#page-link")
        assert "/public/hearings/" in link

        # Anyone with the link reads the draft and responds to one vision.
        public = visitor.new_page()
        public.goto(link.replace("http://127.0.0.1:8000", service.url))
        assert public.get_by_role("heading", name="Socialstrategi 2018–2022").is_visible()
        wrong += checked(public, "public-hearing")
        public.get_by_role("link", name="English").click()
        assert public.get_by_role("link", name=re.compile("Respond to this part")).count() >= 5
        assert public.locator("html").get_attribute("lang") == "en"
        wrong += checked(public, "public-hearing-en")
        public.get_by_role("link", name="Dansk").click()
        card = public.locator("#v-det-hele-liv")
        card.get_by_role("link", name=re.compile("Giv høringssvar til denne del")).click()
        public.wait_for_url("**/respond?part=v-det-hele-liv**")
        assert public.get_by_label("Vision 1: Det hele liv").is_checked()
        wrong += checked(public, "public-respond")
        public.get_by_role("button", name="Send høringssvar").click()  # nothing filled in
        assert public.locator("#name-error").is_visible()
        wrong += checked(public, "public-respond-errors")
        public.fill("#name", "Hanne Hansen")
        public.fill("#organisation", "Ældrerådet")
        public.fill("#email", "hanne@example.dk")
        public.fill("#text", "Husk de ældre, der bor alene.")
        public.get_by_label("Mit svar må offentliggøres som beskrevet").check()
        public.get_by_role("button", name="Send høringssvar").click()
        public.get_by_role("heading", name="Tak for dit høringssvar").wait_for()
        wrong += checked(public, "public-thanks")
        assert visitor.cookies() == []  # no page of the hearing left a cookie

        # The editor finds it pending in the next draft, answers it and saves.
        page.reload()
        assert "Husk de ældre, der bor alene." in page.inner_text("main")
        wrong += checked(page, "hearing-responses")
        page.get_by_role("link", name="Skriv næste udkast med svarene").click()
        page.wait_for_url("**/strategies/hoering/2/edit")
        overview = page.locator(".pending-overview")
        assert "Det hele liv" in overview.inner_text()
        overview.get_by_role("link", name="Ældrerådet").click()
        entry = page.locator("fieldset.item", has_text="Husk de ældre, der bor alene.")
        entry.locator("textarea[id$=-response]").fill("Tilføjet under vision 1.")
        entry.locator("select[id$=-status]").select_option("incorporated")
        page.fill(
            "#visions-0-body", "Ingen skal være alene. Vi rækker ud til ældre, der bor alene."
        )
        page.get_by_role("button", name="Gem og byg").click()
        page.wait_for_url("**/builds/**")
        assert "version 3" in page.inner_text("h1")
        page.wait_for_selector("[data-build-state]:has-text('færdig')", timeout=BUILD_WAIT_MS)
        page.get_by_role("link", name="Se hvad der er ændret siden version 2").click()
        page.wait_for_url("**/diff**")
        text = page.inner_text("main")
        assert "Ældrerådet" in text and "Tilføjet under vision 1." in text

        # The høringsnotat of version 3 answers the response, with the change it caused.
        page.goto(service.url + "/strategies/hoering")
        with page.expect_download() as info:
            page.locator("a[href$='-hoeringsnotat.pdf']").first.click()
        notes = pdf_text(Path(info.value.path()))
        assert "Ældrerådet" in notes and "Tilføjet under vision 1." in notes

        # Published, the public page says what changed and why, to anyone.
        for version in (2, 3):
            code, body = service.json(
                "PUT",
                f"/api/v1/strategies/hoering/drafts/{version}/published",
                json.dumps({"published": True}).encode(),
                media_type="application/json",
            )
            assert code == 200, body
        code, body = service.json(
            "PUT",
            "/api/v1/strategies/hoering/public",
            json.dumps({"public": True}).encode(),
            media_type="application/json",
        )
        assert code == 200, body
        public.goto(service.url + "/public/strategies/hoering")
        said = public.inner_text("main")
        assert "Ældrerådet" in said and "Tilføjet under vision 1." in said
        assert public.get_by_role("link", name=re.compile("Høring")).count() >= 1
        wrong += checked(public, "public-strategy-after-hearing")
        assert visitor.cookies() == []

        # An admin finds what is kept of the respondent, by the address she gave.
        page.goto(service.url + "/admin/responses")
        page.fill("#email", "hanne@example.dk")
        page.get_by_role("button", name="Find svar").click()
        assert "Husk de ældre, der bor alene." in page.inner_text("main")
        wrong += checked(page, "privacy")
    finally:
        editor.close()
        visitor.close()
    assert not wrong, "\n".join(wrong)
    assert not errors, errors
