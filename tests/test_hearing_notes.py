"""The høringsnotat as its own download (issue 12): inputs by sender, and what they changed.

Most tests render through the worker's render functions and read the files as a person
would (pdftotext, python-docx); one goes through the app and the worker's jobs, as a
build does.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import page
import pytest
import yaml
from docx import Document

from core import outputs
from core.content import Strategy, validate
from core.diff import compare
from core.hearing_notes import hearing_notes
from service.runtime import runtime
from store import list_drafts, submit_draft
from tests.app_fixtures import TestApp, csrf_token, example_data, example_yaml, make_test_app
from tests.docx_reading import paragraph_texts
from worker import jobs
from worker.render import hearing_renderer
from worker.render.hearing import render_hearing_notes_docx, render_hearing_notes_pdf

NOTES = ("hearing-notes-pdf", "hearing-notes-docx")


def pdf_pages(data: bytes, path: Path) -> list[str]:
    """Return each page's text as pdftotext reads it, with line breaks and hyphens undone."""
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [normalise(p) for p in text.split("\f") if p.strip()]


def normalise(text: str) -> str:
    text = text.replace("\u2010\n", "").replace("\u00ad\n", "").replace("-\n", "-")
    return re.sub(r"\s+", " ", text).strip()


def docx_lines(data: bytes) -> list[str]:
    return [normalise(t) for t in paragraph_texts(io.BytesIO(data)) if t.strip()]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("notes")


@pytest.fixture(scope="module")
def pdf2(udkast1: Strategy, udkast2: Strategy, out: Path) -> list[str]:
    return pdf_pages(render_hearing_notes_pdf(udkast2, udkast1), out / "notes-2.pdf")


@pytest.fixture(scope="module")
def docx2(udkast1: Strategy, udkast2: Strategy) -> bytes:
    return render_hearing_notes_docx(udkast2, udkast1)


def in_order(text: str, *phrases: str) -> bool:
    """Tell whether the phrases appear in the text in this order."""
    at = 0
    for phrase in phrases:
        found = text.find(phrase, at)
        if found < 0:
            return False
        at = found + len(phrase)
    return True


# ---------- the reference pair, udkast-1 → udkast-2 ----------


def test_the_pdf_names_itself_the_strategy_the_version_and_what_it_compares(pdf2: list[str]):
    cover = pdf2[0]
    assert in_order(cover, "Høringsnotat", "Socialstrategi 2018–2022", "Udkast 2 · 9. marts 2018")
    assert "Ændringerne er vist i forhold til Udkast 1 (2. marts 2018)." in cover
    summary = pdf2[1]
    assert "11 input fra 3 afsendere · 9 nye i denne version" in summary
    assert in_order(summary, "Indarbejdet 10", "Afventer 1")


def test_the_pdf_groups_inputs_by_sender_with_response_status_and_changes(
    pdf2: list[str], udkast2: Strategy
):
    body = " ".join(pdf2[1:])
    start = body.index("Input og behandling")
    report = body[start:]
    # Each sender once, as a heading, in the order they first gave input.
    assert in_order(report, "BorgercenterMED Voksne", "FællesMED", "HovedMED")
    for entry in udkast2.consultation:
        assert normalise(entry.input) in report, entry.id
        assert normalise(entry.response or "") in report, entry.id
    # An input, its status, what it concerns, the response, and the changes it caused.
    assert in_order(
        report,
        "Indarbejdet NYT I DENNE VERSION · 2. marts 2018",
        "Brug korte, fængende overskrifter",
        "VEDRØRER: Det hele liv, Uddannelse og beskæftigelse",
        "BEHANDLING Nye overskrifter på tre af de fire visioner.",
        "ÆNDRINGER",
        "Vision: Det hele liv ÆNDRET ↕ FLYTTET FRA PLADS 2 TIL 1 (Overskrift, Tekst, Det gør vi)",
        "Overskrift: [−Et godt liv med nære relationer] → [+Alle skal have en ven]",
    )
    # A pending input, and the signs of success it concerns: one moved, one added.
    # (pdftotext reads a badge on a line's baseline after the line below: order is loose.)
    pending = report[report.index("Afventer NYT I DENNE VERSION") :]
    assert in_order(
        pending,
        "Den rehabiliterende tilgang",
        "Tegn på succes: Andel borgere i vores tilbud, der ofte føler sig ensomme",
        "FLYTTET FRA PLADS 3 TIL 1",
        "Tegn på succes: Forebyggelige indlæggelser blandt borgere i vores botilbud (pr. 1.000)",
        "TILFØJET",
    )
    # What the content cannot show changed says so, instead of "no change".
    visual = report[report.index("Tænk i en mere visuel fremstilling") :]
    assert "Layout kan ikke kontrolleres" in visual
    assert "Ingen ændringer" not in visual


def test_the_notes_and_the_comparison_link_the_same_changes(udkast1: Strategy, udkast2: Strategy):
    comparison = compare(udkast1, udkast2)
    notes = hearing_notes(udkast2, udkast1, comparison)
    report = comparison.consultation
    assert [g.source for g in notes.groups] == [g.source for g in report.groups]
    for group, linked in zip(notes.groups, report.groups, strict=True):
        for item, entry in zip(group.inputs, linked.inputs, strict=True):
            assert item.id == entry.id
            assert [c.name for c in item.changes] == [ref.title for ref in entry.changes]
    # Without the stored comparison, the renderer compares the two itself, to the same.
    assert hearing_notes(udkast2, udkast1) == notes


def test_the_pdf_is_pdf_ua_with_page_numbers(udkast1: Strategy, udkast2: Strategy, out: Path):
    path = out / "ua.pdf"
    pages = pdf_pages(render_hearing_notes_pdf(udkast2, udkast1), path)

    report = page.validate_pdf(str(path))
    assert report.is_compliant, [f.rule_id for f in report.failures]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Side {number} af {len(pages)}" in text


def test_the_docx_shows_the_same_groups_statuses_and_changes(docx2: bytes, udkast2: Strategy):
    lines = docx_lines(docx2)
    text = " ".join(lines)
    document = Document(io.BytesIO(docx2))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == ["BorgercenterMED Voksne", "FællesMED", "HovedMED"]
    assert in_order(text, "Høringsnotat", "Socialstrategi 2018–2022", "Udkast 2 · 9. marts 2018")
    assert "11 input fra 3 afsendere · 9 nye i denne version" in text
    for entry in udkast2.consultation:
        assert normalise(entry.input) in text, entry.id
    assert in_order(
        text,
        "Brug korte, fængende overskrifter",
        "Nye overskrifter på tre af de fire visioner.",
        "Ændringer",
        "Vision: Det hele liv – Ændret; Flyttet fra plads 2 til 1 (Overskrift, Tekst, Det gør vi)",
        "Overskrift: Et godt liv med nære relationer → Alle skal have en ven",
        "Indarbejdet",
        "Nyt i denne version",
    )
    assert in_order(text, "Den rehabiliterende tilgang", "Afventer")
    # The house style: the draft's Word styles, and the theme font embedded.
    assert document.paragraphs[1].style.name == "Title"
    assert document.core_properties.language == "da-DK"


def test_an_input_marked_incorporated_whose_part_did_not_change_is_flagged(
    udkast1: Strategy, udkast2: Strategy, out: Path
):
    data = udkast2.to_data()
    data["consultation"].append(
        {
            "id": "borger-trivsel",
            "from": "Ældrerådet",
            "date": "2018-03-05",
            "input": "Trivsel skal måles hvert år.",
            "response": "Indarbejdet i tegnet på succes om trivsel.",
            "status": "incorporated",
            "affects": ["trivsel"],
        }
    )
    flagged = validate(data)
    pages = pdf_pages(render_hearing_notes_pdf(flagged, udkast1), out / "flag.pdf")
    text = " ".join(pages)
    warning = "Markeret som indarbejdet, men Medarbejdertrivsel (indeks 0–100) er ikke ændret"
    assert in_order(text, "Til opmærksomhed", "Ældrerådet", warning)  # the summary
    assert in_order(text, "Trivsel skal måles hvert år.", "Ingen ændringer i de dele", warning)
    docx = " ".join(docx_lines(render_hearing_notes_docx(flagged, udkast1)))
    assert in_order(docx, "Trivsel skal måles hvert år.", warning)


def test_what_a_user_wrote_appears_literally(udkast1: Strategy, out: Path):
    data = udkast1.to_data()
    data["consultation"][0].update(
        {"from": "<b>Rådet</b> {{ 7*7 }}", "input": "<img src=x> {% raw %} </p> & co"}
    )
    hostile = validate(data)
    text = " ".join(pdf_pages(render_hearing_notes_pdf(hostile, None), out / "hostile.pdf"))
    assert "<b>Rådet</b> {{ 7*7 }}" in text and "<img src=x> {% raw %} </p> & co" in text
    assert "49" not in text
    docx = " ".join(docx_lines(render_hearing_notes_docx(hostile, None)))
    assert "<b>Rådet</b> {{ 7*7 }}" in docx and "<img src=x> {% raw %} </p> & co" in docx


def test_english_notes_are_titled_and_worded_in_english(
    udkast1: Strategy, udkast2: Strategy, out: Path
):
    data = udkast2.to_data()
    data["document"]["language"] = "en"
    english = validate(data)
    text = " ".join(pdf_pages(render_hearing_notes_pdf(english, udkast1), out / "en.pdf"))
    assert in_order(text, "Consultation report", "11 inputs from 3 respondents", "Incorporated")
    assert "Høringsnotat" not in text
    docx = " ".join(docx_lines(render_hearing_notes_docx(english, udkast1)))
    assert in_order(docx, "Consultation report", "Input and response", "Pending")


# ---------- a first version, and a strategy without inputs ----------


def test_a_first_version_shows_inputs_with_response_and_status_only(udkast1: Strategy, out: Path):
    pages = pdf_pages(render_hearing_notes_pdf(udkast1, None), out / "first.pdf")
    text = " ".join(pages)
    assert in_order(text, "Høringsnotat", "Udkast 1 · 2. marts 2018", "Første version")
    assert "2 input fra 2 afsendere" in text
    for entry in udkast1.consultation:
        assert in_order(text, entry.from_, normalise(entry.input), normalise(entry.response or ""))
    assert "ÆNDRINGER" not in text and "NYT I DENNE VERSION" not in text
    assert page.validate_pdf(str(out / "first.pdf")).is_compliant

    lines = docx_lines(render_hearing_notes_docx(udkast1, None))
    assert in_order(" ".join(lines), "Første version", "BorgercenterMED Voksne", "Indarbejdet")
    assert "Ændringer" not in lines  # no changes to list under that label


def test_only_a_version_with_inputs_has_a_hoeringsnotat(session, udkast1: Strategy):
    without = udkast1.model_copy(update={"consultation": []})
    assert hearing_notes(without).lead == "Ingen input endnu."  # rendered directly
    assert outputs.hearing_outputs(without) == ()
    assert outputs.hearing_outputs(udkast1) == NOTES

    quiet = submit_draft(session, without, "default").build
    assert not set(NOTES) & set(quiet.outputs)
    data = udkast1.to_data()
    data["document"]["slug"] = "med-input"
    heard = submit_draft(session, validate(data), "default").build
    assert set(NOTES) <= set(heard.outputs)


def test_the_notes_are_registered_with_file_names_and_renderers():
    pdf, docx = (outputs.output_named(name) for name in NOTES)
    assert (pdf.kind, docx.kind) == ("hearing", "hearing")
    assert outputs.file_name("socialstrategi-udkast-2", pdf.name) == (
        "socialstrategi-udkast-2-hoeringsnotat.pdf"
    )
    assert docx.file_name("socialstrategi-udkast-2") == "socialstrategi-udkast-2-hoeringsnotat.docx"
    assert hearing_renderer(pdf.name) is render_hearing_notes_pdf
    assert hearing_renderer(docx.name) is render_hearing_notes_docx


# ---------- through the app and the worker's jobs, as a build runs ----------


@pytest.fixture
def made(tmp_path: Path) -> TestApp:
    return make_test_app(tmp_path)


def api(made: TestApp, path: str):
    response = made.app.test_client().get(path, headers={"Authorization": f"Bearer {made.token}"})
    assert response.status_code == 200, (path, response.status_code)
    return response


def test_each_version_builds_its_notes_and_the_api_history_and_pages_list_them(made: TestApp):
    slug = "hoering"
    names = {}
    for version, example in ((1, "udkast-1"), (2, "udkast-2")):
        posted = made.post_yaml(example_yaml(example, slug=slug))
        assert posted.status_code == 202, posted.get_data()
        build = posted.get_json()["build"]
        names[version] = build
        assert set(NOTES) <= set(build["outputs"])
        with made.app.app_context():
            sessions = runtime().sessions
        for output in build["outputs"]:
            assert jobs.render_output(sessions, build["id"], output, max_attempts=3) == "done"

    # The build (API): both files, named for the version.
    second = api(made, names[2]["links"]["self"]).get_json()
    assert list(second["outputs"])[-2:] == list(NOTES)
    url = second["outputs"]["hearing-notes-pdf"]["url"]
    assert url.endswith(f"/{slug}-udkast-2-hoeringsnotat.pdf")
    download = api(made, url)
    assert download.mimetype == "application/pdf"
    text = normalise(" ".join(pdf_pages(download.get_data(), made.var_dir / "download.pdf")))
    # Version 2's notes show what changed since version 1, as the comparison does.
    assert in_order(text, "Høringsnotat", "Udkast 2", "Brug korte", "ÆNDRINGER", "Det hele liv")
    word = api(made, second["outputs"]["hearing-notes-docx"]["url"])
    assert word.get_data()[:2] == b"PK"

    # Version 1 has its notes too: the inputs, with no changes yet.
    first = api(made, names[1]["links"]["self"]).get_json()
    first_pdf = api(made, first["outputs"]["hearing-notes-pdf"]["url"]).get_data()
    first_text = " ".join(pdf_pages(first_pdf, made.var_dir / "first.pdf"))
    assert "Første version" in first_text

    # The history: in the store, the API and the page; the build page names them.
    with made.app.app_context(), runtime().sessions() as db:
        assert list_drafts(db, slug)[0].done_outputs[-2:] == NOTES
    history = api(made, f"/api/v1/strategies/{slug}/drafts").get_json()
    assert history["drafts"][0]["files"]["hearing-notes-docx"].endswith("-hoeringsnotat.docx")
    client = made.app.test_client()
    client.post(
        "/sign-in",
        data={"email": made.email, "password": made.password, "csrf_token": csrf_token(client)},
    )
    page_html = client.get(f"/strategies/{slug}").get_data(as_text=True)
    link = f'href="/strategies/{slug}/2/{slug}-udkast-2-hoeringsnotat.pdf">Høringsnotat (PDF)</a>'
    assert link in page_html
    build_html = client.get(f"/builds/{second['id']}").get_data(as_text=True)
    assert "Høringsnotat (Word)" in build_html


def test_a_draft_without_inputs_builds_what_it_built_before(made: TestApp):
    data = example_data("udkast-1", slug="stille")
    data["consultation"] = []
    posted = made.post_yaml(yaml.safe_dump(data, allow_unicode=True).encode())
    assert sorted(posted.get_json()["build"]["outputs"]) == ["docx", "pdf"]
