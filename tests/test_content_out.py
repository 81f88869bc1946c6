"""Content out: every version's content as YAML and JSON, which uploads again as the same."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.content import load, validate
from core.errors import InvalidContent
from core.samples import example_data
from core.yamlsafe import parse_yaml
from core.yamlwrite import to_yaml
from tests.app_fixtures import TestApp, csrf_token, example_yaml, make_test_app
from tests.strategy_pairs import draft_data

# Texts that plain YAML would read as something else, or that need quotes or a block.
AWKWARD = [
    "yes", "No", "null", "~", "123", "0o17", "1e3", "2018-03-02", ".inf", "@home", "`x`",
    "Mål: 80 %", "# ikke en kommentar", "- ikke en liste", "'enkelt'", '"dobbelt"',
    "  indrykket", "slut med mellemrum  ", "Æble og øl på Ærø", "tab\there", "a\\b",
    "første linje\nanden linje", "\nstarter med linjeskift", "linje  \nmed mellemrum før skift",
    "slutter med to\n\n", "   \n  indrykket anden linje", "{ikke: et map}", "[ikke, en liste]",
    "% procent", "!tag", "&anker", "*alias", "? spørgsmål", "| pipe", "> større",
    "R\x85æ", "linje\u2028skift", "afsnit\u2029skift", "vogn\rretur", "to\n\x85linjer",
]  # fmt: skip
awkward = st.one_of(st.sampled_from(AWKWARD), st.text(min_size=1, max_size=40))


@st.composite
def content(draw: st.DrawFn) -> dict[str, Any]:
    """Valid content whose one-line texts are often awkward for YAML."""
    data = draw(draft_data())
    data["document"]["title"] = draw(awkward)
    data["document"]["subtitle"] = draw(awkward)
    vision = data["visions"][0]
    vision["headline"] = draw(awkward)
    vision["commitments"] = draw(st.lists(awkward, max_size=3))
    if draw(st.booleans()):
        data["foreword"] = draw(awkward)
    try:
        return validate(data).to_data()
    except InvalidContent:
        assume(False)  # a text the format refuses (a control character, say)
        raise


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content())
def test_the_yaml_reads_back_through_the_safe_loader_as_the_same_content(data):
    text = to_yaml(data)
    assert load(text.encode("utf-8"), "application/yaml").to_data() == data


def test_the_yaml_is_written_for_people():
    data = example_data()
    text = to_yaml(data)
    lines = text.splitlines()
    # The format's key order, block style, Danish letters as they are, dates as plain text.
    assert lines[:3] == ["format: strategy/v1", "document:", "  slug: socialstrategi"]
    assert "{" not in text and "\\u" not in text and "\\x" not in text
    assert "  title: Socialstrategi 2018–2022" in lines
    assert "  organisation: Socialforvaltningen" in lines
    assert "  date: 2018-03-02" in lines
    assert "foreword: |" in lines  # a text of several lines as a literal block
    assert "  - id: uddannelse-beskaeftigelse" in lines  # list items indented under their key
    assert [k for k in yaml.safe_load(text)] == list(data)


# --- the pages and the API -------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("content-out"))
    for example in ("udkast-1", "udkast-2"):
        assert made.post_yaml(example_yaml(example, slug="ud")).status_code == 202
    return made


@pytest.fixture(scope="module")
def client(made: TestApp) -> FlaskClient:
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    return client


def test_the_history_offers_each_versions_content_as_yaml_and_json(client):
    html = client.get("/strategies/ud").get_data(as_text=True)
    for version in (1, 2):
        for kind in ("yaml", "json"):
            assert f'href="/strategies/ud/{version}/content.{kind}" download' in html
    assert 'aria-label="Indholdet af version 1 som YAML"' in html


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_a_downloaded_version_uploaded_again_makes_no_new_version(made, client, kind):
    answer = client.get(f"/strategies/ud/2/content.{kind}")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == f'attachment; filename="ud-version-2.{kind}"'
    text = answer.get_data(as_text=True)
    assert "Socialforvaltningen" in text  # Danish letters unescaped, in either format
    form = {
        "csrf_token": csrf_token(client, "/"),
        "text": text,
    }
    saved = client.post("/drafts", data=form, content_type="multipart/form-data")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("?same=1")
    assert made.versions("ud") == [2, 1]


def test_an_older_versions_content_uploaded_again_is_named_as_the_same(made, client):
    text = client.get("/strategies/ud/1/content.yaml").get_data(as_text=True)
    form = {"csrf_token": csrf_token(client, "/"), "text": text}
    saved = client.post("/drafts", data=form, content_type="multipart/form-data")
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Indholdet er det samme som" in page and "Udkast 1 (version 1)" in page


def test_the_api_sends_the_content_as_yaml_and_json(made):
    api = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    as_yaml = api.get("/api/v1/strategies/ud/drafts/1/content.yaml", headers=auth)
    as_json = api.get("/api/v1/strategies/ud/drafts/1/content.json", headers=auth)
    assert as_yaml.status_code == as_json.status_code == 200
    assert as_yaml.headers["Content-Type"] == "application/yaml; charset=utf-8"
    assert as_json.mimetype == "application/json"
    stored = api.get("/api/v1/strategies/ud/drafts/1", headers=auth).get_json()["draft"]["content"]
    assert parse_yaml(as_yaml.get_data(as_text=True)) == json.loads(as_json.data) == stored
    # Posted back, it is a new version at most once (unless the latest has that content
    # already, as after the test above in the same process); then it is the latest.
    assert made.post_yaml(as_yaml.data).status_code in (200, 202)
    assert made.post_yaml(as_yaml.data).status_code == 200  # identical: nothing new
    missing = api.get("/api/v1/strategies/ud/drafts/99/content.yaml", headers=auth)
    assert missing.status_code == 404 and "no version 99" in missing.get_json()["message"]
    assert api.get("/api/v1/strategies/ud/drafts/1/content.json").status_code == 401
