"""Helpers for the store tests: content variants and row counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import content
from store.base import Base


def variant(strategy: content.Strategy, **document: Any) -> content.Strategy:
    """Return the strategy with some `document` fields changed (slug, title, ...)."""
    data = strategy.to_data()
    data["document"].update(document)
    return content.validate(data)


def without_inputs(strategy: content.Strategy) -> content.Strategy:
    """Return the strategy without consultation inputs: its build has the draft's files only."""
    return strategy.model_copy(update={"consultation": []})


def count(session: Session, model: type[Base]) -> int:
    """Return the number of rows of a table."""
    return session.scalar(select(func.count()).select_from(model)) or 0
