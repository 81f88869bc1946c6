"""A real app for Flask test-client tests: temp SQLite, the local folder queue, real tokens."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.app import create_app
from service.runtime import runtime
from settings import load_settings
from store import create_token, list_drafts, list_strategies, revoke_token
from tests.conftest import example_path

# The hidden field every form of the web UI carries (Flask-WTF).
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """Return the CSRF token of the form on the page at `path`."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    found = CSRF.search(page.get_data(as_text=True))
    assert found, "no CSRF token in the form"
    return found.group(1)


@dataclass
class TestApp:
    """An app, its var folder and a valid API token."""

    __test__ = False  # not a test class, despite the name

    app: Flask
    var_dir: Path
    token: str

    def new_token(self, *, revoked: bool = False) -> str:
        name = f"t-{secrets.token_hex(4)}"
        with self.app.app_context():
            db = runtime().sessions()
            try:
                secret = create_token(db, name)
                if revoked:
                    revoke_token(db, name)
            finally:
                db.close()
        return secret

    def post_yaml(self, body: bytes, token: str | None = None) -> TestResponse:
        """POST a YAML draft to the API with this app's token (or `token`)."""
        return self.app.test_client().post(
            "/api/v1/drafts",
            data=body,
            headers={
                "Authorization": f"Bearer {token or self.token}",
                "Content-Type": "application/yaml",
            },
        )

    def queued_messages(self) -> int:
        """Count the messages waiting in the folder queue (one per output of a build)."""
        return sum(1 for _ in (self.var_dir / "queue" / "messages").iterdir())

    def versions(self, slug: str) -> list[int]:
        with self.app.app_context():
            db = runtime().sessions()
            try:
                return [d.version for d in list_drafts(db, slug)]
            finally:
                db.close()

    def slugs(self) -> list[str]:
        with self.app.app_context():
            db = runtime().sessions()
            try:
                return [s.slug for s in list_strategies(db)]
            finally:
                db.close()


# Tests sign in and post far faster than people, all from 127.0.0.1; the rate limits
# have tests of their own (test_rate_limits.py), which set these lower.
NO_LIMITS = {"UDKAST_DRAFTS_PER_MINUTE": "100000", "UDKAST_SIGN_INS_PER_MINUTE": "100000"}


def make_test_app(tmp: Path, **environ: str) -> TestApp:
    """Create an app on an empty SQLite database under `tmp`, with one token."""
    var_dir = tmp / "var"
    settings = load_settings(
        {"UDKAST_VAR_DIR": str(var_dir), "UDKAST_SECRET_KEY": "k" * 32, **NO_LIMITS, **environ}
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    made = TestApp(app=app, var_dir=var_dir, token="")
    made.token = made.new_token()
    return made


def example_data(name: str = "udkast-1", slug: str | None = None) -> dict[str, Any]:
    """Return a shared example as data, under another slug if given."""
    data: dict[str, Any] = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
    if slug:
        data["document"]["slug"] = slug
    return data


def example_yaml(name: str = "udkast-1", slug: str | None = None, **document: Any) -> bytes:
    """Return a shared example as YAML bytes, with fields of `document` replaced."""
    data = example_data(name, slug)
    data["document"].update(document)
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
