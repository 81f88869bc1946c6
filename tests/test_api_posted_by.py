"""Who posted each draft, over the API: the user and token, shown in draft and history JSON.

Every JSON body is checked against service/openapi.yaml by the contract client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.runtime import runtime
from store import create_token, revoke_token
from tests.app_fixtures import TestApp, example_yaml, make_test_app
from tests.test_api import ContractClient
from tests.test_web_sessions import sign_in


def contract_app(tmp: Path) -> TestApp:
    made = make_test_app(tmp)
    made.app.test_client_class = ContractClient
    return made


def named_token(made: TestApp, name: str) -> str:
    with made.app.app_context(), runtime().sessions() as db:
        return create_token(db, name)


def get(made: TestApp, path: str, token: str) -> Any:
    response = made.app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_each_version_names_the_token_that_posted_it_even_after_it_is_revoked(tmp_path):
    made = contract_app(tmp_path)
    pipeline, colleague = named_token(made, "pipeline"), named_token(made, "kollega")

    first = made.post_yaml(example_yaml("udkast-1", slug="hvem"), pipeline)
    second = made.post_yaml(example_yaml("udkast-2", slug="hvem"), colleague)
    assert first.get_json()["draft"]["posted_by"] == {"token": "pipeline", "user": "pipeline"}
    assert second.get_json()["draft"]["posted_by"] == {"token": "kollega", "user": "kollega"}

    with made.app.app_context(), runtime().sessions() as db:
        revoke_token(db, "pipeline")

    reader = made.token
    history = get(made, "/api/v1/strategies/hvem/drafts", reader)["drafts"]
    assert [(d["version"], d["posted_by"]["token"]) for d in history] == [
        (2, "kollega"),
        (1, "pipeline"),
    ]
    one = get(made, "/api/v1/strategies/hvem/drafts/1", reader)
    assert one["draft"]["posted_by"] == {"token": "pipeline", "user": "pipeline"}


def test_reposting_the_same_content_keeps_the_first_poster(tmp_path):
    made = contract_app(tmp_path)
    first, again = named_token(made, "foerst"), named_token(made, "igen")
    body = example_yaml("udkast-1", slug="samme")

    assert made.post_yaml(body, first).status_code == 202
    repeated = made.post_yaml(body, again)

    assert repeated.status_code == 200  # no new version
    assert repeated.get_json()["draft"]["posted_by"] == {"token": "foerst", "user": "foerst"}


def test_the_history_page_shows_who_saved_each_version(tmp_path):
    made = make_test_app(tmp_path)
    made.post_yaml(example_yaml("udkast-1", slug="side"), named_token(made, "ci-<b>&"))
    browser = made.app.test_client()

    sign_in(browser, made.email)
    page = browser.get("/strategies/side").get_data(as_text=True)

    assert '<th scope="col">Gemt af</th>' in page
    # Escaped like every other value.
    assert '<td data-label="Gemt af">ci-&lt;b&gt;&amp;</td>' in page


def test_a_persons_token_names_the_person_and_the_token(tmp_path):
    made = contract_app(tmp_path)

    posted = made.post_yaml(example_yaml("udkast-1", slug="personlig"))  # Rikke's own token
    browser = made.app.test_client()
    sign_in(browser, made.email)
    page = browser.get("/strategies/personlig").get_data(as_text=True)

    token = posted.get_json()["draft"]["posted_by"]["token"]
    assert posted.get_json()["draft"]["posted_by"]["user"] == "Rikke Redaktør"
    assert f'Rikke Redaktør <span class="muted">(API-nøgle «{token}»)</span>' in page
