"""The `udkast` command: validate and render strategy documents from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.content import Strategy, load
from core.errors import InvalidContent, UdkastError
from core.outputs import (
    ARCHIVAL_PDF,
    PDF_CHOICES,
    artifact_stem,
    draft_outputs,
    draft_outputs_for,
    output_named,
)
from core.plain_language import report
from core.problem_text import LANGUAGES

EXIT_OK = 0
EXIT_INVALID = 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except InvalidContent as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        # The list stops after MAX_PROBLEMS; the count is of every problem found.
        print(f"{exc.total} problem(s) in {args.file}", file=sys.stderr)
        return EXIT_INVALID
    except UdkastError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="udkast", description="Turn strategy content (YAML or JSON) into DOCX and PDF."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a document against the format")
    validate.add_argument("file", metavar="FILE", help="YAML or JSON file, or - for stdin")
    validate.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="language of the plain-language warnings (default: en)",
    )
    validate.set_defaults(run=_validate)

    render = commands.add_parser("render", help="render a document to PDF and DOCX")
    render.add_argument("file", metavar="FILE", help="YAML or JSON file, or - for stdin")
    render.add_argument("-o", "--out", default=".", metavar="DIR", help="output folder")
    render.add_argument(
        "--outputs",
        "--format",  # its name before comparison outputs made "format" the wrong word
        dest="outputs",
        metavar="LIST",
        help=f"comma-separated outputs: {', '.join(draft_outputs())} "
        f"(default: all but {ARCHIVAL_PDF}, which --pdf archival adds)",
    )
    render.add_argument(
        "--pdf",
        choices=PDF_CHOICES,
        default="standard",
        help="standard: the accessible PDF (PDF/UA-1); archival: an archival PDF/A-2a "
        "(PDF/UA-1 too, <name>-arkiv.pdf) as well",
    )
    render.add_argument("--theme", default="default", metavar="NAME", help="document theme")
    render.add_argument(
        "--in-pieces",
        action="store_true",
        help="print a long document's PDF in pieces and assemble them, as the service's "
        "workers do (here one piece after another); without it, in one pass: the reference",
    )
    render.set_defaults(run=_render)

    from cli import responses, serve, submit, tokens, users

    submit.add_command(commands)
    serve.add_command(commands)
    tokens.add_commands(commands)
    users.add_commands(commands)
    responses.add_commands(commands)
    return parser


def _read(file: str) -> Strategy:
    if file == "-":
        return load(sys.stdin.buffer.read())
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UdkastError(f"cannot read {file}: {exc.strerror}") from None
    return load(data, filename=path.name)


def _validate(args: argparse.Namespace) -> int:
    found = report(_read(args.file), args.language)
    print("valid")
    # Plain-language feedback is advice: it follows "valid" and never changes the exit code.
    parts = [found["overall"], *found["parts"]]
    print(
        f"{found['label']}: "
        + "; ".join(f"{p['name']} {p['lix']} ({p['band_name']})" for p in parts)
    )
    for warning in found["warnings"]:
        print(f"warning: {warning['message']}")
    return EXIT_OK


def _render(args: argparse.Namespace) -> int:
    # Imported here so that `udkast validate` starts fast without WeasyPrint.
    from worker.render import renderer
    from worker.render.theme import UnknownTheme, load_theme

    known = draft_outputs()
    wanted = draft_outputs_for(args.pdf) if args.outputs is None else args.outputs.split(",")
    chosen = [name.strip() for name in wanted if name.strip()]
    if args.pdf == "archival" and ARCHIVAL_PDF not in chosen:
        chosen.append(ARCHIVAL_PDF)
    unknown = [name for name in chosen if name not in known]
    if unknown or not chosen:
        raise UdkastError(f"unknown output {', '.join(unknown)!r}; choose from {', '.join(known)}")
    try:
        load_theme(args.theme)
    except UnknownTheme as exc:
        raise UdkastError(str(exc)) from None
    strategy = _read(args.file)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UdkastError(f"cannot create the folder {out}: {exc.strerror}") from None
    stem = artifact_stem(strategy)
    for output in chosen:
        target = out / output_named(output).file_name(stem)
        data = _pieced(strategy, output, args.theme) if args.in_pieces else None
        if data is None:
            data = renderer(output)(strategy, args.theme)
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise UdkastError(f"cannot write {target}: {exc.strerror}") from None
        print(target)
    return EXIT_OK


def _pieced(strategy: Strategy, output: str, theme: str) -> bytes | None:
    """Print an output in pieces in this process; None when it is not printed in pieces."""
    from core.view import document_view
    from worker.pieces import PIECED_OUTPUTS
    from worker.render.parts.document import print_in_pieces
    from worker.render.theme import load_theme

    if output not in PIECED_OUTPUTS:
        return None
    view = document_view(strategy)
    return print_in_pieces(view, load_theme(theme), archival=PIECED_OUTPUTS[output])


if __name__ == "__main__":
    sys.exit(main())
