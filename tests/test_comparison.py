"""The comparison of two drafts: the PDF (read back with pypdf) and the JSON and HTML views.

The views run on a real app (temp SQLite, the local folder queue, a real token) through
Flask's test client; no worker is needed, the diff is computed from stored content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import page
import pikepdf
import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator
from pypdf import PdfReader
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from core.consultation import NAME_MAX, part_names
from core.content import Strategy, validate
from core.diff import compare, comparison_from_json
from service.app import create_app
from service.runtime import runtime
from settings import load_settings
from store import create_token
from tests.app_fixtures import add_person, sign_in_as
from tests.conftest import ROOT, example_path
from worker.render.comparison_pdf import build_comparison_html, render_comparison_pdf
from worker.render.theme import load_theme

SLUG = "socialstrategi"
HOSTILE = "<script>alert(1)</script>"


def normalise(text: str) -> str:
    """Undo line breaks and the hyphens WeasyPrint adds (U+2010) so phrases can be found."""
    text = text.replace("\u2010\n", "").replace("-\n", "-")
    return re.sub(r"\s+", " ", text).strip()


# ---------- the comparison PDF ----------


@pytest.fixture(scope="module")
def comparison_pdf(
    udkast1: Strategy, udkast2: Strategy, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("cmp") / "comparison.pdf"
    path.write_bytes(render_comparison_pdf(udkast1, udkast2))
    return path, [normalise(p.extract_text()) for p in PdfReader(path).pages]


def report_text(pages: list[str]) -> str:
    start = next(i for i, text in enumerate(pages) if text.startswith("Høringsnotat"))
    return " ".join(pages[start:])


def test_cover_names_both_drafts_and_dates(comparison_pdf: tuple[Path, list[str]]) -> None:
    cover = comparison_pdf[1][0]
    assert "Ændringer fra Udkast 1 til Udkast 2" in cover
    assert "2. marts 2018" in cover and "9. marts 2018" in cover


def test_summary_states_the_move_and_the_new_headline(
    comparison_pdf: tuple[Path, list[str]],
) -> None:
    summary = comparison_pdf[1][1]
    assert summary.startswith("Overblik")
    assert re.search(r"Det hele liv \(side \d+\): Flyttet fra plads 2 til 1", summary)
    # Insertions and deletions are told apart by their marks, not by colour alone.
    assert "[−Et godt liv med nære relationer][+Alle skal have en ven]" in summary


def test_old_and_new_headline_both_appear(comparison_pdf: tuple[Path, list[str]]) -> None:
    text = " ".join(comparison_pdf[1])
    assert "Alle skal have en ven" in text
    assert "Et godt liv med nære relationer" in text


def test_unchanged_parts_are_one_line(comparison_pdf: tuple[Path, list[str]]) -> None:
    text = " ".join(comparison_pdf[1])
    assert "= UÆNDRET Andel borgere med handicap" in text
    assert "Andel af socialrådgivernes arbejdstid i direkte borgerkontakt" in text


def test_hoeringsnotat_lists_inputs_by_source_with_status(
    comparison_pdf: tuple[Path, list[str]],
) -> None:
    report = report_text(comparison_pdf[1])
    assert report.index("BorgercenterMED Voksne") < report.index("FællesMED")
    assert report.index("FællesMED") < report.index("HovedMED")
    assert "Teksterne under de enkelte visioner kan kortes ned" in report
    rehab = report[report.index("Den rehabiliterende tilgang bør indtænkes") :]
    assert "Afventer" in rehab[: rehab.index("Tænk i en mere visuel")]


def test_report_links_to_the_changes_inside_the_pdf(
    comparison_pdf: tuple[Path, list[str]],
) -> None:
    path, pages = comparison_pdf
    start = next(i for i, text in enumerate(pages) if text.startswith("Høringsnotat"))
    with pikepdf.open(path) as pdf:
        links = [
            a
            for p in pdf.pages[start:]
            for a in p.get("/Annots", [])
            if a.get("/Subtype") == "/Link"
        ]
        assert links
        # Internal destinations only: the comparison never points outside itself.
        assert all("/Dest" in a or a.A.S == "/GoTo" for a in links)


def test_comparison_pdf_is_pdf_ua_1(comparison_pdf: tuple[Path, list[str]]) -> None:
    report = page.validate_pdf(str(comparison_pdf[0]))
    assert report.is_compliant, [f.rule_id for f in report.failures]


def with_headline(strategy: Strategy, headline: str, language: str = "da") -> Strategy:
    data = strategy.to_data()
    data["visions"][0]["headline"] = headline
    data["document"]["language"] = language
    return validate(data)


def test_labels_follow_the_document_language(udkast1: Strategy, udkast2: Strategy) -> None:
    html = build_comparison_html(
        with_headline(udkast1, "Et godt liv", "en"),
        with_headline(udkast2, "Alle skal have en ven", "en"),
        load_theme("default"),
    )
    assert "Changes from Udkast 1 to Udkast 2" in html
    assert "Moved from position 2 to 1" in html
    assert "Consultation report" in html


def test_the_stored_comparison_prints_as_the_one_compared_in_place(
    udkast1: Strategy, udkast2: Strategy
) -> None:
    # The job that stores the diff prints the PDF from it (after a trip through the
    # database's JSON) instead of comparing the drafts again: the reader sees one document.
    stored = json.loads(json.dumps(compare(udkast1, udkast2).to_json(), ensure_ascii=False))
    theme = load_theme("default")
    in_place = build_comparison_html(udkast1, udkast2, theme)
    rebuilt = comparison_from_json(stored)
    assert build_comparison_html(udkast1, udkast2, theme, rebuilt) == in_place
    assert "Ændringer fra Udkast 1 til Udkast 2" in in_place


def test_hostile_text_is_escaped_in_the_pdf_html(udkast1: Strategy, udkast2: Strategy) -> None:
    html = build_comparison_html(udkast1, with_headline(udkast2, HOSTILE), load_theme("default"))
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_changed_affects_are_named_as_readers_know_them(udkast2: Strategy, tmp_path: Path) -> None:
    # The comparison once knew only vision titles, so sections, indicators and the
    # reserved targets showed as raw ids.
    data = udkast2.to_data()
    data["sections"] = [{"id": "baggrund", "title": "Baggrund for strategien", "body": "Tekst."}]
    old = validate(data)
    data["consultation"][0]["affects"] = ["baggrund", "ulighed-sundhed", "timeline"]
    new = validate(data)
    path = tmp_path / "affects.pdf"
    path.write_bytes(render_comparison_pdf(old, new))
    text = normalise(" ".join(p.extract_text() for p in PdfReader(path).pages))
    names = part_names(new)
    assert len(names["ulighed-sundhed"]) <= NAME_MAX and names["ulighed-sundhed"].endswith("…")
    expected = f"Forord] → [+Baggrund for strategien, {names['ulighed-sundhed']}, Tidsplan]"
    assert expected in text
    assert "baggrund," not in text and "ulighed-sundhed" not in text


# ---------- the JSON and HTML views ----------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    var_dir = tmp_path_factory.mktemp("var")
    settings = load_settings({"UDKAST_VAR_DIR": str(var_dir), "UDKAST_SECRET_KEY": "k" * 32})
    made = create_app(settings)
    made.config["TESTING"] = True
    yield made
    runtime_of(made).queue.close()


def runtime_of(app: Flask) -> Any:
    with app.app_context():
        return runtime()


@pytest.fixture(scope="module")
def token(app: Flask) -> str:
    db = runtime_of(app).sessions()
    try:
        return create_token(db, "comparison-tests")
    finally:
        db.close()


def post_draft(client: FlaskClient, token: str, data: bytes) -> None:
    response = client.post(
        "/api/v1/drafts",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"},
    )
    assert response.status_code == 202, response.get_json()


@pytest.fixture(scope="module")
def stored(app: Flask, token: str) -> str:
    """Store udkast-1, udkast-2 and a third draft with a hostile headline."""
    client = app.test_client()
    post_draft(client, token, example_path("udkast-1").read_bytes())
    post_draft(client, token, example_path("udkast-2").read_bytes())
    data = yaml.safe_load(example_path("udkast-2").read_text(encoding="utf-8"))
    data["visions"][0]["headline"] = HOSTILE
    data["document"]["draft_label"] = "Udkast 3"
    post_draft(client, token, yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
    return token


def get_json(app: Flask, token: str, path: str) -> tuple[int, dict[str, Any]]:
    response = app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.get_json()


def test_json_diff_has_the_move_and_the_headline_change(app: Flask, stored: str) -> None:
    status, body = get_json(app, stored, f"/api/v1/strategies/{SLUG}/drafts/2/diff")
    assert status == 200
    assert (body["old"]["version"], body["new"]["version"]) == (1, 2)
    part = next(p for p in body["parts"] if p["id"] == "det-hele-liv")
    assert part["moved"] and (part["old_index"], part["new_index"]) == (1, 0)
    headline = next(f for f in part["fields"] if f["name"] == "headline")
    assert headline["old"] == "Et godt liv med nære relationer"
    assert headline["new"] == "Alle skal have en ven"
    assert {"summary", "consultation", "metadata_changes", "is_empty"} <= body.keys()


def test_against_the_previous_version_is_the_default(app: Flask, stored: str) -> None:
    path = f"/api/v1/strategies/{SLUG}/drafts/2/diff"
    assert get_json(app, stored, path) == get_json(app, stored, path + "?against=1")


def test_any_two_versions_can_be_compared(app: Flask, stored: str) -> None:
    status, body = get_json(app, stored, f"/api/v1/strategies/{SLUG}/drafts/1/diff?against=3")
    assert status == 200
    assert (body["old"]["version"], body["new"]["version"]) == (3, 1)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        (f"/api/v1/strategies/{SLUG}/drafts/9/diff", 404, "no version 9"),
        (f"/api/v1/strategies/{SLUG}/drafts/2/diff?against=7", 404, "no version 7"),
        (f"/api/v1/strategies/{SLUG}/drafts/2/diff?against=9{'0' * 20}", 404, "no version 9"),
        (f"/api/v1/strategies/{SLUG}/drafts/1/diff", 404, "no previous draft"),
        ("/api/v1/strategies/nobody/drafts/2/diff", 404, "no version 2"),
        (f"/api/v1/strategies/{SLUG}/drafts/2/diff?against=0", 400, "version number"),
        (f"/api/v1/strategies/{SLUG}/drafts/2/diff?against=x", 400, "version number"),
    ],
)
def test_bad_versions_get_clear_json_errors(
    app: Flask, stored: str, path: str, status: int, words: str
) -> None:
    got, body = get_json(app, stored, path)
    assert got == status
    assert words in body["message"]


def test_json_diff_needs_a_token(app: Flask, stored: str) -> None:
    response = app.test_client().get(f"/api/v1/strategies/{SLUG}/drafts/2/diff")
    assert response.status_code == 401


def signed_in_client(app: Flask, token: str) -> FlaskClient:
    """Return a client signed in as a new reader (readers see every comparison)."""
    client = app.test_client()
    email, _ = add_person(app, "reader")
    assert sign_in_as(client, email).status_code == 302
    return client


def test_html_page_shows_redline_moves_and_report(app: Flask, stored: str) -> None:
    client = signed_in_client(app, stored)
    response = client.get(f"/strategies/{SLUG}/2/diff")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<del>[−Et godt liv med nære relationer]</del>" in html
    assert "<ins>[+Alle skal have en ven]</ins>" in html
    assert "Flyttet fra plads 2 til 1" in html
    assert 'class="part part-changed part-moved" id="p-vision-det-hele-liv"' in html
    assert 'href="#p-vision-det-hele-liv"' in html  # the report links to the change
    assert "Høringsnotat" in html and "Afventer" in html


def test_html_page_escapes_hostile_content(app: Flask, stored: str) -> None:
    html = signed_in_client(app, stored).get(f"/strategies/{SLUG}/3/diff").get_data(as_text=True)
    assert HOSTILE not in html
    assert "<ins>[+&lt;script&gt;alert(1)&lt;/script&gt;]</ins>" in html


def test_history_links_to_the_changes(app: Flask, stored: str) -> None:
    html = signed_in_client(app, stored).get(f"/strategies/{SLUG}").get_data(as_text=True)
    assert f'href="/strategies/{SLUG}/2/diff"' in html
    assert f'href="/strategies/{SLUG}/1/diff"' not in html


def test_html_page_needs_sign_in(app: Flask, stored: str) -> None:
    response = app.test_client().get(f"/strategies/{SLUG}/2/diff")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_json_diff_matches_its_openapi_schema(app: Flask, stored: str) -> None:
    spec = yaml.safe_load((ROOT / "service" / "openapi.yaml").read_text(encoding="utf-8"))
    operation = spec["paths"]["/api/v1/strategies/{slug}/drafts/{version}/diff"]["get"]
    assert {"200", "400", "401", "404"} <= operation["responses"].keys()
    registry: Registry[Any] = Registry().with_resource(
        "urn:openapi", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    validator = OAS31Validator(
        {"$ref": "urn:openapi#/components/schemas/Comparison"}, registry=registry
    )
    _, body = get_json(app, stored, f"/api/v1/strategies/{SLUG}/drafts/3/diff?against=1")
    assert [e.message for e in validator.iter_errors(body)] == []
