"""`udkast responses export|delete EMAIL`: one person's hearing responses, for their rights.

A person may ask what is kept about them, and to be forgotten: export prints every
response sent with their e-mail address as JSON; delete removes them. Drafts that
already carry a response as consultation input keep it (they are published documents).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.tokens import open_sessions
from store import delete_responses_by_email, export_responses


def add_commands(commands: Any) -> None:
    """Register the responses commands."""
    responses = commands.add_parser(
        "responses", help="export or delete one person's hearing responses (by e-mail)"
    )
    actions = responses.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="print every response sent with EMAIL as JSON")
    export.add_argument("email", metavar="EMAIL")
    export.set_defaults(run=_export)
    delete = actions.add_parser("delete", help="delete every response sent with EMAIL")
    delete.add_argument("email", metavar="EMAIL")
    delete.set_defaults(run=_delete)


def _export(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        data = export_responses(session, args.email)
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _delete(args: argparse.Namespace) -> int:
    with open_sessions()() as session:
        count = delete_responses_by_email(session, args.email)
    print(f"deleted {count} response(s) sent with {args.email}")
    return 0
