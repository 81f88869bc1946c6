"""The public pages' blueprint: every route under /public, and the rule that sets no cookie."""

from __future__ import annotations

from flask import Blueprint, Response

from service.public import PREFIX, feed, hearing, strategy

blueprint = Blueprint("public", __name__, url_prefix=PREFIX)

for rule, endpoint, view, methods in (*hearing.ROUTES, *strategy.ROUTES, *feed.ROUTES):
    blueprint.add_url_rule(rule, endpoint, view, methods=methods)


@blueprint.after_request
def _no_cookies(response: Response) -> Response:
    """Hand out no cookie from a public page, whatever another hook wanted to set."""
    response.headers.remove("Set-Cookie")
    return response
