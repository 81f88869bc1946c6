"""Content out: a stored version's content as YAML or JSON, to edit and upload again.

Uploading either file again is recognised as the same content (no new version).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response
from flask_babel import gettext as _

from core.yamlwrite import to_yaml
from service.login import load_session, signed_in
from service.routing import VERSION
from service.runtime import session
from store import NotFound, draft_content, get_draft

blueprint = Blueprint("content_out", __name__)
# The pages' session lookup (service.web), which runs for that blueprint's views only.
blueprint.before_request(load_session)

MEDIA_TYPES = {"yaml": "application/yaml; charset=utf-8", "json": "application/json"}


def content_file(slug: str, version: int, kind: str) -> Response:
    """Answer with a version's content as a YAML or JSON attachment (404 if there is none)."""
    draft = get_draft(session(), slug, version)
    if draft is None:
        # The pages and the API share this answer, each in its own language.
        raise NotFound(_("«%(slug)s» har ingen version %(version)d.", slug=slug, version=version))
    # Validated as it is read, so the file holds what the format says today, in its order.
    data: dict[str, Any] = draft_content(draft).to_data()
    if kind == "yaml":
        text = to_yaml(data)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    response = Response(text, content_type=MEDIA_TYPES[kind])
    name = f"{slug}-version-{version}.{kind}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.get(f"/strategies/<slug:slug>/<{VERSION}:version>/content.yaml")
@signed_in
def content_yaml(slug: str, version: int) -> Response:
    """Send a version's content as YAML."""
    return content_file(slug, version, "yaml")


@blueprint.get(f"/strategies/<slug:slug>/<{VERSION}:version>/content.json")
@signed_in
def content_json(slug: str, version: int) -> Response:
    """Send a version's content as JSON."""
    return content_file(slug, version, "json")
