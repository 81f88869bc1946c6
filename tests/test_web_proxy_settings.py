"""Behind a reverse proxy: trusted host names, and the client's address from X-Forwarded-For.

Set as an operator does: UDKAST_TRUSTED_HOSTS and UDKAST_PROXY_COUNT in the environment.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from service.app import create_app
from settings import Settings, load_settings
from tests.app_fixtures import NO_LIMITS
from tests.test_web_sessions import sign_in


def app_with(tmp: Path, **environ: str) -> Any:
    settings: Settings = load_settings(
        {
            "UDKAST_VAR_DIR": str(tmp / "var"),
            "UDKAST_SECRET_KEY": "k" * 32,
            **NO_LIMITS,
            "UDKAST_SIGN_INS_PER_MINUTE": "2",
            **environ,
        }
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


def test_a_request_for_another_host_is_refused_when_hosts_are_configured(tmp_path):
    app = app_with(tmp_path, UDKAST_TRUSTED_HOSTS="udkast.kommune.dk, udkast.local")
    client = app.test_client()

    assert client.get("/sign-in", headers={"Host": "udkast.kommune.dk"}).status_code == 200
    refused = client.get("/strategies//x", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "evil.example" not in refused.headers.get("Location", "")
    api = client.get("/api/v1/strategies", headers={"Host": "evil.example"})
    assert api.status_code == 400 and api.get_json()["error"] == "bad_request"


def test_behind_a_trusted_proxy_failed_sign_ins_count_per_client_not_per_proxy(tmp_path):
    app = app_with(tmp_path, UDKAST_PROXY_COUNT="1")
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    tries = itertools.count()

    def attempt(forwarded_for: str) -> int:
        headers = {"X-Forwarded-For": forwarded_for}
        email = f"gaet-{next(tries)}@example.dk"  # each its own account: only addresses count
        return int(sign_in(client, email, headers=headers, environ_base=proxy).status_code)

    assert [attempt("192.0.2.7") for _ in range(3)] == [401, 401, 429]
    assert attempt("192.0.2.8") == 401  # another client behind the same proxy


def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(tmp_path):
    app = app_with(tmp_path)
    client = app.test_client()

    tries = itertools.count()

    def attempt(forwarded_for: str) -> int:
        headers = {"X-Forwarded-For": forwarded_for}
        email = f"gaet-{next(tries)}@example.dk"  # each its own account: only addresses count
        return int(sign_in(client, email, headers=headers).status_code)

    # A client cannot escape the limit by claiming to be someone else.
    assert [attempt(f"192.0.2.{n}") for n in range(3)] == [401, 401, 429]
