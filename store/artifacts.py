"""Artifacts: rendered files stored once per content hash, and the render cache."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from store.db import insert_ignore
from store.models import Artifact, BuildOutput, RenderCache
from store.records import ArtifactRecord, artifact_record


def artifact_hash(data: bytes) -> str:
    """Return the hex SHA-256 that names these bytes."""
    return hashlib.sha256(data).hexdigest()


def store_artifact(session: Session, data: bytes, media_type: str) -> str:
    """Add the bytes unless stored already, inside the caller's transaction; return the hash."""
    digest = artifact_hash(data)
    # ON CONFLICT DO NOTHING: two workers storing the same bytes at once both succeed.
    values = {"sha256": digest, "media_type": media_type, "size": len(data), "data": data}
    insert_ignore(session, Artifact, values)
    return digest


def remember_render(
    session: Session,
    content_hash: str,
    theme: str,
    output: str,
    renderer_version: str,
    artifact_sha256: str,
) -> None:
    """Record which artifact this renderer made from this content and theme (caller commits)."""
    values = {
        "content_hash": content_hash,
        "theme": theme,
        "output": output,
        "renderer_version": renderer_version,
        "artifact_hash": artifact_sha256,
    }
    insert_ignore(session, RenderCache, values)


def cached_artifact(
    session: Session, content_hash: str, theme: str, output: str, renderer_version: str
) -> ArtifactRecord | None:
    """Return the artifact (with its bytes) rendered before from the same inputs and renderer."""
    query = (
        select(Artifact)
        .options(undefer(Artifact.data))  # the caller is about to reuse the bytes
        .join(RenderCache, RenderCache.artifact_hash == Artifact.sha256)
        .where(
            RenderCache.content_hash == content_hash,
            RenderCache.theme == theme,
            RenderCache.output == output,
            RenderCache.renderer_version == renderer_version,
        )
    )
    found = session.scalars(query).one_or_none()
    return artifact_record(found, with_data=True) if found is not None else None


def get_artifact(
    session: Session, sha256: str, *, with_data: bool = False
) -> ArtifactRecord | None:
    """Return the artifact with this hash; `with_data` loads its bytes in the same query."""
    query = select(Artifact).where(Artifact.sha256 == sha256)
    if with_data:
        query = query.options(undefer(Artifact.data))
    found = session.scalars(query).one_or_none()
    return artifact_record(found, with_data=with_data) if found is not None else None


def output_artifact(
    session: Session, build_id: str, output: str, *, with_data: bool = False
) -> ArtifactRecord | None:
    """Return the artifact of one output of a build, once that output is done.

    `with_data` loads its bytes in the same query.
    """
    query = (
        select(Artifact)
        .join(BuildOutput, BuildOutput.artifact_hash == Artifact.sha256)
        .where(BuildOutput.build_id == build_id, BuildOutput.output == output)
    )
    if with_data:
        query = query.options(undefer(Artifact.data))
    found = session.scalars(query).one_or_none()
    return artifact_record(found, with_data=with_data) if found is not None else None
