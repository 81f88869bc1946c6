"""Previews in-process: the render and its bounds, the store's rules, and the pages.

The render runs here as the worker runs it (worker.previews.render_preview on the app's
own database); tests/test_browser.py drives a real worker and browser.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pypdfium2  # type: ignore[import-untyped]  # ships no type information
import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import update

from core.content import load
from core.samples import example_text
from service.runtime import runtime
from store import PREVIEW_LIFETIME, delete_expired_previews, get_preview, start_preview
from store.models import Preview
from tests.app_fixtures import TestApp, add_person, csrf_token, example_yaml, make_test_app
from worker.previews import MAX_HEIGHT, MAX_PAGES, MAX_WIDTH, rasterise, render_preview

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("preview"))


def signed_in_client(made: TestApp, email: str | None = None) -> FlaskClient:
    client = made.app.test_client()
    assert made.sign_in(client, email).status_code == 302
    return client


@pytest.fixture
def client(made: TestApp) -> FlaskClient:
    # Not kept open with `with`: a second client's sign-in would find this one's CSRF
    # token in the shared app context.
    return signed_in_client(made)


def ask_preview(client: FlaskClient, **form: Any) -> Any:
    form["csrf_token"] = csrf_token(client, "/")
    return client.post("/previews", data=form, content_type="multipart/form-data")


def preview_id_of(page: Any) -> str:
    html = str(page.get_data(as_text=True))
    marker = 'data-preview-url="/previews/'
    assert marker in html, html
    return html.split(marker, 1)[1].split('"', 1)[0]


def run_worker(made: TestApp, preview_id: str) -> str:
    """Do what the worker's preview task does, on the app's database."""
    with made.app.app_context():
        return render_preview(runtime().sessions, preview_id)


def pdf_with_page(width: float, height: float, pages: int = 1) -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(width, height)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the images: how many, how large -------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"), [(595, 842), (5000, 200), (200, 20000), (14400, 14400)]
)
def test_page_images_are_bounded_whatever_the_page_size(width, height):
    images, count = rasterise(pdf_with_page(width, height, pages=5))
    assert count == 5
    assert len(images) == MAX_PAGES
    for w, h, png in images:
        assert png.startswith(PNG)
        assert w <= MAX_WIDTH and h <= MAX_HEIGHT
        assert Image.open(io.BytesIO(png)).size == (w, h)


def test_a_short_pdf_gives_as_many_images_as_it_has_pages():
    images, count = rasterise(pdf_with_page(595, 842, pages=1))
    assert (len(images), count) == (1, 1)


# --- the store: one per owner, an hour at most ----------------------------------------------


def test_a_new_preview_replaces_the_owners_earlier_one_only(made):
    with made.app.app_context():
        db = runtime().sessions()
        try:
            first = start_preview(db, "token:1", "{}", "default")
            other = start_preview(db, "token:2", "{}", "default")
            second = start_preview(db, "token:1", "{}", "default")
            assert get_preview(db, first.id) is None
            assert get_preview(db, second.id, "token:1") is not None
            assert get_preview(db, second.id, "token:2") is None  # not theirs
            assert get_preview(db, other.id, "token:2") is not None
        finally:
            db.close()


def test_previews_expire_after_an_hour_and_are_deleted(made):
    with made.app.app_context():
        db = runtime().sessions()
        try:
            old = start_preview(db, "token:old", "{}", "default")
            then = dt.datetime.now(dt.UTC) - PREVIEW_LIFETIME - dt.timedelta(seconds=1)
            db.execute(update(Preview).where(Preview.id == old.id).values(created_at=then))
            db.commit()
            assert get_preview(db, old.id, "token:old") is None
            start_preview(db, "token:someone", "{}", "default")  # any new one clears them
            assert db.get(Preview, old.id) is None
            older = start_preview(db, "token:old", "{}", "default")
            db.execute(update(Preview).where(Preview.id == older.id).values(created_at=then))
            db.commit()
            assert delete_expired_previews(db) == 1  # as the workers' recovery step does
            assert db.get(Preview, older.id) is None
        finally:
            db.close()


# --- the upload page's "Forhåndsvis" --------------------------------------------------------


def test_preview_of_pasted_text_shows_its_first_pages_and_stores_no_version(made, client):
    before = made.queued_messages()
    page = ask_preview(client, text=example_yaml(slug="forhaand").decode())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Forhåndsvisning" in html and 'aria-live="polite"' in html
    assert "venter på en ledig maskine" in html
    assert "forhaand" in html  # the pasted text stays in the form, ready to save
    assert made.queued_messages() == before + 1  # one task for the workers
    preview_id = preview_id_of(page)

    state = client.get(f"/previews/{preview_id}").get_json()
    assert (state["state"], state["ended"], state["pages"]) == ("queued", False, [])
    assert client.get(f"/previews/{preview_id}/pages/1.png").status_code == 404

    assert run_worker(made, preview_id) == "done"
    state = client.get(f"/previews/{preview_id}").get_json()
    assert state["state"] == "done" and state["ended"]
    assert state["page_count"] > MAX_PAGES
    assert [p["alt"] for p in state["pages"]] == [
        f"Side {n} af forhåndsvisningen" for n in range(1, MAX_PAGES + 1)
    ]
    image = client.get(state["pages"][0]["url"])
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(PNG)
    assert Image.open(io.BytesIO(image.data)).width == state["pages"][0]["width"] <= MAX_WIDTH

    # Without JavaScript, the "Opdater" link shows the finished preview with its images.
    shown = client.get(f"/previews/{preview_id}/view").get_data(as_text=True)
    assert 'alt="Side 1 af forhåndsvisningen"' in shown and "Opdater" not in shown
    assert "forhaand" not in made.slugs()  # no version was made


def test_a_preview_is_shown_only_to_whoever_asked_for_it(made, client):
    preview_id = preview_id_of(ask_preview(client, text=example_text()))
    stranger = signed_in_client(made, add_person(made.app)[0])
    for path in ("", "/view", "/pages/1.png"):
        assert stranger.get(f"/previews/{preview_id}{path}").status_code == 404
    anonymous = made.app.test_client()
    assert anonymous.get(f"/previews/{preview_id}").status_code == 302  # to the sign-in


def test_a_second_preview_replaces_the_first_and_the_worker_skips_the_first(made, client):
    first = preview_id_of(ask_preview(client, text=example_text()))
    second = preview_id_of(ask_preview(client, text=example_text()))
    assert client.get(f"/previews/{first}").status_code == 404
    assert client.get(f"/previews/{second}").status_code == 200
    assert run_worker(made, first) == "skipped"  # nothing rendered for a replaced one


def test_invalid_content_is_not_previewed_and_the_problems_are_in_danish(made, client):
    before = made.queued_messages()
    data = load(example_text().encode(), "application/yaml").to_data()
    del data["visions"][1]["headline"]
    page = ask_preview(client, text=json.dumps(data, ensure_ascii=False))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Udkastet blev ikke gemt" in html and "Vision 2" in html
    assert 'id="preview"' not in html
    assert made.queued_messages() == before


def test_a_preview_larger_than_a_draft_may_be_is_refused(tmp_path):
    small = make_test_app(tmp_path, MAX_CONTENT_LENGTH="20000")
    page = ask_preview(signed_in_client(small), text=example_text() + "#" * 30000)
    assert page.status_code == 413
    assert small.queued_messages() == 0


def test_previews_count_against_the_drafts_a_token_may_post_a_minute(tmp_path):
    limited = make_test_app(tmp_path, UDKAST_DRAFTS_PER_MINUTE="2")
    client = signed_in_client(limited)
    codes = [ask_preview(client, text=example_text()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_preview_the_queue_cannot_take_fails_at_once_and_says_so(tmp_path):
    # Nothing listens on port 1: the broker is down.
    down = make_test_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    client = signed_in_client(down)
    page = ask_preview(client, text=example_text())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Forhåndsvisningen kunne ikke laves" in html and "mislykkedes" in html
    assert "data-preview-url" not in html  # nothing to follow


def test_a_preview_of_a_file_says_the_file_must_be_chosen_again_to_save(client):
    upload = (io.BytesIO(example_text().encode()), "strategi.yaml")
    page = ask_preview(client, file=upload)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Vælg filen igen, når du vil gemme den." in html and 'id="preview"' in html
