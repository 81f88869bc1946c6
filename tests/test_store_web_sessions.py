"""Web sessions, failed sign-ins and who posted a draft, in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import (
    Actor,
    create_token,
    create_user,
    current_session,
    end_session,
    list_drafts,
    note_sign_in_failure,
    open_session,
    revoke_token,
    set_active,
    sign_in_refused,
    submit_draft,
)
from store.base import Base, utcnow
from store.models import SignInFailure, WebSession
from store.sign_in_failures import SIGN_IN_WINDOW
from store.tokens import authenticate_token
from store.web_sessions import (
    ABSOLUTE_LIFETIME,
    IDLE_TIMEOUT,
    MAX_SESSIONS_PER_USER,
    SEEN_RESOLUTION,
    session_id_hash,
)

MINUTE = dt.timedelta(minutes=1)


def signed_in(
    session: Session, name: str = "browser", now: dt.datetime | None = None
) -> tuple[int, str]:
    """Create a user called `name` and open a session of theirs; return (user id, its id)."""
    user = create_user(session, f"{name}@example.dk", name, "editor")
    return user.id, open_session(session, user.id, now)


def rows(session: Session, model: type[Base] = WebSession) -> int:
    session.rollback()  # see what other transactions committed
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_session_names_its_user_and_only_the_ids_hash_is_stored(session):
    user_id, sid = signed_in(session, "ci")

    found = current_session(session, sid)

    assert found is not None and found.actor == Actor(user_id, "ci", "editor")
    assert found.email == "ci@example.dk"
    stored = session.scalars(select(WebSession.sid_hash)).all()
    assert stored == [session_id_hash(sid)] and sid not in stored
    assert current_session(session, sid + "x") is None
    assert current_session(session, "") is None


def test_signing_out_ends_the_session_for_every_copy_of_its_id(session):
    _, sid = signed_in(session)

    assert end_session(session, sid)

    assert current_session(session, sid) is None
    assert not end_session(session, sid)  # ended already


def test_deactivating_a_user_ends_their_sessions_and_no_others(session):
    user_id, first = signed_in(session, "leaves-soon")
    _, other = signed_in(session, "stays")

    set_active(session, user_id, False)

    assert current_session(session, first) is None
    assert current_session(session, other) is not None
    revoked = session.scalars(select(WebSession.revoked_at).order_by(WebSession.id)).all()
    assert revoked[0] is not None and revoked[1] is None


def test_an_idle_session_ends_after_the_idle_timeout(session):
    start = utcnow()
    _, sid = signed_in(session, now=start)

    assert current_session(session, sid, start + IDLE_TIMEOUT - MINUTE) is not None
    # Seen just now: the idle time counts from here.
    later = start + IDLE_TIMEOUT - MINUTE + IDLE_TIMEOUT - MINUTE
    assert current_session(session, sid, later) is not None
    assert current_session(session, sid, later + IDLE_TIMEOUT) is None


def test_a_busy_session_ends_at_its_absolute_lifetime(session):
    start = utcnow()
    _, sid = signed_in(session, now=start)
    step = IDLE_TIMEOUT / 2
    moment = start
    while moment + step < start + ABSOLUTE_LIFETIME:
        moment += step
        assert current_session(session, sid, moment) is not None, moment - start

    assert current_session(session, sid, start + ABSOLUTE_LIFETIME) is None


def test_last_seen_is_written_at_most_once_per_resolution(session):
    start = utcnow()
    _, sid = signed_in(session, now=start)

    current_session(session, sid, start + SEEN_RESOLUTION / 2)
    assert session.scalar(select(WebSession.last_seen_at)) == start
    current_session(session, sid, start + SEEN_RESOLUTION)
    session.rollback()
    assert session.scalar(select(WebSession.last_seen_at)) == start + SEEN_RESOLUTION


def test_one_user_holds_at_most_the_cap_of_sessions_the_oldest_end_first(session):
    user = create_user(session, "loop@example.dk", "loop", "reader")
    sids = [open_session(session, user.id) for _ in range(MAX_SESSIONS_PER_USER + 5)]

    assert rows(session) == MAX_SESSIONS_PER_USER
    assert all(sid is not None for sid in sids)
    assert current_session(session, str(sids[0])) is None
    assert current_session(session, str(sids[-1])) is not None


def test_sessions_that_can_never_hold_again_are_cleared_on_the_next_sign_in(session):
    start = utcnow()
    _, idle = signed_in(session, "b", now=start - IDLE_TIMEOUT - MINUTE)
    _, expired = signed_in(session, "a", now=start - ABSOLUTE_LIFETIME)
    assert rows(session) == 2

    signed_in(session, "c", now=start)

    assert rows(session) == 1
    assert current_session(session, expired) is None and current_session(session, idle) is None


def test_failed_sign_ins_are_refused_past_the_limit_per_address(session):
    now = utcnow()
    for _ in range(3):
        assert not sign_in_refused(session, "10.0.0.1", None, 3, now)
        note_sign_in_failure(session, "10.0.0.1", None, now)

    assert sign_in_refused(session, "10.0.0.1", None, 3, now)
    assert not sign_in_refused(session, "10.0.0.2", None, 3, now)  # another address
    assert not sign_in_refused(session, "10.0.0.1", None, 3, now + SIGN_IN_WINDOW)


def test_failed_sign_ins_are_refused_past_the_limit_per_account_from_any_address(session):
    now = utcnow()
    for n in range(3):
        note_sign_in_failure(session, f"10.0.1.{n}", "anne", now)

    assert sign_in_refused(session, "10.0.9.9", "anne", 3, now)
    assert not sign_in_refused(session, "10.0.9.9", "bo", 3, now)


def test_the_failure_table_keeps_only_one_window(session):
    start = utcnow()
    for n in range(5):
        note_sign_in_failure(session, f"10.1.0.{n}", None, start)

    note_sign_in_failure(session, "10.1.1.1", None, start + SIGN_IN_WINDOW + MINUTE)

    assert rows(session, SignInFailure) == 1


def test_a_draft_records_the_token_that_posted_it_and_keeps_it_after_revocation(
    session, udkast1, udkast2
):
    secret = create_token(session, "pipeline")
    actor = authenticate_token(session, secret).actor
    submit_draft(session, udkast1, "default", posted_by=actor)
    submit_draft(session, udkast2, "default")  # a caller that names no one

    revoke_token(session, "pipeline")

    [v2, v1] = list_drafts(session, "socialstrategi")
    assert (v1.posted_by, v2.posted_by) == ("pipeline", None)
    assert (v1.posted_by_user, v2.posted_by_user) == ("pipeline", None)  # its service user
