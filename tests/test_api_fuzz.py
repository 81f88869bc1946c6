"""Schemathesis against the served OpenAPI document: no 5xx, every answer as documented.

The app is the real one (tests.app_fixtures, with a real token), on SQLite and the folder
queue, and on a private PostgreSQL database and Redis db number.
Schemathesis takes the document the app serves at /api/v1/openapi.json, generates
requests from it (the documented examples, boundary cases of every schema, and random
ones; valid requests, and invalid ones that must be refused with a 4xx), sends them
through the WSGI app and checks every response: no server error, a documented status, a
documented media type, a body that matches its schema, documented headers, 401 without
the token, 405 with `Allow` for a method a path does not have.

What it found, and what was done: the body of POST /api/v1/drafts was `{type: object}`,
so `{}` was "valid" (now the Strategy schema generated from the content model); 405
answers had no `Allow` (service/errors.py adds it); a file part was any bytes with no
word on what the service reads (now described, with the part types it reads); a query
parameter no call reads was ignored, so `?againts=1` compared other versions than asked
(now 400 naming it). No 5xx, in this bound and in a run of 1,500 random examples per
operation.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from core.content import load
from service.api import openapi_document
from service.runtime import runtime
from tests.app_fixtures import TestApp, example_yaml, make_test_app
from tests.live_service import private_redis_url
from tests.store_fixtures import postgres_database
from worker.render.docx import render_docx

pytestmark = pytest.mark.robust

# Random examples per operation (the examples and coverage phases add their own: close
# to 2,000 requests on each backend). Bounded so the file runs in about a minute on a
# busy machine; raise it locally to search harder.
FUZZ_EXAMPLES = 100

# The document as GET /api/v1/openapi.json serves it (the fixture below checks that the
# app serves exactly this). Loaded at import rather than from the app in a fixture:
# schemathesis's fixture loader fails on this pytest (it sets a node attribute pytest 9
# no longer has), and parametrizing needs the document before any fixture runs.
SERVED = json.loads(json.dumps(openapi_document()))

# Word bodies: the DOCX udkast makes of the fuzzed strategy (it reads back as the next
# version), a ZIP that is no Word file, and any bytes. Schemathesis generates no body
# for a media type it does not know; this is how it learns one.
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _word_bodies() -> st.SearchStrategy[bytes]:
    own = render_docx(load(example_yaml("udkast-1", slug="fuzz"), "application/yaml"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as other:
        other.writestr("hej.txt", "ikke et Word-dokument")
    return st.one_of(st.sampled_from([own, archive.getvalue()]), st.binary(max_size=4096))


schemathesis.openapi.media_type(DOCX, _word_bodies())
CONFIG = SchemathesisConfig.from_str(
    f"""
    [generation]
    max-examples = {FUZZ_EXAMPLES}
    deterministic = true

    [checks.negative_data_rejection]
    # Schemathesis's list, and 413: a body past MAX_CONTENT_LENGTH is refused as too
    # large before anything in it is read, whatever else is wrong with it.
    expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, "5xx"]
    """
)
schema = schemathesis.openapi.from_dict(copy.deepcopy(SERVED), config=CONFIG)


@pytest.fixture(scope="module", params=["sqlite", "services"])
def fuzzed_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestApp]:
    """The app on SQLite and the folder queue, then on PostgreSQL and Redis."""
    tmp = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        yield _ready(make_test_app(tmp))
        return
    for database in postgres_database():
        for redis_url in private_redis_url():
            made = make_test_app(
                tmp,
                DATABASE_URL=database.render_as_string(hide_password=False),
                REDIS_URL=redis_url,
            )
            try:
                yield _ready(made)
            finally:
                with made.app.app_context():  # let the private database be dropped
                    bind = runtime().sessions.kw["bind"]
                bind.dispose()


def _ready(made: TestApp) -> TestApp:
    assert made.app.test_client().get("/api/v1/openapi.json").get_json() == SERVED
    # A stored strategy, so listing strategies answers with one to check against its schema.
    assert made.post_yaml(example_yaml("udkast-1", slug="fuzz")).status_code == 202
    return made


SUBMIT = "POST /api/v1/drafts"
# Reads the same bodies as SUBMIT and stores nothing: the same checks apply.
READ_AS_SUBMIT = {SUBMIT, "POST /api/v1/validate"}
DOCUMENT_TYPES = {"application/json", "application/yaml"}


def a_document_the_schema_accepts_is_read(ctx: Any, response: Any, case: Any) -> None:
    """A JSON or YAML body valid by the Strategy schema is stored, or refused with its problems.

    The schema cannot state every rule (unique ids, references, rich text, sizes), so
    422 is a right answer to a valid-looking document; 400 (unreadable) or 415 never is.
    """
    meta = case.meta
    if (
        case.operation.label in READ_AS_SUBMIT
        and meta is not None
        and meta.generation.mode.is_positive
        and case.media_type in DOCUMENT_TYPES
    ):
        # With base_version, a save that is no longer based on the latest is a 409.
        outdated = (409,) if "base_version" in (case.query or {}) else ()
        assert response.status_code in (200, 202, 422, *outdated), (
            f"a {case.media_type} body the schema accepts got {response.status_code}: "
            f"{response.text[:300]}"
        )


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented(case: Any, fuzzed_app: TestApp):
    # Through the schema, so the checks that send requests of their own (without the
    # token, with a method the path does not have) reach the same app.
    case.operation.app = case.operation.schema.app = fuzzed_app.app
    excluded = []
    if case.operation.label in READ_AS_SUBMIT:
        # Schemathesis's own check wants a 2xx for every schema-valid body, but a file
        # part is any bytes and a valid-looking document may still break a rule the
        # schema cannot state; the check above says what a valid body must get instead.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzzed_app.token}"},
        additional_checks=[a_document_the_schema_accepts_is_read],
        excluded_checks=excluded,
    )
