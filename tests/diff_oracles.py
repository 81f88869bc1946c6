"""Oracles for the diff tests: rebuild one side of a diff from its ops alone."""

from __future__ import annotations

from collections.abc import Sequence

from core.paragraphdiff import ParagraphOp
from core.textdiff import Op, apply_ops


def revert_ops(ops: Sequence[Op]) -> str:
    """Rebuild the old text from ops alone (what "reject all" shows)."""
    return "".join((op.old if op.old is not None else op.text) for op in ops if op.op != "insert")


def apply_paragraph_ops(old: Sequence[str], ops: Sequence[ParagraphOp]) -> list[str]:
    """Rebuild the new paragraphs from the old ones and paragraph ops; raise if they do not fit."""
    out: list[str] = []
    pos = 0
    for op in ops:
        if op.op != "insert":
            if pos >= len(old) or old[pos] != op.old:
                raise ValueError(f"paragraph op {op.op} does not match old paragraph {pos}")
            pos += 1
        if op.op == "change":
            out.append(apply_ops(op.old or "", op.ops))
        elif op.op != "delete":
            out.append(op.new or "")
    if pos != len(old):
        raise ValueError("paragraph ops do not consume every old paragraph")
    return out
