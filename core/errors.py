"""The errors the domain raises: each names what is wrong in words a person understands."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS = 200  # problems listed in one answer


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a document, with the path of the field it concerns."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class UdkastError(Exception):
    """Base of every error the domain raises on purpose."""


class MalformedInput(UdkastError):
    """The bytes are not a readable YAML or JSON document (HTTP 400)."""


class UnsupportedMediaType(UdkastError):
    """The input is neither YAML nor JSON (HTTP 415)."""


class InputTooLarge(UdkastError):
    """The input is larger than the service accepts (HTTP 413)."""


class InvalidContent(UdkastError):
    """The document was read but breaks rules of the content format (HTTP 422)."""

    def __init__(self, problems: list[Problem]):
        ordered = sorted(set(problems), key=_path_order)
        self.total = len(ordered)
        if len(ordered) > MAX_PROBLEMS:
            # A hostile document can break one rule ten thousand times; the first few
            # hundred say what to fix, and the answer stays small.
            rest = len(ordered) - MAX_PROBLEMS
            ordered = [*ordered[:MAX_PROBLEMS], Problem("", f"and {rest} more problems")]
        self.problems = ordered
        super().__init__("; ".join(str(p) for p in self.problems))


def _path_order(problem: Problem) -> tuple[object, ...]:
    """Sort key that orders `visions[10]` after `visions[2]`."""
    parts: list[object] = []
    for chunk in problem.path.replace("]", "").replace("[", ".").split("."):
        # isdigit() alone is true for "²", which int() refuses: only ASCII digits are indexes.
        index = chunk.isascii() and chunk.isdigit()
        parts.append((0, int(chunk), "") if index else (1, 0, chunk))
    return (tuple(parts), problem.message)
