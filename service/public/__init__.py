"""The public pages: what anyone may read without signing in, and the hearing's form.

A strategy's public page and feed, and a hearing's page and response form (issue 12).
Every public page sets no cookie, loads nothing from another server, works without
JavaScript, and speaks Danish or English as `?lang=` asks, else as the browser prefers:
there is no cookie to remember a choice in. They use their own page frame
(templates/public/base.html), which shows nothing of a signed-in person's account.

This module holds what the rest of the service asks of them (is this a public page?);
service/public/views.py is their blueprint, with every route listed in one place.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

PREFIX = "/public"


def is_public_request() -> bool:
    """Say whether this request is for a public page (no cookies, the public frame)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


class CookielessPublicSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which a public page never writes back.

    Flask saves the session after every after_request hook has run, so a hook cannot
    take the cookie off a response: the session is not saved at all instead.
    """

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        """Save the session as Flask does, except on a public page."""
        if is_public_request():
            return
        super().save_session(app, session, response)
