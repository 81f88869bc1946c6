"""What a running web app holds: its settings, database sessions and the build queue."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from service.queue import BuildQueue
from settings import Settings

EXTENSION = "udkast"


@dataclass(frozen=True)
class Runtime:
    """The app's long-lived collaborators, kept in `app.extensions`."""

    settings: Settings
    sessions: sessionmaker[Session]
    queue: BuildQueue


def runtime() -> Runtime:
    """Return the Runtime of the current app."""
    found: Runtime = current_app.extensions[EXTENSION]
    return found


def session() -> Session:
    """Return this request's database session (closed when the request ends)."""
    from flask import g

    if "db" not in g:
        g.db = runtime().sessions()
    db: Session = g.db
    return db
