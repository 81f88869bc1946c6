"""The errors the domain raises: each names what is wrong in words a person understands."""

from __future__ import annotations

from dataclasses import dataclass, field

Args = tuple[tuple[str, str], ...]  # a problem's values by name, e.g. (("max", "200"),)

MAX_PROBLEMS = 200  # problems listed in one answer


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a document, with the path of the field it concerns.

    `message` is the English text the API answers with; `code` and `args` say the same
    for a machine, so `core.problem_text` can word it in a person's language. They take
    no part in equality, so a problem is the same problem whoever words it.
    """

    path: str
    message: str
    code: str = field(default="", compare=False)
    args: Args = field(default=(), compare=False)

    def arg(self, name: str, default: str = "") -> str:
        """Return the value named `name`, or `default`."""
        return dict(self.args).get(name, default)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class UdkastError(Exception):
    """Base of every error the domain raises on purpose."""


class CodedValueError(ValueError):
    """A ValueError from our own validators that also carries a problem code and values."""

    def __init__(self, message: str, *, code: str, values: Args = ()):
        super().__init__(message)
        self.code = code
        self.values = values


class MalformedInput(UdkastError):
    """The bytes are not a readable YAML or JSON document (HTTP 400)."""

    def __init__(self, message: str, *, code: str = "", values: Args = ()):
        super().__init__(message)
        self.code = code
        self.values = values

    @property
    def problem(self) -> Problem:
        """Return this refusal as a Problem of the whole document."""
        if self.code:
            return Problem("", str(self), code=self.code, args=self.values)
        return Problem("", str(self), code="malformed", args=(("detail", str(self)),))


class UnsupportedMediaType(UdkastError):
    """The input is neither YAML nor JSON (HTTP 415)."""


class InputTooLarge(UdkastError):
    """The input is larger than the service accepts (HTTP 413)."""


class InvalidContent(UdkastError):
    """The document was read but breaks rules of the content format (HTTP 422)."""

    def __init__(self, problems: list[Problem], data: object = None):
        ordered = sorted(set(problems), key=_path_order)
        self.total = len(ordered)
        if len(ordered) > MAX_PROBLEMS:
            # A hostile document can break one rule ten thousand times; the first few
            # hundred say what to fix, and the answer stays small.
            rest = len(ordered) - MAX_PROBLEMS
            ordered = [
                *ordered[:MAX_PROBLEMS],
                Problem(
                    "",
                    f"and {rest} more problems",
                    code="more_problems",
                    args=(("count", str(rest)),),
                ),
            ]
        self.problems = ordered
        self.data = data  # the parsed document, so a problem can be named by its part's title
        super().__init__("; ".join(str(p) for p in self.problems))


def _path_order(problem: Problem) -> tuple[object, ...]:
    """Sort key that orders `visions[10]` after `visions[2]`."""
    parts: list[object] = []
    for chunk in problem.path.replace("]", "").replace("[", ".").split("."):
        # isdigit() alone is true for "²", which int() refuses: only ASCII digits are indexes.
        index = chunk.isascii() and chunk.isdigit()
        parts.append((0, int(chunk), "") if index else (1, 0, chunk))
    return (tuple(parts), problem.message)
