"""Why a file could not be made: stored once in English, said in the reader's language."""

from __future__ import annotations

import pytest

from core.failures import FAILURES, failure, read_failure
from service.failure_text import failure_text
from tests.app_fixtures import make_test_app

VALUES = {
    "seconds": "90",
    "limit": "1024",
    "used": "1100",
    "output": "'pdf'",
    "error": "ValueError",
    "attempts": "3",
    "theme": "'default'",
    "detail": "visions[0].headline: field required",
}


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_every_kind_reads_back_with_its_values(kind):
    wording = FAILURES[kind]
    values = {name: value for name, value in VALUES.items() if "{" + name + "}" in wording}
    assert read_failure(failure(kind, **values)) == (kind, values)


def test_every_kind_is_worded_in_both_languages_and_unknown_text_is_kept(tmp_path):
    app = make_test_app(tmp_path).app
    for language in ("da", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            for kind in FAILURES:
                wording = FAILURES[kind]
                values = {n: v for n, v in VALUES.items() if "{" + n + "}" in wording}
                text = failure_text(failure(kind, **values))
                assert text != failure(kind, **values), (language, kind)  # worded, not stored
                assert all(v in text for n, v in values.items() if n != "output"), text
            assert failure_text("something we never wrote") == "something we never wrote"
            assert failure_text(None) == ""
    with app.test_request_context(headers={"Accept-Language": "da"}):
        assert failure_text(failure("timeout", seconds=60)).startswith("Det tog over 60 sekunder")


def test_the_build_page_says_why_in_danish_and_the_api_keeps_its_english(tmp_path):
    from service.runtime import runtime
    from store import fail_output
    from tests.app_fixtures import example_yaml

    made = make_test_app(tmp_path)
    build = made.post_yaml(example_yaml(slug="fejl")).get_json()["build"]
    stored = failure("timeout", seconds=90)
    with made.app.app_context():
        db = runtime().sessions()
        try:
            fail_output(db, build["id"], "pdf", stored)
        finally:
            db.close()
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    danish = client.get(f"/builds/{build['id']}").get_data(as_text=True)
    assert "Det tog over 90 sekunder at lave filen" in danish and stored not in danish
    state = client.get(f"/builds/{build['id']}/state", headers={"Accept-Language": "en"})
    pdf = next(o for o in state.get_json()["outputs"] if o["name"] == "pdf")
    assert pdf["error"].startswith("Making the file took longer than 90 seconds")
    assert state.get_json()["error"].startswith("PDF: Making the file")
    api = client.get(build["links"]["self"], headers={"Authorization": f"Bearer {made.token}"})
    assert api.get_json()["outputs"]["pdf"]["error"] == stored  # as clients know it
