"""The public strategy page, its files and its Atom feed; publishing them, by page and API.

One strategy, three versions: 1 (the first reference draft) and 3 (the second one,
labelled "Udkast 3") are published; 2 (the first with an internal note) stays internal.
So what changed "from 1 to 3" is the reference drafts' own comparison, and the internal
note must never reach the public.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
from flask.testing import FlaskClient

from core.outputs import output_named
from service.runtime import runtime
from store import (
    build_status,
    finish_output,
    has_public_page,
    hearings_of,
    open_hearing,
    set_public,
    set_published,
    submit_draft,
)
from tests.app_fixtures import CSRF, TestApp, example_data, example_yaml, make_test_app
from tests.test_api import ContractClient

SLUG = "aaben"
INTERNAL = "Kun til internt brug: denne sætning må aldrig ses udenfor."
PAGE = f"/public/strategies/{SLUG}"
FEED = f"{PAGE}/feed.atom"


def _post(made: TestApp, body: bytes) -> str:
    answer = made.post_yaml(body)
    assert answer.status_code == 202, answer.get_json()
    build_id: str = answer.get_json()["build"]["id"]
    return build_id


def _finish(made: TestApp, build_id: str, version: int) -> None:
    """Record the build's files as a worker would (no worker runs here)."""
    with made.app.app_context(), runtime().sessions() as db:
        status = build_status(db, build_id)
        assert status is not None
        for output in status.outputs:  # version 1 has no comparison outputs
            data = f"{output} of version {version}".encode()
            finish_output(db, build_id, output, data, output_named(output).media_type)


def _internal_version() -> bytes:
    data = example_data("udkast-1", slug=SLUG)
    data["document"]["draft_label"] = "Udkast 1b"
    data["foreword"] = INTERNAL + "\n\n" + data["foreword"]
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


def _store(made: TestApp, call: Any, *args: Any, **kw: Any) -> Any:
    with made.app.app_context(), runtime().sessions() as db:
        return call(db, *args, **kw)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("public-strategy"))
    _finish(made, _post(made, example_yaml("udkast-1", slug=SLUG)), 1)
    _finish(made, _post(made, _internal_version()), 2)
    third = example_yaml("udkast-2", slug=SLUG, draft_label="Udkast 3", status="consultation")
    _finish(made, _post(made, third), 3)
    return made


@pytest.fixture(scope="module")
def published(made: TestApp) -> TestApp:
    """Make the strategy public and publish versions 1 and 3; open three hearings on 3."""
    _store(made, set_public, SLUG, True)
    _store(made, set_published, SLUG, 1, True)
    _store(made, set_published, SLUG, 3, True)
    today = dt.date.today()
    held = {"opens": dt.date(2018, 4, 25), "closes": dt.date(2018, 5, 16), "public": True}
    _store(
        made, open_hearing, SLUG, 3, **held, intro=None, parts=None, max_responses=10, user_id=None
    )
    # Held by unguessable link only, and one not open yet: neither is ever listed.
    for version, opens, public in (
        (1, dt.date(2018, 2, 1), False),
        (2, today + dt.timedelta(3), True),
    ):
        _store(
            made,
            open_hearing,
            SLUG,
            version,
            opens=opens,
            closes=opens + dt.timedelta(days=14),
            public=public,
            intro=None,
            parts=None,
            max_responses=10,
            user_id=None,
        )
    return made


def _page(client: FlaskClient, path: str = PAGE) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)


def _text(html: str) -> str:
    """Return the page's text as a reader sees it (tags out, spaces folded)."""
    inline = re.sub(r"</?(?:span|strong|a|time)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


# --- before anything is published --------------------------------------------------------


def test_an_internal_strategy_and_one_with_nothing_published_have_no_page(tmp_path):
    fresh = make_test_app(tmp_path)
    _finish(fresh, _post(fresh, example_yaml("udkast-1", slug="intern")), 1)
    client = fresh.app.test_client()
    paths = [
        "/public/strategies/intern",
        "/public/strategies/intern/feed.atom",
        "/public/strategies/intern/1/intern-udkast-1.pdf",
    ]
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 404, path
        # The same answer as for no strategy at all: nothing tells that it exists.
        nothing = client.get(path.replace("intern", "findes-ikke")).get_data(as_text=True)
        assert answer.get_data(as_text=True) == nothing.replace("findes-ikke", "intern")
    _store(fresh, set_published, "intern", 1, True)  # published, but the strategy is not public
    assert all(client.get(p).status_code == 404 for p in paths)
    _store(fresh, set_published, "intern", 1, False)
    _store(fresh, set_public, "intern", True)  # public, but no version is published
    assert all(client.get(p).status_code == 404 for p in paths)
    _store(fresh, set_published, "intern", 1, True)
    assert all(client.get(p).status_code == 200 for p in paths)


def test_the_page_is_up_only_when_public_with_a_published_version(session, udkast1):
    """In the store, on SQLite and PostgreSQL: both choices are needed, either ends it."""
    submit_draft(session, udkast1, "default")
    assert not has_public_page(session, "socialstrategi")
    set_public(session, "socialstrategi", True)
    assert not has_public_page(session, "socialstrategi")
    set_published(session, "socialstrategi", 1, True)
    assert has_public_page(session, "socialstrategi")
    set_public(session, "socialstrategi", False)
    assert not has_public_page(session, "socialstrategi")
    assert not has_public_page(session, "findes-ikke")


# --- the page ------------------------------------------------------------------------------


def test_the_page_lists_only_the_published_versions_newest_first(published):
    html = _page(published.app.test_client())
    text = _text(html)
    assert "<h1>Socialstrategi 2018–2022</h1>" in html
    assert "Vores fælles retning" in text and "Socialforvaltningen" in text
    assert html.index('id="version-3"') < html.index('id="version-1"')
    assert 'id="version-2"' not in html
    assert "Udkast 1b" not in text and INTERNAL not in html
    assert f'href="{PAGE}/3/{SLUG}-udkast-3.pdf"' in html
    assert f'href="{PAGE}/1/{SLUG}-udkast-1.docx"' in html
    assert "/2/" not in html  # no link to anything of the internal version
    assert "-changes" not in html  # the comparison files compare with internal versions


def test_the_timeline_of_the_newest_published_version_marks_the_next_step(published):
    html = _page(published.app.test_client())
    timeline = html[html.index('class="timeline"') : html.index("</ol>")]
    items = re.findall(r'<li class="([^"]+)">(.*?)</li>', timeline, re.S)
    assert [c for c, _ in items] == ["done", "planned next", "planned", "planned", "planned"]
    first_planned = _text(items[1][1])
    assert "14. mar. 2018" in first_planned and "Socialudvalget præsenteres" in first_planned
    assert "næste skridt" in first_planned
    assert "Gennemført" in _text(items[0][1])


def test_what_changed_and_why_between_two_published_versions_names_the_inputs(published):
    html = _page(published.app.test_client())
    version_3 = html[html.index('id="version-3"') : html.index('id="version-1"')]
    text = _text(version_3)
    # Between the two PUBLISHED versions: "since Udkast 1", never the internal one.
    assert "Hvad er ændret siden Udkast 1 (version 1), og hvorfor" in text
    assert "Visioner:" in text and "flyttet" in text and "ord tilføjet" in text
    assert "Det hele liv: flyttet fra plads 2 til 1, ændret" in text
    # Each input worked in with this version, who gave it and what was done with it.
    assert "HovedMED" in text
    assert "bør det hele liv komme først" in text
    assert "Svar: Det hele liv er nu den første vision." in text
    assert "Ulighed i sundhed bør med i strategien." in text
    # Inputs carried over unchanged from version 1 led to nothing here.
    assert "FællesMED" not in text
    assert INTERNAL not in html


def test_only_published_files_download(published):
    client = published.app.test_client()
    pdf = client.get(f"{PAGE}/3/{SLUG}-udkast-3.pdf")
    assert pdf.status_code == 200
    assert pdf.data == b"pdf of version 3"
    assert pdf.mimetype == "application/pdf"
    assert client.get(f"{PAGE}/1/{SLUG}-udkast-1.docx").data == b"docx of version 1"
    refused = [
        f"{PAGE}/2/{SLUG}-udkast-1b.pdf",  # the internal version, by its right name
        f"{PAGE}/3/{SLUG}-udkast-3-changes.pdf",  # compares with the internal version
        f"{PAGE}/3/{SLUG}-udkast-1.pdf",  # another version's name
        f"{PAGE}/4/{SLUG}-udkast-4.pdf",
        f"/public/strategies/findes-ikke/1/{SLUG}-udkast-1.pdf",
    ]
    for path in refused:
        assert client.get(path).status_code == 404, path
    # The signed-in route has the internal file: it is the public one that refuses it.
    assert published.sign_in(client).status_code == 302
    assert client.get(f"/strategies/{SLUG}/2/{SLUG}-udkast-1b.pdf").status_code == 200
    assert client.get(f"{PAGE}/2/{SLUG}-udkast-1b.pdf").status_code == 404


def test_public_hearings_that_opened_are_linked_and_no_others(published):
    [held] = [h for h in _store(published, hearings_of, SLUG) if h.version == 3]
    html = _page(published.app.test_client())
    assert f'<a href="/public/hearings/{held.key}">Høring om Udkast 3 (version 3)</a>' in html
    assert html.count('href="/public/hearings/') == 1
    text = _text(html)
    assert "Høring om Udkast 3 (version 3): holdt fra 25. apr. 2018 til 16. maj 2018" in text
    assert "Høring om Udkast 1" not in text  # by unguessable link only
    assert "Høring om Udkast 1b" not in text  # not open yet


def test_the_page_in_english_tags_the_strategys_danish(published):
    html = _page(published.app.test_client(), PAGE + "?lang=en")
    assert '<html lang="en">' in html
    assert '<h1 lang="da">Socialstrategi 2018–2022</h1>' in html
    text = _text(html)
    assert "What changed since Udkast 1 (version 1), and why" in text
    assert "Visions:" in text and "moved from position 2 to 1, changed" in text
    assert "Published versions" in text
    assert f'href="{FEED}?lang=en"' in html


# --- no cookies, nothing from elsewhere --------------------------------------------------


def test_no_public_answer_sets_a_cookie_not_even_for_a_signed_in_editor(published):
    client = published.app.test_client()
    assert published.sign_in(client).status_code == 302
    paths = [
        PAGE,
        PAGE + "?lang=en",
        FEED,
        f"{PAGE}/3/{SLUG}-udkast-3.pdf",
        f"{PAGE}/2/{SLUG}-udkast-1b.pdf",  # a 404
    ]
    for path in paths:
        answer = client.get(path)
        assert "Set-Cookie" not in answer.headers, path
    anonymous = published.app.test_client()
    for path in paths:
        assert "Set-Cookie" not in anonymous.get(path).headers, path
    assert not list(anonymous._cookies)  # type: ignore[attr-defined]


def test_the_page_names_no_other_host_and_runs_no_script(published):
    for path in (PAGE, PAGE + "?lang=en"):
        html = _page(published.app.test_client(), path)
        hosts = {urlsplit(url).hostname for url in re.findall(r"https?://[^\s\"'<>]+", html)}
        assert hosts <= {"localhost"}, hosts
        assert "<script" not in html
        assert 'src="http' not in html


# --- the feed ------------------------------------------------------------------------------


def test_the_atom_feed_has_the_published_versions_and_the_public_hearing(published):
    client = published.app.test_client()
    html = _page(client)
    link = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html)
    assert link is not None
    answer = client.get(link.group(1))
    assert answer.status_code == 200
    assert answer.mimetype == "application/atom+xml"

    feed = feedparser.parse(answer.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Socialstrategi 2018–2022"
    assert feed.feed.link == "http://localhost/public/strategies/aaben"
    titles = [e.title for e in feed.entries]
    assert sorted(titles) == sorted(
        [
            "Ny version offentliggjort: Udkast 3 (version 3)",
            "Ny version offentliggjort: Udkast 1 (version 1)",
            "Høring åbnet: Udkast 3 (version 3)",
            "Høring lukket: Udkast 3 (version 3)",
        ]
    )
    by_title = {e.title: e for e in feed.entries}
    opened = by_title["Høring åbnet: Udkast 3 (version 3)"]
    closed = by_title["Høring lukket: Udkast 3 (version 3)"]
    assert opened.updated_parsed[:3] in ((2018, 4, 24), (2018, 4, 25))  # midnight, local
    assert closed.updated_parsed[:3] in ((2018, 5, 16), (2018, 5, 17))  # the day after
    assert opened.link.startswith("http://localhost/public/hearings/")
    version_3 = by_title["Ny version offentliggjort: Udkast 3 (version 3)"]
    assert version_3.link == "http://localhost/public/strategies/aaben#version-3"
    assert len({e.id for e in feed.entries}) == 4
    # Newest first; nothing of the internal version, nor of a hearing not listed.
    times = [e.updated_parsed for e in feed.entries]
    assert times == sorted(times, reverse=True)
    # The internal version's label and text (its ids are random hex: "1b" alone can occur).
    text = answer.data.decode()
    assert "Udkast 1b" not in text and INTERNAL not in text
    assert "udkast-1b" not in text and "version 2)" not in text


def test_the_feed_speaks_english_when_asked(published):
    feed = feedparser.parse(published.app.test_client().get(FEED + "?lang=en").data)
    assert "New version published: Udkast 3 (version 3)" in [e.title for e in feed.entries]
    assert feed.feed.language == "en"


# --- publishing: the history page's buttons, and who may use them ------------------------


def _history_form(client: FlaskClient, slug: str, action: str) -> dict[str, str]:
    page = client.get(f"/strategies/{slug}").get_data(as_text=True)
    assert f'action="{action}"' in page, action
    token = CSRF.search(page)
    assert token is not None
    return {"csrf_token": token.group(1)}


def test_an_editor_opens_the_page_and_publishes_versions_in_the_history(tmp_path):
    fresh = make_test_app(tmp_path)
    _finish(fresh, _post(fresh, example_yaml("udkast-1", slug="knap")), 1)
    _finish(fresh, _post(fresh, example_yaml("udkast-2", slug="knap")), 2)
    client = fresh.app.test_client()
    assert fresh.sign_in(client).status_code == 302
    history = client.get("/strategies/knap").get_data(as_text=True)
    assert "Giv strategien en offentlig side" in history
    assert "published-mark" not in history

    form = _history_form(client, "knap", "/strategies/knap/public")
    answer = client.post("/strategies/knap/public", data={**form, "public": "1"})
    assert answer.status_code == 302
    for version in (1, 2):
        action = f"/strategies/knap/{version}/published"
        form = _history_form(client, "knap", action)
        assert client.post(action, data={**form, "published": "1"}).status_code == 302

    history = client.get("/strategies/knap").get_data(as_text=True)
    assert history.count("published-mark") == 2
    assert 'href="/public/strategies/knap"' in history
    assert "Luk den offentlige side" in history and "Gør intern igen" in history
    assert client.get("/public/strategies/knap").status_code == 200

    action = "/strategies/knap/1/published"
    form = _history_form(client, "knap", action)
    assert client.post(action, data={**form, "published": "0"}).status_code == 302
    public = _page(fresh.app.test_client(), "/public/strategies/knap")
    assert 'id="version-1"' not in public and 'id="version-2"' in public
    # A form without its CSRF token changes nothing.
    assert client.post("/strategies/knap/public", data={"public": "0"}).status_code == 400
    assert client.get("/public/strategies/knap").status_code == 200


def test_a_reader_sees_no_buttons_and_cannot_publish(published):
    email, _ = published.new_user("reader", "Lene Læser")
    client = published.app.test_client()
    assert published.sign_in(client, email=email).status_code == 302
    history = client.get(f"/strategies/{SLUG}").get_data(as_text=True)
    assert "Offentliggør" not in history and "Luk den offentlige side" not in history
    assert history.count("published-mark") == 2  # the marks, yes
    token = CSRF.search(history)
    assert token is not None
    refused = client.post(
        f"/strategies/{SLUG}/2/published",
        data={"csrf_token": token.group(1), "published": "1"},
    )
    assert refused.status_code == 403
    refused = client.post(
        f"/strategies/{SLUG}/public", data={"csrf_token": token.group(1), "public": "0"}
    )
    assert refused.status_code == 403
    page = _page(published.app.test_client())
    assert 'id="version-2"' not in page


# --- the API -------------------------------------------------------------------------------


def test_the_api_publishes_and_links_the_public_page_and_feed(tmp_path):
    fresh = make_test_app(tmp_path)
    _post(fresh, example_yaml("udkast-1", slug="api-side"))
    fresh.app.test_client_class = ContractClient  # every answer as the OpenAPI document says
    client = fresh.app.test_client()
    auth = {"Authorization": f"Bearer {fresh.token}"}

    def links() -> dict[str, str]:
        [strategy] = client.get("/api/v1/strategies", headers=auth).get_json()["strategies"]
        return strategy["links"]

    assert "public" not in links()
    answer = client.put("/api/v1/strategies/api-side/public", json={"public": True}, headers=auth)
    assert answer.status_code == 200
    assert answer.get_json() == {"slug": "api-side", "public": True, "links": {}}
    assert "public" not in links()  # nothing published yet: no page to link

    answer = client.put(
        "/api/v1/strategies/api-side/drafts/1/published", json={"published": True}, headers=auth
    )
    assert answer.status_code == 200
    assert answer.get_json()["published_at"].endswith("Z")
    expected = {
        "public": "/public/strategies/api-side",
        "feed": "/public/strategies/api-side/feed.atom",
    }
    assert {k: links()[k] for k in ("public", "feed")} == expected
    history = client.get("/api/v1/strategies/api-side/drafts", headers=auth).get_json()
    assert history["links"] == expected
    assert history["drafts"][0]["published_at"] is not None
    assert client.get(expected["public"]).status_code == 200
    assert client.get(expected["feed"]).status_code == 200

    read = client.get("/api/v1/strategies/api-side/public", headers=auth).get_json()
    assert read == {"slug": "api-side", "public": True, "links": expected}
    version = client.get("/api/v1/strategies/api-side/drafts/1/published", headers=auth)
    assert version.get_json()["published_at"] == answer.get_json()["published_at"]

    answer = client.put("/api/v1/strategies/api-side/public", json={"public": False}, headers=auth)
    assert answer.get_json()["links"] == {}
    assert client.get(expected["public"]).status_code == 404
    assert "public" not in links()


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/v1/strategies/api-nej/public", {"public": "ja"}, 400),
        ("/api/v1/strategies/api-nej/public", {"offentlig": True}, 400),
        ("/api/v1/strategies/api-nej/public", [True], 400),
        ("/api/v1/strategies/findes-ikke/public", {"public": True}, 404),
        ("/api/v1/strategies/api-nej/drafts/9/published", {"published": True}, 404),
        ("/api/v1/strategies/api-nej/drafts/1/published", {"published": 1}, 400),
    ],
)
def test_the_api_refuses_what_it_cannot_do(made, path, body, status):
    if "api-nej" not in made.slugs():
        _post(made, example_yaml("udkast-1", slug="api-nej"))
    answer = ContractClient(made.app).put(
        path, json=body, headers={"Authorization": f"Bearer {made.token}"}
    )
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["message"]


def test_a_reader_token_cannot_publish(made):
    _, reader_id = made.new_user("reader", "Læser Lis")
    token = made.new_token(user_id=reader_id)
    client = ContractClient(made.app)
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.put(
        f"/api/v1/strategies/{SLUG}/public", json={"public": False}, headers=headers
    )
    assert answer.status_code == 403
    answer = client.put(
        f"/api/v1/strategies/{SLUG}/drafts/2/published", json={"published": True}, headers=headers
    )
    assert answer.status_code == 403
    assert made.app.test_client().get(f"{PAGE}/2/{SLUG}-udkast-1b.pdf").status_code == 404
