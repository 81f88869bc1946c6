"""Errors the store raises on purpose; the web layer maps them to HTTP statuses."""

from __future__ import annotations

from core.problems import UdkastError


class NotFound(UdkastError):
    """The build, output or token named does not exist (HTTP 404)."""


class NameTaken(UdkastError):
    """A name that must be unique is in use already (HTTP 409)."""
