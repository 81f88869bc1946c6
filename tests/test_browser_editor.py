"""The guided editor in a real browser (Debian's Chromium) against a real running service.

One service and one browser for the module: a strategy written only through the form,
saved, built and downloaded; a second draft from it compared; two people saving at once;
the same steps from the keyboard alone; axe and the width check on the editor's pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.chromium import launched_chromium
from tests.live_service import LiveService, live_service
from tests.test_browser import WIDTHS, check_page

pytestmark = pytest.mark.e2e
BUILD_WAIT_MS = 90_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("browser-editor"))


def sign_in(page: Any, service: LiveService) -> None:
    """Sign in as the service's editor (the accounts work changes only this)."""
    page.goto(service.url + "/sign-in")
    page.fill("#email", service.email)
    page.fill("#password", service.password)
    page.click("main button[type=submit]")
    page.wait_for_url(service.url + "/")


def new_page(browser: Any, service: LiveService, width: int = 1280) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(accept_downloads=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, service)
    return context, page, errors


def headlines(page: Any) -> list[str]:
    fields = page.locator("input[id^=visions-][id$=-headline]")
    return [fields.nth(i).input_value() for i in range(fields.count())]


VISIONS = [
    ("Det hele liv", "Alle skal have en ven"),
    ("Sundhed", "Flere gode leveår"),
    ("Arbejde", "Flere i job"),
    ("Fællesskab", "Vi står sammen"),
]


def test_write_a_strategy_in_the_form_save_download_and_revise(browser, service, tmp_path):
    context, page, errors = new_page(browser, service)
    try:
        page.get_by_role("link", name="Start med en tom strategi").click()
        page.wait_for_url("**/new")
        page.fill("#document-title", "Strategi fra formularen")
        assert page.input_value("#document-slug") == "strategi-fra-formularen"  # proposed live
        for i, (title, headline) in enumerate(VISIONS):
            if i:
                page.get_by_role("button", name="Tilføj en vision").click()
                page.wait_for_selector(f"#visions-{i}-title:focus")  # the new vision's first field
            page.fill(f"#visions-{i}-title", title)
            page.fill(f"#visions-{i}-headline", headline)
        # Live guidance while typing, and the rich text as the documents will show it.
        assert page.inner_text("#visions-3-headline-count").startswith("3 ord")
        page.locator("#visions-0 details.preview summary").click()
        page.fill("#visions-0-body", "Vi vil **mere** fællesskab:\n\n- venner\n- naboer")
        page.wait_for_selector("#visions-0-body-preview strong:has-text('mere')")
        assert page.locator("#visions-0-body-preview li").count() == 2
        # The fourth vision moves up to third.
        page.get_by_role("button", name=re.compile(r"^Flyt op\W+vision 4\W*$")).click()
        page.wait_for_selector("#visions-2-up:focus")
        assert headlines(page) == [
            "Alle skal have en ven",
            "Flere gode leveår",
            "Vi står sammen",
            "Flere i job",
        ]
        page.get_by_role("button", name="Tilføj et tegn på succes").click()
        page.fill("#signs_of_success-0-indicator", "Andel der har en ven")
        page.select_option("#signs_of_success-0-vision", label="Vision 1: Det hele liv")
        page.fill("#signs_of_success-0-baseline", "70 % (2025)")
        page.get_by_role("button", name="Tilføj en milepæl").click()
        page.fill("#timeline-0-date", "2026-03-01")
        page.fill("#timeline-0-event", "Udvalget drøfter udkastet")
        # The first pages of the PDF, from a worker, before anything is saved.
        page.get_by_role("button", name="Forhåndsvis PDF").click()
        page.wait_for_selector("img[alt='Side 1 af forhåndsvisningen']", timeout=120_000)
        assert page.input_value("#visions-2-headline") == "Vi står sammen"  # the form is kept
        page.get_by_role("button", name="Gem og byg").click()
        page.wait_for_url("**/builds/**")
        page.wait_for_selector("[data-build-state]:has-text('færdig')", timeout=BUILD_WAIT_MS)
        with page.expect_download() as info:
            page.locator("a[href$='.pdf']").first.click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-")

        # A second draft from the first: a new headline, and a vision moved down.
        page.get_by_role("link", name="Nyt udkast ud fra version 1").click()
        page.wait_for_url("**/strategies/strategi-fra-formularen/1/edit")
        assert page.input_value("#signs_of_success-0-vision") == "det-hele-liv"
        page.fill("#visions-0-headline", "Ingen skal være alene")
        page.get_by_role("button", name=re.compile(r"^Flyt ned\W+vision 2\W*$")).click()
        page.wait_for_selector("#visions-2-down:focus")
        assert page.input_value("#visions-0-headline") == "Ingen skal være alene"  # kept
        page.get_by_role("button", name="Gem og byg").click()
        page.wait_for_url("**/builds/**")
        assert "version 2" in page.inner_text("h1")
        page.get_by_role("link", name="Se hvad der er ændret siden version 1").click()
        page.wait_for_url("**/diff**")
        text = page.inner_text("main")
        assert "Ingen skal være alene" in text and "Alle skal have en ven" in text
        assert "Sundhed" in text and re.search(r"[Ff]lyttet", text)
    finally:
        context.close()
    assert not errors, errors


def test_a_save_in_between_is_not_silently_overwritten(browser, service):
    slug_page = "/strategies/strategi-fra-formularen/2/edit"
    first, mine, errors = new_page(browser, service)
    second, theirs, _ = new_page(browser, service)
    try:
        mine.goto(service.url + slug_page)
        theirs.goto(service.url + slug_page)
        theirs.fill("#visions-1-headline", "Deres overskrift")
        theirs.get_by_role("button", name="Gem og byg").click()
        theirs.wait_for_url("**/builds/**")

        mine.fill("#visions-1-headline", "Min overskrift")
        mine.get_by_role("button", name="Gem og byg").click()
        warning = mine.locator("#conflict")
        warning.wait_for()
        assert re.search(r"Version 3 blev gemt af \S+ .* kl\. \d\d:\d\d", warning.inner_text())
        assert mine.input_value("#visions-1-headline") == "Min overskrift"  # kept
        assert (
            warning.get_by_role("link", name="Se hvad der er ændret fra version 2 til 3").count()
            == 1
        )
        warning.get_by_role("button", name="Gem alligevel som version 4").click()
        mine.wait_for_url("**/builds/**")
        assert "version 4" in mine.inner_text("h1")
    finally:
        first.close()
        second.close()
    assert [e for e in errors if "409" not in e] == []  # the warning page's own status


def press_tab_until(page: Any, element_id: str, limit: int = 400) -> None:
    """Move the focus with the Tab key alone until it is on the element with this id."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached #{element_id}")


def test_the_keyboard_alone_adds_moves_and_saves(browser, service):
    context, page, errors = new_page(browser, service)
    try:
        page.goto(service.url + "/new")
        press_tab_until(page, "document-title")
        page.keyboard.type("Med tastaturet")
        press_tab_until(page, "visions-0-title")
        page.keyboard.type("Først")
        page.keyboard.press("Tab")
        page.keyboard.type("En overskrift")
        press_tab_until(page, "visions-add")
        page.keyboard.press("Enter")
        page.wait_for_selector("#visions-1-title:focus")  # the focus lands in the new vision
        page.keyboard.type("Sidst")
        page.keyboard.press("Tab")
        page.keyboard.type("En anden overskrift")
        press_tab_until(page, "visions-1-up")
        page.keyboard.press("Enter")
        page.wait_for_selector("#visions-0-up:focus")  # on the moved vision's own button
        assert page.input_value("#visions-0-title") == "Sidst"
        press_tab_until(page, "save")
        page.keyboard.press("Enter")
        page.wait_for_url("**/builds/**")
        assert "Med tastaturet" in page.inner_text("h1")
    finally:
        context.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_the_editor_fits_the_screen_and_passes_axe(browser, service, width):
    context, page, errors = new_page(browser, service, width)
    try:
        # The example has a part of every kind; one field left empty shows the errors too.
        page.goto(service.url + "/new?from=example")
        page.fill("#visions-0-headline", "")
        page.get_by_role("button", name="Kontrollér", exact=True).last.click()
        page.wait_for_selector("#error-summary:focus")
        summary = page.inner_text("#error-summary")
        assert "Vision 1 «Uddannelse og beskæftigelse»: overskriften mangler" in summary
        assert "Overskriften mangler" in page.inner_text(".has-error:has(#visions-0-headline)")
        assert page.input_value("#visions-0-title") == "Uddannelse og beskæftigelse"
        wrong = check_page(page, "editor", width)
    finally:
        context.close()
    assert not wrong, "\n".join(wrong)
    assert [e for e in errors if "422" not in e] == []  # the error page's own status
