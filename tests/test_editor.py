"""The guided editor through Flask's test client on a real app: a form posted as a browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from core import editing
from core.content import LIMITS
from tests.app_fixtures import TestApp, add_person, csrf_token, example_yaml, make_test_app
from tests.conftest import example_path
from tests.test_preview import run_worker


class _Form(HTMLParser):
    """Read the editor form's successful controls as a browser sends them, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[list[Any]] = []  # [name, value]
        self._area: list[Any] | None = None
        self._select: list[Any] | None = None
        self._select_first: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "editor-form":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append([name, a.get("value", "")])
        elif tag == "textarea" and name:
            self._area = [name, ""]
            self.fields.append(self._area)
        elif tag == "select" and name:
            self._select = [name, None]
            self._select_first = None
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._area is not None:
            # The HTML parser drops the newline right after <textarea>.
            self._area[1] = self._area[1].removeprefix("\n")
            self._area = None
        if tag == "select" and self._select is not None:
            if self._select[1] is None:
                self._select[1] = self._select_first or ""
            self._select = None
        if tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self._area[1] += data


def form_of(html: str) -> list[list[Any]]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def press(
    client: FlaskClient, html: str, action: str, changes: dict[str, str] | None = None
) -> Any:
    """Post the page's form with one button pressed and some fields changed."""
    fields = form_of(html)
    for name, value in (changes or {}).items():
        hits = [f for f in fields if f[0] == name]
        assert hits, f"no field {name}"
        hits[0][1] = value
    body = [(n, v) for n, v in fields]
    body.append(("action", action))
    save = action in ("save", "save-anyway")
    return client.post("/editor/save" if save else "/editor", data=MultiDict(body))


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def value_of(html: str, name: str) -> str:
    return str(next(v for n, v in form_of(html) if n == name))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("editor"))


@pytest.fixture
def client(made: TestApp) -> Iterator[FlaskClient]:
    with made.app.test_client() as client:
        assert made.sign_in(client).status_code == 302
        yield client


def stored(made: TestApp, slug: str, version: int) -> dict[str, Any]:
    answer = made.app.test_client().get(
        f"/api/v1/strategies/{slug}/drafts/{version}",
        headers={"Authorization": f"Bearer {made.token}"},
    )
    assert answer.status_code == 200, answer.status_code
    content: dict[str, Any] = answer.get_json()["draft"]["content"]
    return content


# --- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("example", ["udkast-1", "udkast-2"])
def test_a_stored_version_posted_back_unchanged_is_the_same_content(client, made, example):
    slug = f"rundtur-{example}"
    assert made.post_yaml(example_yaml(example, slug=slug)).status_code == 202
    page = client.get(f"/strategies/{slug}/1/edit")
    assert page.status_code == 200

    saved = press(client, text_of(page), "save")

    assert saved.status_code == 302, text_of(saved)[:2000]
    assert "same=1" in saved.headers["Location"]  # nothing new: the same content
    assert made.versions(slug) == [1]


def test_the_example_start_is_the_reference_example(client):
    page = text_of(client.get("/new?from=example"))

    assert value_of(page, "document-title") == "Socialstrategi 2018–2022"
    assert value_of(page, "visions-0-id") == "uddannelse-beskaeftigelse"
    assert "Ny strategi" in page


def test_the_parts_an_input_concerns_are_folded_behind_the_chosen_ones(client):
    page = text_of(client.get("/new?from=example"))
    folded = page.split('id="consultation-0-affects"', 1)[1].split("</fieldset>", 1)[0]
    summary = folded.split("<summary>", 1)[1].split("</summary>", 1)[0]
    # The chosen parts by their names, every part of the document one click away.
    assert "<details>" in folded and "(vælg dele)" in summary
    chosen = folded.count(" checked>")
    assert chosen >= 1 and folded.count('type="checkbox"') > chosen
    assert "Ingen dele valgt" not in summary and summary.count(" · ") == chosen - 1


# --- actions ---------------------------------------------------------------------------


def titles(html: str) -> list[str]:
    return [v for n, v in form_of(html) if re.fullmatch(r"visions-\d+-title", n)]


def test_add_move_and_remove_visions_keep_what_was_typed(client):
    page = text_of(client.get("/new"))
    page = text_of(press(client, page, "visions-add", {"visions-0-title": "Første"}))
    assert titles(page) == ["Første", ""]
    assert 'id="visions-1-title"' in page and re.search(r'id="visions-1-title"[^>]*autofocus', page)

    page = text_of(press(client, page, "visions-1-up", {"visions-1-title": "Anden"}))
    assert titles(page) == ["Anden", "Første"]
    assert re.search(r'id="visions-0-up"[^>]*autofocus', page)  # the same button, moved

    page = text_of(press(client, page, "visions-0-down"))
    assert titles(page) == ["Første", "Anden"]

    page = text_of(press(client, page, "visions-0-remove"))
    assert titles(page) == ["Anden"]


@pytest.mark.parametrize(
    ("list_name", "field"),
    [
        ("document-authors", "document-authors-{i}-name"),
        ("signs_of_success", "signs_of_success-{i}-indicator"),
        ("sections", "sections-{i}-title"),
        ("timeline", "timeline-{i}-event"),
        ("consultation", "consultation-{i}-input"),
        ("visions-0-commitments", "visions-0-commitments-{i}"),
    ],
)
def test_every_list_adds_moves_and_removes(client, list_name, field):
    page = text_of(client.get("/new"))
    page = text_of(press(client, page, f"{list_name}-add"))
    page = text_of(press(client, page, f"{list_name}-add", {field.format(i=0): "A"}))
    page = text_of(press(client, page, f"{list_name}-1-up", {field.format(i=1): "B"}))
    assert [value_of(page, field.format(i=i)) for i in (0, 1)] == ["B", "A"]
    page = text_of(press(client, page, f"{list_name}-0-remove"))
    assert value_of(page, field.format(i=0)) == "A"
    assert field.format(i=1) not in [n for n, _ in form_of(page)]


def test_an_unknown_action_is_a_400_not_a_500(client):
    page = text_of(client.get("/new"))
    assert press(client, page, "visions-0-explode").status_code == 400
    assert press(client, page, "format-add").status_code == 400


def test_a_crafted_form_cannot_make_a_long_list(client):
    body = [("csrf_token", csrf_token(client, "/new")), ("action", "check")]
    body += [(f"timeline-{i}-event", "x") for i in range(0, 5000, 5)]
    body += [("visions-99999999-title", "y")]  # an index past four digits is not read
    page = text_of(client.post("/editor", data=MultiDict(body)))
    names = {n for n, _ in form_of(page)}
    assert f"timeline-{LIMITS['timeline'] - 1}-event" in names
    assert f"timeline-{LIMITS['timeline']}-event" not in names


def test_adding_past_the_limit_says_so(client):
    body = [("csrf_token", csrf_token(client, "/new")), ("action", "visions-add")]
    body += [(f"visions-{i}-title", f"V{i}") for i in range(LIMITS["visions"])]
    page = text_of(client.post("/editor", data=MultiDict(body)))
    assert f"Der kan højst være {LIMITS['visions']}" in page
    assert f"visions-{LIMITS['visions']}-title" not in page


# --- ids --------------------------------------------------------------------------------


def test_ids_are_proposed_from_titles_unique_and_editable():
    assert editing.propose_id("Det hele liv", ()) == "det-hele-liv"
    assert editing.propose_id("Det hele liv", ("det-hele-liv",)) == "det-hele-liv-2"
    assert (
        editing.propose_id("Ældre på Østerbro går så meget", ())
        == "aeldre-paa-oesterbro-gaar-saa-meget"
    )
    assert editing.propose_id("Tidsplan", ("tidsplan",)) == "tidsplan-2"
    assert editing.propose_id("timeline", ()) == "timeline-2"  # a reserved word
    assert editing.propose_id("!!!", ()) == "del"


def test_a_round_trip_proposes_empty_ids_and_keeps_typed_ones(client):
    page = text_of(client.get("/new"))
    page = text_of(
        press(
            client,
            page,
            "visions-add",
            {"document-title": "Børn og unge", "visions-0-title": "Det hele liv"},
        )
    )
    assert value_of(page, "document-slug") == "boern-og-unge"
    assert value_of(page, "visions-0-id") == "det-hele-liv"
    page = text_of(
        press(client, page, "check", {"visions-1-title": "Det hele liv", "visions-0-id": "mit-id"})
    )
    assert value_of(page, "visions-0-id") == "mit-id"
    assert value_of(page, "visions-1-id") == "det-hele-liv"


# --- validation -------------------------------------------------------------------------


def test_a_missing_headline_is_named_in_danish_next_to_the_field_and_typed_text_stays(client, made):
    page = text_of(client.get("/new"))
    typed = {
        "document-title": "Min strategi",
        "visions-0-title": "Det hele liv",
        "visions-0-body": "Tekst med **fed** skrift\n\nog et *afsnit* til.\n",
    }
    answer = press(client, page, "save", typed)

    assert answer.status_code == 422
    html = text_of(answer)
    assert "Vision 1 «Det hele liv»: overskriften mangler" in html  # the summary
    assert '<a href="#visions-0-headline">' in html
    assert re.search(
        r'id="visions-0-headline-error">.*Overskriften mangler', html
    )  # next to the field
    assert re.search(r'id="visions-0-headline"[^>]*aria-invalid="true"', html)
    assert value_of(html, "visions-0-body") == typed["visions-0-body"]
    assert value_of(html, "document-title") == "Min strategi"
    assert "min-strategi" not in made.slugs()


def test_line_breaks_from_a_browser_are_stored_as_the_format_writes_them(client, made):
    page = text_of(client.get("/new"))
    answer = press(
        client,
        page,
        "save",
        {
            "document-title": "Linjeskift",
            "visions-0-title": "Et",
            "visions-0-headline": "To",
            "visions-0-body": "Første afsnit.\r\n\r\nAndet afsnit.\r\n",
        },
    )
    assert answer.status_code == 302, text_of(answer)[:3000]
    assert (
        stored(made, "linjeskift", 1)["visions"][0]["body"] == "Første afsnit.\n\nAndet afsnit.\n"
    )


def test_word_counts_are_shown_after_a_round_trip(client):
    page = text_of(client.get("/new"))
    html = text_of(press(client, page, "check", {"visions-0-headline": "Alle skal have en ven"}))
    assert re.search(r'id="visions-0-headline-count"[^>]*>5 ord · 21 af højst 300 tegn', html)


# --- rich text preview ------------------------------------------------------------------


def preview(client: FlaskClient, text: Any, token: str | None = None) -> Any:
    headers = {"X-CSRFToken": token or csrf_token(client, "/new")}
    return client.post("/editor/preview", json={"text": text}, headers=headers)


def test_the_preview_renders_with_the_renderers_parser_and_escapes(client):
    answer = preview(
        client, "**fed** og *kursiv*\n\n- et\n- to\n\n[link](https://a.dk) <script>x</script>"
    )
    html = answer.get_json()["html"]
    assert "<strong>fed</strong>" in html and "<em>kursiv</em>" in html
    assert "<ul><li>" in html and 'href="https://a.dk"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_preview_is_bounded_and_needs_the_csrf_token(client):
    assert preview(client, "x" * 50_001).status_code == 413
    assert preview(client, 12).status_code == 400
    assert client.post("/editor/preview", json={"text": "x"}).status_code == 400  # no token
    deep = "".join("  " * i + "- x\n" for i in range(8))
    assert "lister i lister" in preview(client, deep).get_json()["error"]


# --- conflicts --------------------------------------------------------------------------


def test_a_save_based_on_an_older_version_is_warned_and_can_save_anyway(client, made):
    assert made.post_yaml(example_yaml("udkast-1", slug="konflikt")).status_code == 202
    mine = text_of(client.get("/strategies/konflikt/1/edit"))
    # Someone else saves version 2 meanwhile.
    theirs = example_yaml("udkast-1", slug="konflikt", draft_label="Deres")
    assert made.post_yaml(theirs).status_code == 202

    answer = press(client, mine, "save", {"visions-0-headline": "Min nye overskrift"})

    assert answer.status_code == 409
    html = text_of(answer)
    # Who saved it, and when in local time ("30. nov. 2026 kl. 14:02").
    when = r"<time [^>]+>\d+\. \w+\.? \d{4} kl\. \d\d:\d\d</time>"
    assert re.search(r"Version 2 blev gemt af [^<]+ " + when, html)
    assert "/strategies/konflikt/2/diff?against=1" in html
    assert value_of(html, "visions-0-headline") == "Min nye overskrift"  # nothing lost
    assert made.versions("konflikt") == [2, 1]

    saved = press(client, html, "save-anyway")
    assert saved.status_code == 302
    assert made.versions("konflikt") == [3, 2, 1]
    assert stored(made, "konflikt", 3)["visions"][0]["headline"] == "Min nye overskrift"


def test_a_new_strategy_with_a_slug_in_use_is_warned(client, made):
    assert made.post_yaml(example_yaml("udkast-1", slug="optaget")).status_code == 202
    page = text_of(client.get("/new"))
    answer = press(
        client,
        page,
        "save",
        {
            "document-title": "Optaget",
            "visions-0-title": "En",
            "visions-0-headline": "To",
        },
    )
    assert answer.status_code == 409
    assert "findes allerede en strategi med kortnavnet «optaget»" in text_of(answer)
    assert made.versions("optaget") == [1]


def api_post(made: TestApp, body: bytes, query: str = "") -> Any:
    return made.app.test_client().post(
        "/api/v1/drafts" + query,
        data=body,
        headers={"Authorization": f"Bearer {made.token}", "Content-Type": "application/yaml"},
    )


def test_the_api_answers_409_with_both_versions_when_the_base_is_outdated(made):
    assert api_post(made, example_yaml("udkast-1", slug="api-base")).status_code == 202
    assert (
        api_post(made, example_yaml("udkast-2", slug="api-base"), "?base_version=1").status_code
        == 202
    )

    late = api_post(
        made, example_yaml("udkast-1", slug="api-base", title="Sent"), "?base_version=1"
    )

    assert late.status_code == 409
    body = late.get_json()
    assert body["error"] == "outdated_base"
    assert body["base"]["version"] == 1 and body["latest"]["version"] == 2
    assert made.versions("api-base") == [2, 1]
    # The same content as the latest is no conflict: nothing new either way.
    same = api_post(made, example_yaml("udkast-2", slug="api-base"), "?base_version=1")
    assert same.status_code == 200
    # As a multipart field, and 0 for "a new strategy" (socialstrategi exists).
    assert api_post(made, example_yaml("udkast-2")).status_code == 202
    files = {"file": (example_path("udkast-1").open("rb"), "u.yaml"), "base_version": "0"}
    multipart = made.app.test_client().post(
        "/api/v1/drafts",
        data=files,
        headers={"Authorization": f"Bearer {made.token}"},
        content_type="multipart/form-data",
    )
    assert multipart.status_code == 409
    assert multipart.get_json()["latest"]["slug"] == "socialstrategi"
    assert (
        api_post(made, example_yaml("udkast-1", slug="api-ny"), "?base_version=x").status_code
        == 400
    )


# --- start and links --------------------------------------------------------------------


def test_the_start_page_history_and_build_link_to_the_editor(client, made):
    assert made.post_yaml(example_yaml("udkast-1", slug="lenker")).status_code == 202
    index = text_of(client.get("/"))
    assert 'href="/new"' in index and 'href="/new?from=example"' in index
    history = text_of(client.get("/strategies/lenker"))
    assert 'href="/strategies/lenker/1/edit"' in history
    build_link = re.search(r'href="(/builds/[^"]+)"', history)
    assert build_link
    assert 'href="/strategies/lenker/1/edit"' in text_of(client.get(build_link[1]))


def test_editor_pages_need_a_sign_in(made):
    anonymous = made.app.test_client()
    assert anonymous.get("/new").status_code == 302
    assert anonymous.get("/strategies/x/1/edit").status_code == 302


def test_what_a_person_types_is_shown_as_text_never_run(client):
    hostile = "<script>alert(1)</script> {{7*7}} <b>\"&'"
    page = text_of(client.get("/new"))
    html = text_of(
        press(client, page, "check", {"visions-0-title": hostile, "visions-0-body": hostile})
    )
    assert "<script>alert(1)</script>" not in html and "{{7*7}}" in html
    assert value_of(html, "visions-0-title") == hostile
    assert value_of(html, "visions-0-body") == hostile


def test_problem_paths_map_to_the_field_or_the_nearest_part_shown():
    shown = {"visions-0", "visions-0-headline", "consultation-1-affects", "visions"}
    assert editing.field_id("visions[0].headline") == "visions-0-headline"
    assert editing.anchor_for("visions[0].headline", shown) == "visions-0-headline"
    assert editing.anchor_for("consultation[1].affects[3]", shown) == "consultation-1-affects"
    assert editing.anchor_for("visions[0].nonsense", shown) == "visions-0"
    assert editing.anchor_for("", shown) == ""


def test_actions_outside_the_format_are_refused_and_moves_stop_at_the_ends():
    data: dict[str, Any] = {"visions": [{"title": "A"}, {"title": "B"}]}
    assert editing.apply_action(data, "visions-0-up").focus == "visions-0-up"  # already first
    assert editing.apply_action(data, "visions-7-remove").focus == "visions-add"  # gone already
    assert [v["title"] for v in data["visions"]] == ["A", "B"]
    for action in ("document-add", "visions-0-title-add", "visions--add", "x" * 500):
        with pytest.raises(editing.UnknownAction):
            editing.apply_action(data, action)


def test_saving_from_the_editor_counts_against_the_drafts_limit(tmp_path):
    limited = make_test_app(tmp_path, UDKAST_DRAFTS_PER_MINUTE="1")
    with limited.app.test_client() as client:
        assert limited.sign_in(client).status_code == 302
        page = text_of(client.get("/new"))
        typed = {"document-title": "Grænse", "visions-0-title": "En", "visions-0-headline": "To"}
        assert press(client, page, "save", typed).status_code == 302
        typed["visions-0-headline"] = "Tre"
        assert press(client, page, "save", typed).status_code == 429
        assert press(client, page, "check", typed).status_code == 200  # checking is free


def test_a_pdf_preview_from_the_editor_counts_against_the_same_budget(tmp_path):
    limited = make_test_app(tmp_path, UDKAST_DRAFTS_PER_MINUTE="1")
    with limited.app.test_client() as client:
        assert limited.sign_in(client).status_code == 302
        fields = form_of(text_of(client.get("/new?from=example")))
        preview = MultiDict([*fields, ("action", "preview")])
        assert client.post("/editor/pdf", data=preview).status_code == 200
        refused = client.post("/editor/pdf", data=preview)
        assert refused.status_code == 429
        assert "For mange udkast fra denne bruger" in text_of(refused)
        assert limited.queued_messages() == 1  # the refused preview queued nothing


# --- the PDF preview ----------------------------------------------------------------------


def test_the_pdf_preview_shows_the_forms_first_pages_and_saves_nothing(client, made):
    start = client.get("/new?from=example")
    html = text_of(start)
    fields = [(n, v) for n, v in form_of(html)]
    fields = [(n, "forhaandsvist" if n == "document-slug" else v) for n, v in fields]
    before = made.queued_messages()

    shown = client.post("/editor/pdf", data=MultiDict([*fields, ("action", "preview")]))

    page = text_of(shown)
    assert shown.status_code == 200
    assert "Forhåndsvisning" in page and "venter på en ledig maskine" in page
    assert value_of(page, "document-slug") == "forhaandsvist"  # the form is kept as typed
    assert made.queued_messages() == before + 1
    found = re.search(r'data-preview-url="/previews/([^"]+)"', page)
    assert found is not None
    assert run_worker(made, found.group(1)) == "done"
    assert client.get(f"/previews/{found.group(1)}").get_json()["pages"]
    assert "forhaandsvist" not in made.slugs()


def test_an_invalid_form_is_not_previewed_and_says_why_in_danish(client, made):
    html = text_of(client.get("/new"))
    before = made.queued_messages()

    fields = [(n, v) for n, v in form_of(html)]
    shown = client.post("/editor/pdf", data=MultiDict([*fields, ("action", "preview")]))

    assert shown.status_code == 422
    assert "overskriften mangler" in text_of(shown)
    assert made.queued_messages() == before


def test_a_reader_can_neither_open_the_editor_nor_save_nor_preview(made):
    email, _ = add_person(made.app, "reader")
    made.post_yaml(example_yaml(slug="laeser"))
    with made.app.test_client() as client:
        assert made.sign_in(client, email).status_code == 302
        history = text_of(client.get("/strategies/laeser"))
        assert "Nyt udkast" not in history and "laeser" in history  # reading is allowed

        for path in ("/new", "/strategies/laeser/1/edit"):
            assert client.get(path).status_code == 403
        form = {"csrf_token": csrf_token(client, "/strategies/laeser"), "document-slug": "laeser"}
        for path in ("/editor", "/editor/save", "/editor/pdf", "/previews"):
            refused = client.post(path, data=form)
            assert refused.status_code == 403, path
            assert "ikke gemme udkast" in text_of(refused)  # said in Danish, not a bare 403
    assert made.versions("laeser") == [1]
