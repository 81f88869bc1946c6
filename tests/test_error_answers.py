"""Errors answered in one place: a 405 names the methods allowed; an expired form says why."""

from __future__ import annotations

import pytest

from tests.app_fixtures import make_test_app


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return make_test_app(tmp_path_factory.mktemp("errors"))


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/drafts", {"OPTIONS", "POST"}),
        ("PUT", "/api/v1/strategies", {"GET", "HEAD", "OPTIONS"}),
        ("DELETE", "/sign-in", {"GET", "HEAD", "OPTIONS", "POST"}),
    ],
)
def test_a_405_names_the_methods_that_are_allowed(made, method, path, allowed):
    with made.app.test_client() as client:
        response = client.open(path, method=method)

    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


def test_a_form_without_its_csrf_token_says_what_to_do_in_danish(made):
    with made.app.test_client() as client:
        client.get("/sign-in")
        response = client.post("/sign-in", data={"email": made.email, "password": made.password})

    assert response.status_code == 400
    assert "Genindlæs siden" in response.get_data(as_text=True)
    with made.app.test_client() as client:
        assert client.get("/").status_code == 302  # and nobody was signed in
