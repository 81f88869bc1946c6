"""`udkast serve`: the web UI and API (gunicorn) and a Celery worker, for `make run`."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from broker import queue_of
from cli.database import create_or_upgrade, shown_url
from core.budget import BULK, STANDARD
from core.errors import UdkastError
from settings import Settings, load_settings
from store import (
    create_password_link,
    create_token,
    create_user,
    has_active_admin,
    list_tokens,
    make_engine,
    make_session_factory,
    user_by_email,
)

BIN = Path(sys.executable).parent
# How long web and worker get to finish what they are doing after Ctrl-C (the worker
# waits for a running render) before they are killed; a second Ctrl-C kills at once.
STOP_GRACE_SECONDS = 30
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def add_command(commands: Any) -> None:
    """Register the serve command."""
    serve = commands.add_parser("serve", help="run the web UI, the API and a worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--concurrency", type=int, default=2, help="renders at a time of ordinary drafts"
    )
    serve.add_argument(
        "--bulk-concurrency",
        type=int,
        default=1,
        help="renders at a time of heavy documents (their own worker, so they wait for each "
        "other, not ordinary drafts for them)",
    )
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start web and worker, print where to go, and stop both on Ctrl-C."""
    settings = load_settings()
    # var/ holds the database, the queue, the secret key and the local token: owner only.
    try:
        settings.var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UdkastError(
            f"cannot create {settings.var_dir}: {exc.strerror}; set UDKAST_VAR_DIR to a "
            "folder udkast may write in"
        ) from None
    create_or_upgrade(settings)
    token = _first_token(settings)
    # The link goes where this server listens, unless people reach it elsewhere.
    base = settings.public_url if os.environ.get("UDKAST_PUBLIC_URL") else None
    admin = first_admin(settings, base or f"http://{args.host}:{args.port}")
    env = {**os.environ, "UDKAST_VAR_DIR": str(settings.var_dir)}
    commands = [
        (
            "web",
            web_command(args.host, args.port, threads=4, timeout=settings.request_timeout),
            env,
        ),
        (
            "worker",
            worker_command(settings.var_dir / "celerybeat-schedule", args.concurrency),
            _without_root_warning(env),
        ),
        (
            "bulk worker",
            worker_command(None, args.bulk_concurrency, BULK),
            _without_root_warning(env),
        ),
    ]
    return Supervisor().run(commands, banner(settings, args.host, args.port, token, admin))


def banner(settings: Settings, host: str, port: int, token: str, admin: str = "") -> str:
    """Return what `udkast serve` prints on start: where to go and how to sign in."""
    broker = shown_url(settings.redis_url) if settings.redis_url else None
    return (
        f"\n  udkast runs on http://{host}:{port}/\n"
        f"  database: {shown_url(settings.database_url)}\n"
        f"  queue: {broker or 'a local folder queue (set REDIS_URL for Redis)'}\n"
        f"  API token: {token}\n  (an editor's, for scripts and pipelines)\n"
        f"{admin}  (Ctrl-C stops)\n"
    )


FIRST_ADMIN = "admin@localhost"


def first_admin(settings: Settings, base: str | None = None) -> str:
    """Create the first admin if there is none, and say how to sign in (the link once).

    The set-password link is built on `base` (default: UDKAST_PUBLIC_URL).
    """
    sessions = make_session_factory(make_engine(settings.database_url))
    with sessions() as session:
        user = user_by_email(session, FIRST_ADMIN)
        waiting = user is not None and user.active and not user.has_password
        if has_active_admin(session) and not waiting:
            return (
                "  web UI: the admin exists; sign in with email and password (a new\n"
                "  password link: `udkast user link EMAIL`)\n"
            )
        if user is None:
            user = create_user(session, FIRST_ADMIN, "Administrator", "admin")
        elif user.role != "admin" or not user.active:
            return f"  web UI: no active admin; {FIRST_ADMIN} exists but is not one\n"
        # A link, not a password: the admin chooses it, and it is never printed. Until
        # it is used, each start prints a new one (the earlier one ends).
        secret = create_password_link(session, user.id)
    link = f"{base or settings.public_url}/set-password/#{secret}"
    return (
        f"  web UI: the first admin is {FIRST_ADMIN}; choose its password here (once, for\n"
        f"  7 days): {link}\n"
    )


def web_command(host: str, port: int, *, threads: int, timeout: int = 30) -> list[str]:
    """Return the command that serves the web UI and API with gunicorn."""
    return [
        str(BIN / "gunicorn"),
        *("--bind", f"{host}:{port}", "--workers", "2", "--threads", str(threads)),
        # UDKAST_REQUEST_TIMEOUT: a web process silent this long is replaced.
        *("--timeout", str(timeout)),
        # gunicorn's control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl):
        # a second service (another checkout, a test run) would fight over it, and nothing
        # here uses it.
        "--no-control-socket",
        *("--access-logfile", "-", "service.wsgi:app"),
    ]


def worker_command(schedule: Path | None, concurrency: int, lane: str = STANDARD) -> list[str]:
    """Return the command of a Celery worker for one lane; with `schedule`, it runs beat too.

    The standard lane's worker renders ordinary drafts and runs the recovery schedule;
    the bulk lane's renders heavy documents (core.budget.lane) and the diffs too large
    for a web request, `concurrency` at a time, so they never take every render slot.
    """
    beat = ("--beat", "--schedule", str(schedule)) if schedule is not None else ()
    return [
        str(BIN / "celery"),
        # --quiet: without Celery's start-up banner (about 20 lines of ASCII art, queues
        # and tasks); `udkast serve` prints where the queue is, and Celery still logs
        # when the worker is connected and ready.
        *("-A", "worker.celery_app", "--quiet"),
        *("worker", *beat, "--queues", queue_of(lane)),
        # Two workers on one machine need two names, or their replies cannot be told apart.
        *("--hostname", f"udkast-{lane}@%h"),
        *("--concurrency", str(concurrency), "--loglevel", "INFO"),
        # One machine: no need to gossip with other workers at start-up.
        *("--without-mingle", "--without-gossip"),
    ]


def _without_root_warning(env: Mapping[str, str]) -> dict[str, str]:
    """Return the worker's environment, without Celery's warning about running as root."""
    if os.geteuid() != 0:
        return dict(env)
    # `make run` runs every process as the person who typed it, root included (CI, a
    # container). Celery warns about root because a pickle message could run code as
    # root; this worker accepts JSON only (worker/celery_app.py), which is why Celery
    # merely warns, and the web process runs as the same user anyway. Celery's warning
    # class cannot be named before Celery is imported, so the filter names its text.
    ignore = "ignore:You're running the worker with superuser privileges"
    return {**env, "PYTHONWARNINGS": ",".join(filter(None, (env.get("PYTHONWARNINGS"), ignore)))}


def _first_token(settings: Settings) -> str:
    """Return the local token kept in var/, creating it when the database has no token."""
    kept = settings.var_dir / "local_token"
    sessions = make_session_factory(make_engine(settings.database_url))
    with sessions() as session:
        names = {t.name for t in list_tokens(session) if t.revoked_at is None}
        if kept.exists() and "local" in names:
            return kept.read_text(encoding="ascii").strip()
        if "local" in names:
            return "(the 'local' token exists; create another with `udkast token create NAME`)"
        secret = create_token(session, "local")
    kept.touch(mode=0o600)
    kept.write_text(secret + "\n", encoding="ascii")
    return secret


class Supervisor:
    """Runs web and worker, each in its own process group, and stops them together."""

    def __init__(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        self.grace_seconds = grace_seconds
        self.children: list[subprocess.Popen[bytes]] = []
        self.names: list[str] = []
        self.stopping = False
        self.forced = False

    def run(self, commands: Sequence[tuple[str, list[str], Mapping[str, str]]], banner: str) -> int:
        """Start the commands, print the banner, wait until told to stop or one ends.

        Returns 0 after a clean stop, 1 when a process ended by itself or had to be killed.
        """
        # Handlers first: a Ctrl-C during start-up must still stop what was started.
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        try:
            for name, argv, env in commands:
                # Its own process group, so that Ctrl-C in the terminal reaches only this
                # process, which stops each child once and in order; gunicorn and Celery
                # hit by the terminal's SIGINT directly quit hard and log errors.
                self.children.append(subprocess.Popen(argv, env=env, process_group=0))  # noqa: S603
                self.names.append(name)
            print(banner, flush=True)
            while not self.stopping and all(c.poll() is None for c in self.children):
                time.sleep(0.2)
        finally:
            # Named before the others are stopped: the one that ended by itself, if any.
            gone = [n for n, c in self._named() if c.poll() is not None]
            self._stop()
        if not self.stopping:
            problems = [f"the {name} process ended by itself; stopped the rest" for name in gone]
        elif self.forced:
            problems = ["stopped by force; renders that were running are redone at the next start"]
        else:
            problems = [
                f"the {name} process ended with exit code {child.returncode}"
                for name, child in self._named()
                if child.returncode not in (0, -signal.SIGTERM)
            ]
        for line in problems:
            print(f"udkast serve: {line}", file=sys.stderr, flush=True)
        return 1 if problems else 0

    def _named(self) -> list[tuple[str, subprocess.Popen[bytes]]]:
        return list(zip(self.names, self.children, strict=True))

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:  # asked twice: do not wait for running renders
            self._kill()
            return
        self.stopping = True
        print(
            f"\n  stopping: running renders get up to {self.grace_seconds:g} s to finish "
            "(Ctrl-C again stops at once)",
            flush=True,
        )

    def _stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.terminate()  # gunicorn and Celery both stop gracefully on SIGTERM
        deadline = time.monotonic() + self.grace_seconds
        for child in self.children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._kill()
                child.wait()

    def _kill(self) -> None:
        for child in self.children:
            if child.poll() is None:
                self.forced = True
                # The whole group: gunicorn's workers and Celery's pool children too.
                os.killpg(child.pid, signal.SIGKILL)
