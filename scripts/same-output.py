"""Render the reference drafts and compare them with an earlier render, byte for byte.

Usage: python scripts/same-output.py DIR [--write] [--examples FOLDER]
With --write, render into DIR (the "before" set). Without it, render into a temporary
folder and compare with DIR: PDFs must be identical bytes, DOCX files identical XML
parts (every part of the zip; docProps/core.xml too, since its dates come from the
draft, not the clock). A refactoring of the renderers must leave all of them unchanged.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

from core.content import Strategy, load
from core.diff import compare
from worker.render import comparison_renderer, renderer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "examples" / "socialstrategi"
DRAFTS = ("udkast-1", "udkast-2")


def render_all(examples: Path, out: Path) -> list[Path]:
    """Render both drafts to PDF and DOCX and their comparison to both outputs."""
    drafts: dict[str, Strategy] = {}
    for name in DRAFTS:
        path = examples / f"{name}.yaml"
        drafts[name] = load(path.read_bytes(), filename=path.name)
    written = []
    for name, strategy in drafts.items():
        for output in ("pdf", "docx"):
            target = out / f"{name}.{output}"
            target.write_bytes(renderer(output)(strategy, "default"))
            written.append(target)
    old, new = (drafts[name] for name in DRAFTS)
    comparison = compare(old, new)  # once for both, as the worker does
    for output, suffix in (("changes-pdf", "pdf"), ("changes-docx", "docx")):
        target = out / f"changes-1-2.{suffix}"
        target.write_bytes(comparison_renderer(output)(old, new, "default", comparison))
        written.append(target)
    return written


def differences(before: Path, after: Path) -> list[str]:
    """Return what differs between two renders of one file (empty when the same)."""
    if not before.exists():
        return [f"{before.name}: missing in the reference folder"]
    if before.suffix != ".docx":
        same = before.read_bytes() == after.read_bytes()
        return [] if same else [f"{before.name}: bytes differ"]
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        old_parts = {i.filename: old.read(i) for i in old.infolist()}
        new_parts = {i.filename: new.read(i) for i in new.infolist()}
    problems = [f"{before.name}: part {n} only before" for n in old_parts.keys() - new_parts]
    problems += [f"{before.name}: part {n} only after" for n in new_parts.keys() - old_parts]
    problems += [
        f"{before.name}: part {n} differs"
        for n in sorted(old_parts.keys() & new_parts.keys())
        if old_parts[n] != new_parts[n]
    ]
    if not problems and list(old_parts) != list(new_parts):
        problems.append(f"{before.name}: parts in another order")
    return problems


def main() -> int:
    """Render, then write or compare; print each difference and return 1 if any."""
    parser = argparse.ArgumentParser(
        description="Render the reference drafts and compare them with an earlier render."
    )
    parser.add_argument("reference", type=Path, help="folder of the earlier render")
    parser.add_argument("--write", action="store_true", help="render into the folder instead")
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    args = parser.parse_args()
    if args.write:
        args.reference.mkdir(parents=True, exist_ok=True)
        for path in render_all(args.examples, args.reference):
            print("wrote", path)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        problems = []
        for path in render_all(args.examples, Path(tmp)):
            found = differences(args.reference / path.name, path)
            print("differs" if found else "same   ", path.name)
            problems += found
    for problem in problems:
        print("DIFFERS:", problem)
    print("all outputs identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
