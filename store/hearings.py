"""Hearings: a version put out for responses, and the responses people send.

A hearing belongs to one version; its page's address holds an unguessable key. Responses
are personal data: the e-mail address is kept only to answer (never shown), a response
can be exported and deleted by its address, and past the retention period a private
person's name is replaced by "Borger" and the address forgotten (anonymise_responses).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from core.outputs import PDF
from store.artifacts import store_artifact
from store.base import utcnow
from store.db import writing
from store.errors import NameTaken, NotFound
from store.models import Draft, Hearing, HearingResponse, Strategy

# What a private person is called once the retention period has passed.
ANONYMOUS = "Borger"


class HearingFull(NameTaken):
    """The hearing has taken as many responses as it may (HTTP 409)."""


@dataclass(frozen=True)
class HearingRecord:
    """A hearing on one version of a strategy."""

    id: int
    key: str  # the unguessable part of the hearing page's address
    slug: str
    version: int
    draft_id: int
    public: bool
    opens: dt.date
    closes: dt.date  # the last day responses are taken
    intro: str | None
    parts: tuple[str, ...] | None  # the ids of the parts open to comment; None: all
    max_responses: int
    created_at: dt.datetime
    closed_at: dt.datetime | None  # closed early by an editor
    responses: int  # how many have come in


@dataclass(frozen=True)
class ResponseRecord:
    """One response, as sent (the e-mail address only for those who may see it)."""

    id: int
    hearing_id: int
    created_at: dt.datetime
    name: str
    organisation: str | None
    email: str | None
    parts: tuple[str, ...]
    text: str
    attachment_hash: str | None
    attachment_name: str | None
    anonymised: bool

    @property
    def input_id(self) -> str:
        """Return the id of the consultation input this response becomes in the content."""
        return f"hoeringssvar-{self.id}"

    @property
    def sender(self) -> str:
        """Return who responded as the content names them: the organisation, else the name."""
        return self.organisation or self.name


def new_hearing_key() -> str:
    """Return a fresh, unguessable key for a hearing page's address (256 bits)."""
    return secrets.token_urlsafe(32)


def open_hearing(
    session: Session,
    slug: str,
    version: int,
    *,
    opens: dt.date,
    closes: dt.date,
    public: bool,
    intro: str | None,
    parts: Sequence[str] | None,
    max_responses: int,
    user_id: int | None,
) -> HearingRecord:
    """Open a hearing on a version and commit; NameTaken if that version has one already."""
    with writing(session):
        draft = _draft(session, slug, version)
        if draft is None:
            raise NotFound(f"{slug!r} has no version {version}")
        if session.scalar(select(Hearing.id).where(Hearing.draft_id == draft.id)) is not None:
            raise NameTaken(f"version {version} of {slug!r} has a hearing already")
        row = Hearing(
            draft_id=draft.id,
            key=new_hearing_key(),
            public=public,
            opens=opens,
            closes=closes,
            intro=intro,
            parts=json.dumps(list(parts)) if parts is not None else None,
            max_responses=max_responses,
            created_by_user_id=user_id,
        )
        session.add(row)
        session.flush()
        return _hearing(row, 0)


def hearing_by_key(session: Session, key: str) -> HearingRecord | None:
    """Return the hearing whose page has this key, if any."""
    row = session.scalars(select(Hearing).where(Hearing.key == key)).one_or_none()
    return _hearing(row, _count(session, row.id)) if row is not None else None


def hearing_of(session: Session, slug: str, version: int) -> HearingRecord | None:
    """Return the hearing on this version, if it has one."""
    query = (
        select(Hearing)
        .join(Hearing.draft)
        .join(Draft.strategy)
        .where(Strategy.slug == slug, Draft.version == version)
    )
    row = session.scalars(query).one_or_none()
    return _hearing(row, _count(session, row.id)) if row is not None else None


def hearings_of(session: Session, slug: str) -> list[HearingRecord]:
    """Return every hearing of a strategy, the newest version's first."""
    query = (
        select(Hearing)
        .join(Hearing.draft)
        .join(Draft.strategy)
        .where(Strategy.slug == slug)
        .order_by(Draft.version.desc())
    )
    return [_hearing(row, _count(session, row.id)) for row in session.scalars(query)]


def close_hearing(session: Session, hearing_id: int) -> None:
    """Close a hearing now, before its last day (it takes no more responses); commit."""
    with writing(session):
        row = session.get(Hearing, hearing_id)
        if row is None:
            raise NotFound(f"no hearing {hearing_id}")
        if row.closed_at is None:
            row.closed_at = utcnow()


def add_response(
    session: Session,
    hearing_id: int,
    *,
    name: str,
    organisation: str | None,
    email: str | None,
    parts: Sequence[str],
    text: str,
    attachment: tuple[bytes, str] | None = None,
) -> ResponseRecord:
    """Store a response (and its PDF attachment, as bytes never opened) and commit.

    HearingFull once the hearing has its maximum number of responses: counted under the
    hearing row's lock, so two responses at once cannot both take the last place.
    """
    with writing(session):
        # Only the hearing's own row is locked (its draft is joined in by default).
        most = session.scalar(
            select(Hearing.max_responses).where(Hearing.id == hearing_id).with_for_update()
        )
        if most is None:
            raise NotFound(f"no hearing {hearing_id}")
        if _count(session, hearing_id) >= most:
            raise HearingFull(f"the hearing has taken its {most} responses")
        attachment_hash = None
        attachment_name = None
        if attachment is not None:
            data, attachment_name = attachment
            attachment_hash = store_artifact(session, data, PDF)
        response = HearingResponse(
            hearing_id=hearing_id,
            name=name,
            organisation=organisation,
            email=email,
            parts=json.dumps(list(parts)),
            text=text,
            attachment_hash=attachment_hash,
            attachment_name=attachment_name,
        )
        session.add(response)
        session.flush()
        return _response(response)


def list_responses(session: Session, hearing_id: int) -> list[ResponseRecord]:
    """Return a hearing's responses, the first sent first."""
    query = (
        select(HearingResponse)
        .where(HearingResponse.hearing_id == hearing_id)
        .order_by(HearingResponse.created_at, HearingResponse.id)
    )
    return [_response(row) for row in session.scalars(query)]


def strategy_responses(session: Session, slug: str) -> list[ResponseRecord]:
    """Return the responses to every hearing of a strategy, the first sent first."""
    query = (
        select(HearingResponse)
        .join(Hearing, Hearing.id == HearingResponse.hearing_id)
        .join(Hearing.draft)
        .join(Draft.strategy)
        .where(Strategy.slug == slug)
        .order_by(HearingResponse.created_at, HearingResponse.id)
    )
    return [_response(row) for row in session.scalars(query)]


def responses_by_email(session: Session, email: str) -> list[ResponseRecord]:
    """Return every response sent with this e-mail address (for an admin's export)."""
    query = (
        select(HearingResponse)
        .where(_sent_with(email))
        .order_by(HearingResponse.created_at, HearingResponse.id)
    )
    return [_response(row) for row in session.scalars(query)]


def export_responses(session: Session, email: str) -> dict[str, object]:
    """Return everything kept of one person's responses, as JSON data (their right of access)."""
    query = (
        select(HearingResponse, Hearing)
        .join(Hearing, Hearing.id == HearingResponse.hearing_id)
        .where(_sent_with(email))
        .order_by(HearingResponse.created_at, HearingResponse.id)
    )
    return {
        "email": email.strip(),
        "responses": [
            {
                "strategy": hearing.draft.strategy.slug,
                "version": hearing.draft.version,
                "sent": response.created_at.isoformat(),
                "name": response.name,
                "organisation": response.organisation,
                "email": response.email,
                "parts": json.loads(response.parts),
                "text": response.text,
                "attachment": response.attachment_name,
            }
            for response, hearing in session.execute(query).all()
        ],
    }


def delete_responses_by_email(session: Session, email: str) -> int:
    """Delete every response sent with this e-mail address and commit; return how many."""
    with writing(session):
        rows = session.scalars(select(HearingResponse).where(_sent_with(email))).all()
        for row in rows:
            session.delete(row)
        return len(rows)


def anonymise_responses(session: Session, closed_before: dt.date) -> int:
    """Forget who sent the responses of hearings that closed before a day; commit.

    A private person's name (a response without an organisation) becomes "Borger";
    every e-mail address is forgotten. Stored drafts and their files do not change.
    Returns how many responses were anonymised.
    """
    ended = select(Hearing.id).where(
        or_(Hearing.closes < closed_before, Hearing.closed_at < _midnight(closed_before))
    )
    with writing(session):
        rows = session.scalars(
            select(HearingResponse).where(
                HearingResponse.hearing_id.in_(ended), HearingResponse.anonymised_at.is_(None)
            )
        ).all()
        now = utcnow()
        for row in rows:
            if not row.organisation:
                row.name = ANONYMOUS
            row.email = None
            row.anonymised_at = now
        return len(rows)


def _sent_with(email: str) -> ColumnElement[bool]:
    """Return the condition "sent with this e-mail address" (case and spaces aside)."""
    return func.lower(HearingResponse.email) == email.strip().lower()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _draft(session: Session, slug: str, version: int) -> Draft | None:
    query = select(Draft).join(Draft.strategy).where(Strategy.slug == slug)
    return session.scalars(query.where(Draft.version == version)).one_or_none()


def _count(session: Session, hearing_id: int) -> int:
    query = select(func.count()).where(HearingResponse.hearing_id == hearing_id)
    return int(session.scalar(query) or 0)


def _hearing(row: Hearing, responses: int) -> HearingRecord:
    return HearingRecord(
        id=row.id,
        key=row.key,
        slug=row.draft.strategy.slug,
        version=row.draft.version,
        draft_id=row.draft_id,
        public=row.public,
        opens=row.opens,
        closes=row.closes,
        intro=row.intro,
        parts=tuple(json.loads(row.parts)) if row.parts is not None else None,
        max_responses=row.max_responses,
        created_at=row.created_at,
        closed_at=row.closed_at,
        responses=responses,
    )


def _response(row: HearingResponse) -> ResponseRecord:
    return ResponseRecord(
        id=row.id,
        hearing_id=row.hearing_id,
        created_at=row.created_at,
        name=row.name,
        organisation=row.organisation,
        email=row.email,
        parts=tuple(json.loads(row.parts)),
        text=row.text,
        attachment_hash=row.attachment_hash,
        attachment_name=row.attachment_name,
        anonymised=row.anonymised_at is not None,
    )
