"""The empty Word template: shipped fresh, guidance in every field, filled in it is version 1.

The template is filled in here as Word does it: typing in a control showing its
placeholder replaces the guidance and clears `w:showingPlcHdr`; a date is picked in the
date picker (its value in `w:fullDate`). The file goes through the API of a real app.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from typing import Any

import docx as python_docx
import pytest
from flask.testing import FlaskClient
from lxml import etree

from core.content import validate
from core.samples import WORD_TEMPLATES, word_template_data, word_template_file
from core.wordfile.richtext import w
from scripts.word_templates import render_template
from tests.app_fixtures import TestApp, example_yaml, make_test_app
from tests.test_wordfile_content import typed_over, with_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAMESPACE = "{https://udkast.dk/ns/strategy/v1}"
Fill = Callable[[dict[str, Any], list[Any], list[Any]], None]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("word-template"))


def post_docx(made: TestApp, data: bytes, language: str = "en"):
    client = made.app.test_client()
    headers = {"Authorization": f"Bearer {made.token}", "Accept-Language": language}
    return client.post("/api/v1/drafts", data=data, content_type=DOCX, headers=headers)


def stored(made: TestApp, slug: str, version: int) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {made.token}"}
    answer = made.app.test_client().get(f"/api/v1/strategies/{slug}/drafts/{version}", headers=auth)
    content: dict[str, Any] = answer.get_json()["draft"]["content"]
    return content


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """Return content as the service stores it (defaults written out)."""
    return validate(data).to_data()


# Word's part in the file: typing into controls, as a person does.


def _typed(sdt: Any) -> Any:
    """Clear a control's placeholder state, as Word does on the first key; return its content."""
    properties = sdt.find(w("sdtPr"))
    properties.remove(properties.find(w("showingPlcHdr")))
    content = sdt.find(w("sdtContent"))
    for style in list(content.iter(w("rStyle"))):
        if style.get(w("val")) == "PlaceholderText":
            style.getparent().remove(style)
    return content


def type_in(sdt: Any, text: str) -> None:
    """Type one line over a control's placeholder."""
    typed_over(_typed(sdt), text)


def type_lines(sdt: Any, lines: list[str]) -> None:
    """Type paragraphs over a block control's placeholder (Enter between them)."""
    content = _typed(sdt)
    paragraphs = list(content.iter(w("p")))
    for line in lines:
        paragraph = copy.deepcopy(paragraphs[0])
        typed_over(paragraph, line)
        paragraphs[-1].addnext(paragraph)
        paragraphs.append(paragraph)
    for old in paragraphs[: len(paragraphs) - len(lines)]:
        old.getparent().remove(old)


def pick_date(sdt: Any, iso: str, shown: str) -> None:
    """Pick a date in a date control's picker."""
    sdt.find(f"{w('sdtPr')}/{w('date')}").set(w("fullDate"), f"{iso}T00:00:00Z")
    type_in(sdt, shown)


def filled(language: str, fill: Fill) -> bytes:
    """Return the shipped template with `fill(controls by place, sign cells, timeline cells)`."""

    def change(root: Any) -> None:
        controls = {}
        for sdt in root.iter(w("sdt")):
            tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
            if tag is not None:
                controls[tag.get(w("val")).removeprefix("udkast:")] = sdt
        cells = {
            name: [c for c in controls[name].iter(w("sdt")) if c is not controls[name]]
            for name in ("signs_of_success", "timeline")
        }
        fill(controls, cells["signs_of_success"], cells["timeline"])

    return with_document(word_template_file(language), change)


def fill_everything(controls: dict[str, Any], signs: list[Any], timeline: list[Any]) -> None:
    type_in(controls["document.organisation"], "Ældre- og Sundhedsforvaltningen")
    type_in(controls["document.title"], "Ældrestrategi for Åby 2027")
    type_in(controls["document.subtitle"], "Et godt liv hele livet")
    type_in(controls["document.draft_label"], "Første udkast")
    pick_date(controls["document.date"], "2027-01-15", "15. januar 2027")
    type_lines(controls["document.authors"], ["Kontor for Ældre, Sekretariat"])
    type_in(controls["foreword"], "Strategien samler vores retning.")
    for n, (title, headline) in enumerate(
        [
            ("Det hele liv", "Alle skal have en ven"),
            ("Sundhed", "Flere gode år"),
            ("Hjem", "Tryg i eget hjem"),
        ],
        start=1,
    ):
        place = f"visions[vision-{n}]"
        type_in(controls[f"{place}.title"], title)
        type_in(controls[f"{place}.headline"], headline)
        type_lines(controls[f"{place}.body"], [f"Om {title.lower()}.", "Andet afsnit."])
        type_lines(controls[f"{place}.commitments"], ["Vi lytter.", "Vi handler."])
    for cell, text in zip(
        signs,
        [
            "Andel med en ven",
            "60 % (2026)",
            "75 %",
            "Trivselsmåling",
            "Raske leveår",
            "–",
            "Flere",
            "Danmarks Statistik",
        ],
        strict=True,
    ):
        type_in(cell, text)
    for n, title in enumerate(("Baggrund", "Implementering"), start=1):
        type_in(controls[f"sections[section-{n}].title"], title)
        type_lines(controls[f"sections[section-{n}].body"], [f"Om {title.lower()}."])
    pick_date(timeline[0], "2027-02-01", "1. februar 2027")
    type_in(timeline[1], "Drøftelse i udvalget")
    type_in(timeline[2], "3. marts 2027")  # typed, not picked: Word keeps it as text
    type_in(timeline[3], "Høring")


EVERYTHING: dict[str, Any] = {
    "format": "strategy/v1",
    "document": {
        "slug": "aeldrestrategi-for-aaby-2027",
        "title": "Ældrestrategi for Åby 2027",
        "subtitle": "Et godt liv hele livet",
        "organisation": "Ældre- og Sundhedsforvaltningen",
        "language": "da",
        "status": "draft",
        "draft_label": "Første udkast",
        "date": "2027-01-15",
        "authors": [{"name": "Kontor for Ældre", "role": "Sekretariat"}],
    },
    "foreword": "Strategien samler vores retning.",
    "visions": [
        {
            "id": f"vision-{n}",
            "title": title,
            "headline": headline,
            "body": f"Om {title.lower()}.\n\nAndet afsnit.",
            "commitments": ["Vi lytter.", "Vi handler."],
        }
        for n, (title, headline) in enumerate(
            [
                ("Det hele liv", "Alle skal have en ven"),
                ("Sundhed", "Flere gode år"),
                ("Hjem", "Tryg i eget hjem"),
            ],
            start=1,
        )
    ],
    "signs_of_success": [
        {
            "id": "sign-1",
            "vision": "vision-1",
            "indicator": "Andel med en ven",
            "baseline": "60 % (2026)",
            "target": "75 %",
            "data_source": "Trivselsmåling",
        },
        {
            "id": "sign-2",
            "vision": "vision-2",
            "indicator": "Raske leveår",
            "target": "Flere",
            "data_source": "Danmarks Statistik",
        },
    ],
    "sections": [
        {"id": "section-1", "title": "Baggrund", "body": "Om baggrund."},
        {"id": "section-2", "title": "Implementering", "body": "Om implementering."},
    ],
    "timeline": [
        {"date": "2027-02-01", "event": "Drøftelse i udvalget", "state": "planned"},
        {"date": "2027-03-03", "event": "Høring", "state": "planned"},
    ],
}


# The shipped files.


@pytest.mark.parametrize("language", sorted(WORD_TEMPLATES))
def test_the_committed_templates_are_rendered_from_the_current_code(language):
    # A DOCX render is reproducible (worker/render/docx/packaging.py): the shipped file
    # is exactly what the current code renders, byte for byte.
    fresh = render_template(language)
    assert "customXml/item1.xml" in zipfile.ZipFile(io.BytesIO(fresh)).namelist()
    assert fresh == word_template_file(language), (
        f"{WORD_TEMPLATES[language]} is stale: run make word-templates"
    )


@pytest.mark.parametrize(
    ("language", "guidance"),
    [
        ("da", "Skriv en kort overskrift, der er let at huske"),
        ("en", "Write a short headline that is easy to remember"),
    ],
)
def test_every_field_of_the_template_shows_guidance_as_placeholder_text(language, guidance):
    document = python_docx.Document(io.BytesIO(word_template_file(language)))
    body = document.element.body
    fields = [s for s in body.iter(w("sdt")) if s.find(f"{w('sdtPr')}/{w('tag')}") is not None]
    tables = {"udkast:signs_of_success", "udkast:timeline"}
    texts = []
    for sdt in fields:
        tag = sdt.find(f"{w('sdtPr')}/{w('tag')}").get(w("val"))
        inner = [sdt] if tag not in tables else [c for c in sdt.iter(w("sdt")) if c is not sdt]
        assert inner, tag
        for control in inner:
            assert control.find(f"{w('sdtPr')}/{w('showingPlcHdr')}") is not None, tag
            runs = [r for r in control.iter(w("r")) if r.find(w("t")) is not None]
            styles = {r.find(f"{w('rPr')}/{w('rStyle')}").get(w("val")) for r in runs}
            assert styles == {"PlaceholderText"}, tag
            texts.append("".join(t.text or "" for t in control.iter(w("t"))))
    assert texts.count(guidance) == 3  # one headline per vision
    assert {"Vælg en dato", "Pick a date"} & set(texts)  # a date picker has no date yet
    style = document.styles["Placeholder Text"]
    assert str(style.font.color.rgb) == "808080"  # Word's grey: guidance, not text
    item = zipfile.ZipFile(io.BytesIO(word_template_file(language))).read("customXml/item1.xml")
    root = etree.fromstring(item)
    assert root.findtext(f"{NAMESPACE}template") == "true"
    assert root.findtext(f"{NAMESPACE}slug") == ""  # the title the person writes names it
    assert root.findtext(f"{NAMESPACE}language") == language


def test_the_template_is_rendered_from_valid_content_in_its_language():
    for language in WORD_TEMPLATES:
        strategy = validate(word_template_data(language))
        assert strategy.document.language == language
        assert len(strategy.visions) == 3 and not strategy.consultation


# Filled in and uploaded.


def test_the_filled_template_is_version_1_with_exactly_what_was_typed_and_again_no_new_one(made):
    docx = filled("da", fill_everything)
    answer = post_docx(made, docx)
    body = answer.get_json()
    assert answer.status_code == 202, body
    assert body["draft"]["version"] == 1
    assert body["warnings"] == []
    assert stored(made, "aeldrestrategi-for-aaby-2027", 1) == canonical(EVERYTHING)

    again = post_docx(made, docx)
    assert again.status_code == 200, again.get_json()
    assert made.versions("aeldrestrategi-for-aaby-2027") == [1]


def test_the_english_template_fills_in_the_same_way(made):
    def fill(controls, signs, timeline):
        type_in(controls["document.title"], "Strategy for Old Town")
        type_in(controls["visions[vision-2].title"], "Health")
        type_in(controls["visions[vision-2].headline"], "More good years")
        type_in(signs[4], "Healthy years")

    answer = post_docx(made, filled("en", fill))
    assert answer.status_code == 202, answer.get_json()
    # The row stays under the vision it was shown under.
    assert stored(made, "strategy-for-old-town", 1) == canonical(
        {
            "format": "strategy/v1",
            "document": {
                "slug": "strategy-for-old-town",
                "title": "Strategy for Old Town",
                "language": "en",
            },
            "visions": [{"id": "vision-2", "title": "Health", "headline": "More good years"}],
            "signs_of_success": [
                {"id": "sign-2", "vision": "vision-2", "indicator": "Healthy years"}
            ],
        }
    )


def test_what_is_left_untouched_is_left_out_and_counted(made):
    def fill(controls, signs, timeline):
        type_in(controls["document.title"], "Kort strategi")
        type_in(controls["visions[vision-1].title"], "Det hele liv")
        type_in(controls["visions[vision-1].headline"], "Alle skal have en ven")
        type_in(signs[4], "Andel raske")  # the second row, under vision 2, left untouched
        pick_date(timeline[0], "2027-02-01", "1. februar 2027")
        type_in(timeline[1], "Udvalget")

    answer = post_docx(made, filled("da", fill), "da")
    body = answer.get_json()
    assert answer.status_code == 202, body
    # Vision 2 is left out, so the sign typed under it no longer belongs to a vision.
    assert stored(made, "kort-strategi", 1) == canonical(
        {
            "format": "strategy/v1",
            "document": {"slug": "kort-strategi", "title": "Kort strategi", "language": "da"},
            "visions": [
                {"id": "vision-1", "title": "Det hele liv", "headline": "Alle skal have en ven"}
            ],
            "signs_of_success": [{"id": "andel-raske", "indicator": "Andel raske"}],
            "timeline": [{"date": "2027-02-01", "event": "Udvalget"}],
        }
    )
    said = " ".join(w["message"] for w in body["warnings"])
    # Visions 2 and 3, both sections, the first sign's row and the second milestone.
    assert "6 dele af skabelonen, som ikke var udfyldt" in said


def test_a_required_field_left_as_guidance_is_named_and_nothing_is_stored(made):
    def fill(controls, signs, timeline):
        type_in(controls["document.title"], "Uden overskrift")
        type_in(controls["visions[vision-1].title"], "Det hele liv")

    answer = post_docx(made, filled("da", fill), "da")
    body = answer.get_json()
    assert answer.status_code == 422, body
    assert [p["path"] for p in body["problems"]] == ["visions[0].headline"]
    assert "uden-overskrift" not in made.slugs()


def test_a_title_naming_a_strategy_with_other_content_is_refused(made):
    assert made.post_yaml(example_yaml("udkast-1", slug="optaget")).status_code == 202

    def fill(controls, signs, timeline):
        type_in(controls["document.title"], "Optaget")
        type_in(controls["visions[vision-1].title"], "Det hele liv")
        type_in(controls["visions[vision-1].headline"], "Alle skal have en ven")

    answer = post_docx(made, filled("da", fill), "da")
    body = answer.get_json()
    assert answer.status_code == 422, body
    [problem] = body["problems"]
    assert problem["path"] == "document.title"
    assert "optaget" in problem["message"] and "anden titel" in problem["message"]
    assert made.versions("optaget") == [1]


# The start page.


@pytest.mark.parametrize(
    ("language", "name", "link"),
    [
        ("da", "strategi-skabelon.docx", "den tomme Word-skabelon"),
        ("en", "strategy-template.docx", "the empty Word template"),
    ],
)
def test_the_start_page_offers_the_word_template_in_its_language(made, language, name, link):
    client: FlaskClient = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    assert client.get(f"/language/{language}").status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert f'href="/help/{name}" download>{link}</a>' in html
    answer = client.get(f"/help/{name}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == DOCX
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert answer.data == word_template_file(language)


def test_the_template_sent_back_empty_names_what_is_missing_and_stores_nothing(made):
    before = made.slugs()
    answer = post_docx(made, word_template_file("da"), "da")
    body = answer.get_json()
    assert answer.status_code == 422, body
    assert {p["path"] for p in body["problems"]} == {"document.title", "visions"}
    assert made.slugs() == before
