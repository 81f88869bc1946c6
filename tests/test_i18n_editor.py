"""The guided editor and the PDF preview for a reader who chose English (/language/en)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import render_template
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from core.failures import failure
from service.previews import QUEUE_DOWN, preview_json
from store import PreviewRecord
from tests.app_fixtures import TestApp, csrf_token, example_yaml, make_test_app
from tests.test_editor import form_of, press, text_of


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("i18n-editor"))


def signed_in(made: TestApp, language: str = "en") -> FlaskClient:
    # Not kept open with `with`: a second client's sign-in would find this one's CSRF
    # token in the shared app context.
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    assert client.get(f"/language/{language}").status_code == 302
    return client


def test_the_editor_is_in_english_labels_buttons_choices_and_counts(made):
    html = text_of(signed_in(made).get("/new?from=example"))
    assert '<html lang="en">' in html and ">New strategy</h1>" in html
    for text in (
        "Save and build",
        "Add a vision",
        "Move up<span",
        "(optional)",
        "How the text will look",
        "of at most 50,000 characters",  # the page's digit grouping
        ">Danish</option>",  # the document's language, named in the page's
        ">out for consultation</option>",
        ">partly incorporated</option>",
        "Signs of success (all)",
        "Recognises the vision from one draft to the next.",
    ):
        assert text in html, text
    assert re.search(r'id="visions-0-headline-count"[^>]*>\d+ words · \d+ of at most 300', html)
    # editor.js counts as the page words it.
    assert 'data-words-one="{n} word"' in html and 'data-words-other="{n} words"' in html
    assert 'data-chars="{chars} of at most {max} characters"' in html and 'data-group=","' in html
    for danish in ("Gem og byg", "Tilføj en vision", "(valgfri)", " ord ·", "afventer", "Engelsk"):
        assert danish not in html, danish


def test_problems_are_named_in_english_in_the_summary_and_next_to_the_field(made):
    client = signed_in(made)
    page = text_of(client.get("/new"))
    typed = {"document-title": "My strategy", "visions-0-title": "A whole life"}
    answer = press(client, page, "save", typed)
    assert answer.status_code == 422
    html = text_of(answer)
    assert "The draft was not saved: 1 error<" in html
    assert "Vision 1 «A whole life»: the headline is missing" in html
    assert re.search(r'id="visions-0-headline-error">.*Error: .*The headline is missing', html)
    assert "Udkastet blev ikke gemt" not in html and "mangler" not in html


def test_a_newer_version_is_announced_in_english(made):
    assert made.post_yaml(example_yaml("udkast-1", slug="newer")).status_code == 202
    client = signed_in(made)
    mine = text_of(client.get("/strategies/newer/1/edit"))
    assert (
        made.post_yaml(example_yaml("udkast-1", slug="newer", draft_label="X")).status_code == 202
    )

    html = text_of(press(client, mine, "save"))
    when = r"<time [^>]+>\d+ \w+ \d{4} at \d\d:\d\d</time>"
    assert re.search(r"Version 2 was saved by [^<]+ on " + when + ", after version 1, which", html)
    assert "See what changed from version 1 to 2" in html and "Save anyway as version 3" in html
    assert "blev gemt" not in html


def test_the_rich_text_preview_explains_in_english(made):
    client = signed_in(made)
    headers = {"X-CSRFToken": csrf_token(client, "/new")}
    deep = "".join("  " * i + "- x\n" for i in range(8))
    error = client.post("/editor/preview", json={"text": deep}, headers=headers).get_json()["error"]
    assert error.startswith("The text has lists nested")
    long = client.post("/editor/preview", json={"text": "x" * 50_001}, headers=headers)
    assert long.status_code == 413 and "at most 50,000 characters" in long.get_json()["error"]


def test_the_pdf_preview_panel_and_its_script_texts_are_in_english(made):
    client = signed_in(made)
    fields = [(n, v) for n, v in form_of(text_of(client.get("/new?from=example")))]
    html = text_of(client.post("/editor/pdf", data=MultiDict([*fields, ("action", "preview")])))
    assert ">Preview</h2>" in html and "waiting for a free machine" in html and ">Refresh<" in html
    assert 'data-text-state="The preview is {state}."' in html
    assert 'data-text-choose="Choose a page to see it full size."' in html
    assert "Forhåndsvisning" not in html and "venter på" not in html


def _record(**changes: Any) -> PreviewRecord:
    now = dt.datetime.now(dt.UTC)
    fields: dict[str, Any] = {
        "id": "0" * 32,
        "owner": "user:1",
        "theme": "default",
        "state": "done",
        "error": None,
        "page_count": 5,
        "pages": ((600, 800),) * 3,
        "created_at": now,
        "expires_at": now,
    }
    return PreviewRecord(**{**fields, **changes})


@pytest.mark.parametrize(
    ("language", "pages", "count", "alt"),
    [
        ("en", 5, "Showing 3 of 5 pages.", "Page 1 of the preview"),
        ("en", 1, "Showing 1 of 1 page.", "Page 1 of the preview"),
        ("da", 5, "Viser 3 af 5 sider.", "Side 1 af forhåndsvisningen"),
    ],
)
def test_the_preview_answer_counts_pages_in_the_page_language(made, language, pages, count, alt):
    record = _record(page_count=pages, pages=((600, 800),) * min(pages, 3))
    with made.app.test_request_context("/", headers={"Accept-Language": language}):
        answer = preview_json(record)
    assert answer["count_text"] == count and answer["pages"][0]["alt"] == alt


def test_a_failed_preview_says_why_in_the_page_language_and_unknown_text_is_tagged(made):
    refused = _record(state="failed", error=QUEUE_DOWN, page_count=None, pages=())
    crashed = _record(
        state="failed", error=failure("preview_failed", error="X"), page_count=None, pages=()
    )
    odd = _record(state="failed", error="something else went wrong", page_count=None, pages=())
    with made.app.test_request_context("/", headers={"Accept-Language": "da"}):
        danish = render_template("previews/panel.html", preview=refused)
        worker = render_template("previews/panel.html", preview=crashed)
        other = render_template("previews/panel.html", preview=odd)
    assert "Forhåndsvisningen kunne ikke laves. Køen svarer ikke lige nu." in danish
    assert 'lang="en"' not in danish + worker
    assert "PDF-programmet fejlede (X)." in worker
    assert '<span lang="en">something else went wrong</span>' in other
    with made.app.test_request_context("/", headers={"Accept-Language": "en"}):
        answer = preview_json(refused)
        english = render_template("previews/panel.html", preview=refused)
    assert answer["state_label"] == "failed"
    assert answer["error"] == "The queue is not answering right now. Try again in a moment."
    assert "The preview could not be made. The queue is not answering" in english
