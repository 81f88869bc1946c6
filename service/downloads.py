"""Send a draft's rendered file, looked up by its published name (never used as a path).

The refusals are worded in the request's language (the API's is English by default).
"""

from __future__ import annotations

from flask import Request, Response
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.outputs import output_named
from service.filenames import output_named_by
from service.routing import shown
from store import NotFound, get_artifact, get_draft, latest_build, output_artifact


def send_artifact(
    db: Session, request: Request, slug: str, version: int, filename: str
) -> Response:
    """Return the file response (or 304), or raise NotFound."""
    found = get_draft(db, slug, version)
    if found is None:
        raise NotFound(
            _("%(slug)s har ingen version %(version)d", slug=repr(slug), version=version)
        )
    output = output_named_by(slug, version, found.label, filename)
    if output is None:
        raise NotFound(
            _(
                "%(slug)s version %(version)d har ingen fil %(file)s",
                slug=repr(slug),
                version=version,
                file=shown(filename),
            )
        )
    build = latest_build(db, found.id)
    artifact = output_artifact(db, build.id, output) if build else None
    if artifact is None:
        raise NotFound(
            _(
                "filen %(output)s til %(slug)s version %(version)d er ikke klar endnu",
                output=output,
                slug=repr(slug),
                version=version,
            )
        )
    etag = artifact.sha256
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    full = get_artifact(db, etag, with_data=True)
    if full is None or full.data is None:  # deleted between the two reads
        raise NotFound(
            _(
                "filen %(output)s til %(slug)s version %(version)d er væk",
                output=output,
                slug=repr(slug),
                version=version,
            )
        )
    response = Response(full.data, mimetype=output_named(output).media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["ETag"] = f'"{etag}"'
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response
