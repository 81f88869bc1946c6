"""`udkast token …` works on an existing database only; `udkast migrate` creates one, private.

Every test runs the real `udkast` command in a folder of its own, as a person would.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, text

from cli.database import shown_url
from cli.serve import banner
from settings import load_settings
from tests.live_service import free_port
from tests.store_fixtures import postgres_database

UDKAST = str(Path(sys.executable).parent / "udkast")
TOKEN_COMMANDS = [("create", "ci"), ("list",), ("revoke", "ci")]
PASSWORD = "hunter2-secret"  # noqa: S105  (a made-up one, to look for in the output)


def udkast(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `udkast ARGS` in `cwd` with none of the settings a developer may have exported."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "UDKAST_VAR_DIR", "UDKAST_SECRET_KEY")
    }
    return subprocess.run(
        [UDKAST, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An empty folder that is not where the service runs."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture
def pg_url() -> Iterator[URL]:
    """A private PostgreSQL database that was never migrated."""
    yield from postgres_database()


@pytest.mark.parametrize("command", TOKEN_COMMANDS, ids=lambda c: c[0])
def test_token_commands_refuse_where_there_is_no_database(elsewhere, command):
    result = udkast("token", *command, cwd=elsewhere)

    assert result.returncode != 0
    assert str(elsewhere / "var" / "udkast.db") in result.stderr
    assert "UDKAST_VAR_DIR" in result.stderr and "DATABASE_URL" in result.stderr
    assert "udk_" not in result.stdout  # no token that works nowhere
    assert "Traceback" not in result.stderr
    assert everything_under(elsewhere) == []


def test_a_var_dir_without_a_database_is_named_and_left_alone(tmp_path, elsewhere):
    var = tmp_path / "var-of-another-service"

    result = udkast("token", "create", "ci", cwd=elsewhere, UDKAST_VAR_DIR=str(var))

    assert result.returncode != 0
    assert str(var / "udkast.db") in result.stderr
    assert not var.exists()
    assert everything_under(elsewhere) == []


def test_migrate_creates_a_private_database_that_the_token_commands_then_use(elsewhere):
    migrated = udkast("migrate", cwd=elsewhere)
    assert migrated.returncode == 0, migrated.stderr
    var = elsewhere / "var"
    assert (var.stat().st_mode & 0o777, (var / "udkast.db").stat().st_mode & 0o777) == (
        0o700,
        0o600,
    )

    created = udkast("token", "create", "ci", cwd=elsewhere)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("udk_")
    listed = udkast("token", "list", cwd=elsewhere)
    assert listed.stdout.startswith("ci\tactive")
    revoked = udkast("token", "revoke", "ci", cwd=elsewhere)
    assert (revoked.returncode, revoked.stdout.strip()) == (0, "revoked ci")
    # Only the web process signs sessions; the commands leave no secret key behind.
    assert not (var / "secret_key").exists()


def test_a_database_file_without_the_schema_is_refused_unchanged(elsewhere):
    var = elsewhere / "var"
    var.mkdir()
    (var / "udkast.db").touch()

    result = udkast("token", "create", "ci", cwd=elsewhere)

    assert result.returncode != 0
    assert str(var / "udkast.db") in result.stderr
    assert "never migrated" in result.stderr and "udkast migrate" in result.stderr
    assert (var / "udkast.db").stat().st_size == 0
    assert everything_under(elsewhere) == ["var", "var/udkast.db"]


def test_a_database_of_another_schema_revision_asks_for_migrate(elsewhere):
    assert udkast("migrate", cwd=elsewhere).returncode == 0
    with sqlite3.connect(elsewhere / "var" / "udkast.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'an-old-one'")

    result = udkast("token", "list", cwd=elsewhere)

    assert result.returncode != 0
    assert "an-old-one" in result.stderr and "udkast migrate" in result.stderr


def test_a_postgresql_database_that_was_never_migrated_is_refused(elsewhere, pg_url):
    url = pg_url.set(password=PASSWORD).render_as_string(hide_password=False)

    result = udkast("token", "create", "ci", cwd=elsewhere, DATABASE_URL=url)

    assert result.returncode != 0
    assert pg_url.database in result.stderr
    assert "never migrated" in result.stderr and "udkast migrate" in result.stderr
    assert PASSWORD not in result.stderr
    engine = create_engine(pg_url)
    with engine.connect() as conn:  # still empty: the command created no table
        tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        assert tables.scalar_one() == 0
    engine.dispose()
    assert everything_under(elsewhere) == []


def test_a_postgresql_server_that_cannot_be_reached_is_named(elsewhere):
    port = free_port()
    url = f"postgresql://udkast:{PASSWORD}@127.0.0.1:{port}/udkast"

    result = udkast("token", "list", cwd=elsewhere, DATABASE_URL=url)

    assert result.returncode != 0
    assert f"127.0.0.1:{port}/udkast" in result.stderr
    assert PASSWORD not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [("migrate",), ("serve", "--port", "1")], ids=lambda c: c[0])
def test_migrate_and_serve_name_a_database_they_cannot_reach(tmp_path, elsewhere, command):
    port = free_port()
    url = f"postgresql://udkast:{PASSWORD}@127.0.0.1:{port}/udkast"

    result = udkast(*command, cwd=elsewhere, DATABASE_URL=url, UDKAST_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert f"127.0.0.1:{port}/udkast" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_migrate_on_postgresql_then_token_create_and_no_password_printed(elsewhere, pg_url):
    url = pg_url.set(password=PASSWORD).render_as_string(hide_password=False)

    migrated = udkast("migrate", cwd=elsewhere, DATABASE_URL=url)
    created = udkast("token", "create", "ci", cwd=elsewhere, DATABASE_URL=url)

    assert migrated.returncode == 0, migrated.stderr
    assert pg_url.database in migrated.stdout and PASSWORD not in migrated.stdout
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("udk_")
    assert everything_under(elsewhere) == []


def test_the_serve_banner_shows_no_password(tmp_path):
    settings = load_settings(
        {
            "UDKAST_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"postgresql://udkast:{PASSWORD}@db.example:5432/udkast",
            "REDIS_URL": f"redis://:{PASSWORD}@queue.example:6379/0",
        }
    )

    shown = banner(settings, "127.0.0.1", 8000, "udk_token")

    assert PASSWORD not in shown
    assert "db.example:5432/udkast" in shown and "queue.example:6379/0" in shown
    assert "API token: udk_token" in shown


@pytest.mark.parametrize(
    "url",
    [
        f"redis://:{PASSWORD}@h:6379/0",
        f"rediss://user:{PASSWORD}@h:6380/1?ssl_cert_reqs=required",
        f"redis+socket:///run/redis.sock?password={PASSWORD}&db=1",
        f"unix:///run/redis.sock?db=0&password={PASSWORD}",
        f"postgresql+psycopg://u:{PASSWORD.replace('-', '%40')}@h/db",
        f"postgresql://u:{PASSWORD}@[::1/db",  # unreadable: still nothing of the secret
    ],
)
def test_shown_urls_hide_every_password(url):
    shown = shown_url(url)

    assert PASSWORD not in shown and PASSWORD.replace("-", "%40") not in shown
    assert "hunter" not in shown
    assert shown.split(":", 1)[0] == url.split(":", 1)[0]
