"""A hearing end to end in the app: opened by an editor, answered by anyone, carried into
the next draft as pending input. Real app, real database, the Flask test client."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from service.runtime import runtime
from store import hearing_of, list_responses
from tests.app_fixtures import TestApp, csrf_token, example_yaml, make_test_app

TODAY = dt.date.today()


def _consultation(made: TestApp, slug: str) -> None:
    """Store udkast-1 (v1) and udkast-2 in hearing (v2) of `slug`."""
    assert made.post_yaml(example_yaml("udkast-1", slug=slug)).status_code == 202
    body = example_yaml("udkast-2", slug=slug, status="consultation")
    assert made.post_yaml(body).status_code == 202


def _open(made: TestApp, client, slug: str, version: int = 2, **fields: str):
    path = f"/strategies/{slug}/{version}/hearing"
    form = {
        "csrf_token": csrf_token(client, path),
        "opens": (TODAY - dt.timedelta(days=1)).isoformat(),
        "closes": (TODAY + dt.timedelta(days=20)).isoformat(),
        "intro": "Sig din mening om udkastet.\n\nVi læser alle svar.",
        "visibility": "public",
        "max_responses": "50",
        **fields,
    }
    if "parts" not in fields:
        page = client.get(path).get_data(as_text=True)
        form["parts"] = re.findall(r'name="parts" value="([^"]+)" checked', page)
    return client.post(path, data=form)


def _key(made: TestApp, slug: str, version: int = 2) -> str:
    with made.app.app_context():
        db = runtime().sessions()
        try:
            found = hearing_of(db, slug, version)
            assert found is not None
            return found.key
        finally:
            db.close()


def _responses(made: TestApp, slug: str, version: int = 2):
    with made.app.app_context():
        db = runtime().sessions()
        try:
            found = hearing_of(db, slug, version)
            return list_responses(db, found.id) if found else []
        finally:
            db.close()


def opened_hearing(made: TestApp, slug: str, **fields: str) -> str:
    """Store udkast-1 and udkast-2 in consultation of `slug`, open its hearing; return its key."""
    _consultation(made, slug)
    client = made.app.test_client()
    made.sign_in(client)
    assert _open(made, client, slug, **fields).status_code == 303
    return _key(made, slug)


RESPONSE = {
    "name": "Hanne Hansen",
    "organisation": "Ældrerådet",
    "email": "hanne@example.dk",
    "parts": "v-det-hele-liv",
    "text": "Husk de ældre, der bor alene.",
    "consent": "yes",
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> TestApp:
    made = make_test_app(tmp_path_factory.mktemp("hearing"))
    _consultation(made, "hoering")
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    assert _open(made, client, "hoering").status_code == 303
    return made


def test_a_draft_version_cannot_be_sent_in_hearing(made):
    client = made.app.test_client()
    made.sign_in(client)
    page = client.get("/strategies/hoering/1/hearing").get_data(as_text=True)
    assert "Kun en version med status «i høring»" in page
    refused = _open(made, client, "hoering", version=1, parts="foreword")
    assert refused.status_code == 422
    assert hearing_of_version(made, "hoering", 1) is None


def hearing_of_version(made: TestApp, slug: str, version: int):
    with made.app.app_context():
        db = runtime().sessions()
        try:
            return hearing_of(db, slug, version)
        finally:
            db.close()


def test_the_open_form_proposes_dates_and_every_part(made):
    client = made.app.test_client()
    made.sign_in(client)
    _consultation(made, "forslag")
    page = client.get("/strategies/forslag/2/hearing").get_data(as_text=True)
    assert 'name="parts" value="v-det-hele-liv" checked' in page
    assert 'name="parts" value="signs-det-hele-liv" checked' in page
    assert f'id="opens" name="opens" type="date" required value="{TODAY.isoformat()}"' in page


def test_anyone_reads_the_hearing_page_without_a_cookie(made):
    key = _key(made, "hoering")
    answer = made.app.test_client().get(f"/public/hearings/{key}")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers
    assert 'id="v-det-hele-liv"' in page  # each vision has its anchor
    assert 'id="signs-det-hele-liv"' in page  # and each group of signs of success
    assert page.count("Giv høringssvar til denne del") >= 5
    assert f"/public/hearings/{key}/respond?part=v-det-hele-liv" in page
    assert "Vi læser alle svar." in page  # the introduction, paragraph by paragraph
    assert "<script" not in page
    assert not re.search(r'(src|href)="https?://', page)  # nothing from elsewhere


def test_a_wrong_key_is_a_public_404(made):
    answer = made.app.test_client().get("/public/hearings/" + "x" * 43)
    assert answer.status_code == 404
    assert "Høringen findes ikke" in answer.get_data(as_text=True)
    assert "Set-Cookie" not in answer.headers


def test_a_response_is_taken_and_confirmed(made):
    key = _key(made, "hoering")
    client = made.app.test_client()
    form = client.get(f"/public/hearings/{key}/respond?part=v-det-hele-liv")
    assert 'value="v-det-hele-liv" checked' in form.get_data(as_text=True)
    pdf = (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "bilag.pdf")
    sent = client.post(
        f"/public/hearings/{key}/respond",
        data={**RESPONSE, "attachment": pdf},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    assert "Set-Cookie" not in sent.headers
    thanks = client.get(sent.headers["Location"])
    assert "Tak for dit høringssvar" in thanks.get_data(as_text=True)
    stored = _responses(made, "hoering")[-1]
    assert (stored.name, stored.organisation, stored.parts) == (
        "Hanne Hansen",
        "Ældrerådet",
        ("v-det-hele-liv",),
    )
    assert stored.attachment_name == "bilag.pdf"


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"name": " "}, "name", "Skriv dit navn."),
        ({"text": ""}, "text", "Skriv dit høringssvar."),
        ({"text": "x" * 2001}, "text", "højst 2.000 tegn"),
        ({"text": "y" * 120}, "text", "over 100 tegn"),
        ({"email": "ikke en adresse"}, "email", "e-mailadresse"),
        ({"parts": "s-ukendt"}, "parts", "Vælg blandt"),
        ({"consent": ""}, "consent", "Sæt kryds"),
    ],
)
def test_a_response_with_a_mistake_is_shown_again_with_the_field_named(made, change, field, said):
    key = _key(made, "hoering")
    before = len(_responses(made, "hoering"))
    answer = made.app.test_client().post(
        f"/public/hearings/{key}/respond", data={**RESPONSE, **change}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in page and said in page
    assert "Husk de ældre" in page or field == "text"  # what was written is kept
    assert len(_responses(made, "hoering")) == before


def test_a_file_that_is_not_a_pdf_is_refused(made):
    key = _key(made, "hoering")
    answer = made.app.test_client().post(
        f"/public/hearings/{key}/respond",
        data={**RESPONSE, "attachment": (io.BytesIO(b"<html><script>"), "svar.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert "Kun PDF-filer" in answer.get_data(as_text=True)


def test_the_honeypot_filled_in_is_refused(made):
    key = _key(made, "hoering")
    before = len(_responses(made, "hoering"))
    answer = made.app.test_client().post(
        f"/public/hearings/{key}/respond", data={**RESPONSE, "website": "http://spam.example"}
    )
    assert answer.status_code == 400
    assert len(_responses(made, "hoering")) == before


def test_after_the_last_day_the_form_is_closed_and_says_so(made):
    client = made.app.test_client()
    made.sign_in(client)
    _consultation(made, "slut")
    past = {
        "opens": (TODAY - dt.timedelta(days=30)).isoformat(),
        "closes": (TODAY - dt.timedelta(days=1)).isoformat(),
    }
    assert _open(made, client, "slut", **past).status_code == 303
    key = _key(made, "slut")
    page = made.app.test_client().get(f"/public/hearings/{key}/respond").get_data(as_text=True)
    assert "Høringen er slut" in page and "<form" not in page.split('id="form"')[1]
    answer = made.app.test_client().post(f"/public/hearings/{key}/respond", data=RESPONSE)
    assert answer.status_code == 410
    assert _responses(made, "slut") == []


def test_a_full_hearing_takes_no_more(made):
    client = made.app.test_client()
    made.sign_in(client)
    _consultation(made, "fuld")
    assert _open(made, client, "fuld", max_responses="1").status_code == 303
    key = _key(made, "fuld")
    public = made.app.test_client()
    assert public.post(f"/public/hearings/{key}/respond", data=RESPONSE).status_code == 303
    again = public.post(f"/public/hearings/{key}/respond", data=RESPONSE)
    assert again.status_code == 409
    assert "største antal svar" in again.get_data(as_text=True)


def test_responses_past_the_rate_limit_are_refused(tmp_path):
    made = make_test_app(tmp_path, UDKAST_RESPONSES_PER_HOUR="2")
    key = opened_hearing(made, "graense")
    public = made.app.test_client()
    codes = [
        public.post(f"/public/hearings/{key}/respond", data=RESPONSE).status_code for _ in range(3)
    ]
    assert codes == [303, 303, 429]
    assert len(_responses(made, "graense")) == 2


def test_the_next_draft_carries_each_response_as_pending_input(made):
    key = _key(made, "hoering")
    answer = made.app.test_client().post(
        f"/public/hearings/{key}/respond",
        data={
            **RESPONSE,
            "organisation": "",
            "name": "Ole",
            "parts": ["v-det-hele-liv", "timeline"],
        },
    )
    assert answer.status_code == 303
    client = made.app.test_client()
    made.sign_in(client)
    page = client.get("/strategies/hoering/2/edit").get_data(as_text=True)
    responses = _responses(made, "hoering")
    assert f"{len(responses)} høringssvar er lagt ind" in page
    assert "Venter på dit svar, efter del" in page
    ole = responses[-1]
    assert f'value="{ole.input_id}"' in page
    # Opened again, nothing is added twice.
    again = client.get("/strategies/hoering/2/edit").get_data(as_text=True)
    assert again.count(f'value="{ole.input_id}"') == 1


def test_the_hearing_page_for_editors_lists_responses_and_addresses_only_for_admins(made):
    client = made.app.test_client()
    made.sign_in(client)  # the fixture's editor
    page = client.get("/strategies/hoering/2/hearing").get_data(as_text=True)
    assert "Husk de ældre, der bor alene." in page
    assert "hanne@example.dk" not in page
    admin_email, _ = made.new_user("admin", "Ada Admin")
    admin = made.app.test_client()
    made.sign_in(admin, email=admin_email)
    assert "hanne@example.dk" in admin.get("/strategies/hoering/2/hearing").get_data(as_text=True)


def test_the_api_opens_a_hearing_lists_its_responses_and_takes_them_without_a_token(made):
    _consultation(made, "api-hoering")
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    url = "/api/v1/strategies/api-hoering/drafts/2/hearing"
    refused = client.post("/api/v1/strategies/api-hoering/drafts/1/hearing", json={}, headers=auth)
    assert refused.status_code == 400  # version 1 is a draft, not in consultation
    opened = client.post(url, json={"public": False, "parts": ["v-det-hele-liv"]}, headers=auth)
    assert opened.status_code == 201, opened.get_json()
    hearing = opened.get_json()["hearing"]
    assert hearing["public"] is False and hearing["parts"] == ["v-det-hele-liv"]
    assert client.post(url, json={}, headers=auth).status_code == 409  # one per version
    page = hearing["links"]["page"]
    assert client.get(page).status_code == 200  # reachable by its link

    responses = hearing["links"]["responses"]
    said = {"name": "Ole", "parts": ["det-hele-liv"], "text": "Godt!", "consent": True}
    sent = client.post(responses, json=said)  # no token; the part named by its content id
    assert sent.status_code == 201, sent.get_json()
    assert sent.get_json()["response"]["input_id"].startswith("hoeringssvar-")
    assert sent.get_json()["response"]["parts"] == ["v-det-hele-liv"]
    wrong = client.post(responses, json={**said, "parts": ["s-ukendt"]})
    assert wrong.status_code == 400
    assert "parts" in wrong.get_json()["message"]
    assert client.post(responses, json={**said, "consent": False}).status_code == 400

    listed = client.get(url, headers=auth).get_json()["hearing"]
    assert [r["name"] for r in listed["responses"]] == ["Ole"]
    assert listed["links"]["report"].endswith("-hoeringsnotat.pdf")  # the reference has inputs
    assert "email" not in listed["responses"][0]  # an editor's token sees no addresses
    assert client.get(url).status_code == 401  # listing needs a token


def test_a_closed_hearing_answers_410_through_the_api(made):
    _consultation(made, "api-slut")
    client = made.app.test_client()
    auth = {"Authorization": f"Bearer {made.token}"}
    past = {
        "opens": (TODAY - dt.timedelta(days=9)).isoformat(),
        "closes": (TODAY - dt.timedelta(days=2)).isoformat(),
    }
    opened = client.post("/api/v1/strategies/api-slut/drafts/2/hearing", json=past, headers=auth)
    assert opened.status_code == 201
    responses = opened.get_json()["hearing"]["links"]["responses"]
    said = {"name": "Ole", "parts": ["v-det-hele-liv"], "text": "Sent.", "consent": True}
    answer = client.post(responses, json=said)
    assert answer.status_code == 410
    assert answer.get_json()["error"] == "hearing_closed"


def test_an_admin_exports_and_deletes_one_persons_responses_with_the_cli(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    made = make_test_app(tmp_path)
    key = opened_hearing(made, "rettigheder")
    public = made.app.test_client()
    for text in ("Første svar.", "Andet svar."):
        sent = public.post(f"/public/hearings/{key}/respond", data={**RESPONSE, "text": text})
        assert sent.status_code == 303
    other = {**RESPONSE, "email": "anden@example.dk"}
    assert public.post(f"/public/hearings/{key}/respond", data=other).status_code == 303

    udkast = str(Path(sys.executable).parent / "udkast")
    env = {**os.environ, "UDKAST_VAR_DIR": str(made.var_dir)}
    env.pop("DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [udkast, "responses", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    exported = run("export", "HANNE@example.dk")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert [r["text"] for r in data["responses"]] == ["Første svar.", "Andet svar."]
    deleted = run("delete", "hanne@example.dk")
    assert deleted.returncode == 0 and "deleted 2" in deleted.stdout
    assert [r.email for r in _responses(made, "rettigheder")] == ["anden@example.dk"]


class _SmtpPeer:
    """A minimal SMTP server on loopback that keeps every message it is given (RFC 5321)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.messages: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as lines:
                conn.sendall(b"220 loopback ESMTP\r\n")
                for line in lines:
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        conn.sendall(b"250 loopback\r\n")
                    elif verb == b"DATA":
                        conn.sendall(b"354 go on\r\n")
                        body = b"".join(iter(lambda: lines.readline(), b".\r\n"))
                        self.messages.append(body)
                        conn.sendall(b"250 kept\r\n")
                    elif verb == b"QUIT":
                        conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.server.close()


def test_a_respondent_with_an_address_gets_a_receipt_when_a_mail_server_is_set(tmp_path):
    import email

    peer = _SmtpPeer()
    try:
        made = make_test_app(
            tmp_path, UDKAST_SMTP_HOST="127.0.0.1", UDKAST_SMTP_PORT=str(peer.port)
        )
        key = opened_hearing(made, "kvittering")
        public = made.app.test_client()
        assert public.post(f"/public/hearings/{key}/respond", data=RESPONSE).status_code == 303
        without = {**RESPONSE, "email": ""}
        assert public.post(f"/public/hearings/{key}/respond", data=without).status_code == 303
    finally:
        peer.close()
    assert len(peer.messages) == 1  # only the respondent who gave an address
    mail = email.message_from_bytes(peer.messages[0])
    assert mail["To"] == "hanne@example.dk"
    assert "Socialstrategi" in str(
        email.header.make_header(email.header.decode_header(mail["Subject"]))
    )
    assert "Husk de ældre, der bor alene." in mail.get_payload(decode=True).decode("utf-8")


def test_an_attachment_over_the_limit_is_refused(tmp_path):
    made = make_test_app(tmp_path, UDKAST_ATTACHMENT_MAX="1000")
    key = opened_hearing(made, "bilag")
    big = (io.BytesIO(b"%PDF-1.7\n" + b"0" * 2000), "stor.pdf")
    answer = made.app.test_client().post(
        f"/public/hearings/{key}/respond",
        data={**RESPONSE, "attachment": big},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert "Filen er for stor" in answer.get_data(as_text=True)
    assert _responses(made, "bilag") == []


def test_past_retention_the_next_draft_names_a_private_respondent_borger(tmp_path):
    from store import add_response, open_hearing
    from worker.jobs import tidy

    made = make_test_app(tmp_path)
    _consultation(made, "glemt")
    with made.app.app_context():
        sessions = runtime().sessions
        with sessions() as db:
            hearing = open_hearing(
                db,
                "glemt",
                2,
                opens=TODAY - dt.timedelta(days=40),
                closes=TODAY - dt.timedelta(days=10),
                public=False,
                intro=None,
                parts=None,
                max_responses=10,
                user_id=None,
            )
            add_response(
                db,
                hearing.id,
                name="Hanne Hansen",
                organisation=None,
                email="hanne@example.dk",
                parts=("v-det-hele-liv",),
                text="Husk de ældre.",
            )
    client = made.app.test_client()
    made.sign_in(client)
    assert "Hanne Hansen" in client.get("/strategies/glemt/2/edit").get_data(as_text=True)
    assert tidy(sessions, retention_days=30) == 0  # closed 10 days ago: kept
    assert tidy(sessions, retention_days=5) == 1
    page = client.get("/strategies/glemt/2/edit").get_data(as_text=True)
    assert "Hanne Hansen" not in page and "Borger" in page
    assert [r.email for r in _responses(made, "glemt")] == [None]


def test_an_admin_finds_downloads_and_deletes_one_persons_responses_in_the_web_ui(tmp_path):
    import json

    made = make_test_app(tmp_path)
    key = opened_hearing(made, "persondata")
    public = made.app.test_client()
    assert public.post(f"/public/hearings/{key}/respond", data=RESPONSE).status_code == 303
    other = {**RESPONSE, "email": "anden@example.dk", "text": "Et andet svar."}
    assert public.post(f"/public/hearings/{key}/respond", data=other).status_code == 303

    editor = made.app.test_client()
    made.sign_in(editor)
    assert editor.get("/admin/responses?email=hanne@example.dk").status_code == 403
    admin_email, _ = made.new_user("admin", "Ada Admin")
    admin = made.app.test_client()
    made.sign_in(admin, email=admin_email)
    page = admin.get("/admin/responses?email=HANNE@example.dk").get_data(as_text=True)
    assert "Husk de ældre, der bor alene." in page and "Et andet svar." not in page
    exported = admin.get("/admin/responses.json?email=hanne@example.dk")
    data = json.loads(exported.data)
    assert exported.headers["Content-Disposition"].startswith("attachment")
    assert [r["text"] for r in data["responses"]] == ["Husk de ældre, der bor alene."]
    assert data["responses"][0]["strategy"] == "persondata"
    form = {
        "csrf_token": csrf_token(admin, "/admin/responses?email=hanne@example.dk"),
        "email": "hanne@example.dk",
    }
    deleted = admin.post("/admin/responses/delete", data=form)
    assert deleted.status_code == 303
    assert "1 høringssvar fra hanne@example.dk er slettet" in admin.get(
        deleted.headers["Location"]
    ).get_data(as_text=True)
    assert [r.text for r in _responses(made, "persondata")] == ["Et andet svar."]
