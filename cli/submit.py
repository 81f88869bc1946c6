"""`udkast submit`: post a draft to a server, follow its build and fetch the files.

This is what a pipeline calls. Exit codes: 0 done (or unchanged), 1 invalid content or
a failed file of the draft (PDF, DOCX, ...), 2 usage or connection problems. A failed
comparison output (what changed since the previous version, core.outputs) is a warning:
the draft's own files are there.
With --out, every file that finished is downloaded, even when another one failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

from core.errors import UdkastError
from core.outputs import PDF_CHOICES, comparison_outputs, output_names

POLL_SECONDS = 0.5


class SubmitError(UdkastError):
    """The server could not be reached or answered with an error."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_command(commands: Any) -> None:
    """Register the submit command."""
    submit = commands.add_parser("submit", help="post a draft to a udkast server")
    submit.add_argument(
        "file", metavar="FILE", help="YAML or JSON file, a DOCX udkast made, or - for stdin"
    )
    submit.add_argument(
        "--server",
        default=os.environ.get("UDKAST_SERVER"),
        help="server URL (default: $UDKAST_SERVER)",
    )
    submit.add_argument(
        "--token", default=os.environ.get("UDKAST_TOKEN"), help="API token (default: $UDKAST_TOKEN)"
    )
    submit.add_argument("--wait", action="store_true", help="wait until the build ends")
    submit.add_argument("--out", metavar="DIR", help="download the files here (implies --wait)")
    submit.add_argument("--timeout", type=float, default=600, help="seconds to wait at most")
    submit.add_argument(
        "--pdf",
        choices=PDF_CHOICES,
        help="standard: the accessible PDF (PDF/UA-1); archival: an archival PDF/A-2a "
        "(PDF/UA-1 too, <name>-arkiv.pdf) as well (default: the server's UDKAST_PDF)",
    )
    submit.add_argument(
        "--theme",
        metavar="NAME",
        help="the design the files are made in, one the server has installed "
        "(default: the server's UDKAST_THEME)",
    )
    submit.add_argument(
        "--revisions",
        choices=("accept", "reject", "refuse"),
        default="accept",
        help="a DOCX's tracked changes: read as accepted (default), as rejected, or refuse it",
    )
    submit.add_argument(
        "--strict",
        action="store_true",
        help="refuse a DOCX when anything in it cannot come back, instead of a warning",
    )
    submit.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Submit the file; return the exit code."""
    if not args.server or not args.token:
        print(
            "error: give --server and --token (or set UDKAST_SERVER and UDKAST_TOKEN)",
            file=sys.stderr,
        )
        return 2
    try:
        return _submit(args)
    except SubmitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _submit(args: argparse.Namespace) -> int:
    data, media_type = _read(args.file)
    query = [f"pdf={args.pdf}"] if args.pdf else []
    if args.theme:
        query.append(urlencode({"theme": args.theme}))
    if media_type == DOCX_TYPE:  # the options only a Word file has
        query += [f"revisions={args.revisions}", f"strict={str(args.strict).lower()}"]
    path = "/api/v1/drafts" + (f"?{'&'.join(query)}" if query else "")
    status, body = _call(args, "POST", path, data, media_type)
    if status == 422:
        for problem in body.get("problems", []):
            path, message = problem.get("path"), problem.get("message", "")
            print(f"{path}: {message}" if path else message, file=sys.stderr)
        print(body.get("message", "invalid content"), file=sys.stderr)
        return 1
    _check(status, body, (200, 202))
    draft, build = body["draft"], body["build"]
    name = f"{draft['slug']} v{draft['version']}"
    for warning in body.get("warnings", []):  # what a Word file could not bring back
        print(f"warning: {name}: {warning.get('message', '')}", file=sys.stderr)
    if status == 200:
        print(f"{name}: unchanged since the latest draft", file=sys.stderr)
    if args.wait or args.out:
        build = _follow(args, build, name)
    failed = {output: o for output, o in build["outputs"].items() if o["state"] == "failed"}
    files = _download(args, build) if args.out else []
    fetched = f" → {', '.join(files)}" if files else ""
    seconds = f" in {build['seconds']:.1f} s" if build.get("seconds") else ""
    # An output this client does not know counts as the draft's own: a pipeline had
    # better stop than miss a file it was meant to get. What changed and the høringsnotat
    # are read from the previous version too: their failure warns.
    derived = (*comparison_outputs(), *output_names("hearing"))
    own = [output for output in failed if output not in derived]
    if own or (build["state"] == "failed" and not failed):
        errors = [f"{output}: {o['error']}" for output, o in failed.items() if o["error"]]
        print(f"{name}: build failed: {'; '.join(errors) or build['error']}{fetched}")
        return 1
    for output, o in failed.items():
        print(f"warning: {name}: {output} failed: {o['error']}", file=sys.stderr)
    state = f"done without {', '.join(failed)}" if failed else build["state"]
    print(f"{name}: {state}{seconds}{fetched}")
    return 0


def _check(status: int, body: dict[str, Any], expected: tuple[int, ...]) -> None:
    """Raise SubmitError with the server's message unless the status is an expected one."""
    if status in expected:
        return
    # A refused token is a usage problem (2), like a server error; bad input is 1.
    usage = status in (401, 403) or status >= 500
    raise SubmitError(f"{status}: {body.get('message', body)}", 2 if usage else 1)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _read(file: str) -> tuple[bytes, str]:
    if file == "-":
        return sys.stdin.buffer.read(), "application/yaml"
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise SubmitError(f"cannot read {file}: {exc.strerror}") from None
    name = file.lower()
    if name.endswith(".docx"):  # a DOCX udkast made, edited in Word: the next draft
        return data, DOCX_TYPE
    return data, "application/json" if name.endswith(".json") else "application/yaml"


def _follow(args: argparse.Namespace, build: dict[str, Any], name: str) -> dict[str, Any]:
    deadline = time.monotonic() + args.timeout
    shown = ""
    while True:
        progress = ", ".join(
            f"{output} {o['state']}" for output, o in sorted(build["outputs"].items())
        )
        if progress != shown:
            print(f"{name}: {progress}", file=sys.stderr)
            shown = progress
        # A build is marked failed as soon as one output fails; wait for the others too,
        # so the files that do finish can still be downloaded.
        if all(o["state"] in ("done", "failed") for o in build["outputs"].values()):
            return build
        if time.monotonic() > deadline:
            raise SubmitError(f"{name}: still {build['state']} after {args.timeout:.0f} s", 1)
        time.sleep(POLL_SECONDS)
        status, build = _call(args, "GET", build["links"]["self"])
        _check(status, build, (200,))


def _download(args: argparse.Namespace, build: dict[str, Any]) -> list[str]:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for output in build["outputs"].values():
        if output["state"] != "done":
            continue  # reported by the caller; the finished files are still worth having
        url = output["url"]
        name = url.rsplit("/", 1)[-1]
        if not url or name in ("", ".", "..") or "\\" in name:
            raise SubmitError(f"the server gave an unusable file link {url!r}")
        target = out / name
        target.write_bytes(_fetch(args, url))
        written.append(str(target))
    return written


def _request(
    args: argparse.Namespace,
    method: str,
    path: str,
    data: bytes | None = None,
    media_type: str | None = None,
) -> urllib.request.Request:
    url = urljoin(args.server.rstrip("/") + "/", path.lstrip("/"))
    if not url.startswith(("http://", "https://")):
        raise SubmitError(f"the server must be an http(s) URL, not {args.server!r}")
    headers = {"Authorization": f"Bearer {args.token}", "Accept": "application/json"}
    if media_type:
        headers["Content-Type"] = media_type
    return urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310


def _call(
    args: argparse.Namespace,
    method: str,
    path: str,
    data: bytes | None = None,
    media_type: str | None = None,
) -> tuple[int, dict[str, Any]]:
    request = _request(args, method, path, data, media_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer = response.read()
            try:
                return response.status, json.loads(answer)
            except ValueError:
                raise SubmitError(
                    f"{args.server} did not answer with JSON; is it a udkast server?"
                ) from None
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read())
        except ValueError:
            raise SubmitError(f"{exc.code} from the server") from None
    except (urllib.error.URLError, OSError) as exc:
        raise SubmitError(f"cannot reach {args.server}: {exc}") from None


def _fetch(args: argparse.Namespace, path: str) -> bytes:
    try:
        with urllib.request.urlopen(_request(args, "GET", path), timeout=60) as response:  # noqa: S310
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, OSError) as exc:
        raise SubmitError(f"cannot download {path}: {exc}") from None
