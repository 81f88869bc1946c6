"""The tables: strategies, drafts, builds, outputs, artifacts, users, tokens, sessions, diffs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from store.base import Base, utcnow

State = Literal["queued", "running", "done", "failed"]
ACTIVE_STATES: tuple[State, ...] = ("queued", "running")

_STATE_CHECK = "state IN ('queued', 'running', 'done', 'failed')"
_ROLE_CHECK = "role IN ('admin', 'editor', 'reader')"
HASH = String(64)  # a hex SHA-256


def new_build_id() -> str:
    """Return a fresh build id (a UUID, so ids reveal nothing and cannot be guessed)."""
    return str(uuid.uuid4())


class Strategy(Base):
    """One strategy: the slug that ties its drafts together into a history."""

    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The version counter; its row is locked while a draft is added, which is what
    # keeps versions gapless and unique under concurrent submissions.
    latest_version: Mapped[int] = mapped_column(default=0)
    # Opted in by an editor: the strategy has a public page (its published versions and
    # what changed between them) and an Atom feed. Internal until then.
    public: Mapped[bool] = mapped_column(default=False, server_default=false())

    drafts: Mapped[list[Draft]] = relationship(back_populates="strategy", order_by="Draft.version")


class Draft(Base):
    """One immutable version of a strategy's content."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("strategy_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id"))
    version: Mapped[int]
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of Strategy.to_data()
    content_hash: Mapped[str] = mapped_column(HASH, index=True)
    label: Mapped[str | None] = mapped_column(String(80))
    date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Who posted it: the user, and the token (by id and by its name as it was then, so the
    # record reads the same after the token is revoked) when it came through the API.
    # None for drafts stored before this was kept; a draft saved in the browser has a
    # user and no token.
    posted_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    posted_by_name: Mapped[str | None] = mapped_column(String(100))
    posted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The Word file this version was read from (None for YAML, JSON and the editor),
    # kept so the history can hand back exactly what was uploaded.
    source_hash: Mapped[str | None] = mapped_column(ForeignKey("artifacts.sha256"))
    # When an editor marked the version as published (None: internal). Only published
    # versions show on the strategy's public page.
    published_at: Mapped[dt.datetime | None]

    strategy: Mapped[Strategy] = relationship(back_populates="drafts", lazy="joined")
    posted_by_user: Mapped[User | None] = relationship(lazy="joined")


class Build(Base):
    """One rendering of a draft in a theme; its outputs are rendered in parallel."""

    __tablename__ = "builds"
    __table_args__ = (CheckConstraint(_STATE_CHECK, name="state"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_build_id)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    # The draft this one is compared with by the comparison outputs (None for version 1).
    predecessor_draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    theme: Mapped[str] = mapped_column(String(64))
    # Which queue its renders go to (core.budget.lane): "bulk" for documents heavy to lay
    # out, rendered by workers of their own so they cannot hold up ordinary drafts.
    lane: Mapped[str] = mapped_column(String(16), default="standard", server_default="standard")
    state: Mapped[str] = mapped_column(String(16), default="queued")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    draft: Mapped[Draft] = relationship(foreign_keys=[draft_id], lazy="joined")
    outputs: Mapped[list[BuildOutput]] = relationship(
        back_populates="build", order_by="BuildOutput.id", lazy="selectin"
    )


class BuildOutput(Base):
    """One output of a build (core.outputs: "pdf", "changes-docx", ...), rendered by one task."""

    __tablename__ = "build_outputs"
    __table_args__ = (
        UniqueConstraint("build_id", "output"),
        Index(None, "state", "updated_at"),  # the recovery step's scan
        CheckConstraint(_STATE_CHECK, name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    build_id: Mapped[str] = mapped_column(ForeignKey("builds.id"))
    output: Mapped[str] = mapped_column(String(32))  # the output's name (core.outputs)
    # Which queue it is rendered from (core.outputs.output_lane): a heavy document's PDFs
    # go to the bulk lane, its other files to the standard one; a comparison's PDF by
    # the size of the change.
    lane: Mapped[str] = mapped_column(String(16), default="standard", server_default="standard")
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)  # the cap that stops poison-message loops
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # last change of state
    error: Mapped[str | None] = mapped_column(Text)
    artifact_hash: Mapped[str | None] = mapped_column(ForeignKey("artifacts.sha256"))

    build: Mapped[Build] = relationship(back_populates="outputs")
    artifact: Mapped[Artifact | None] = relationship(lazy="joined")


class Artifact(Base):
    """A rendered file, stored once per distinct content (keyed by its SHA-256)."""

    __tablename__ = "artifacts"

    sha256: Mapped[str] = mapped_column(HASH, primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    # Deferred: status pages list artifacts often and need their bytes rarely.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RenderCache(Base):
    """Which artifact a renderer produced for (content, theme, output, renderer version).

    Renders are not byte-for-byte reproducible (PDF and DOCX embed timestamps), so the
    content hash of the output alone cannot tell that a render may be skipped.
    """

    __tablename__ = "render_cache"

    content_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    theme: Mapped[str] = mapped_column(String(64), primary_key=True)
    output: Mapped[str] = mapped_column(String(32), primary_key=True)  # the output's name
    renderer_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    artifact_hash: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person who signs in with email and password, or a service user of a pipeline.

    Emails are stored lower-cased (store.users normalises them), so the unique key is
    case-insensitive. Service users have no email and no password: they act only
    through their API tokens.
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_ROLE_CHECK, name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id, PHC string
    active: Mapped[bool] = mapped_column(default=True)
    service: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PasswordLink(Base):
    """A one-time link to set a password; only the SHA-256 of its secret is kept."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(HASH, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class ApiToken(Base):
    """A named API token of a user, acting with that user's role; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, the table only its SHA-256.

    A session belongs to the user who signed in; token_id is kept for sessions opened
    with an API token before personal accounts (the token's revocation still ends them).
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sid_hash: Mapped[str] = mapped_column(HASH, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # for the idle timeout
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)  # the absolute timeout
    revoked_at: Mapped[dt.datetime | None]  # signed out, password changed, user deactivated


class SignInFailure(Base):
    """One refused sign-in, counted per address and per account within a short window."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index(None, "address", "created_at"),
        Index(None, "account", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    # The account the attempt named: the email as typed, lower-cased (None from before
    # personal accounts, when sign-in took only a token).
    account: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class StoredComparison(Base):
    """What changed from one content to another: compare()'s JSON, computed once per pair.

    Keyed by the two drafts' content hashes, so every pair of drafts with the same
    contents shares it, and by the diff code's fingerprint, so a fix of the diff is not
    hidden behind an answer stored before it.
    """

    __tablename__ = "comparisons"

    old_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    new_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    diff_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # Comparison.to_json(), as JSON text
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Preview(Base):
    """A preview: content rendered to PDF and its first pages kept as PNG, with no version.

    Short-lived (store.previews.PREVIEW_LIFETIME) and one per owner: a new one replaces it.
    """

    __tablename__ = "previews"
    __table_args__ = (CheckConstraint(_STATE_CHECK, name="state"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_build_id)
    owner: Mapped[str] = mapped_column(String(100), index=True)  # who may see it
    theme: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of Strategy.to_data()
    state: Mapped[State] = mapped_column(String(16), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int | None]  # the PDF's pages, of which the first few are kept
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None]
    pages: Mapped[list[PreviewPage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PreviewPage.number"
    )


class PreviewPage(Base):
    """One page of a preview as a PNG image."""

    __tablename__ = "preview_pages"

    preview_id: Mapped[str] = mapped_column(
        ForeignKey("previews.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True)  # from 1
    width: Mapped[int]
    height: Mapped[int]
    png: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))


class Hearing(Base):
    """A hearing on one version: when it is open, what may be commented on, and its link.

    `key` is the unguessable part of the hearing page's address; a hearing that is not
    `public` is reachable only by it.
    """

    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    public: Mapped[bool] = mapped_column(default=False)
    opens: Mapped[dt.date] = mapped_column(Date)
    closes: Mapped[dt.date] = mapped_column(Date)  # the last day responses are taken
    intro: Mapped[str | None] = mapped_column(Text)
    parts: Mapped[str | None] = mapped_column(Text)  # JSON list of part ids; None: all
    max_responses: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None]  # closed early by an editor

    draft: Mapped[Draft] = relationship(lazy="joined")


class HearingResponse(Base):
    """One response to a hearing, as the respondent sent it (personal data: see README)."""

    __tablename__ = "hearing_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # never shown
    parts: Mapped[str] = mapped_column(Text)  # JSON list of the part ids it concerns
    text: Mapped[str] = mapped_column(Text)
    attachment_hash: Mapped[str | None] = mapped_column(ForeignKey("artifacts.sha256"))
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    # Past the retention period a private person's name is replaced (store.hearings).
    anonymised_at: Mapped[dt.datetime | None]


class PrintedPiece(Base):
    """A piece of a long document's PDF, printed once and reused (worker.pieces).

    Keyed by a hash of the piece's HTML, the renderer's fingerprint and the PDF variant,
    so a redraft reuses every piece whose printed form would not change. A worker claims
    a piece before printing it (claimed_by), so two workers seldom print the same one.
    """

    __tablename__ = "printed_pieces"

    key: Mapped[str] = mapped_column(HASH, primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(36))
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    printed_at: Mapped[dt.datetime | None]  # None while a worker prints it
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pages: Mapped[int | None]
    anchors: Mapped[str | None] = mapped_column(Text)  # JSON {anchor: page in the piece}
    footed: Mapped[str | None] = mapped_column(Text)  # JSON [pages with a footer]
