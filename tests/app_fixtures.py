"""A real app for Flask test-client tests: temp SQLite, the local folder queue, real users."""

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
from store import (
    create_password_link,
    create_token,
    create_user,
    list_drafts,
    list_strategies,
    revoke_token,
    set_password_by_link,
)
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


# Every user the fixtures make has this password (long enough for the store's rule).
PASSWORD = "korrekt hest batteri"  # noqa: S105 - a test user's, on a throwaway database


@dataclass
class TestApp:
    """An app, its var folder, an editor who can sign in, and an API token of that editor."""

    __test__ = False  # not a test class, despite the name

    app: Flask
    var_dir: Path
    token: str
    email: str = ""
    password: str = PASSWORD
    user_id: int = 0

    def new_token(
        self, *, revoked: bool = False, name: str | None = None, user_id: int | None = None
    ) -> str:
        """Create a token: of a new service user (an editor) named like it, or of `user_id`."""
        name = name or f"t-{secrets.token_hex(4)}"
        with self.app.app_context():
            db = runtime().sessions()
            try:
                secret = create_token(db, name, user_id)
                if revoked:
                    revoke_token(db, name)
            finally:
                db.close()
        return secret

    def new_user(self, role: str = "editor", name: str | None = None) -> tuple[str, int]:
        """Create a user with the fixtures' PASSWORD, as a link would; return (email, id)."""
        return add_person(self.app, role, name)

    def sign_in(
        self,
        client: FlaskClient,
        email: str | None = None,
        password: str | None = None,
        next_path: str | None = None,
        **kw: Any,
    ) -> TestResponse:
        """Sign in on the sign-in form (this app's editor unless told whom)."""
        form = {
            "email": self.email if email is None else email,
            "password": self.password if password is None else password,
            "csrf_token": csrf_token(client),
        }
        url = "/sign-in" + (f"?next={next_path}" if next_path is not None else "")
        return client.post(url, data=form, **kw)

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


def add_person(app: Flask, role: str = "editor", name: str | None = None) -> tuple[str, int]:
    """Create a user of `app` with the fixtures' PASSWORD, set by a link; return (email, id)."""
    email = f"u-{secrets.token_hex(4)}@example.dk"
    with app.app_context():
        db = runtime().sessions()
        try:
            user = create_user(db, email, name or f"Bruger {role}", role)
            set_password_by_link(db, create_password_link(db, user.id), PASSWORD)
        finally:
            db.close()
    return email, user.id


def sign_in_as(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Sign a test client in on the sign-in form."""
    form = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/sign-in", data=form)


# Tests sign in and post far faster than people, all from 127.0.0.1; the rate limits
# have tests of their own (test_rate_limits.py), which set these lower.
NO_LIMITS = {"UDKAST_DRAFTS_PER_MINUTE": "100000", "UDKAST_SIGN_INS_PER_MINUTE": "100000"}


def make_test_app(tmp: Path, **environ: str) -> TestApp:
    """Create an app on an empty SQLite database under `tmp`, with an editor and a token."""
    var_dir = tmp / "var"
    settings = load_settings(
        {"UDKAST_VAR_DIR": str(var_dir), "UDKAST_SECRET_KEY": "k" * 32, **NO_LIMITS, **environ}
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    made = TestApp(app=app, var_dir=var_dir, token="")
    made.email, made.user_id = made.new_user("editor", "Rikke Redaktør")
    made.token = made.new_token(name=f"rikke-{secrets.token_hex(4)}", user_id=made.user_id)
    return made


def example_data(
    name: str = "udkast-1", slug: str | None = None, *, inputs: bool = True
) -> dict[str, Any]:
    """Return a shared example as data, under another slug if given.

    Without `inputs` it has no consultation inputs: its build has no høringsnotat.
    """
    data: dict[str, Any] = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
    if slug:
        data["document"]["slug"] = slug
    if not inputs:
        data.pop("consultation", None)
    return data


def example_yaml(
    name: str = "udkast-1", slug: str | None = None, *, inputs: bool = True, **document: Any
) -> bytes:
    """Return a shared example as YAML bytes, with fields of `document` replaced."""
    data = example_data(name, slug, inputs=inputs)
    data["document"].update(document)
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
