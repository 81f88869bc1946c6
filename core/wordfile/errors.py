"""The refusals of an uploaded Word file: the project's errors, each with a code and values.

`MalformedInput` already carries a code; the size and media type refusals here carry one
too, so `core.problem_text` can word every refusal of a Word file in a person's language.
"""

from __future__ import annotations

from core.errors import (
    Args,
    InputTooLarge,
    MalformedInput,
    Problem,
    UdkastError,
    UnsupportedMediaType,
)


class _Coded(UdkastError):
    """A refusal that says what is wrong by code and values, as `MalformedInput` does."""

    def __init__(self, message: str, *, code: str, values: Args = ()):
        super().__init__(message)
        self.code = code
        self.values = values

    @property
    def problem(self) -> Problem:
        """Return this refusal as a Problem of the whole document."""
        return Problem("", str(self), code=self.code, args=self.values)


class WordFileTooLarge(_Coded, InputTooLarge):
    """The Word file unpacks to more than we read, or has too many parts (HTTP 413)."""


class WordFileUnsupported(_Coded, UnsupportedMediaType):
    """A file of a kind we do not read: an old .doc, a macro-enabled or Strict file (HTTP 415)."""


def malformed(message: str, *, code: str, **values: str) -> MalformedInput:
    """Return a MalformedInput for a broken Word file, its values given by name."""
    return MalformedInput(message, code=code, values=tuple(values.items()))


def too_large(message: str, *, code: str, **values: str) -> WordFileTooLarge:
    """Return a WordFileTooLarge with its values given by name."""
    return WordFileTooLarge(message, code=code, values=tuple(values.items()))


def unsupported(message: str, *, code: str, **values: str) -> WordFileUnsupported:
    """Return a WordFileUnsupported with its values given by name."""
    return WordFileUnsupported(message, code=code, values=tuple(values.items()))
