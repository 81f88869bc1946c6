"""Untrusted uploads through the API and the web form: whole bodies or none, one file, no damage.

The test client sends a body without a length the way gunicorn hands one over after
`Transfer-Encoding: chunked`: no CONTENT_LENGTH and `wsgi.input_terminated` set. The
tests at the end send real chunked requests to a real gunicorn.
"""

from __future__ import annotations

import copy
import gzip
import http.client
import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder, TestResponse
from werkzeug.wrappers import Request

from core.yamlsafe import MAX_DEPTH
from tests.app_fixtures import CSRF, TestApp, example_data, example_yaml, make_test_app
from tests.live_service import LiveService, live_service

LIMIT = 64 * 1024  # the test app's MAX_CONTENT_LENGTH: small, so bodies past it stay cheap
DEFAULT_LIMIT = 2 * 1024 * 1024  # the live service runs with the default
BOUNDARY = "udkast-test-boundary"
UDKAST = Path(sys.executable).with_name("udkast")
DEEP = b"[" * 50_000  # past libyaml's own limit of 1000 levels, within the test limit
TOO_DEEP = f"line 1, column {MAX_DEPTH + 1}: nested too deeply"


# --- documents ------------------------------------------------------------------------


def cut_document(limit: int, slug: str, *, valid_cut: bool = True) -> bytes:
    """Return a valid draft whose last vision starts past `limit` bytes.

    With `valid_cut`, its first `limit` bytes are themselves a valid draft, one vision
    short, which a server that reads only up to its limit would store; otherwise they
    end inside a quoted text and are not even YAML.
    """
    data = example_data("udkast-1", slug=slug)
    visions = data.pop("visions")
    head = yaml.safe_dump({**data, "visions": visions}, allow_unicode=True, sort_keys=False)
    extra = copy.deepcopy(visions[0])
    extra["id"] = "efter-graensen"
    if valid_cut:
        pad = limit - len(head.encode()) - 2
        text = head + "# " + "x" * pad + "\n" + yaml.safe_dump([extra], allow_unicode=True)
    else:
        extra["body"] = "x" * limit
        text = head + yaml.safe_dump([extra], allow_unicode=True, default_style='"')
    body = text.encode()
    assert len(body) > limit
    return body


def multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    """Encode form parts (name, file name or None for a field, content) as a body."""
    out = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        out += content + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


# --- the test client --------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    return make_test_app(tmp_path_factory.mktemp("uploads"), MAX_CONTENT_LENGTH=str(LIMIT))


@pytest.fixture
def client(made: TestApp) -> Iterator[FlaskClient]:
    with made.app.test_client() as client:
        yield client


def auth(made: TestApp) -> dict[str, str]:
    return {"Authorization": f"Bearer {made.token}"}


def post(
    client: FlaskClient,
    path: str,
    body: bytes,
    content_type: str,
    headers: dict[str, str],
    *,
    chunked: bool,
) -> TestResponse:
    """POST `body` with its length, or as a server hands over a chunked body."""
    environ = EnvironBuilder(
        path=path,
        method="POST",
        data=body,
        content_type=content_type,
        headers=list(headers.items()),
    ).get_environ()
    if chunked:
        del environ["CONTENT_LENGTH"]
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True
    return client.open(Request(environ))


def drafts_of(made: TestApp, slug: str) -> list[int]:
    return made.versions(slug)


@pytest.mark.parametrize("valid_cut", [True, False])
@pytest.mark.parametrize("media_type", ["application/yaml", "text/yaml"])
def test_a_chunked_body_past_the_limit_is_413_and_nothing_is_stored(
    client: FlaskClient, made: TestApp, valid_cut: bool, media_type: str
) -> None:
    slug = f"cut-{int(valid_cut)}-{media_type.split('/')[0]}"
    body = cut_document(LIMIT, slug, valid_cut=valid_cut)

    response = post(client, "/api/v1/drafts", body, media_type, auth(made), chunked=True)

    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
    assert f"{LIMIT // 1024} KiB" in response.get_json()["message"]
    assert drafts_of(made, slug) == []


def test_a_chunked_body_of_exactly_the_limit_is_read(client: FlaskClient, made: TestApp) -> None:
    head = example_yaml(slug="precis-graensen")
    body = head + b"#" * (LIMIT - len(head))
    assert len(body) == LIMIT

    response = post(client, "/api/v1/drafts", body, "application/yaml", auth(made), chunked=True)

    assert response.status_code == 202, response.get_json()
    assert drafts_of(made, "precis-graensen") == [1]


def test_the_same_body_with_its_length_is_413_too(client: FlaskClient, made: TestApp) -> None:
    body = cut_document(LIMIT, "med-laengde")

    response = post(client, "/api/v1/drafts", body, "application/yaml", auth(made), chunked=False)

    assert response.status_code == 413
    assert drafts_of(made, "med-laengde") == []


@pytest.mark.parametrize("chunked", [True, False])
def test_a_multipart_file_past_the_limit_is_413(
    client: FlaskClient, made: TestApp, chunked: bool
) -> None:
    body = multipart(("file", "udkast.yaml", cut_document(LIMIT, f"fil-{int(chunked)}")))

    response = post(client, "/api/v1/drafts", body, MULTIPART, auth(made), chunked=chunked)

    assert response.status_code == 413
    assert drafts_of(made, f"fil-{int(chunked)}") == []


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_compressed_body_is_415_not_read_as_text(
    client: FlaskClient, made: TestApp, coding: str
) -> None:
    body = gzip.compress(example_yaml(slug="pakket"))
    headers = {**auth(made), "Content-Encoding": coding}

    response = post(client, "/api/v1/drafts", body, "application/yaml", headers, chunked=False)

    assert response.status_code == 415
    assert "Content-Encoding" in response.get_json()["message"]
    assert drafts_of(made, "pakket") == []


def test_content_encoding_identity_is_plain_text(client: FlaskClient, made: TestApp) -> None:
    headers = {**auth(made), "Content-Encoding": "identity"}
    body = example_yaml(slug="identitet")

    response = post(client, "/api/v1/drafts", body, "application/yaml", headers, chunked=False)

    assert response.status_code == 202


def test_a_file_in_a_field_not_named_file_is_refused(client: FlaskClient, made: TestApp) -> None:
    body = multipart(("dokument", "udkast.yaml", example_yaml(slug="forkert-felt")))

    response = post(client, "/api/v1/drafts", body, MULTIPART, auth(made), chunked=False)

    assert response.status_code == 400
    assert "'dokument'" in response.get_json()["message"]
    assert drafts_of(made, "forkert-felt") == []


def test_a_second_file_is_refused_not_dropped(client: FlaskClient, made: TestApp) -> None:
    body = multipart(
        ("file", "a.yaml", example_yaml(slug="to-filer-a")),
        ("file", "b.yaml", example_yaml(slug="to-filer-b")),
    )

    response = post(client, "/api/v1/drafts", body, MULTIPART, auth(made), chunked=False)

    assert response.status_code == 400
    assert "2 files" in response.get_json()["message"]
    assert drafts_of(made, "to-filer-a") == drafts_of(made, "to-filer-b") == []


@pytest.mark.parametrize(
    ("media_type", "body"),
    [
        ("application/yaml", DEEP),
        ("application/json", DEEP),
        ("application/yaml", b"a: 1\nb: " + b"[" * 5_000),
    ],
)
def test_deep_nesting_is_400_saying_where(
    client: FlaskClient, made: TestApp, media_type: str, body: bytes
) -> None:
    response = post(client, "/api/v1/drafts", body, media_type, auth(made), chunked=False)

    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "nested too deeply" in message
    assert re.match(r"line \d+, column \d+: ", message)


def test_a_json_number_in_a_text_field_is_stored_as_written(
    client: FlaskClient, made: TestApp
) -> None:
    data = example_data(slug="tal-som-skrevet")
    data["signs_of_success"][0]["baseline"] = "NUMBER"
    body = json.dumps(data, ensure_ascii=False, default=str).replace('"NUMBER"', "4.10").encode()

    response = post(client, "/api/v1/drafts", body, "application/json", auth(made), chunked=False)

    assert response.status_code == 202
    stored = client.get("/api/v1/strategies/tal-som-skrevet/drafts/1", headers=auth(made))
    assert stored.get_json()["draft"]["content"]["signs_of_success"][0]["baseline"] == "4.10"


# --- the web form -----------------------------------------------------------------------


def signed_in_csrf(client: FlaskClient, made: TestApp) -> str:
    """Sign the client in and return the upload form's CSRF token."""
    page = client.get("/sign-in")
    token = CSRF.search(page.get_data(as_text=True))
    assert token
    signed = client.post(
        "/sign-in",
        data={"email": made.email, "password": made.password, "csrf_token": token.group(1)},
    )
    assert signed.status_code == 302
    form = CSRF.search(client.get("/").get_data(as_text=True))
    assert form
    return form.group(1)


@pytest.mark.parametrize("field", ["file", "text"])
def test_the_web_form_refuses_a_chunked_body_past_the_limit(
    client: FlaskClient, made: TestApp, field: str
) -> None:
    csrf = signed_in_csrf(client, made)
    slug = f"form-cut-{field}"
    document = cut_document(LIMIT, slug)
    part = ("file", "udkast.yaml", document) if field == "file" else ("text", None, document)
    body = multipart(("csrf_token", None, csrf.encode()), part)

    response = post(client, "/drafts", body, MULTIPART, {}, chunked=True)

    assert response.status_code == 413
    assert drafts_of(made, slug) == []


def test_the_web_form_refuses_text_that_was_not_utf8(client: FlaskClient, made: TestApp) -> None:
    csrf = signed_in_csrf(client, made)
    text = example_yaml(slug="ikke-utf8").replace(b"Socialstrategi", b"Social\xffstrategi", 1)
    assert b"\xff" in text
    body = multipart(("csrf_token", None, csrf.encode()), ("text", None, text))

    response = post(client, "/drafts", body, MULTIPART, {}, chunked=False)

    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    assert drafts_of(made, "ikke-utf8") == []


def test_the_web_form_refuses_a_file_in_another_field(client: FlaskClient, made: TestApp) -> None:
    csrf = signed_in_csrf(client, made)
    body = multipart(
        ("csrf_token", None, csrf.encode()),
        ("bilag", "udkast.yaml", example_yaml(slug="form-forkert-felt")),
    )

    response = post(client, "/drafts", body, MULTIPART, {}, chunked=False)

    assert response.status_code == 400
    assert drafts_of(made, "form-forkert-felt") == []


def test_the_web_form_answers_413_for_a_cut_urlencoded_text(
    client: FlaskClient, made: TestApp
) -> None:
    # The page sends multipart; a URL-encoded body is refused whatever its size.
    csrf = signed_in_csrf(client, made)
    body = f"csrf_token={csrf}&text=".encode() + b"a" * 100

    response = post(client, "/drafts", body, "application/x-www-form-urlencoded", {}, chunked=True)

    assert response.status_code == 415


# --- udkast validate ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_udkast_validate_says_where_a_document_is_nested_too_deeply(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"dyb{suffix}"
    path.write_bytes(DEEP)

    result = subprocess.run(
        [str(UDKAST), "validate", str(path)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 1
    assert TOO_DEEP in result.stderr
    assert "Traceback" not in result.stderr


# --- a real gunicorn --------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from live_service("embedded", tmp_path_factory.mktemp("uploads-live"))


def send_then_read(
    live: LiveService,
    body: bytes,
    content_type: str,
    *,
    chunked: bool,
    piece: int = 64 * 1024,
    pause: float = 0.0,
    token: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """Send the whole body, as `requests` does, and only then read the answer."""
    conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=120)
    try:
        conn.putrequest("POST", "/api/v1/drafts")
        conn.putheader("Authorization", f"Bearer {token or live.token}")
        conn.putheader("Content-Type", content_type)
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
        else:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        for start in range(0, len(body), piece):
            part = body[start : start + piece]
            conn.send(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
            time.sleep(pause)  # a client on a slower link: the server may answer meanwhile
        if chunked:
            conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def live_versions(live: LiveService, slug: str) -> list[int]:
    status, body = live.json("GET", f"/api/v1/strategies/{slug}/drafts")
    return [d["version"] for d in body["drafts"]] if status == 200 else []


@pytest.mark.parametrize(
    ("chunked", "valid_cut"),
    [(True, True), (True, False), (False, True)],
    ids=["chunked, cut valid", "chunked, cut invalid", "with its length"],
)
def test_gunicorn_refuses_an_upload_past_the_limit(
    live: LiveService, chunked: bool, valid_cut: bool
) -> None:
    slug = f"for-stor-{int(chunked)}-{int(valid_cut)}"
    body = cut_document(DEFAULT_LIMIT, slug, valid_cut=valid_cut)
    assert len(body) < 2.3e6  # a little too large: the client gets the answer, not a reset

    status, answer = send_then_read(live, body, "application/yaml", chunked=chunked, pause=0.002)

    assert status == 413
    assert answer["error"] == "too_large"
    assert live_versions(live, slug) == []


def test_gunicorn_reads_a_chunked_upload_within_the_limit(live: LiveService) -> None:
    body = example_yaml(slug="chunked-ok")

    status, answer = send_then_read(live, body, "application/yaml", chunked=True, piece=1000)

    assert status == 202, answer
    assert live_versions(live, "chunked-ok") == [1]


@pytest.mark.parametrize(
    ("size", "pause"),
    [(40_000, 0.02), (1_500_000, 0.005)],
    ids=["40 KB", "1.5 MB sent slowly"],
)
def test_an_early_415_reaches_a_client_still_sending(
    live: LiveService, size: int, pause: float
) -> None:
    body = b"%PDF-1.7\n" + b"\x00" * (size - 9)  # a PDF: not a kind of file udkast reads
    piece = 4096 if size < 100_000 else 64 * 1024

    status, answer = send_then_read(
        live, body, "application/pdf", chunked=False, piece=piece, pause=pause
    )

    assert status == 415
    assert answer["error"] == "unsupported_media_type"
    assert "application/yaml" in answer["message"]


def test_an_early_401_reaches_a_client_still_sending(live: LiveService) -> None:
    body = example_yaml(slug="ukendt-noegle") + b"#" * 1_500_000
    unknown = "udk_" + secrets.token_urlsafe(32)  # a well-formed token this service never made

    status, answer = send_then_read(
        live, body, "application/yaml", chunked=True, pause=0.005, token=unknown
    )

    assert status == 401
    assert answer["error"] == "unauthorized"
    assert live_versions(live, "ukendt-noegle") == []


def test_gunicorn_answers_deep_nesting_with_400_saying_where(live: LiveService) -> None:
    status, answer = send_then_read(live, DEEP, "application/yaml", chunked=False)

    assert status == 400
    assert TOO_DEEP in answer["message"]


def test_the_web_form_refuses_a_file_and_pasted_text_together(
    client: FlaskClient, made: TestApp
) -> None:
    csrf = signed_in_csrf(client, made)
    body = multipart(
        ("csrf_token", None, csrf.encode()),
        ("file", "udkast.yaml", example_yaml(slug="fil-og-tekst")),
        ("text", None, example_yaml(slug="tekst-og-fil")),
    )

    response = post(client, "/drafts", body, MULTIPART, {}, chunked=False)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vælg én af dem" in page
    assert "slug: tekst-og-fil" in page  # the pasted text stays in the form
    assert drafts_of(made, "fil-og-tekst") == drafts_of(made, "tekst-og-fil") == []
