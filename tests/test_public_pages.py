"""The public pages' frame: no cookie, no account, the language in the address."""

from __future__ import annotations

import pytest

from tests.app_fixtures import TestApp, make_test_app


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("public"))


def test_a_missing_public_page_is_a_public_404_without_cookie_or_account(made):
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302  # a signed-in editor visits it too
    answer = client.get("/public/strategies/findes-ikke", headers={"Accept-Language": "en"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404
    assert "Set-Cookie" not in answer.headers
    assert "Log ud" not in page and "Sign out" not in page  # nothing of the account
    assert 'href="/public/strategies/findes-ikke?lang=da"' in page  # the other language
    danish = client.get("/public/strategies/findes-ikke?lang=da")
    assert '<html lang="da">' in danish.get_data(as_text=True)
    assert "Set-Cookie" not in danish.headers


def test_the_public_pages_load_nothing_from_elsewhere(made):
    page = made.app.test_client().get("/public/x").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page
