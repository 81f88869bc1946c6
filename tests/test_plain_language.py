"""Plain-language feedback (issue 13): LIX and text-heavy warnings, where people see them.

The reference drafts are the measure: udkast-1 is the text-heavy draft HovedMED asked to
shorten, udkast-2 the shortened one. The domain's warnings are checked exactly for
udkast-1, then the same feedback is read where a person meets it: `udkast validate`, the
API (checked against its OpenAPI schema), the editor's page and the comparison page.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from core.content import Strategy, validate
from core.plain_language import Counts, band_of, counts, feedback, report, sentences
from tests.app_fixtures import TestApp, example_data, example_yaml, make_test_app
from tests.chromium import launched_chromium
from tests.conftest import example_path
from tests.live_service import LiveService, live_service
from tests.test_api import ContractClient
from tests.test_browser import WIDTHS, check_page
from tests.test_browser_editor import new_page
from tests.test_cli import run
from tests.test_editor import form_of, press, text_of

# udkast-1's warnings, in reading order: (code, path, values that say which).
UDKAST1 = [
    ("plain_lix_hard", "foreword", {"lix": "50", "band": "hard"}),
    ("plain_sentence_long", "foreword", {"paragraph": "2", "count": "26"}),
    ("plain_lix_hard", "visions[0].body", {"lix": "62", "band": "very_hard"}),
    ("plain_sentence_long", "visions[0].body", {"paragraph": "1", "count": "37"}),
    ("plain_sentence_long", "visions[0].body", {"paragraph": "1", "count": "35"}),
    ("plain_sentence_long", "visions[0].body", {"paragraph": "2", "count": "29"}),
    ("plain_paragraph_long", "visions[0].body", {"paragraph": "1", "count": "72"}),
    ("plain_lix_hard", "visions[1].body", {"lix": "49", "band": "hard"}),
    ("plain_sentence_long", "visions[1].body", {"paragraph": "1", "count": "27"}),
    ("plain_sentence_long", "visions[1].body", {"paragraph": "1", "count": "26"}),
    ("plain_sentence_long", "visions[1].body", {"paragraph": "2", "count": "28"}),
    ("plain_paragraph_long", "visions[1].body", {"paragraph": "1", "count": "63"}),
    ("plain_sentence_long", "visions[2].body", {"paragraph": "1", "count": "26"}),
    ("plain_sentence_long", "visions[2].body", {"paragraph": "1", "count": "30"}),
    ("plain_sentence_long", "visions[2].body", {"paragraph": "2", "count": "30"}),
    ("plain_paragraph_long", "visions[2].body", {"paragraph": "1", "count": "66"}),
    ("plain_lix_hard", "visions[3].body", {"lix": "49", "band": "hard"}),
    ("plain_sentence_long", "visions[3].body", {"paragraph": "1", "count": "27"}),
    ("plain_target_no_year", "signs_of_success[0].target", {"value": "Stigende"}),
    ("plain_target_no_year", "signs_of_success[2].target", {"value": "Faldende"}),
    ("plain_lix_hard", "", {"lix": "50", "band": "hard"}),
]
# What made udkast-1 text-heavy: paragraphs of over 50 words, and a hard foreword.
TEXT_HEAVY = {"plain_paragraph_long"}


def shown(warnings: Any) -> list[tuple[str, str, dict[str, str]]]:
    """Return warnings as (code, path, the values UDKAST1 names), to compare with it."""
    out = []
    for w in warnings:
        values = {k: v for k, v in w.args if k != "max"}
        if w.code == "plain_sentence_long":
            del values["value"]  # the sentence's first words: checked in the wording
        out.append((w.code, w.path, values))
    return out


def with_changes(name: str = "udkast-2", **changes: Any) -> Strategy:
    """Return a reference draft with some top-level parts replaced."""
    data = example_data(name)
    data.update(changes)
    return validate(data)


# --- the domain -------------------------------------------------------------------------


def test_udkast_1_gets_exactly_its_text_heavy_warnings(udkast1: Strategy) -> None:
    assert shown(feedback(udkast1).warnings) == UDKAST1


def test_udkast_2_has_fewer_warnings_and_none_of_the_text_heavy_ones(
    udkast1: Strategy, udkast2: Strategy
) -> None:
    before, after = feedback(udkast1), feedback(udkast2)
    assert len(after.warnings) < len(before.warnings)
    assert not TEXT_HEAVY & {w.code for w in after.warnings}
    assert not [w for w in after.warnings if w.path == "foreword"]
    assert after.overall.lix < before.overall.lix
    # The three longest paragraphs of udkast-1 are named; udkast-2 has none over 50 words.
    assert [(p.path, p.words) for p in before.longest] == [
        ("visions[0].body", 72),
        ("visions[2].body", 66),
        ("visions[1].body", 63),
    ]
    assert after.longest == ()


def test_lix_is_words_per_sentence_plus_the_share_of_long_words() -> None:
    # 8 words, 2 sentences, 2 words of more than six letters: 8/2 + 100·2/8 = 29.
    measured = counts(["Alle skal have en ven. Vi hjælper borgerne sammen."])
    assert measured == Counts(words=9, sentences=2, long_words=2)
    assert measured.lix == round(9 / 2 + 100 * 2 / 9)
    # A number, an abbreviation or a lower-case word after a full stop ends no sentence;
    # a colon does, as LIX counts it.
    assert sentences("Vi har cirka 7.000 årsværk, fx. i centre pr. 1.000 borgere.") == [
        "Vi har cirka 7.000 årsværk, fx. i centre pr. 1.000 borgere."
    ]
    assert len(sentences("Målet er klart: flere i job. Og færre alene!")) == 3


@pytest.mark.parametrize(
    ("lix", "band"),
    [
        *[(0, "very_easy"), (24, "very_easy"), (25, "easy"), (34, "easy"), (35, "medium")],
        *[(44, "medium"), (45, "hard"), (54, "hard"), (55, "very_hard"), (90, "very_hard")],
    ],
)
def test_the_bands_are_the_usual_danish_ones(lix: int, band: str) -> None:
    assert band_of(lix) == band


def test_rich_text_is_measured_on_its_plain_text() -> None:
    plain = with_changes(foreword="Vi hjælper borgerne. Vi lytter.")
    marked = with_changes(
        foreword="Vi **hjælper** [borgerne](https://example.dk/lange-ord).\n\n- Vi lytter."
    )
    assert report(plain)["parts"][0] == report(marked)["parts"][0]


def test_headlines_vision_texts_and_signs_of_success_are_checked() -> None:
    data = example_data("udkast-2")
    data["visions"][0]["headline"] = "Alle borgere skal have mindst en rigtig god ven"
    data["visions"][1]["body"] = " ".join(["Vi hjælper."] * 80)  # 160 words, short sentences
    data["signs_of_success"][0] = {"id": "ny", "indicator": "Noget, vi måler"}
    data["signs_of_success"][1]["target"] = "Faldende"
    found = shown(feedback(validate(data)).warnings)

    assert ("plain_headline_long", "visions[0].headline", {"count": "9"}) in found
    assert ("plain_vision_long", "visions[1].body", {"count": "160"}) in found
    assert {code for code, path, _ in found if path.startswith("signs_of_success[0]")} == {
        "plain_no_baseline",
        "plain_no_target",
        "plain_no_data_source",
    }
    assert ("plain_target_no_year", "signs_of_success[1].target", {"value": "Faldende"}) in found
    # A target with a year is measurable: udkast-2's "75 % i 2020" gets no warning.
    assert not [p for _, p, _ in found if p == "signs_of_success[3].target"]


def test_an_english_document_gets_lix_labelled_as_measured_on_english_text() -> None:
    data = example_data("udkast-1")
    data["document"]["language"] = "en"
    data["foreword"] = (
        "The social strategy is the administration's overarching, value-based vision and "
        "the foundation we work from every day, uniting political considerations with "
        "administrative and organisational requirements throughout the organisation."
    )
    strategy = validate(data)
    english = report(strategy, "en")

    assert english["language"] == "en"
    assert english["label"] == "LIX, measured on English text"
    assert report(strategy, "da")["label"] == "LIX, målt på engelsk tekst"
    hard = [w for w in english["warnings"] if w["path"] == "foreword"]
    assert hard[0]["code"] == "plain_lix_hard_english"
    assert "measured on English text" in hard[0]["message"]


def test_the_warnings_are_worded_in_danish_and_english(udkast1: Strategy) -> None:
    danish = report(udkast1, "da")["warnings"]
    english = report(udkast1, "en")["warnings"]
    assert danish[2]["message"].startswith("Vision 1 «Uddannelse og beskæftigelse»: teksten ")
    assert "LIX 62 (meget svær)" in danish[2]["message"]
    assert "LIX 62 (very hard)" in english[2]["message"]
    assert "«Stigende» har intet årstal" in danish[-3]["message"]


# --- the command line -------------------------------------------------------------------


def validate_cli(name: str) -> subprocess.CompletedProcess[str]:
    return run("validate", "--language", "da", str(example_path(name)))


def test_udkast_validate_prints_the_warnings_after_valid_and_exits_0(udkast1: Strategy) -> None:
    first, second = validate_cli("udkast-1"), validate_cli("udkast-2")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr

    lines = first.stdout.splitlines()
    assert lines[0] == "valid"
    assert lines[1].startswith("LIX: Hele dokumentet 50 (svær); Forord 50 (svær); Vision 1")
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert [w.removeprefix("warning: ") for w in warnings] == [
        w["message"] for w in report(udkast1, "da")["warnings"]
    ]
    assert len(warnings) == len(UDKAST1)
    assert len([x for x in second.stdout.splitlines() if x.startswith("warning: ")]) < len(UDKAST1)


# --- the API ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("plain"))
    made.app.test_client_class = ContractClient  # every answer checked against OpenAPI
    return made


@pytest.fixture
def api(made: TestApp) -> Iterator[FlaskClient]:
    with made.app.test_client() as client:
        yield client
    for response in client.__dict__.get("responses", ()):
        response.close()


def headers(made: TestApp, language: str = "en") -> dict[str, str]:
    return {
        "Authorization": f"Bearer {made.token}",
        "Content-Type": "application/yaml",
        "Accept-Language": language,
    }


def codes(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(w["code"], w["path"]) for w in body["plain_language"]["warnings"]]


def test_the_validation_answer_gives_the_feedback_and_stores_nothing(made, api) -> None:
    answer = api.post(
        "/api/v1/validate", data=example_yaml("udkast-1", slug="kun-tjek"), headers=headers(made)
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["valid"] is True
    assert codes(body) == [(code, path) for code, path, _ in UDKAST1]
    assert body["plain_language"]["overall"]["lix"] == 50
    assert body["plain_language"]["overall"]["band_name"] == "hard"
    assert "kun-tjek" not in made.slugs()

    danish = api.post(
        "/api/v1/validate", data=example_yaml("udkast-2"), headers=headers(made, "da")
    ).get_json()
    assert len(danish["plain_language"]["warnings"]) < len(UDKAST1)
    assert danish["plain_language"]["parts"][0]["name"] == "Forord"
    assert danish["plain_language"]["parts"][0]["band_name"] == "middel"


def test_invalid_content_is_refused_by_the_validation_call_as_by_a_post(made, api) -> None:
    data = example_data("udkast-1")
    del data["visions"][0]["headline"]
    answer = api.post(
        "/api/v1/validate", data=yaml.safe_dump(data, allow_unicode=True), headers=headers(made)
    )
    assert answer.status_code == 422
    assert answer.get_json()["problems"][0]["path"] == "visions[0].headline"


def test_a_posted_and_a_fetched_draft_carry_the_feedback(made, api) -> None:
    posted = api.post(
        "/api/v1/drafts", data=example_yaml("udkast-1", slug="api-plain"), headers=headers(made)
    )
    assert posted.status_code == 202  # warnings never stop a draft
    assert codes(posted.get_json()) == [(code, path) for code, path, _ in UDKAST1]

    fetched = api.get("/api/v1/strategies/api-plain/drafts/1", headers=headers(made, "da"))
    assert fetched.status_code == 200
    assert codes(fetched.get_json()) == codes(posted.get_json())
    assert "sigt efter under 45" in fetched.get_json()["plain_language"]["warnings"][0]["message"]


# --- the editor -------------------------------------------------------------------------


@pytest.fixture
def editor(made: TestApp) -> Iterator[FlaskClient]:
    made.app.test_client_class = FlaskClient
    with made.app.test_client() as client:
        assert made.sign_in(client).status_code == 302
        yield client
    made.app.test_client_class = ContractClient


def panel(html: str) -> str:
    found = re.search(r'<section class="card readability".*?</section>', html, re.S)
    assert found, "no Læsbarhed panel"
    return found.group(0)


def test_the_editor_shows_the_feedback_and_updates_it_on_check(editor) -> None:
    page = text_of(editor.get("/new?from=example"))
    shown_panel = panel(page)
    assert "Læsbarhed" in shown_panel and "LIX for hele dokumentet: 50 (svær)" in shown_panel
    assert "<details>" in shown_panel  # folded until the person checks

    checked = press(editor, page, "check")
    assert checked.status_code == 200
    html = text_of(checked)
    advice = panel(html)
    assert "<details open>" in advice
    links = re.findall(r'<li><a href="#([^"]+)">', advice)
    assert len(links) == len(UDKAST1)
    # Each piece of advice links to the field it concerns, which the page has.
    for anchor in set(links):
        assert f'id="{anchor}"' in html, anchor

    short = "Alle skal have en ven. Vi skaber fællesskaber sammen med borgerne."
    changes = {f"visions-{i}-body": short for i in range(4)}
    changes["foreword"] = short
    shorter = panel(text_of(press(editor, html, "check", changes)))
    assert len(re.findall(r"<li><a ", shorter)) < 5
    assert "teksten har LIX" not in shorter


def test_the_editor_shows_no_panel_while_the_form_has_errors(editor) -> None:
    page = text_of(editor.get("/new?from=example"))
    broken = press(editor, page, "check", {"visions-0-headline": ""})
    assert broken.status_code == 422
    assert 'class="card readability"' not in text_of(broken)
    assert form_of(text_of(broken))  # the form is still there, as typed


# --- the comparison ---------------------------------------------------------------------


def test_the_comparison_page_shows_lix_before_and_after_and_the_advice_gone(made, editor) -> None:
    for name in ("udkast-1", "udkast-2"):
        assert made.post_yaml(example_yaml(name, slug="sammenlign-plain")).status_code == 202
    page = editor.get("/strategies/sammenlign-plain/2/diff")
    assert page.status_code == 200
    html = text_of(page)
    section = re.search(r'<section class="card" id="readability">.*?</section>', html, re.S)
    assert section
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section.group(0)))
    assert "Læsbarhed før og efter" in text
    assert re.search(r"Forord 50 \(svær\) 41 \(middel\)", text), text
    # Matched by id: the vision that moved to first place keeps its own before and after.
    assert re.search(r"Vision 2 «Uddannelse og beskæftigelse» 62 \(meget svær\) 45", text)
    assert f"Råd om klart sprog: {len(UDKAST1)} før, 11 efter." in text
    assert "15 råd er væk" in text and "5 nye råd" in text
    assert "i afsnit 1 en sætning på 37 ord" in text  # udkast-1's longest sentence, gone


# --- the editor in a real browser -------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("browser-plain"))


@pytest.mark.e2e
@pytest.mark.parametrize("width", WIDTHS)
def test_the_panel_opens_on_check_links_to_its_fields_and_passes_axe(browser, live, width):
    context, page, errors = new_page(browser, live, width)
    try:
        page.goto(live.url + "/new?from=example")
        assert not page.is_visible("#readability table.lix")  # folded until checked
        page.get_by_role("button", name="Kontrollér", exact=True).last.click()
        page.wait_for_selector("#readability:focus")
        assert page.is_visible("#readability table.lix")
        assert "LIX for hele dokumentet: 50 (svær)" in page.inner_text("#readability summary")
        wrong = check_page(page, "editor-readability", width)
        advice = re.compile(r"^Vision 1 «Uddannelse og beskæftigelse»: teksten har LIX 62")
        page.get_by_role("link", name=advice).click()
        page.wait_for_url("**#visions-0-body")
    finally:
        context.close()
    assert not wrong, "\n".join(wrong)
    assert not errors, errors
