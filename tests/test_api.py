"""The HTTP API contract, through Flask's test client on a real app (SQLite, folder queue).

Every JSON body any test here receives is validated against the schema the served
OpenAPI document (service/openapi.yaml plus the content schemas generated from the model)
declares for its path and status, so the document cannot drift from the code.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from core.budget import MAX_WORDS
from service.api import openapi_document
from service.runtime import runtime
from store import fail_output
from tests.app_fixtures import TestApp, example_data, example_yaml, make_test_app
from tests.conftest import example_path
from tests.store_fixtures import postgres_database

SPEC_PATH = Path(__file__).resolve().parents[1] / "service" / "openapi.yaml"
SPEC: dict[str, Any] = openapi_document()
SPEC_URI = "urn:udkast:openapi"
REGISTRY: Registry[Any] = Registry().with_resource(
    SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012)
)
ACCEPTED = ("application/json", "application/yaml", "multipart/form-data")


# --- the contract checker -----------------------------------------------------------


def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


PATHS = [(_template_regex(p), p) for p in SPEC["paths"]]


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow one local $ref; return the node and its JSON pointer if it was a ref."""
    ref = node.get("$ref")
    if not ref:
        return node, None
    target: Any = SPEC
    for part in ref.removeprefix("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target, ref.removeprefix("#")


def schema_for(path: str, method: str, status: int) -> tuple[str, str]:
    """Return (documented path, JSON pointer of the response schema) or fail."""
    documented = next((p for rx, p in PATHS if rx.match(path)), None)
    if documented is None:  # an unknown URL: an ordinary error body
        return "(unknown)", "/components/schemas/Error"
    operation = SPEC["paths"][documented].get(method.lower())
    assert operation is not None, f"{method} {documented} is not documented"
    responses = operation["responses"]
    assert str(status) in responses, f"{method} {documented} does not document {status}"
    response, ref = _resolve(responses[str(status)])
    base = ref or _pointer("", "paths", documented, method.lower(), "responses", str(status))
    assert "application/json" in response.get("content", {}), (
        f"{method} {documented} {status} documents no JSON body"
    )
    return documented, f"{base}/content/application~1json/schema"


def contract_problems(path: str, method: str, status: int, body: Any) -> list[str]:
    """Return what is wrong with a JSON body by the schema documented for it."""
    _, pointer = schema_for(path, method, status)
    validator = OAS31Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"}, registry=REGISTRY, format_checker=oas31_format_checker
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]


def check_contract(response: TestResponse, method: str, path: str) -> None:
    """Validate a JSON response body against the OpenAPI document; errors must be JSON."""
    if path.startswith("/api/") and response.status_code >= 400:
        assert response.mimetype == "application/json", (path, response.status_code)
    if response.mimetype != "application/json" or not path.startswith("/api/"):
        return
    problems = contract_problems(path, method, response.status_code, response.get_json())
    assert not problems, f"{method} {path} {response.status_code}: {problems}"
    if response.status_code >= 400:
        body = response.get_json()
        assert body["error"] and len(body["message"]) > 5, body


class ContractClient(FlaskClient):
    """A test client that checks every response against the API contract."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        # Closed after the test: closing a response closes its request body, which
        # Werkzeug spools to a temporary file past 500 KB.
        self.__dict__.setdefault("responses", []).append(response)
        request = response.request
        assert response.status_code < 500, (request.path, response.get_data(as_text=True))
        check_contract(response, request.method, request.path)
        return response


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("api"))
    made.app.test_client_class = ContractClient
    return made


@pytest.fixture
def client(made: TestApp) -> Iterator[FlaskClient]:
    with made.app.test_client() as client:
        yield client
    for response in client.__dict__.get("responses", ()):
        response.close()


@pytest.fixture
def auth(made: TestApp) -> dict[str, str]:
    return {"Authorization": f"Bearer {made.token}"}


def post(client: FlaskClient, auth: dict[str, str], data: Any, media_type: str | None) -> Any:
    headers = dict(auth)
    if media_type:
        headers["Content-Type"] = media_type
    return client.post("/api/v1/drafts", data=data, headers=headers)


# --- the document itself --------------------------------------------------------------


def test_openapi_document_is_valid_openapi_3_1():
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    validate(SPEC, cls=OpenAPIV31SpecValidator)
    assert SPEC["openapi"].startswith("3.1.")


def test_openapi_json_is_served_without_a_token_and_is_the_yaml_plus_the_content_schemas(client):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    response = client.get("/api/v1/openapi.json")
    served = response.get_json()
    written = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    generated = set(served["components"]["schemas"]) - set(written["components"]["schemas"])

    assert response.status_code == 200
    validate(served, cls=OpenAPIV31SpecValidator)
    assert {key: value for key, value in served.items() if key != "components"} == {
        key: value for key, value in written.items() if key != "components"
    }
    assert {"Strategy", "Vision", "ConsultationInput"} <= generated
    assert served == SPEC


def test_the_drafts_body_is_the_generated_strategy_schema():
    body = SPEC["paths"]["/api/v1/drafts"]["post"]["requestBody"]["content"]
    strategy = {"$ref": "#/components/schemas/Strategy"}

    assert body["application/json"]["schema"] == strategy
    assert body["application/yaml"]["schema"] == strategy
    assert SPEC["components"]["schemas"]["Strategy"]["required"] == [
        "format",
        "document",
        "visions",
    ]


def test_every_api_route_is_documented_and_every_documented_path_exists(made):
    routes = set()
    for rule in made.app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {
        (path, method)
        for path, item in SPEC["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }

    assert routes - documented == set(), "routes missing from openapi.yaml"
    assert documented - routes == set(), "openapi.yaml documents routes that do not exist"


def test_the_contract_checker_catches_a_body_that_breaks_the_schema(client, auth, stored):
    good = client.get("/api/v1/strategies/laesning/drafts/1", headers=auth).get_json()
    path = "/api/v1/strategies/laesning/drafts/1"
    broken = json.loads(json.dumps(good))
    broken["draft"]["version"] = "1"
    del broken["build"]["outputs"]["pdf"]["state"]
    broken["draft"]["created_at"] = "yesterday"

    assert contract_problems(path, "GET", 200, good) == []
    assert contract_problems(path, "GET", 200, {**good, "build": None}) == []
    assert len(contract_problems(path, "GET", 200, broken)) == 3
    assert contract_problems(path, "GET", 404, {"error": "not_found"})  # no message


@pytest.mark.parametrize("media_type", ["application/json", "application/yaml"])
def test_the_documented_example_drafts_are_stored(client, auth, media_type):
    examples = SPEC["paths"]["/api/v1/drafts"]["post"]["requestBody"]["content"][media_type]
    for example in examples["examples"].values():
        value = example["value"]
        if media_type == "application/json":
            body = json.dumps(value).encode("utf-8")
        else:
            body = yaml.safe_dump(value, allow_unicode=True).encode("utf-8")
        response = post(client, auth, body, media_type)

        # 200 when the other media type's test stored the same content first.
        assert response.status_code in (200, 202), response.get_json()
        assert response.get_json()["draft"]["slug"] == value["document"]["slug"]


def test_every_error_status_the_api_answers_is_documented():
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            # Only the two public documents need no token and no database.
            if operation.get("security") != []:
                assert {"401", "403", "503"} <= set(operation["responses"]), (method, path)


def test_every_call_documents_400_for_a_query_parameter_it_does_not_read():
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], (method, path)


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/api/v1/strategies?x=1", "'x'"),
        ("/api/v1/strategies/laesning/drafts/1/diff?againts=1", "'againts'"),
        ("/api/v1/strategies/laesning/drafts/1/diff?against=1&mod=2", "'mod'"),
        ("/api/v1/openapi.json?v=2", "'v'"),
    ],
)
def test_a_query_parameter_a_call_does_not_read_is_400_naming_it(client, auth, stored, path, named):
    response = client.get(path, headers=auth)

    assert response.status_code == 400
    assert named in response.get_json()["message"]


def test_the_query_parameters_a_call_reads_are_still_read(client, auth, stored):
    response = client.get("/api/v1/strategies/laesning/drafts/1/diff?against=1", headers=auth)

    assert response.status_code == 200
    assert response.get_json()["old"]["version"] == 1


def test_only_the_two_documents_are_public(client):
    public = {
        path for path, item in SPEC["paths"].items() if item.get("get", {}).get("security") == []
    }

    assert public == {"/api/v1/openapi.json", "/api/v1/schema/strategy-v1.json"}
    for path in public:
        assert client.get(path).status_code == 200
    assert client.get("/api/v1/strategies").status_code == 401


# --- authentication -------------------------------------------------------------------


def test_no_token_is_401_with_www_authenticate(client):
    response = client.get("/api/v1/strategies")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer udk_not-a-real-token", "Basic dXNlcjpwdw==", "Bearer "])
def test_unknown_or_malformed_token_is_401(client, header):
    response = client.get("/api/v1/strategies", headers={"Authorization": header})

    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


def test_revoked_token_is_403(client, made):
    revoked = made.new_token(revoked=True)

    response = client.get("/api/v1/strategies", headers={"Authorization": f"Bearer {revoked}"})

    assert response.status_code == 403
    assert "revoked" in response.get_json()["message"]


def test_a_post_without_a_token_stores_nothing(client, made):
    response = client.post(
        "/api/v1/drafts",
        data=example_yaml(slug="uden-noegle"),
        content_type="application/yaml",
    )

    assert response.status_code == 401
    assert "uden-noegle" not in made.slugs()


# --- submitting -----------------------------------------------------------------------


def _check_created(response: Any, slug: str, version: int = 1) -> dict[str, Any]:
    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"] == f"/api/v1/strategies/{slug}/drafts/{version}"
    body = response.get_json()
    assert body["draft"]["slug"] == slug and body["draft"]["version"] == version
    assert body["build"]["state"] == "queued" and body["build"]["queued"] is True
    assert {"pdf", "docx"} <= set(body["build"]["outputs"])
    return dict(body)


def test_post_json(client, auth, made):
    before = made.queued_messages()

    response = post(
        client, auth, json.dumps(example_data(slug="json-ind"), default=str), "application/json"
    )

    _check_created(response, "json-ind")
    # One task per format: the draft's two, and the høringsnotat's two (it has inputs).
    assert made.queued_messages() == before + 4


@pytest.mark.parametrize("media_type", ["application/yaml", "application/x-yaml"])
def test_post_yaml(client, auth, media_type):
    slug = "yaml-" + media_type.rsplit("/", 1)[-1]

    response = post(client, auth, example_yaml(slug=slug), media_type)

    _check_created(response, slug)


def test_post_multipart_file(client, auth):
    form = {"file": (io.BytesIO(example_yaml(slug="formular")), "udkast-1.yaml")}

    _check_created(post(client, auth, form, None), "formular")


def test_upload_name_is_never_used_as_a_path(client, auth, made):
    form = {"file": (io.BytesIO(example_yaml(slug="sti-navn")), "../../x.yaml")}

    _check_created(post(client, auth, form, None), "sti-navn")
    assert not (made.var_dir.parent / "x.yaml").exists()
    assert not (made.var_dir / "x.yaml").exists()


def test_identical_repost_is_200_and_stores_nothing(client, auth, made):
    body = example_yaml(slug="igen")
    _check_created(post(client, auth, body, "application/yaml"), "igen")
    queued = made.queued_messages()

    response = post(client, auth, body, "application/yaml")

    assert response.status_code == 200
    assert "Location" not in response.headers
    assert response.get_json()["draft"]["version"] == 1
    assert made.versions("igen") == [1]
    assert made.queued_messages() == queued


def test_reposting_after_a_failed_build_builds_the_same_version_again(client, auth, made):
    body = example_yaml(slug="igen-efter-fejl")
    first = _check_created(post(client, auth, body, "application/yaml"), "igen-efter-fejl")
    # What a worker does when the PDF renderer crashes (no worker runs in these tests).
    with made.app.app_context(), runtime().sessions() as db:
        fail_output(db, first["build"]["id"], "pdf", "the pdf renderer failed: boom")
    queued = made.queued_messages()

    response = post(client, auth, body, "application/yaml")

    retry = _check_created(response, "igen-efter-fejl")  # 202, queued, same version
    assert retry["build"]["id"] != first["build"]["id"]
    assert retry["draft"]["content_hash"] == first["draft"]["content_hash"]
    assert made.versions("igen-efter-fejl") == [1]
    assert made.queued_messages() == queued + 4  # the new build's outputs were sent
    latest = client.get("/api/v1/strategies/igen-efter-fejl/drafts/1", headers=auth)
    assert latest.get_json()["build"]["id"] == retry["build"]["id"]
    # Once the retry is under way, posting the same content again is "unchanged".
    again = post(client, auth, body, "application/yaml")
    assert again.status_code == 200
    assert again.get_json()["build"]["id"] == retry["build"]["id"]
    assert made.queued_messages() == queued + 4


def test_a_changed_draft_becomes_the_next_version(client, auth, made):
    _check_created(post(client, auth, example_yaml(slug="naeste"), "application/yaml"), "naeste")

    response = post(client, auth, example_yaml("udkast-2", slug="naeste"), "application/yaml")

    _check_created(response, "naeste", version=2)
    assert made.versions("naeste") == [2, 1]
    # The build lists its outputs in the registry's order: the draft's, the comparisons,
    # then the høringsnotat.
    build = client.get(response.get_json()["build"]["links"]["self"], headers=auth).get_json()
    assert list(build["outputs"]) == [
        "pdf",
        "docx",
        "changes-pdf",
        "changes-docx",
        "hearing-notes-pdf",
        "hearing-notes-docx",
    ]


# --- refusing ---------------------------------------------------------------------------


def test_invalid_content_is_422_listing_every_problem_and_stores_nothing(client, auth, made):
    data = example_data(slug="ugyldig")
    del data["document"]["title"]
    data["document"]["date"] = "2024-13-45"
    data["visions"][1]["headline"] = ""
    queued = made.queued_messages()

    response = post(client, auth, json.dumps(data, default=str), "application/json")

    assert response.status_code == 422
    body = response.get_json()
    paths = {p["path"] for p in body["problems"]}
    assert {"document.title", "document.date", "visions[1].headline"} <= paths, body
    assert all(p["message"] for p in body["problems"])
    assert "nothing was stored" in body["message"]
    assert "ugyldig" not in made.slugs()
    assert made.queued_messages() == queued


def test_invalid_content_leaves_an_existing_history_unchanged(client, auth, made):
    _check_created(post(client, auth, example_yaml(slug="uroert"), "application/yaml"), "uroert")
    data = example_data("udkast-2", slug="uroert")
    data["visions"] = []
    queued = made.queued_messages()

    response = post(client, auth, json.dumps(data, default=str), "application/json")

    assert response.status_code == 422
    assert made.versions("uroert") == [1]
    assert made.queued_messages() == queued


def test_a_field_named_with_a_superscript_digit_is_422_not_500(client, auth, made):
    data = example_data(slug="hoejt-tal")
    data["document"]["²"] = "x"  # str.isdigit() is true for it, int() refuses it

    response = post(client, auth, json.dumps(data, default=str), "application/json")

    assert response.status_code == 422
    assert any(p["path"] == "document.²" for p in response.get_json()["problems"])
    assert "hoejt-tal" not in made.slugs()


@pytest.mark.parametrize(
    ("media_type", "shown"),
    [
        ("text/plain", "text/plain"),
        ("application/xml", "application/xml"),
        (None, "no Content-Type"),
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
    ],
)
def test_wrong_media_type_is_415_naming_the_accepted_types(client, auth, made, media_type, shown):
    response = post(client, auth, example_yaml(slug="medietype"), media_type)

    assert response.status_code == 415
    message = response.get_json()["message"]
    assert shown in message
    assert all(accepted in message for accepted in ACCEPTED), message
    assert "medietype" not in made.slugs()


def test_body_over_max_content_length_is_413_json(client, auth, made):
    limit = made.app.config["MAX_CONTENT_LENGTH"]

    response = post(client, auth, b"a" * (limit + 1), "application/yaml")

    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
    assert "KiB" in response.get_json()["message"]


def test_a_form_with_1001_parts_is_413(client, auth, made):
    form: dict[str, Any] = {f"field{n}": "x" for n in range(1000)}
    form["file"] = (io.BytesIO(example_yaml(slug="mange-dele")), "udkast.yaml")

    response = post(client, auth, form, None)

    assert response.status_code == 413
    assert "parts" in response.get_json()["message"]
    assert "mange-dele" not in made.slugs()


def test_max_form_parts_leaves_room_for_the_real_forms(made):
    assert 3 <= made.app.config["MAX_FORM_PARTS"] <= 1000


BOMB = b"""\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    ("media_type", "data", "cause"),
    [
        ("application/yaml", b"document: [unclosed", "not valid YAML"),
        ("application/json", b'{"format": "strategy/v1",', "not valid JSON"),
        ("application/json", b"\xc3\x28 not utf-8", "UTF-8"),
        ("application/yaml", b"\xff\xfed\x00o\x00c\x00", "UTF-16"),
        ("application/json", b"", "empty"),
        ("application/yaml", b"   \n", "empty"),
        ("application/json", b"null", "null"),
        ("application/yaml", BOMB, "aliases"),
        ("application/yaml", b"!!python/object/apply:os.system ['touch /tmp/pwned']", "tags"),
        ("application/json", b'{"a": NaN}', "NaN"),
        ("application/json", b'{"a": 1e400}', "too large"),
        ("application/json", b'{"a": ' + b"9" * 5000 + b"}", "digits"),
        ("application/json", b"[" * 100_000, "nested"),
        ("application/json", b'{"a": 1, "a": 2}', "twice"),
    ],
    ids=[
        "yaml-syntax",
        "json-syntax",
        "invalid-utf8",
        "utf16",
        "empty",
        "blank",
        "null",
        "alias-bomb",
        "python-tag",
        "nan",
        "huge-float",
        "long-int",
        "deep-json",
        "duplicate-key",
    ],
)
def test_unreadable_bodies_are_400_naming_the_cause(client, auth, made, media_type, data, cause):
    queued = made.queued_messages()

    response = post(client, auth, data, media_type)

    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == "malformed"
    assert cause in response.get_json()["message"]
    assert made.queued_messages() == queued


@pytest.mark.parametrize(
    ("content", "name", "cause"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "billede.yaml", "UTF-8"),
        (b"", "tom.yaml", "empty"),
    ],
)
def test_bad_uploaded_files_are_400(client, auth, content, name, cause):
    response = post(client, auth, {"file": (io.BytesIO(content), name)}, None)

    assert response.status_code == 400
    assert cause in response.get_json()["message"]


def test_a_form_without_a_file_is_400(client, auth):
    response = post(client, auth, {"note": "hello"}, "multipart/form-data")

    assert response.status_code == 400
    assert "file" in response.get_json()["message"]


# --- reading ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stored(made: TestApp) -> dict[str, Any]:
    """One draft of slug "laesning", built by nobody (no worker runs here)."""
    with made.app.test_client() as client:
        response = client.post(
            "/api/v1/drafts",
            data=example_yaml(slug="laesning"),
            headers={"Authorization": f"Bearer {made.token}", "Content-Type": "application/yaml"},
        )
    assert response.status_code == 202
    return dict(response.get_json())


def test_list_strategies(client, auth, stored):
    response = client.get("/api/v1/strategies", headers=auth)

    assert response.status_code == 200
    found = {s["slug"]: s for s in response.get_json()["strategies"]}
    assert found["laesning"]["latest_version"] == 1
    assert found["laesning"]["links"]["latest"] == "/api/v1/strategies/laesning/drafts/1"


def test_history(client, auth, stored):
    response = client.get("/api/v1/strategies/laesning/drafts", headers=auth)

    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == "laesning"
    assert [d["version"] for d in body["drafts"]] == [1]
    assert body["drafts"][0]["build"]["state"] == "queued"


def test_draft_with_content(client, auth, stored):
    response = client.get("/api/v1/strategies/laesning/drafts/1", headers=auth)

    assert response.status_code == 200
    body = response.get_json()
    assert body["draft"]["content"]["document"]["slug"] == "laesning"
    sent = example_data()
    assert body["draft"]["content"]["visions"][0]["headline"] == sent["visions"][0]["headline"]
    assert body["build"]["id"] == stored["build"]["id"]


def test_build(client, auth, stored):
    response = client.get(stored["build"]["links"]["self"], headers=auth)

    assert response.status_code == 200
    assert response.get_json()["outputs"]["pdf"]["url"] is None  # not rendered yet


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/strategies/findes-ikke/drafts",
        "/api/v1/strategies/findes-ikke/drafts/1",
        "/api/v1/strategies/laesning/drafts/2",
        "/api/v1/strategies/laesning/drafts/0",
        "/api/v1/strategies/laesning/drafts/99999999999999999999999",
        "/api/v1/strategies/laesning/drafts/99999999999999999999999/laesning-udkast-1.pdf",
        "/api/v1/builds/findes-ikke",
        "/api/v1/findes-ikke",
    ],
)
def test_unknown_things_are_404_json(client, auth, stored, path):
    response = client.get(path, headers=auth)

    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_download_before_the_build_is_done_is_404_not_ready(client, auth, stored):
    response = client.get(stored["draft"]["links"]["pdf"], headers=auth)

    assert response.status_code == 404
    assert "not ready" in response.get_json()["message"]


@pytest.mark.parametrize(
    "name",
    [
        "laesning-udkast-2.pdf",
        "laesning-udkast-1.exe",
        "laesning-udkast-1",
        "..%2f..%2fetc%2fpasswd",
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "..%5c..%5cetc%5cpasswd",
        "laesning%5cudkast-1.pdf",
        "%2fetc%2fpasswd",
        "/etc/passwd",
        "CON",
        "NUL.pdf",
    ],
)
def test_download_with_a_wrong_name_is_404(client, auth, stored, name):
    response = client.get(f"/api/v1/strategies/laesning/drafts/1/{name}", headers=auth)

    assert response.status_code == 404


# --- headers ------------------------------------------------------------------------------


def _check_security_headers(response: Any) -> None:
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/api/v1/strategies", "/api/v1/openapi.json", "/api/v1/findes-ikke"]
)
def test_security_headers_on_the_api(client, auth, path):
    _check_security_headers(client.get(path, headers=auth))


@pytest.mark.parametrize("path", ["/sign-in", "/", "/findes-ikke", "/static/app.css"])
def test_security_headers_on_pages(client, path):
    with client.get(path) as response:  # a static file's response holds the file open
        _check_security_headers(response)


def test_session_cookie_is_httponly_and_samesite_lax(client):
    response = client.get("/sign-in")

    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session
    assert "SameSite=Lax" in session
    assert "Secure" not in session  # plain HTTP on 127.0.0.1 must keep its session


def test_session_cookie_is_secure_when_configured(tmp_path):
    from service.app import create_app
    from settings import load_settings

    settings = load_settings(
        {
            "UDKAST_VAR_DIR": str(tmp_path),
            "UDKAST_SECRET_KEY": "k" * 32,
            "UDKAST_SECURE_COOKIES": "1",
        }
    )
    response = create_app(settings).test_client().get("/sign-in")

    session = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in session


def test_the_api_needs_no_csrf_token(client, auth):
    """A bearer-token call with no cookie and no CSRF token is not refused by CSRF."""
    response = post(client, auth, example_path("udkast-1").read_bytes(), "application/yaml")

    assert response.status_code in (200, 202)


# --- path values the database cannot hold -----------------------------------------------

# Each is refused by routing: a NUL (PostgreSQL text cannot hold one, and psycopg raised
# ValueError, a 500), a value far longer than any slug or build id, a build id that is
# not a UUID, a version number Python will not even convert.
LONG = "a" * 5000
BAD_API_PATHS = [
    "/api/v1/builds/%00",
    f"/api/v1/builds/{LONG}",
    "/api/v1/builds/00000000-0000-4000-8000-00000000000%00",
    "/api/v1/strategies/a%00/drafts",
    f"/api/v1/strategies/{LONG}/drafts",
    "/api/v1/strategies/a%00/drafts/1",
    "/api/v1/strategies/a%00/drafts/1/diff",
    "/api/v1/strategies/a%00/drafts/1/a-udkast-1.pdf",
    f"/api/v1/strategies/{LONG}/drafts/1/a-udkast-1.pdf",
    f"/api/v1/strategies/stier/drafts/1/{LONG}.pdf",
    "/api/v1/strategies/stier/drafts/1/a%00.pdf",
    f"/api/v1/strategies/stier/drafts/1/diff?against=1{'0' * 5000}",
]
BAD_PAGE_PATHS = [
    "/builds/%00",
    f"/builds/{LONG}",
    "/strategies/a%00",
    f"/strategies/{LONG}",
    "/strategies/a%00/1/diff",
    "/strategies/a%00/1/a-udkast-1.pdf",
    f"/strategies/stier/1/{LONG}.pdf",
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def made_on(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestApp]:
    """A real app on each kind of database, with one stored draft "stier"."""
    tmp = tmp_path_factory.mktemp(f"paths-{request.param}")
    if request.param == "sqlite":
        yield _with_a_draft(make_test_app(tmp))
        return
    for url in postgres_database():
        made = make_test_app(tmp, DATABASE_URL=url.render_as_string(hide_password=False))
        try:
            yield _with_a_draft(made)
        finally:
            with made.app.app_context():  # let the private database be dropped
                bind = runtime().sessions.kw["bind"]
            bind.dispose()


def _with_a_draft(made: TestApp) -> TestApp:
    made.app.test_client_class = ContractClient
    with made.app.test_client() as client:
        auth = {"Authorization": f"Bearer {made.token}"}
        _check_created(post(client, auth, example_yaml(slug="stier"), "application/yaml"), "stier")
    return made


@pytest.mark.parametrize("path", BAD_API_PATHS)
def test_bad_path_values_are_a_short_404_json_on_both_databases(made_on, path):
    with made_on.app.test_client() as client:
        response = client.get(path, headers={"Authorization": f"Bearer {made_on.token}"})

    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["error"] == "not_found"
    assert len(body["message"]) < 200, body["message"][:300]


@pytest.mark.parametrize("path", BAD_PAGE_PATHS)
def test_bad_path_values_are_a_short_404_page_on_both_databases(made_on, path):
    with made_on.app.test_client() as client:
        form = client.get("/sign-in").get_data(as_text=True)
        found = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert found
        signed_in = client.post(
            "/sign-in",
            data={
                "email": made_on.email,
                "password": made_on.password,
                "csrf_token": found.group(1),
            },
        )
        assert signed_in.status_code == 302

        response = client.get(path)

    assert response.status_code == 404
    assert "a" * 100 not in response.get_data(as_text=True)


def test_the_good_paths_still_answer_on_both_databases(made_on):
    auth = {"Authorization": f"Bearer {made_on.token}"}
    with made_on.app.test_client() as client:
        draft = client.get("/api/v1/strategies/stier/drafts/1", headers=auth)
        assert draft.status_code == 200
        build = client.get(f"/api/v1/builds/{draft.get_json()['build']['id']}", headers=auth)
        assert build.status_code == 200
        assert client.get("/api/v1/strategies/stier/drafts", headers=auth).status_code == 200


# --- how large a document may be ----------------------------------------------------------


def large_document(slug: str) -> bytes:
    """A valid document of about 2.4 MiB: long sections and 300 consultation inputs."""
    data = example_data(slug=slug)
    # Long Danish compounds keep the document within the word budget (core.budget).
    text = (
        "Ældreplejeområdets-weekendstøtteordninger kommunalbestyrelsesbeslutningerne "
        "sundhedsfremmeindsatserne-på-øerne. Åbningstidsudvidelserne-året-rundt. "
    )
    data["sections"] = [
        {"id": f"afsnit-{n}", "title": f"Afsnit {n}", "body": (text * 700)[:48_000]}
        for n in range(30)
    ]
    data["consultation"] = [
        {"id": f"input-{n}", "from": "Ældrerådet", "input": (text * 30)[:1900]} for n in range(300)
    ]
    body = yaml.safe_dump(data, allow_unicode=True, width=10**9).encode("utf-8")
    assert 2 * 1024 * 1024 < len(body) < 3 * 1024 * 1024
    assert len(body.split()) < MAX_WORDS
    return body


def test_max_content_length_governs_the_largest_document(tmp_path):
    bigger = make_test_app(tmp_path, MAX_CONTENT_LENGTH=str(4 * 1024 * 1024))
    bigger.app.test_client_class = ContractClient
    auth = {"Authorization": f"Bearer {bigger.token}"}

    with bigger.app.test_client() as client:
        response = post(client, auth, large_document("stor"), "application/yaml")
        # Encoded here, in memory: the test client would spool a body past 500 KB to an
        # anonymous temporary file of its own and leave it to the garbage collector.
        boundary, body = encode_multipart(
            {"file": FileStorage(io.BytesIO(large_document("stor-fil")), "stor.yaml")}
        )
        upload = post(client, auth, body, f"multipart/form-data; boundary={boundary}")

    _check_created(response, "stor")
    _check_created(upload, "stor-fil")


def test_a_document_over_max_content_length_is_still_413(client, auth, made):
    response = post(client, auth, large_document("for-stor"), "application/yaml")

    assert response.status_code == 413
    assert "for-stor" not in made.slugs()
