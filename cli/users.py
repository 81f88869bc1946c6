"""`udkast user create|link|list`: people who sign in to the web UI, and their roles."""

from __future__ import annotations

import argparse
from typing import Any

from cli.tokens import open_sessions
from core.errors import UdkastError
from settings import load_settings
from store import ROLES, create_password_link, create_user, list_users, user_by_email


def add_commands(commands: Any) -> None:
    """Register the user commands."""
    user = commands.add_parser("user", help="create users of the web UI and list them")
    actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="create a user and print a one-time link to set a password"
    )
    create.add_argument("email", metavar="EMAIL", help="the address the user signs in with")
    create.add_argument("--name", required=True, help="the user's name, as pages show it")
    create.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="reader: read and download; editor: also save drafts; admin: also manage "
        "users and API tokens",
    )
    create.set_defaults(run=_create)
    link = actions.add_parser(
        "link", help="print a new one-time link to set a password (a forgotten one, say)"
    )
    link.add_argument("email", metavar="EMAIL")
    link.set_defaults(run=_link)
    actions.add_parser("list", help="list users (email, name, role, state)").set_defaults(run=_list)


def set_password_url(secret: str) -> str:
    """Return the set-password link of a secret, on UDKAST_PUBLIC_URL."""
    return f"{load_settings().public_url}/set-password/#{secret}"


def _create(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        user = create_user(session, args.email, args.name, args.role)
        secret = create_password_link(session, user.id)
    print(f"created {user.email} ({user.role})")
    print(f"set-password link (works once, for 7 days): {set_password_url(secret)}")
    return 0


def _link(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        user = user_by_email(session, args.email)
        if user is None:
            raise UdkastError(f"no user with the email {args.email!r}")
        secret = create_password_link(session, user.id)
    print(f"set-password link for {user.email} (works once, for 7 days; earlier links end):")
    print(set_password_url(secret))
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        for user in list_users(session):
            state = "active" if user.active else "deactivated"
            email = user.email or "(service user)"
            print(f"{email}\t{user.name}\t{user.role}\t{state}")
    return 0
