"""Read a strategy document out of an HTTP request body (JSON, YAML or a form upload)."""

from __future__ import annotations

from flask import Request

from core.content import Strategy, load
from core.loading import JSON_TYPES, YAML_TYPES
from core.problems import MalformedInput, UnsupportedMediaType
from service.runtime import runtime

ACCEPTED = "application/json, application/yaml or multipart/form-data with a file field"


def read_strategy(request: Request) -> Strategy:
    """Return the validated strategy a request carries, or raise a domain error."""
    media_type = request.mimetype
    # The document may be as large as the request may be: MAX_CONTENT_LENGTH governs both.
    limit = runtime().settings.max_content_length
    if media_type == "multipart/form-data":
        upload = request.files.get("file") or next(iter(request.files.values()), None)
        if upload is None:
            raise MalformedInput("the form has no file: send the document in a field named 'file'")
        data = upload.read()
        # The file's own name and type only choose the parser; they are never stored.
        return load(
            data, _declared(upload.mimetype), upload.filename or "upload.yaml", max_bytes=limit
        )
    if media_type in JSON_TYPES | YAML_TYPES:
        return load(request.get_data(cache=False), media_type, max_bytes=limit)
    shown = media_type or "no Content-Type"
    raise UnsupportedMediaType(f"cannot read {shown}: send {ACCEPTED}")


def _declared(media_type: str | None) -> str | None:
    """Keep a browser's declared type only when it names one we read."""
    return media_type if media_type in JSON_TYPES | YAML_TYPES else None
