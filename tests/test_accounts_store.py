"""Users in the store (SQLite and PostgreSQL): hashes, links, sign-in checks, deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from store import (
    AccountRefused,
    LastAdmin,
    NameTaken,
    authenticate_token,
    change_password,
    check_password,
    create_password_link,
    create_token,
    create_user,
    current_session,
    link_user,
    list_users,
    open_session,
    revoke_token,
    set_active,
    set_password_by_link,
    set_role,
)
from store.base import utcnow
from store.models import PasswordLink, User
from store.users import LINK_LIFETIME, MAX_PASSWORD

PASSWORD = "en lang og god sætning"  # noqa: S105 - a test user's, on a throwaway database


def person(session, email="anne@example.dk", role="editor", name="Anne") -> int:
    """Create a user and set PASSWORD through a link, as a person would; return the id."""
    user = create_user(session, email, name, role)
    assert set_password_by_link(session, create_password_link(session, user.id), PASSWORD)
    return user.id


def test_only_an_argon2id_hash_of_the_password_is_stored(session):
    person(session)

    stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)
    assert list_users(session)[0].has_password


def test_emails_are_one_account_in_any_case(session):
    person(session, "Anne@Example.DK")

    with pytest.raises(NameTaken):
        create_user(session, "anne@example.dk ", "Anne igen", "reader")
    assert check_password(session, "ANNE@example.dk", PASSWORD).verdict == "ok"


def test_a_wrong_password_and_an_unknown_email_get_the_same_verdict(session):
    person(session)
    service_token = create_token(session, "ci")  # a service user: no password to match
    assert service_token

    assert check_password(session, "anne@example.dk", "forkert forkert").verdict == "wrong"
    assert check_password(session, "ukendt@example.dk", PASSWORD).verdict == "wrong"
    assert check_password(session, "", PASSWORD).verdict == "wrong"
    assert check_password(session, "anne@example.dk", "x" * (MAX_PASSWORD + 1)).verdict == "wrong"
    assert check_password(session, "anne@example.dk", PASSWORD).user is not None


def test_a_hash_of_older_parameters_is_rehashed_at_sign_in(session):
    user_id = person(session)
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    session.execute(update(User).where(User.id == user_id).values(password_hash=weaker))
    session.commit()

    assert check_password(session, "anne@example.dk", PASSWORD).verdict == "ok"

    session.rollback()
    stored = session.scalars(select(User.password_hash)).one()
    assert stored != weaker and "m=19456,t=2,p=1" in stored


def test_a_set_password_link_works_once(session):
    user = create_user(session, "bo@example.dk", "Bo", "reader")
    secret = create_password_link(session, user.id)
    assert secret not in str(session.scalars(select(PasswordLink.secret_hash)).all())

    assert link_user(session, secret) is not None
    assert set_password_by_link(session, secret, PASSWORD) is not None

    assert link_user(session, secret) is None
    assert set_password_by_link(session, secret, "en anden adgangskode") is None
    assert check_password(session, "bo@example.dk", PASSWORD).verdict == "ok"


def test_a_set_password_link_expires_after_seven_days_and_a_new_one_ends_it(session):
    user = create_user(session, "cy@example.dk", "Cy", "reader")
    start = utcnow()
    old = create_password_link(session, user.id, now=start)

    assert link_user(session, old, now=start + LINK_LIFETIME - dt.timedelta(minutes=1))
    assert link_user(session, old, now=start + LINK_LIFETIME) is None
    newer = create_password_link(session, user.id, now=start)
    assert link_user(session, old, now=start) is None  # the newer link ended it
    assert link_user(session, newer, now=start) is not None


def test_too_short_and_too_long_passwords_are_refused(session):
    user = create_user(session, "dy@example.dk", "Dy", "reader")
    secret = create_password_link(session, user.id)

    with pytest.raises(AccountRefused):
        set_password_by_link(session, secret, "kort")
    with pytest.raises(AccountRefused):
        set_password_by_link(session, secret, "x" * (MAX_PASSWORD + 1))
    assert link_user(session, secret) is not None  # still unused


def test_changing_the_password_ends_the_other_sessions_only(session):
    user_id = person(session)
    here, elsewhere = open_session(session, user_id), open_session(session, user_id)

    assert not change_password(session, user_id, "forkert forkert", "ny lang adgangskode", here)
    assert current_session(session, elsewhere) is not None
    assert change_password(session, user_id, PASSWORD, "ny lang adgangskode", here)

    assert current_session(session, here) is not None
    assert current_session(session, elsewhere) is None
    assert check_password(session, "anne@example.dk", PASSWORD).verdict == "wrong"


def test_deactivation_ends_sessions_and_stops_tokens_until_reactivated(session):
    user_id = person(session)
    sid = open_session(session, user_id)
    secret = create_token(session, "annes", user_id)

    set_active(session, user_id, False)

    assert current_session(session, sid) is None
    assert authenticate_token(session, secret).verdict == "inactive"
    assert check_password(session, "anne@example.dk", PASSWORD).verdict == "inactive"
    set_active(session, user_id, True)
    assert authenticate_token(session, secret).verdict == "ok"
    assert current_session(session, sid) is None  # ended sessions stay ended
    revoke_token(session, "annes")
    assert authenticate_token(session, secret).verdict == "revoked"


def test_a_token_acts_with_its_users_role_as_it_is_now(session):
    user_id = person(session, role="reader")
    actor = authenticate_token(session, create_token(session, "laeser", user_id)).actor
    assert actor is not None and actor.role == "reader" and not actor.may("editor")

    set_role(session, user_id, "editor")

    again = authenticate_token(session, create_token(session, "laeser-2", user_id)).actor
    assert again is not None and again.may("editor") and not again.may("admin")


def test_the_last_active_admin_stays(session):
    admin = person(session, "chef@example.dk", "admin", "Chef")

    with pytest.raises(LastAdmin):
        set_active(session, admin, False)
    with pytest.raises(LastAdmin):
        set_role(session, admin, "editor")
    other = person(session, "chef2@example.dk", "admin", "Chef 2")
    set_role(session, admin, "editor")  # another admin is left
    with pytest.raises(LastAdmin):
        set_active(session, other, False)
