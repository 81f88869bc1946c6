"""A fingerprint of the renderer code and a theme, for reusing earlier renders safely."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from worker.render.theme import load_theme

ROOT = Path(__file__).resolve().parents[2]
# The renderers (with their subpackages), the domain they build documents from
# (content, parts, diff, labels, rich text, ...) and the templates' filters: a fix in
# any must re-render. The store, the queue and the settings live outside these:
# editing them keeps every render.
CODE_DIRS = (ROOT / "worker" / "render", ROOT / "core", ROOT / "templates")


def source_files(theme: str) -> list[Path]:
    """Return the files whose bytes decide what a render of `theme` looks like."""
    code = [path for folder in CODE_DIRS for path in sorted(folder.rglob("*.py"))]
    folders = load_theme(theme).folders  # the theme's own and those of the themes it extends
    return code + [p for f in folders for p in sorted(f.rglob("*")) if p.is_file()]


def fingerprint(files: Iterable[Path], root: Path) -> str:
    """Return a short hash of the files' paths below `root` and their bytes."""
    digest = hashlib.sha256()
    for path in files:
        data = path.read_bytes()
        # The path and length frame each file, so moving bytes between files changes it.
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:16]


@lru_cache(maxsize=16)
def renderer_version(theme: str) -> str:
    """Return a hash of the renderer's and core's source and the theme's files.

    A cached artifact is reused only while all are unchanged, so a new template, font,
    renderer or diff fix re-renders instead of serving yesterday's file.
    """
    return fingerprint(source_files(theme), ROOT)
