"""Send a draft's rendered file, looked up by its published name (never used as a path).

The refusals are worded in the request's language (the API's is English by default).
"""

from __future__ import annotations

from flask import Request, Response
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.outputs import DOCX, draft_outputs, output_named
from service.filenames import output_named_by, source_name
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
    if found.source_hash is not None and filename == source_name(slug, version, found.label):
        return _send_source(db, request, found.source_hash, filename)
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
    return _file_response(full.data, output_named(output).media_type, filename, etag)


def send_public_file(
    db: Session, request: Request, slug: str, version: int, filename: str
) -> Response:
    """Return one of a version's own files (its PDF or DOCX) for anyone, or raise NotFound.

    Never a comparison or an uploaded Word file: those are for the people who write.
    """
    found = get_draft(db, slug, version)
    output = output_named_by(slug, version, found.label, filename) if found else None
    if output is None or output not in draft_outputs():
        raise NotFound(_("Filen %(file)s findes ikke her.", file=shown(filename)))
    return send_artifact(db, request, slug, version, filename)


def _send_source(db: Session, request: Request, sha256: str, filename: str) -> Response:
    """Return the Word file a version was read from, as it was uploaded."""
    if request.if_none_match.contains(sha256):
        return Response(status=304, headers={"ETag": f'"{sha256}"'})
    found = get_artifact(db, sha256, with_data=True)
    if found is None or found.data is None:  # the foreign key keeps it; only a restore loses it
        raise NotFound(_("den uploadede fil %(file)s er væk", file=shown(filename)))
    return _file_response(found.data, DOCX, filename, sha256)


def _file_response(data: bytes, media_type: str, filename: str, etag: str) -> Response:
    """Return a download: named, revalidated by its content hash on each use."""
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["ETag"] = f'"{etag}"'
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response
