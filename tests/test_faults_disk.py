"""The disk full under the embedded service: nothing lost, nothing half written (issue 8).

The service's var folder (its SQLite database, the folder queue, beat's schedule) is a
small tmpfs of its own; a filler file takes its last byte, as a full disk would, and
deleting the filler frees the disk again. SQLite keeps its write-ahead log (WAL) file at
its largest size and overwrites it from the start after a checkpoint, so whether a
commit needs new room depends on that log: the tests set it up with a checkpoint
(TRUNCATE: every commit needs room; RESTART: a small commit fits in room the log holds)
to meet each case on purpose. The recovery step runs as in tests.fault_helpers.RECOVERY,
so an output whose queue message could not be written is sent again within half a minute.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import http.cookiejar
import io
import json
import re
import secrets
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg.errors
import pytest
from pypdf import PdfReader
from sqlalchemy.exc import OperationalError

from service.errors import storage_full
from tests.app_fixtures import example_yaml
from tests.fault_helpers import draft, post, versions, wait_output_state
from tests.live_service import RECOVERY, STALE_AFTER, LiveService, live_service
from tests.test_worker_loss import HEADLINE
from worker.heartbeat import HEARTBEAT_SECONDS

pytestmark = pytest.mark.robust  # and e2e, each test that starts the service

DISK = "32m"  # far more than the tests store, and quick to fill
FILLER = "filler"
# How long the render's disk stays full: as long as the recovery step waits anyway before
# it sends a silent output again (its last heartbeat came at most one beat before), so
# the test takes no longer for it; the render (a few seconds) ends well within it.
HOLD = STALE_AFTER - HEARTBEAT_SECONDS - 1
WAL_NEEDED = 64 * 1024  # room in the WAL for a draft's commit, with a wide margin
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Yield a folder that is a tmpfs of its own (the service's var folder); unmount after."""
    tmp = tmp_path_factory.mktemp("disk-full")
    var = tmp / "var"
    var.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK},mode=0700", "tmpfs", str(var)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {mounted.stderr.strip()}")
    try:
        yield var
    finally:
        if subprocess.run(["umount", str(var)], check=False).returncode != 0:
            subprocess.run(["umount", "--lazy", str(var)], check=False)


@pytest.fixture(scope="module")
def service(small_disk: Path) -> Iterator[LiveService]:
    """Yield an embedded service (SQLite and the folder queue) whose var folder is small_disk."""
    yield from live_service("embedded", small_disk.parent, RECOVERY)


@contextmanager
def disk_full(var: Path) -> Iterator[None]:
    """Take every byte left on var's file system for the block's duration, then free them."""
    filler = var / FILLER
    try:
        with open(filler, "wb", buffering=0) as out:
            # Large writes first, then smaller ones for the last partly used page.
            for size in (1 << 20, 4096, 1):
                chunk = b"\0" * size
                with suppress(OSError):
                    while True:
                        out.write(chunk)
        with pytest.raises(OSError) as no_room, open(filler, "ab", buffering=0) as out:
            out.write(b"\0")
        assert no_room.value.errno == errno.ENOSPC  # full to the last byte
        yield
    finally:
        filler.unlink(missing_ok=True)


def checkpoint(var: Path, mode: str) -> None:
    """Checkpoint the service's SQLite WAL in `mode` (TRUNCATE or RESTART), completely."""
    deadline = time.monotonic() + 60
    with sqlite3.connect(var / "udkast.db", timeout=15) as db:
        while True:
            busy, _, _ = db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
            if not busy:
                return
            assert time.monotonic() < deadline, f"the WAL checkpoint ({mode}) stayed busy"
            time.sleep(0.1)


def integrity(var: Path) -> str:
    """Return SQLite's verdict on the service's database file ("ok" when it is sound)."""
    with sqlite3.connect(var / "udkast.db", timeout=15) as db:
        return "\n".join(row[0] for row in db.execute("PRAGMA integrity_check"))


def half_written(var: Path) -> list[Path]:
    """Return the queue's message files still under their temporary name."""
    return [p for p in (var / "queue").rglob("*") if p.name.endswith(".part")]


def stored(service: LiveService) -> dict[tuple[str, int], dict[str, Any]]:
    """Return every stored draft (its content) and the digest of each of its files."""
    status, listing = service.json("GET", "/api/v1/strategies")
    assert status == 200, listing
    found = {}
    for strategy in listing["strategies"]:
        slug = strategy["slug"]
        _, history = service.json("GET", f"/api/v1/strategies/{slug}/drafts")
        for line in history["drafts"]:
            _, one = service.json("GET", line["links"]["self"])
            files = {}
            for output, url in line["files"].items():
                status, _, data = service.call("GET", url)
                assert status == 200, url
                files[output] = hashlib.sha256(data).hexdigest()
            found[(slug, line["version"])] = {"draft": one["draft"], "files": files}
    return found


def names_full_storage(message: str) -> bool:
    """Return True if a message tells people that the server's storage is full."""
    text = message.lower()
    return "full" in text and ("storage" in text or "disk" in text)


def utc(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


class Browser:
    """A person at the web pages: cookies kept, forms sent as the page sends them."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar)

    def open(self, path: str, fields: dict[str, str] | None = None) -> tuple[int, str]:
        """GET a page, or POST a form to it (multipart); return the status and the page."""
        data, headers = None, {}
        if fields is not None:
            boundary = secrets.token_hex(16)
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in fields.items()
            ]
            data = ("".join(parts) + f"--{boundary}--\r\n").encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def csrf(self, path: str) -> str:
        status, page = self.open(path)
        assert status == 200, page
        found = CSRF.search(page)
        assert found is not None, page
        return found.group(1)

    def sign_in(self, email: str, password: str) -> None:
        form = {"csrf_token": self.csrf("/sign-in"), "email": email, "password": password}
        status, page = self.open("/sign-in", form)
        assert status == 200 and 'name="text"' in page, page  # the upload form: signed in


@pytest.mark.e2e
def test_disk_full_while_a_file_is_stored_the_build_ends_once_space_is_freed(
    service: LiveService, small_disk: Path
):
    var = small_disk
    kept = post(service, example_yaml("udkast-2", "stor-foer"))["build"]  # must survive
    assert service.wait_build(kept["links"]["self"])["state"] == "done"
    before = stored(service)
    build_url = post(service, example_yaml("udkast-2", "stor"))["build"]["links"]["self"]
    wait_output_state(service, build_url, {"running"})

    with disk_full(var):
        deadline = time.monotonic() + HOLD
        while time.monotonic() < deadline:
            status, build = service.json("GET", build_url)
            if status == 200:  # no file is offered that was not stored whole
                assert build["state"] in ("queued", "running"), build
                assert build["outputs"]["pdf"]["url"] is None, build
            else:  # a read that also writes (a token's last use) may meet the full disk
                assert (status, build["error"]) == (503, "storage_full"), build
            time.sleep(0.5)
        full_until = dt.datetime.now(dt.UTC)

    ended = service.wait_build(build_url)
    assert ended["state"] in ("done", "failed"), ended  # not left running
    pdf = ended["outputs"]["pdf"]
    if ended["state"] == "failed":  # allowed, with a reason people understand
        assert names_full_storage(pdf["error"] or ""), ended
    else:
        assert utc(pdf["finished_at"]) >= full_until, ended  # not stored while full
        status, _, data = service.call("GET", pdf["url"])
        assert status == 200 and len(data) == pdf["size"], pdf
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert HEADLINE in text  # a whole, readable PDF
    assert service.worker is not None and service.worker.poll() is None  # the worker lives on
    after = stored(service)
    assert {k: after[k] for k in before} == before  # every earlier draft and file unchanged
    assert integrity(var) == "ok"
    assert half_written(var) == []


@pytest.mark.e2e
def test_disk_full_when_a_draft_is_posted_answers_storage_full_and_stores_nothing(
    service: LiveService, small_disk: Path
):
    var = small_disk
    kept = post(service, draft("fuld"))["build"]
    assert service.wait_build(kept["links"]["self"])["state"] == "done"
    before = stored(service)
    person = Browser(service.url)
    person.sign_in(service.email, service.password)
    form = person.csrf("/")
    checkpoint(var, "TRUNCATE")  # an empty WAL: the draft's commit needs new room

    with disk_full(var):
        status, headers, raw = service.call(
            "POST", "/api/v1/drafts", draft("fuld", 1), media_type="application/yaml"
        )
        page_status, page = person.open(
            "/drafts", {"csrf_token": form, "text": draft("fuld", 2).decode()}
        )
        assert half_written(var) == []

    assert status == 503, raw  # never a 500, never a traceback
    answer = json.loads(raw)
    assert answer["error"] == "storage_full", answer
    assert names_full_storage(answer["message"]), answer
    assert int(headers["Retry-After"]) > 0
    # The page says the same, in Danish, to the person who sent the form.
    assert page_status == 503, page
    assert "disk er fuld" in page and "intet blev gemt" in page, page
    assert stored(service) == before  # nothing new, nothing changed
    assert integrity(var) == "ok"

    # Once space is freed the same draft is taken and built.
    build = post(service, draft("fuld", 1))["build"]
    assert service.wait_build(build["links"]["self"])["state"] == "done"
    assert versions(service, "fuld") == [1, 2]


@pytest.mark.e2e
def test_queue_message_not_written_on_a_full_disk_the_draft_is_built_once_space_is_freed(
    service: LiveService, small_disk: Path
):
    var = small_disk
    kept = post(service, draft("koe"))["build"]
    assert service.wait_build(kept["links"]["self"])["state"] == "done"
    before = stored(service)
    # The WAL is overwritten from its start: a draft's commit fits in the room it holds,
    # while the queue's message file needs room of its own.
    checkpoint(var, "RESTART")
    assert (var / "udkast.db-wal").stat().st_size >= WAL_NEEDED

    with disk_full(var):
        answer = post(service, draft("koe", 1))  # 202: the draft is stored
        assert answer["build"]["queued"] is False, answer
        _, build = service.json("GET", answer["build"]["links"]["self"])
        assert build["state"] == "queued", build
        assert half_written(var) == []

    ended = service.wait_build(answer["build"]["links"]["self"])  # the recovery step sends it
    assert ended["state"] == "done", ended
    assert versions(service, "koe") == [1, 2]
    after = stored(service)
    assert {k: after[k] for k in before} == before
    assert integrity(var) == "ok"
    assert half_written(var) == []


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), True),
        (OSError(errno.EACCES, "Permission denied"), False),
        # PostgreSQL's own disk full (SQLite's is met for real above) and an outage.
        (OperationalError("INSERT", {}, psycopg.errors.DiskFull("could not extend file")), True),
        (OperationalError("SELECT", {}, psycopg.errors.AdminShutdown("terminating")), False),
    ],
)
def test_a_full_disk_is_told_apart_from_other_errors(error: BaseException, full: bool):
    assert storage_full(error) is full
