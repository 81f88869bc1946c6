"""What the store hands out: frozen plain data, so no caller reads an ORM row or its session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from core.outputs import in_listing_order
from store.models import Artifact, Build, Draft, User

# The roles, each allowed what the ones before it may do: readers read and download,
# editors also save drafts, admins also manage users and API tokens.
ROLES = ("reader", "editor", "admin")


def role_allows(role: str, needed: str) -> bool:
    """Say whether `role` may do what `needed` may (an unknown role may nothing)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class UserRecord:
    """A user as the pages and commands show it (never its password hash)."""

    id: int
    email: str | None  # None for a service user
    name: str
    role: str
    active: bool
    service: bool
    has_password: bool
    created_at: dt.datetime


def user_record(user: User) -> UserRecord:
    """Return the record of a user row."""
    return UserRecord(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        active=user.active,
        service=user.service,
        has_password=user.password_hash is not None,
        created_at=user.created_at,
    )


@dataclass(frozen=True)
class DraftRecord:
    """One stored version of a strategy's content."""

    id: int
    slug: str
    version: int
    label: str | None
    date: dt.date | None
    status: str
    language: str
    title: str
    content_hash: str
    content: str  # canonical JSON of Strategy.to_data(); store.draft_content validates it
    created_at: dt.datetime
    posted_by_name: str | None  # the posting token's name as it was then
    posted_by_user: str | None = None  # the name of the user who saved it
    source_hash: str | None = None  # the uploaded Word file it was read from, if any
    published_at: dt.datetime | None = None  # marked published (on the public page), if


@dataclass(frozen=True)
class BuildRecord:
    """One rendering of a draft in a theme, with the names of its outputs."""

    id: str
    draft_id: int
    predecessor_draft_id: int | None  # the draft the comparison outputs compare with
    theme: str
    lane: str
    state: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str | None
    outputs: tuple[str, ...]  # in the registry's listing order (core.outputs)
    lanes: Mapping[str, str]  # output → its lane


@dataclass(frozen=True)
class ArtifactRecord:
    """A rendered file: its hash, media type and size, and its bytes when asked for."""

    sha256: str
    media_type: str
    size: int
    data: bytes | None  # None unless the query asked for the bytes


def draft_record(draft: Draft) -> DraftRecord:
    """Return the record of a draft row (its strategy is loaded with it)."""
    return DraftRecord(
        id=draft.id,
        slug=draft.strategy.slug,
        version=draft.version,
        label=draft.label,
        date=draft.date,
        status=draft.status,
        language=draft.language,
        title=draft.title,
        content_hash=draft.content_hash,
        content=draft.content,
        created_at=draft.created_at,
        posted_by_name=draft.posted_by_name,
        posted_by_user=draft.posted_by_user.name if draft.posted_by_user else None,
        source_hash=draft.source_hash,
        published_at=draft.published_at,
    )


def build_record(build: Build) -> BuildRecord:
    """Return the record of a build row."""
    return BuildRecord(
        id=build.id,
        draft_id=build.draft_id,
        predecessor_draft_id=build.predecessor_draft_id,
        theme=build.theme,
        lane=build.lane,
        state=build.state,
        created_at=build.created_at,
        started_at=build.started_at,
        finished_at=build.finished_at,
        error=build.error,
        outputs=in_listing_order(o.output for o in build.outputs),
        lanes={o.output: o.lane for o in build.outputs},
    )


def artifact_record(artifact: Artifact, *, with_data: bool) -> ArtifactRecord:
    """Return the record of an artifact row; `with_data` only if its bytes were loaded."""
    data = artifact.data if with_data else None
    return ArtifactRecord(artifact.sha256, artifact.media_type, artifact.size, data)
