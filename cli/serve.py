"""`udkast serve`: the web UI and API (gunicorn) and a Celery worker, for `make run`."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from core.config import Settings, load_settings
from core.store import create_token, list_tokens, make_engine, make_session_factory, migrate

BIN = Path(sys.executable).parent


def add_command(commands: Any) -> None:
    """Register the serve command."""
    serve = commands.add_parser("serve", help="run the web UI, the API and a worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--concurrency", type=int, default=2, help="worker processes")
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start web and worker, print where to go, and stop both on Ctrl-C."""
    settings = load_settings()
    migrate(settings.database_url)
    token = _first_token(settings)
    env = {**os.environ, "UDKAST_VAR_DIR": str(settings.var_dir)}
    web = subprocess.Popen(web_command(args.host, args.port, threads=4), env=env)  # noqa: S603
    worker = subprocess.Popen(  # noqa: S603
        worker_command(settings.var_dir / "celerybeat-schedule", args.concurrency), env=env
    )
    broker = settings.redis_url or "a local folder queue (set REDIS_URL for Redis)"
    print(
        f"\n  udkast runs on http://{args.host}:{args.port}/\n"
        f"  database: {settings.database_url.split('@')[-1]}\n  queue: {broker}\n"
        f"  API token: {token}\n  (sign in to the web UI with it; Ctrl-C stops)\n",
        flush=True,
    )
    return _supervise([web, worker])


def web_command(host: str, port: int, *, threads: int) -> list[str]:
    """Return the command that serves the web UI and API with gunicorn."""
    return [
        str(BIN / "gunicorn"),
        *("--bind", f"{host}:{port}", "--workers", "2", "--threads", str(threads)),
        *("--access-logfile", "-", "service.wsgi:app"),
    ]


def worker_command(schedule: Path, concurrency: int) -> list[str]:
    """Return the command that runs a Celery worker with the recovery schedule (beat)."""
    return [
        str(BIN / "celery"),
        *("-A", "worker.celery_app", "worker", "--beat", "--schedule", str(schedule)),
        *("--concurrency", str(concurrency), "--loglevel", "INFO"),
        # One machine: no need to gossip with other workers at start-up.
        *("--without-mingle", "--without-gossip"),
    ]


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


def _supervise(children: list[subprocess.Popen[bytes]]) -> int:
    def stop(signum: int, frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop(signal.SIGTERM, None)
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
    return max((child.returncode or 0) for child in children)
