"""Faults for the end-to-end tests: a private Redis server to restart, a service to hold.

The machine's Redis on 6379 serves other tests at the same time, so a test that stops
its broker starts its own redis-server on a free loopback port, in a private folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
import yaml

from tests.app_fixtures import NO_LIMITS, example_data
from tests.live_service import (
    NO_RECOVERY,
    STARTUP_SECONDS,
    WAIT_SECONDS,
    LiveService,
    free_port,
)


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port; stopped and started again."""

    def __init__(self, folder: Path, *, aof: bool) -> None:
        self.folder = folder
        self.aof = aof
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """The URL the service is given: db 0 of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server on its port and folder (reading its AOF back, if any)."""
        argv = [
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "yes" if self.aof else "no",
            "--appendfsync", "always",
            "--dir", str(self.folder),
        ]  # fmt: skip
        with open(self.folder / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        while True:
            try:
                # Answers only once the AOF is read back (LOADING is an error until then).
                client.ping()
                return
            except redis.RedisError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start; see {self.folder}") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        """Stop the server as an operator does (SIGTERM) and wait until it has exited."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STARTUP_SECONDS)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=60)

    def restart(self) -> None:
        """Stop the server and start it again on the same port and folder."""
        self.stop()
        self.start()


@contextlib.contextmanager
def private_redis(folder: Path, *, aof: bool) -> Iterator[PrivateRedis]:
    """Yield a started PrivateRedis; stop it afterwards."""
    server = PrivateRedis(folder, aof=aof)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class HeldService(LiveService):
    """A LiveService whose worker starts only when the test calls start_worker()."""

    hold_worker: bool = True

    def start_worker(self) -> None:
        if self.hold_worker:
            self.hold_worker = False  # start() asks first; the test's own call starts it
            return
        super().start_worker()


def service_env(
    var_dir: Path, database_url: str, redis_url: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Return the environment of a service on this PostgreSQL database and this Redis."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        UDKAST_VAR_DIR=str(var_dir),
        UDKAST_SECRET_KEY=secrets.token_hex(16),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        **NO_RECOVERY,
        **NO_LIMITS,
    )
    env.update(extra or {})
    return env


@contextlib.contextmanager
def running(service: LiveService) -> Iterator[LiveService]:
    """Start the service, yield it, and stop it afterwards, whatever happened."""
    try:
        service.start()
        yield service
    finally:
        service.stop()


def draft(slug: str, n: int = 0) -> bytes:
    """Return udkast-1 under a slug, its title numbered so that every draft is new content.

    Without its consultation inputs: a build is the draft's two files (and, from version 2
    on, the two comparisons), as the counts of these tests expect.
    """
    data = example_data("udkast-1", slug, inputs=False)
    data["document"]["title"] = f"{data['document']['title']} ({n})"
    return yaml.safe_dump(data, allow_unicode=True).encode()


def post(service: LiveService, body: bytes) -> dict[str, Any]:
    """Post a draft through the API; return the answer (202 asserted)."""
    status, _, raw = service.call("POST", "/api/v1/drafts", body, media_type="application/yaml")
    assert status == 202, raw
    return dict(json.loads(raw))


def versions(service: LiveService, slug: str) -> list[int]:
    """Return the stored versions of a strategy, as its history in the API lists them."""
    status, history = service.json("GET", f"/api/v1/strategies/{slug}/drafts")
    assert status == 200, history
    return sorted(d["version"] for d in history["drafts"])


def wait_output_state(
    service: LiveService, build_url: str, states: set[str], timeout: float = WAIT_SECONDS
) -> dict[str, Any]:
    """Poll a build until one of its outputs is in one of `states`; return the build."""
    deadline = time.monotonic() + timeout
    while True:
        _, build = service.json("GET", build_url)
        if {o["state"] for o in build["outputs"].values()} & states:
            return dict(build)
        assert build["state"] not in ("done", "failed"), build  # it ended first
        assert time.monotonic() < deadline, f"no output became {states}: {build}"
        time.sleep(0.02)
