"""The interface in Danish or English: the catalogue, the choice of language, the switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.app_fixtures import TestApp, example_yaml, make_test_app

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "service" / "translations"
PO = CATALOGUE / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("i18n"))


def _messages(catalog) -> dict[str, object]:
    return {
        m.id if isinstance(m.id, str) else m.id[0]: tuple(m.string)
        if isinstance(m.string, (list, tuple))
        else m.string
        for m in catalog
        if m.id
    }


def test_every_text_of_the_pages_has_its_english_and_the_compiled_catalogue_is_current():
    with PO.open("rb") as po:
        catalog = read_po(po)
    with MO.open("rb") as mo:
        compiled = read_mo(mo)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not missing, f"texts without English (make translations, then translate): {missing}"
    assert _messages(compiled) == _messages(catalog), "run make translations to compile"
    with (CATALOGUE / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    used = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map
        )
    }
    unknown = sorted(used - set(_messages(catalog)))
    assert not unknown, f"texts not in the catalogue (run make translations): {unknown}"


def test_the_pages_are_danish_unless_the_browser_prefers_english(made):
    client = made.app.test_client()
    danish = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="da">' in danish and "Log ind" in danish
    english = client.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    nordic = client.get("/sign-in", headers={"Accept-Language": "sv,da;q=0.8,en;q=0.5"})
    assert '<html lang="da">' in nordic.get_data(as_text=True)


def test_the_switch_keeps_the_chosen_language_and_returns_to_the_page(made):
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    made.post_yaml(example_yaml(slug="sprog"))
    page = client.get("/strategies/sprog").get_data(as_text=True)
    assert 'href="/language/en?next=/strategies/sprog' in page and ">English</a>" in page
    switched = client.get("/language/en?next=/strategies/sprog")
    assert switched.status_code == 302 and switched.headers["Location"] == "/strategies/sprog"
    # The choice outranks the browser's preference, on every page from now on.
    page = client.get("/strategies/sprog", headers={"Accept-Language": "da"})
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html and ">Sign out<" in html and ">Dansk</a>" in html
    back = client.get("/language/da?next=/")
    assert back.headers["Location"] == "/"
    assert '<html lang="da">' in client.get("/").get_data(as_text=True)


def test_the_switch_goes_back_only_to_this_site(made):
    client = made.app.test_client()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert client.get(f"/language/en?next={target}").headers["Location"] == "/"
    assert client.get("/language/fr").status_code == 404


def test_the_api_answers_in_english_unless_asked_for_danish(made):
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}", "Content-Type": "application/yaml"}
    invalid = example_yaml(slug="sprog-api").replace(b"headline:", b"overskrift:", 1)
    english = client.post("/api/v1/drafts", data=invalid, headers=auth).get_json()
    danish = client.post(
        "/api/v1/drafts", data=invalid, headers={**auth, "Accept-Language": "da-DK,da;q=0.9"}
    ).get_json()
    assert english["error"] == danish["error"] == "invalid_content"
    assert "nothing was stored" in english["message"]
    assert "intet blev gemt" in danish["message"]
    assert [p["path"] for p in english["problems"]] == [p["path"] for p in danish["problems"]]
    # Counted from 1 and named by its title in Danish; the API's own wording in English.
    assert any(p["message"].startswith("Vision 1 «") for p in danish["problems"])
    assert not any("Vision 1 «" in p["message"] for p in english["problems"])
    missing = client.get("/api/v1/strategies/ingen/drafts", headers=auth)
    assert missing.get_json()["message"] == "no strategy 'ingen'"
    missing = client.get(
        "/api/v1/strategies/ingen/drafts", headers={**auth, "Accept-Language": "da"}
    )
    assert missing.get_json()["message"] == "ingen strategi 'ingen'"


def test_an_error_page_speaks_the_page_language_not_the_frameworks(made):
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    danish = client.get("/findes/ikke").get_data(as_text=True)
    assert "Der er ingen side eller fil på denne adresse." in danish
    english = client.get("/findes/ikke", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "There is no page or file at this address." in english
    assert "requested URL was not found" not in danish + english  # Werkzeug's own text
