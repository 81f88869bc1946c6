"""A DOCX udkast made, edited in Word, posted back: the next version of its strategy.

Through the API of a real app (SQLite, the folder queue) and through `udkast submit`: the
file is opened safely, read onto the strategy's latest version, validated and stored as
any draft is. Unchanged, it is no new version; a DOCX udkast did not make, or one whose
fields a program removed, is refused with what to do, and nothing is stored.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from core.content import load
from core.wordfile.richtext import w
from tests.app_fixtures import TestApp, example_yaml, make_test_app
from tests.test_wordfile_content import edited, typed_over, with_document
from worker.render.docx import render_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("word-upload"))
    assert made.post_yaml(example_yaml("udkast-1", slug="ordet")).status_code == 202
    return made


def post_docx(made: TestApp, data: bytes, language: str = "en"):
    client = made.app.test_client()
    headers = {"Authorization": f"Bearer {made.token}", "Accept-Language": language}
    return client.post("/api/v1/drafts", data=data, content_type=DOCX, headers=headers)


def docx_of(made: TestApp) -> bytes:
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    content = client.get("/api/v1/strategies/ordet/drafts", headers=auth).get_json()
    latest = content["drafts"][0]["version"]
    yaml_text = client.get(
        f"/api/v1/strategies/ordet/drafts/{latest}/content.yaml", headers=auth
    ).data
    return render_docx(load(yaml_text, "application/yaml"))


def test_the_unchanged_docx_is_no_new_version(made):
    answer = post_docx(made, docx_of(made))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["draft"]["version"] == 1
    assert made.versions("ordet") == [1]


def test_a_headline_edited_in_word_is_the_next_version_and_the_tables_are_said_kept(made):
    def new_headline(content):
        typed_over(content, "Alle skal have en ven")

    data = load(example_yaml("udkast-1", slug="ordet"), "application/yaml").to_data()
    place = f"visions[{data['visions'][0]['id']}].headline"
    answer = post_docx(made, edited(docx_of(made), place, new_headline), "da")
    body = answer.get_json()
    assert answer.status_code == 202, body
    assert body["draft"]["version"] == 2
    stored = (
        made.app.test_client()
        .get("/api/v1/strategies/ordet/drafts/2", headers={"Authorization": f"Bearer {made.token}"})
        .get_json()["draft"]["content"]
    )
    assert stored["visions"][0]["headline"] == "Alle skal have en ven"
    assert stored["visions"][1] == data["visions"][1]  # the rest as it was
    assert body["warnings"] == []  # everything came back


def test_the_uploaded_docx_is_kept_with_its_version_and_downloads_from_the_history(made):
    def new_body(content):
        typed_over(content, "Et kortere forord.")

    uploaded = edited(docx_of(made), "foreword", new_body)
    answer = post_docx(made, uploaded)
    assert answer.status_code == 202, answer.get_json()
    version = answer.get_json()["draft"]["version"]
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    draft = client.get(f"/api/v1/strategies/ordet/drafts/{version}", headers=auth).get_json()
    source = draft["draft"]["links"]["source"]
    assert source.endswith("-uploaded.docx")
    got = client.get(source, headers=auth)
    assert got.status_code == 200
    assert got.data == uploaded  # exactly the file that was sent, not a new render
    assert got.mimetype == DOCX
    assert (
        client.get(source, headers={**auth, "If-None-Match": got.headers["ETag"]}).status_code
        == 304
    )
    history = client.get("/api/v1/strategies/ordet/drafts", headers=auth).get_json()["drafts"]
    row = next(d for d in history if d["version"] == version)
    assert row["links"]["source"] == source
    assert all("source" not in d["links"] for d in history if d["version"] == 1)  # from YAML
    # In the browser, the history row of that version offers the file.
    assert made.sign_in(client).status_code == 302
    page = client.get("/strategies/ordet").get_data(as_text=True)
    assert "Uploadet Word-fil" in page
    assert page.count("-uploaded.docx") == sum(1 for d in history if "source" in d["links"])
    link = source.replace("/api/v1/strategies/ordet/drafts/", "/strategies/ordet/")
    assert client.get(link).data == uploaded


def test_sending_the_same_docx_again_adds_no_version_and_keeps_the_first_file(made):
    first = made.versions("ordet")
    answer = post_docx(made, docx_of(made))  # the latest version, rendered afresh
    assert answer.status_code == 200
    assert made.versions("ordet") == first
    auth = {"Authorization": f"Bearer {made.token}"}
    draft = answer.get_json()["draft"]
    # The latest came from a Word upload in the test before, and keeps that file.
    latest = made.app.test_client().get(draft["links"]["self"], headers=auth).get_json()
    assert "source" in latest["draft"]["links"]


def test_a_docx_udkast_did_not_make_is_refused_and_nothing_is_stored(made):
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Et notat")
    out = io.BytesIO()
    document.save(out)
    before = made.versions("ordet")
    answer = post_docx(made, out.getvalue(), "da")
    assert answer.status_code == 400
    assert "skriv i editoren" in answer.get_json()["message"]
    assert made.versions("ordet") == before


def test_a_docx_whose_fields_a_program_removed_is_refused_not_read_as_unchanged(made):
    # What LibreOffice Writer 7.4 does on open and save: it keeps the custom XML part
    # (the strategy's name) but drops every content control around the fields.
    def untagged(root) -> None:
        for tag in list(root.iter(w("tag"))):
            tag.getparent().remove(tag)

    stripped = with_document(docx_of(made), untagged)
    before = made.versions("ordet")
    answer = post_docx(made, stripped)
    assert answer.status_code == 400
    assert "LibreOffice" in answer.get_json()["message"]
    assert made.versions("ordet") == before


def test_a_zip_bomb_posted_as_docx_is_refused_before_it_is_read(made):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("word/document.xml", bytes(60 * 1024 * 1024))
    answer = post_docx(made, out.getvalue())
    assert answer.status_code in (400, 413), answer.get_json()
    assert answer.get_json()["error"] in ("too_large", "malformed")


def test_a_new_strategy_cannot_start_from_a_docx_of_one_this_service_does_not_have(tmp_path):
    empty = make_test_app(tmp_path)
    docx = render_docx(load(example_yaml("udkast-1", slug="fremmed"), "application/yaml"))
    answer = post_docx(empty, docx)
    assert answer.status_code == 400
    assert "fremmed" in answer.get_json()["message"]


def test_the_web_form_takes_the_docx_and_the_build_page_says_what_was_kept(made):
    from tests.app_fixtures import csrf_token

    def new_title(content):
        typed_over(content, "Et liv med andre")

    data = load(example_yaml("udkast-1", slug="ordet"), "application/yaml").to_data()
    place = f"visions[{data['visions'][1]['id']}].title"
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    form = {
        "csrf_token": csrf_token(client, "/"),
        "file": (io.BytesIO(edited(docx_of(made), place, new_title)), "socialstrategi.docx"),
    }
    form["file"] = (
        io.BytesIO(commented(form["file"][0].getvalue(), place, ["Kortere titel?"])),
        "socialstrategi.docx",
    )
    saved = client.post("/drafts", data=form, content_type="multipart/form-data")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "havde 1 nye kommentarer" in page  # said on the build page, in Danish
    auth = {"Authorization": f"Bearer {made.token}"}
    latest = client.get("/api/v1/strategies/ordet/drafts", headers=auth).get_json()["drafts"][0]
    stored = client.get(latest["links"]["self"], headers=auth).get_json()["draft"]["content"]
    assert stored["visions"][1]["title"] == "Et liv med andre"


def commented(data: bytes, place: str, notes: list[str], author: str = "HovedMED") -> bytes:
    """Return the DOCX with comments by `author` on the first run of the control at `place`."""
    import docx as python_docx
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    document = python_docx.Document(io.BytesIO(data))
    for sdt in document.element.body.iter(w("sdt")):
        tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
        if tag is not None and tag.get(w("val")) == "udkast:" + place:
            run = next(sdt.iter(w("r")))
            break
    else:
        raise AssertionError(f"no control {place}")
    target = Run(run, Paragraph(run.getparent(), document._body))
    for note in notes:
        document.add_comment(target, text=note, author=author, initials="HM")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_comments_in_the_margin_become_pending_input_on_their_vision_once(tmp_path):
    made = make_test_app(tmp_path)
    assert made.post_yaml(example_yaml("udkast-1", slug="kommentar")).status_code == 202
    content = load(example_yaml("udkast-1", slug="kommentar"), "application/yaml")
    vision = content.visions[1].id
    data = commented(
        render_docx(content),
        f"visions[{vision}].body",
        ["Gør teksten kortere.", "Nævn frivillige foreninger."],
    )
    answer = post_docx(made, data, "da")
    body = answer.get_json()
    assert answer.status_code == 202, body
    assert "2 nye kommentarer" in " ".join(w["message"] for w in body["warnings"])
    auth = {"Authorization": f"Bearer {made.token}"}
    stored = (
        made.app.test_client()
        .get("/api/v1/strategies/kommentar/drafts/2", headers=auth)
        .get_json()["draft"]["content"]
    )
    new = [c for c in stored["consultation"] if c["from"] == "HovedMED"]
    assert [c["status"] for c in new] == ["pending", "pending"]
    assert all(c["affects"] == [vision] for c in new)
    assert new[0]["input"].endswith("Gør teksten kortere.") and new[0]["input"].startswith("«")
    # The same file again: its comments were imported already, so nothing is new.
    again = post_docx(made, data)
    assert again.status_code == 200, again.get_json()
    assert made.versions("kommentar") == [2, 1]


def with_revisions(data: bytes, place: str) -> bytes:
    """Return the DOCX with tracked changes by Anne and Bo in the control at `place`."""

    def track(content):
        run = next(content.iter(w("r")))
        deleted = etree.Element(w("del"), {w("id"): "901", w("author"): "Anne"})
        run.addprevious(deleted)
        deleted.append(run)
        for text in run.iter(w("t")):
            text.tag = w("delText")
        inserted = etree.Element(w("ins"), {w("id"): "902", w("author"): "Bo"})
        new_run = etree.SubElement(inserted, w("r"))
        etree.SubElement(new_run, w("t")).text = "Alle skal have en ven"
        deleted.addnext(inserted)

    return edited(data, place, track)


def test_tracked_changes_are_read_as_accepted_rejected_or_refused(tmp_path):
    made = make_test_app(tmp_path)
    assert made.post_yaml(example_yaml("udkast-1", slug="spor")).status_code == 202
    content = load(example_yaml("udkast-1", slug="spor"), "application/yaml")
    vision = content.visions[0]
    data = with_revisions(render_docx(content), f"visions[{vision.id}].headline")
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}

    refused = client.post(
        "/api/v1/drafts?revisions=refuse", data=data, content_type=DOCX, headers=auth
    )
    assert refused.status_code == 422
    assert "Anne (1), Bo (1)" in refused.get_json()["problems"][0]["message"]
    rejected = client.post(
        "/api/v1/drafts?revisions=reject", data=data, content_type=DOCX, headers=auth
    )
    assert rejected.status_code == 200  # as it was: nothing new
    accepted = client.post("/api/v1/drafts", data=data, content_type=DOCX, headers=auth)
    body = accepted.get_json()
    assert accepted.status_code == 202, body
    stored = client.get(body["draft"]["links"]["self"], headers=auth).get_json()["draft"]
    assert stored["content"]["visions"][0]["headline"] == "Alle skal have en ven"
    assert any("Anne (1), Bo (1)" in w["message"] for w in body["warnings"])

    # A field of a part the draft does not have cannot come back: with strict, refused.
    def foreign(content):
        content.getparent().find(f"{w('sdtPr')}/{w('tag')}").set(
            w("val"), "udkast:visions[ny-vision].title"
        )

    odd = edited(data, f"visions[{vision.id}].title", foreign)
    strict = client.post("/api/v1/drafts?strict=true", data=odd, content_type=DOCX, headers=auth)
    assert strict.status_code == 422
    said = [p["message"] for p in strict.get_json()["problems"]]
    assert any("visions[ny-vision].title" in m for m in said), said
    assert made.versions("spor") == [2, 1]


def test_the_word_options_are_checked_whatever_is_sent(made):
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}", "Content-Type": "application/yaml"}
    for query in ("strict=ja", "revisions=maybe"):
        answer = client.post(
            f"/api/v1/drafts?{query}", data=example_yaml("udkast-1", slug="ordet"), headers=auth
        )
        assert answer.status_code == 400, answer.get_json()


def test_the_web_form_offers_the_word_choices_and_keeps_them_after_a_refusal(tmp_path):
    from tests.app_fixtures import csrf_token

    made = make_test_app(tmp_path)
    assert made.post_yaml(example_yaml("udkast-1", slug="spor")).status_code == 202
    content = load(example_yaml("udkast-1", slug="spor"), "application/yaml")
    data = with_revisions(render_docx(content), f"visions[{content.visions[0].id}].headline")
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302

    def send(file: bytes = data, **fields: str):
        form = {"csrf_token": csrf_token(client, "/"), "file": (io.BytesIO(file), "spor.docx")}
        return client.post("/drafts", data={**form, **fields}, content_type="multipart/form-data")

    def foreign(content):  # a field of a vision the draft does not have
        content.getparent().find(f"{w('sdtPr')}/{w('tag')}").set(
            w("val"), "udkast:visions[ny-vision].title"
        )

    start = client.get("/").get_data(as_text=True)
    assert 'name="revisions" value="accept" checked' in start  # read as accepted by default
    refused = send(revisions="refuse")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Anne (1), Bo (1)" in page  # who made the tracked changes
    assert 'value="refuse" checked' in page  # the choice is kept for the next try
    assert made.versions("spor") == [1]
    assert send(revisions="reject").status_code == 302  # as it was: no new version
    assert made.versions("spor") == [1]
    assert send(revisions="sometimes").status_code == 400
    odd = edited(data, f"visions[{content.visions[0].id}].title", foreign)
    strict = send(odd, strict="true")
    page = strict.get_data(as_text=True)
    assert strict.status_code == 422
    assert "visions[ny-vision].title" in page, page[page.find("problems") :][:1500]
    assert page.split('name="strict"')[1].startswith(' value="true" checked>')
    assert made.versions("spor") == [1]
    assert send().status_code == 302  # revisions read as accepted, the default
    assert made.versions("spor") == [2, 1]


def test_the_issue_round_trip_every_edit_at_once_comes_back_exactly(tmp_path):
    """Headline, a word made bold, a commitment added and one removed, an indicator row
    added and two comments by HovedMED on a vision: the next version is exactly that."""
    import copy

    from tests.test_wordfile_content import set_cells

    made = make_test_app(tmp_path)
    source = example_yaml("udkast-1", slug="samlet")
    assert made.post_yaml(source).status_code == 202
    content = load(source, "application/yaml")
    data = content.to_data()
    vision = data["visions"][0]
    place = f"visions[{vision['id']}]"

    def new_headline(element):
        typed_over(element, "Alle skal have en ven")

    def bold_first_run(element):
        run = next(element.iter(w("r")))
        rpr = run.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            run.insert(0, rpr)
        etree.SubElement(rpr, w("b"))

    def commitments(element):
        items = list(element.iter(w("p")))
        added = copy.deepcopy(items[-1])
        typed_over(added, "Vi måler ensomhed hvert år.")
        items[-1].addnext(added)
        items[0].getparent().remove(items[0])

    def signs(element):
        rows = list(element.iter(w("tr")))
        added = copy.deepcopy(rows[2])
        set_cells(added, ["Andel borgere med en ven", "50 %", "Stigende", "Ny måling"])
        rows[2].addnext(added)

    docx = render_docx(content)
    docx = edited(docx, f"{place}.headline", new_headline)
    docx = edited(docx, f"{place}.body", bold_first_run)
    docx = edited(docx, f"{place}.commitments", commitments)
    docx = edited(docx, "signs_of_success", signs)
    docx = commented(docx, f"{place}.body", ["Kortere, tak.", "Nævn frivillige."])
    answer = post_docx(made, docx, "da")
    body = answer.get_json()
    assert answer.status_code == 202, body

    auth = {"Authorization": f"Bearer {made.token}"}
    client = made.app.test_client()
    stored = client.get("/api/v1/strategies/samlet/drafts/2", headers=auth).get_json()
    got = stored["draft"]["content"]
    expected = copy.deepcopy(data)
    first = expected["visions"][0]
    first["headline"] = "Alle skal have en ven"
    first["body"] = got["visions"][0]["body"]  # checked below: the first words in bold
    first["commitments"] = [*vision["commitments"][1:], "Vi måler ensomhed hvert år."]
    new_sign = next(
        i for i in got["signs_of_success"] if i["indicator"] == "Andel borgere med en ven"
    )
    at = [i["id"] for i in got["signs_of_success"]].index(new_sign["id"])
    expected["signs_of_success"].insert(at, new_sign)
    comments = [
        c for c in got["consultation"] if c["from"] == "HovedMED" and c not in data["consultation"]
    ]
    expected["consultation"] += comments
    assert got == expected
    assert got["visions"][0]["body"].startswith("**")
    assert new_sign["vision"] == vision["id"] and new_sign["baseline"] == "50 %"
    assert [(c["status"], c["affects"]) for c in comments] == [("pending", [vision["id"]])] * 2
    assert [c["input"].rsplit(" ", 2)[-2:] for c in comments] == [
        ["Kortere,", "tak."],
        ["Nævn", "frivillige."],
    ]

    diff = client.get("/api/v1/strategies/samlet/drafts/2/diff", headers=auth)
    assert diff.status_code == 200, diff.get_json()
    shown = str(diff.get_json())
    for said in (
        "Alle skal have en ven",
        "Vi måler ensomhed hvert år.",
        "Andel borgere med en ven",
    ):
        assert said in shown
