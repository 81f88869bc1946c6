"""`udkast token create|revoke|list` and `udkast migrate`: administration on the database."""

from __future__ import annotations

import argparse
from typing import Any

from cli.database import create_or_upgrade, require_migrated, shown_url
from core.errors import UdkastError
from settings import load_settings
from store import create_token, list_tokens, make_engine, make_session_factory, user_by_email
from store import revoke_token as store_revoke


def add_commands(commands: Any) -> None:
    """Register the token and migrate commands."""
    token = commands.add_parser("token", help="create, revoke or list API tokens")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        help="create a token and print it (shown once); by default an editor's, of a "
        "service user of the same name",
    )
    create.add_argument("name", help="who or what uses it, e.g. ci-pipeline")
    create.add_argument(
        "--user", metavar="EMAIL", help="give it to this user instead (it acts with their role)"
    )
    create.set_defaults(run=_create)
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")
    revoke.set_defaults(run=_revoke)
    actions.add_parser("list", help="list tokens (names and dates)").set_defaults(run=_list)

    upgrade = commands.add_parser("migrate", help="create or upgrade the database schema")
    upgrade.set_defaults(run=_migrate)


def open_sessions() -> Any:
    """Return sessions on the service's existing database; refuse rather than create one."""
    settings = load_settings()
    require_migrated(settings)
    return make_session_factory(make_engine(settings.database_url))


def _create(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        user_id = None
        if args.user is not None:
            user = user_by_email(session, args.user)
            if user is None:
                raise UdkastError(f"no user with the email {args.user!r}")
            user_id = user.id
        print(create_token(session, args.name, user_id))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        changed = store_revoke(session, args.name)
    print(f"revoked {args.name}" if changed else f"{args.name} was revoked already")
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        for token in list_tokens(session):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = (
                f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "unused"
            )
            owner = f"user {token.user_name} ({token.user_role})"
            print(f"{token.name}\t{state}\tcreated {token.created_at:%Y-%m-%d}\t{used}\t{owner}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    create_or_upgrade(settings)
    print(f"database ready: {shown_url(settings.database_url)}")
    return 0
