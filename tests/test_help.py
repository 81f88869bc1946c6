"""The start page's template and example downloads, and the format description as a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from core.content import load
from core.samples import example_text, skeleton_text
from tests.app_fixtures import TestApp, make_test_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("help"))


@pytest.fixture(scope="module")
def client(made: TestApp) -> FlaskClient:
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    return client


def test_the_shipped_format_description_is_the_one_in_docs():
    shipped = ROOT / "service" / "templates" / "help" / "content-format.md"
    assert shipped.read_bytes() == (ROOT / "docs" / "content-format.md").read_bytes(), (
        "copy docs/content-format.md to service/templates/help/content-format.md"
    )


def test_the_start_page_offers_the_template_the_example_and_the_help(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/help/strategi-skabelon.yaml" download>den tomme skabelon</a>' in html
    assert 'href="/help/strategi-eksempel.yaml" download>et udfyldt eksempel</a>' in html
    assert 'href="/help/format">beskrivelsen af formatet</a>' in html


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/help/strategi-skabelon.yaml", skeleton_text),
        ("/help/strategi-eksempel.yaml", example_text),
    ],
)
def test_the_downloads_are_the_shipped_files_and_valid_content(client, path, text):
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/yaml; charset=utf-8"
    name = path.rsplit("/", 1)[1]
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert answer.get_data(as_text=True) == text()
    assert load(answer.data, "application/yaml").document.slug  # it uploads as it is


def test_the_format_page_renders_the_description_with_its_tables(client):
    page = client.get("/help/format")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Strategy content format, v1</h1>" in html
    # Every table stacks its rows on a phone, each value labelled with its column.
    assert html.count('<table class="stack">') >= 5 and "<table>" not in html
    assert '<td data-label="meaning">Metadata, below.</td>' in html
    assert "<th>key</th>" in html and "<code>strategy/v1</code>" in html
    assert "<script" not in html.split("<main", 1)[1]
