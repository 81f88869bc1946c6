"""A real udkast service for end-to-end tests: gunicorn and a Celery worker as processes.

Two backends: "embedded" (SQLite and the folder queue, what `make run` uses without
configuration) and "services" (a private PostgreSQL database and a private Redis db
number on this machine, what production uses).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from broker import broker_config
from cli.serve import web_command, worker_command
from core.budget import BULK
from settings import load_settings
from store import (
    create_password_link,
    create_user,
    make_engine,
    make_session_factory,
    set_password_by_link,
)
from tests import needs
from tests.app_fixtures import NO_LIMITS, PASSWORD
from tests.store_fixtures import postgres_database

BIN = Path(sys.executable).parent
REDIS = ("127.0.0.1", 6379)
# Tests wait for events (a build ending, a process answering); these deadlines only stop a
# test that would otherwise hang, so they are far above what a busy machine needs.
STARTUP_SECONDS = 180
WAIT_SECONDS = 600
# The recovery step re-queues outputs unchanged for UDKAST_STALE_AFTER. By default the
# tests keep it out of the way (a day): a slow render on a busy machine must never be
# re-queued while it runs, and a test of the broker's own redelivery must not be rescued
# by it. A test that needs the recovery step sets RECOVERY (below) for its own service.
NO_RECOVERY = {"UDKAST_STALE_AFTER": "86400", "UDKAST_RECOVER_EVERY": "2"}
# Far below the default (600 s) so that a test sees the recovery step act, and far above
# a missed heartbeat (worker.heartbeat.SILENT_AFTER): a running render touches its output
# every few seconds however long it takes, so the step never sends a live render again.
STALE_AFTER = 20
RECOVERY = {"UDKAST_STALE_AFTER": str(STALE_AFTER), "UDKAST_RECOVER_EVERY": "2"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def private_redis_url() -> Iterator[str]:
    """Yield a Redis URL on an empty db number, flushed again afterwards."""
    import redis

    try:
        redis.Redis(*REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        needs.unavailable(f"Redis is not reachable on {REDIS}: {exc}")
    # Another run on this machine may use a db at the same time: take an empty one and
    # claim it with a marker key, so runs never see each other's messages.
    for number in secrets.SystemRandom().sample(range(1, 16), 15):
        client = redis.Redis(*REDIS, db=number)
        if client.set("udkast-test-claim", "1", nx=True, ex=3600) and client.dbsize() == 1:
            try:
                yield f"redis://{REDIS[0]}:{REDIS[1]}/{number}"
            finally:
                client.flushdb()
            return
    pytest.fail("no empty Redis db number (1-15) to test with")


@dataclass
class LiveService:
    """A running web + worker pair and the means to poke it."""

    env: dict[str, str]
    port: int
    token: str = ""  # an editor's (a service user's), as `udkast token create` prints it
    email: str = "ada@example.dk"  # an admin who signs in to the web UI with PASSWORD
    password: str = PASSWORD
    concurrency: int = 2  # worker pool children
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None  # the standard lane's, with beat
    bulk_worker: subprocess.Popen[bytes] | None = None  # heavy documents, one at a time
    logs: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._run("udkast", "migrate")
        self.token = self._run("udkast", "token", "create", f"test-{secrets.token_hex(4)}")
        self.add_user(self.email, "Ada Admin", "admin")
        self.web = self._spawn("web", web_command("127.0.0.1", self.port, threads=8))
        self.start_worker()
        deadline = time.monotonic() + STARTUP_SECONDS
        # Until it answers, or until a process has exited (a port taken meanwhile, a bad
        # setting): then there is nothing to wait for.
        while time.monotonic() < deadline and self.web.poll() is None:
            if any(w is not None and w.poll() is not None for w in self.workers()):
                break
            try:
                self.call("GET", "/api/v1/openapi.json")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the web or worker process did not start; see {self.logs}")

    def add_user(self, email: str, name: str, role: str) -> None:
        """Add a user whose password is PASSWORD, set through a link as a person would."""
        engine = make_engine(load_settings(self.env).database_url)
        try:
            with make_session_factory(engine)() as db:
                user = create_user(db, email, name, role)
                set_password_by_link(db, create_password_link(db, user.id), self.password)
        finally:
            engine.dispose()

    def start_worker(self) -> None:
        """Start both workers, as `udkast serve` does: the standard lane's and the bulk lane's.

        One still running is left as it is.
        """
        schedule = Path(self.env["UDKAST_VAR_DIR"]) / "beat-schedule"
        if self.worker is None or self.worker.poll() is not None:
            self.worker = self._spawn("worker", worker_command(schedule, self.concurrency))
        if self.bulk_worker is None or self.bulk_worker.poll() is not None:
            self.bulk_worker = self._spawn("bulk-worker", worker_command(None, 1, BULK))

    def workers(self) -> list[subprocess.Popen[bytes]]:
        """Return the worker processes started (both lanes)."""
        return [w for w in (self.worker, self.bulk_worker) if w is not None]

    def kill_worker(self) -> None:
        """SIGKILL both workers and all their pool children, as a crash or OOM would."""
        for worker in self.workers():
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=60)

    def worker_children(self) -> list[int]:
        """Return the process ids of the workers' children (pool children and beat)."""
        children = []
        for worker in self.workers():
            out = subprocess.run(
                ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False
            )
            children += [int(pid) for pid in out.stdout.split()]
        return children

    def render_process(self, build_id: str, output: str, timeout: float = WAIT_SECONDS) -> int:
        """Return the id of the pool child running this render, as the worker reports it.

        Asks the worker itself (Celery's remote control, on either broker), so the answer
        names the child that holds the task, not a guess from the process list.
        """
        return self.task_process([build_id, output], timeout)

    def task_process(self, args: list[Any], timeout: float = WAIT_SECONDS) -> int:
        """Return the id of the pool child running a task with these arguments."""
        deadline = time.monotonic() + timeout
        with self.celery_client() as client:
            while time.monotonic() < deadline:
                # limit: return once both workers answered instead of waiting out the
                # timeout, so the render is found (and killed) while it still runs.
                inspect = client.control.inspect(timeout=1.0, limit=len(self.workers()))
                replies = inspect.active() or {}
                for tasks in replies.values():
                    for task in tasks:
                        if list(task["args"]) == args and task.get("worker_pid"):
                            return int(task["worker_pid"])
        raise AssertionError(f"no worker reported running {args}; see {self.logs}")

    @contextmanager
    def celery_client(self) -> Iterator[Celery]:
        """Yield a Celery client on this service's broker, configured as the worker's."""
        settings = load_settings(self.env)
        broker = broker_config(settings.redis_url, settings.var_dir, settings.hard_time_limit)
        client = Celery("udkast-test-client", broker=broker.url, set_as_current=False)
        client.conf.update(
            broker_transport_options=broker.transport_options,
            task_serializer="json",
            accept_content=["json"],
        )
        try:
            yield client
        finally:
            client.close()

    def _processes(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in (self.web, self.worker, self.bulk_worker) if p is not None]

    def end(self) -> None:
        """Kill web and workers at once, with everything they started (a test's teardown).

        A test that has ended asserts nothing about the shutdown, and a warm one takes a
        Celery worker on the folder queue some 5 s (its loop notices the signal within
        2 s, then its pool says farewell); tests/test_serve_log.py stops one as an
        operator does. Killed, nothing is lost that a later test could see: every service
        has its own folder, database and Redis number.
        """
        procs = self._processes()
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # each runs in a session of its own
        for proc in procs:
            proc.wait(timeout=60)

    def stop(self) -> None:
        """Stop web and worker as an operator does, then remove whatever is left of them."""
        procs = self._processes()
        # All at once: each shutdown is mostly waiting (a poll interval, a pool's farewell),
        # so stopping them one after another only adds the waits up.
        for proc in procs:
            if proc.poll() is None:
                # To the main process only: it stops its own children (gunicorn's workers,
                # Celery's pool and beat). Signalled directly, Celery's children die under
                # it mid-shutdown and it can wait for them for ever.
                proc.terminate()
        deadline = time.monotonic() + 60  # a warm shutdown lets a running render finish
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        self.end()  # the groups' leftovers, if any

    def call(
        self,
        method: str,
        path: str,
        data: bytes | None = None,
        *,
        media_type: str | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """Make a real HTTP request; return status, headers and body (errors included)."""
        headers = {"Authorization": f"Bearer {token or self.token}", **(headers or {})}
        if media_type:
            headers["Content-Type"] = media_type
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, method: str, path: str, data: bytes | None = None, **kw: Any) -> tuple[int, Any]:
        status, _, body = self.call(method, path, data, **kw)
        return status, json.loads(body)

    def wait_build(
        self, build_url: str, timeout: float = WAIT_SECONDS, *, every_output: bool = False
    ) -> dict[str, Any]:
        """Poll a build until it ends; return its JSON (still active if it never ends).

        A build is failed as soon as one output fails; with `every_output` this waits
        until the others have ended too.
        """
        deadline = time.monotonic() + timeout
        while True:
            _, build = self.json("GET", build_url)
            ended = build["state"] in ("done", "failed")
            if every_output:
                ended = all(o["state"] in ("done", "failed") for o in build["outputs"].values())
            if ended or time.monotonic() > deadline:
                return dict(build)
            time.sleep(0.25)

    def _run(self, *args: str) -> str:
        out = subprocess.run(
            [str(BIN / args[0]), *args[1:]],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=STARTUP_SECONDS,
            check=True,
        )
        return out.stdout.strip()

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        # The child writes to its own copy of the descriptor; ours is closed at once.
        with open(self.logs / f"{name}.log", "ab") as log:
            return subprocess.Popen(
                argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )


def backend_env(
    kind: str, var_dir: Path, extra: dict[str, str] | None = None
) -> Iterator[dict[str, str]]:
    """Yield the environment of a service on the named backend, with `extra` settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        UDKAST_VAR_DIR=str(var_dir),
        UDKAST_SECRET_KEY=secrets.token_hex(16),
        # Each worker process's warm-up costs about 3 s of CPU at every start; the suite
        # starts dozens of services on 2 cores. tests/test_warmup.py turns it on.
        UDKAST_WARM_UP="off",
        **NO_RECOVERY,
        **NO_LIMITS,
    )
    env.update(extra or {})
    if kind == "embedded":
        yield env
        return
    for db_url in postgres_database():
        for redis_url in private_redis_url():
            yield {
                **env,
                "DATABASE_URL": db_url.render_as_string(hide_password=False),
                "REDIS_URL": redis_url,
            }


def live_service(
    kind: str, tmp: Path, extra: dict[str, str] | None = None
) -> Iterator[LiveService]:
    """Yield a started LiveService on a backend (with `extra` settings); stop it afterwards."""
    for env in backend_env(kind, tmp / "var", extra):
        service = LiveService(env=env, port=free_port(), logs=tmp)
        try:
            service.start()
            yield service
        finally:
            service.end()
