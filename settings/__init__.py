"""Settings, read once from the environment when a process starts.

Every setting is documented on the `Settings` field it fills; the environment
variable that sets it is named in the comment.
"""

from __future__ import annotations

import os
import secrets
import time
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import UdkastError
from core.outputs import PDF_CHOICES
from core.themes import THEMES_DIR, available_themes, theme_folder

MIB = 1024 * 1024
MIN_STALE_AFTER = 15  # seconds; above a render's heartbeat silence limit (worker.heartbeat)
# Helper tasks a long document sends by default, and at most: each is one standard process
# lent to it (worker.pieces).
DEFAULT_PIECE_HELPERS, MAX_PIECE_HELPERS = 4, 16


class ConfigError(UdkastError):
    """A setting in the environment has a value the service cannot use."""


@dataclass(frozen=True)
class Settings:
    """The service's configuration; every process (web, worker, CLI) reads the same one."""

    # UDKAST_VAR_DIR (default `var` under the current directory): where the default
    # SQLite database, the folder queue and the generated secret key live. Reading the
    # settings creates nothing; the processes that write there create it, owner-only.
    var_dir: Path
    # DATABASE_URL (default: SQLite file `<var_dir>/udkast.db`). A PostgreSQL URL such as
    # postgresql://user@host/db is used with the psycopg 3 driver.
    database_url: str
    # REDIS_URL (default: none): the Celery broker. Without it the queue is a folder in
    # UDKAST_VAR_DIR (broker/folderqueue.py), for one machine.
    redis_url: str | None
    # UDKAST_THEME (default "default"): the document theme, a folder under templates/.
    theme: str
    # UDKAST_SECRET_KEY (default: none, and `secret_key` generates one once and keeps it in
    # `<var_dir>/secret_key`, so sessions and CSRF tokens survive a restart). Set it when
    # web processes run on several machines: they must all share one key.
    configured_secret_key: str | None
    # MAX_CONTENT_LENGTH (default 2 MiB): the largest request body accepted, in bytes.
    max_content_length: int
    # UDKAST_BUILD_ATTEMPTS (default 3): how often one output may be started before it is
    # marked failed; stops a job that kills its worker from being redelivered forever.
    build_attempts: int
    # UDKAST_SOFT_TIME_LIMIT (default 60 s): a render still running then is stopped and
    # its output marked failed as too complex.
    soft_time_limit: int
    # UDKAST_HARD_TIME_LIMIT (default 90 s): the worker child is killed then, if the
    # soft limit did not stop it. Must be above the soft limit.
    hard_time_limit: int
    # UDKAST_STALE_AFTER (default 600 s, at least 15 s): an output queued this long with no
    # message held by the broker, or running this long without a heartbeat, is taken as
    # lost (dropped message, dead worker) and re-queued by the recovery step. A running
    # render beats every 2 s and counts as silent after 10 s (worker.heartbeat), so the
    # floor keeps the recovery step from taking a render that beats as lost.
    stale_after: int
    # UDKAST_RECOVER_EVERY (default 30 s): how often the workers' recovery step looks for
    # lost outputs. Tests shorten it together with UDKAST_STALE_AFTER.
    recover_every: int
    # UDKAST_DRAFTS_PER_MINUTE (default 60): drafts one API token may post in a minute,
    # through the API and the web form together; more get 429 with Retry-After.
    drafts_per_minute: int
    # UDKAST_SIGN_INS_PER_MINUTE (default 10): failed sign-ins per address and per account a
    # minute, counted in the database so every web process shares the count.
    sign_ins_per_minute: int
    # UDKAST_SECURE_COOKIES (default off): mark the session cookie Secure, so browsers send
    # it over HTTPS only. Turn it on wherever the service is reached through HTTPS;
    # `make run` serves plain HTTP on 127.0.0.1, where a Secure cookie would never return.
    secure_cookies: bool = False
    # UDKAST_RENDER_MEMORY (default 1024 MiB): the resident memory one worker child may
    # reach while it renders. Past it the output fails as too large and that child ends
    # (worker.memory); the worker and other builds go on. The largest valid document needs
    # under 300 MiB.
    render_memory_mib: int = 1024
    # UDKAST_TRUSTED_HOSTS (default: empty, any host): comma-separated host names the web
    # service answers to; a request naming another Host gets 400 before any URL is built
    # from it. Set it to the public name(s) wherever the service is reachable from outside.
    trusted_hosts: tuple[str, ...] = ()
    # UDKAST_PROXY_COUNT (default 0): how many reverse proxies stand in front of the web
    # service. With 1 or more, the client address, scheme and host are read from the
    # X-Forwarded-* headers those proxies set, so the sign-in limit counts per client
    # rather than per proxy. Never set it without a proxy: clients could forge them.
    proxy_count: int = 0
    # UDKAST_REQUEST_TIMEOUT (default 30 s): gunicorn's --timeout for the web processes. A
    # web process silent for longer is killed and replaced. Its threads cannot be stopped
    # one by one, so each request's own work is bounded in the code (the diff, for one, is
    # computed in a request only for small drafts; service.compare), far below this.
    request_timeout: int = 30
    # UDKAST_TIME_ZONE (default Europe/Copenhagen): the zone in which the pages show times
    # (saved, built), an IANA name such as Europe/Copenhagen or UTC. The database keeps UTC.
    time_zone: str = "Europe/Copenhagen"
    # UDKAST_PUBLIC_URL (default http://127.0.0.1:8000): the address people open the web
    # UI at, without a trailing slash. `udkast user create` builds its one-time
    # set-password links on it (a command knows no request to take the address from).
    public_url: str = "http://127.0.0.1:8000"
    # UDKAST_RESPONSES_PER_HOUR (default 20): hearing responses one address may send in an
    # hour, over every hearing; more are refused (429). An office behind one address
    # shares the count, hence more than one person would send.
    responses_per_hour: int = 20
    # UDKAST_ATTACHMENT_MAX (default 1.5 MiB): the largest PDF a hearing response may
    # carry. The whole request must also fit MAX_CONTENT_LENGTH.
    attachment_max: int = 3 * MIB // 2
    # UDKAST_RETENTION_DAYS (default 365): days after a hearing closed before its private
    # respondents' names become "Borger" and every e-mail address is forgotten.
    retention_days: int = 365
    # UDKAST_SMTP_HOST (default: none, no mail is sent): the mail server a hearing
    # response's receipt goes through, when the respondent gave an e-mail address.
    smtp_host: str | None = None
    # UDKAST_SMTP_PORT (default 25): the mail server's port (plain SMTP, no login).
    smtp_port: int = 25
    # UDKAST_SMTP_FROM (default udkast@localhost): the sender of the receipts.
    smtp_from: str = "udkast@localhost"
    # UDKAST_PDF (default "standard"): the PDF a build gets when its request does not say.
    # "archival" adds the archival PDF/A-2a (also PDF/UA-1) to every build's PDF.
    pdf: str = "standard"
    # UDKAST_WARM_UP (default on): each worker process renders a small document to PDF and
    # DOCX in the default theme and UDKAST_THEME when it starts, before it takes a task, so
    # the first build it serves is no slower than the next (worker.warmup). Bounded in time;
    # a failure is logged and the process goes on. Turn it off to start workers faster.
    warm_up: bool = True
    # UDKAST_PIECE_HELPERS (default 4, 0 to 16): how many helper tasks a long document's
    # PDF sends to the standard lane (worker.pieces): idle standard processes print its
    # chapters beside the process that owns it. 0 keeps a long document to its own
    # process, leaving the standard lane to ordinary drafts.
    piece_helpers: int = DEFAULT_PIECE_HELPERS

    @cached_property
    def secret_key(self) -> str:
        """Return the key that signs sessions: UDKAST_SECRET_KEY, else the one kept in var/."""
        # Made on first use, by the web process that signs with it, so that a command or a
        # worker reading the same settings leaves no file behind.
        return self.configured_secret_key or _kept_secret(self.var_dir / "secret_key")


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Read the settings from the environment, applying the documented defaults."""
    var_dir = Path(environ.get("UDKAST_VAR_DIR") or "var").absolute()
    database_url = environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'udkast.db'}"
    soft = _positive_int(environ, "UDKAST_SOFT_TIME_LIMIT", 60)
    hard = _positive_int(environ, "UDKAST_HARD_TIME_LIMIT", 90)
    if hard <= soft:
        raise ConfigError(
            f"UDKAST_HARD_TIME_LIMIT ({hard}) must be above UDKAST_SOFT_TIME_LIMIT ({soft})"
        )
    return Settings(
        var_dir=var_dir,
        database_url=_with_driver(database_url),
        redis_url=environ.get("REDIS_URL") or None,
        theme=_theme(environ.get("UDKAST_THEME") or "default"),
        configured_secret_key=environ.get("UDKAST_SECRET_KEY") or None,
        max_content_length=_positive_int(environ, "MAX_CONTENT_LENGTH", 2 * MIB),
        build_attempts=_positive_int(environ, "UDKAST_BUILD_ATTEMPTS", 3),
        soft_time_limit=soft,
        hard_time_limit=hard,
        stale_after=_at_least(environ, "UDKAST_STALE_AFTER", 600, MIN_STALE_AFTER),
        recover_every=_positive_int(environ, "UDKAST_RECOVER_EVERY", 30),
        drafts_per_minute=_positive_int(environ, "UDKAST_DRAFTS_PER_MINUTE", 60),
        sign_ins_per_minute=_positive_int(environ, "UDKAST_SIGN_INS_PER_MINUTE", 10),
        secure_cookies=_flag(environ, "UDKAST_SECURE_COOKIES"),
        render_memory_mib=_positive_int(environ, "UDKAST_RENDER_MEMORY", 1024),
        trusted_hosts=tuple(
            h.strip() for h in (environ.get("UDKAST_TRUSTED_HOSTS") or "").split(",") if h.strip()
        ),
        proxy_count=_count(environ, "UDKAST_PROXY_COUNT"),
        request_timeout=_positive_int(environ, "UDKAST_REQUEST_TIMEOUT", 30),
        time_zone=_time_zone(environ.get("UDKAST_TIME_ZONE") or "Europe/Copenhagen"),
        public_url=_public_url(environ.get("UDKAST_PUBLIC_URL") or "http://127.0.0.1:8000"),
        responses_per_hour=_positive_int(environ, "UDKAST_RESPONSES_PER_HOUR", 20),
        attachment_max=_positive_int(environ, "UDKAST_ATTACHMENT_MAX", 3 * MIB // 2),
        retention_days=_positive_int(environ, "UDKAST_RETENTION_DAYS", 365),
        smtp_host=environ.get("UDKAST_SMTP_HOST") or None,
        smtp_port=_positive_int(environ, "UDKAST_SMTP_PORT", 25),
        smtp_from=environ.get("UDKAST_SMTP_FROM") or "udkast@localhost",
        pdf=_pdf_choice(environ.get("UDKAST_PDF") or "standard"),
        warm_up=_flag(environ, "UDKAST_WARM_UP", default=True),
        piece_helpers=_count(
            environ, "UDKAST_PIECE_HELPERS", default=DEFAULT_PIECE_HELPERS, most=MAX_PIECE_HELPERS
        ),
    )


def _at_least(environ: Mapping[str, str], name: str, default: int, floor: int) -> int:
    value = _positive_int(environ, name, default)
    if value < floor:
        raise ConfigError(f"{name} must be at least {floor}, not {value}")
    return value


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be above 0, not {value}")
    return value


def _count(
    environ: Mapping[str, str], name: str, *, default: int = 0, most: int | None = None
) -> int:
    raw = (environ.get(name) or str(default)).strip()
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, 0 or more, not {raw!r}")
    if most is not None and int(raw) > most:
        raise ConfigError(f"{name} must be at most {most}, not {int(raw)}")
    return int(raw)


def _theme(name: str) -> str:
    """Refuse a theme that is not installed now, rather than fail every build later."""
    if theme_folder(name) is not None:
        return name
    installed = available_themes()
    raise ConfigError(
        f"UDKAST_THEME names no installed theme: {name!r} "
        f"(installed: {', '.join(installed) or 'none'}; a theme is a folder with a "
        f"theme.toml under {THEMES_DIR})"
    )


def _pdf_choice(value: str) -> str:
    if value not in PDF_CHOICES:
        raise ConfigError(f"UDKAST_PDF is one of {', '.join(PDF_CHOICES)}, not {value!r}")
    return value


def _time_zone(name: str) -> str:
    """Refuse a zone this machine does not know, rather than fail on every page later."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"UDKAST_TIME_ZONE names no known time zone: {name!r} "
            "(use an IANA name such as Europe/Copenhagen or UTC)"
        ) from None
    return name


def _flag(environ: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = (environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _public_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"UDKAST_PUBLIC_URL must be an http:// or https:// address such as "
            f"https://udkast.kommune.dk, not {url!r}"
        )
    return url.strip().rstrip("/")


def _with_driver(url: str) -> str:
    """Name the psycopg 3 driver, the one installed, in a bare PostgreSQL URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _kept_secret(path: Path) -> str:
    """Return the secret kept in `path`, creating it (readable by the owner only) if missing."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # O_EXCL: when two processes start at once, one writes and the other reads it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the other process may still be writing it
            secret = path.read_text(encoding="ascii").strip()
            if secret:
                return secret
            time.sleep(0.01)
        raise ConfigError(f"{path} is empty; delete it or set UDKAST_SECRET_KEY") from None
    secret = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    return secret
