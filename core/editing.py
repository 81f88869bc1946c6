"""Editing a strategy as data: the empty start, ids from titles, list actions, field names.

The guided editor works on the content format's own data (dicts and lists of text), so
what it saves is checked by the same validator as an upload. A field is named by its
path with `-` between the steps: `visions[1].headline` is the field `visions-1-headline`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.content import FORMAT, LIMITS, MAX_LINE, MAX_RICH, RESERVED_TARGETS
from core.outputs import slugify

# The fields of each kind of repeated item, in the order the form shows them.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "authors": ("name", "role"),
    "visions": ("title", "headline", "id", "body"),
    "signs_of_success": ("indicator", "vision", "baseline", "target", "data_source", "id"),
    "sections": ("title", "id", "body"),
    "timeline": ("date", "event", "state"),
    "consultation": ("from", "date", "input", "response", "status", "affects", "id"),
}
DOCUMENT_FIELDS = (
    "title",
    "subtitle",
    "organisation",
    "slug",
    "language",
    "status",
    "draft_label",
    "date",
)
PARTS = ("visions", "signs_of_success", "sections", "timeline", "consultation")
# Which field of an item its id is proposed from.
ID_SOURCE = {
    "visions": "title",
    "signs_of_success": "indicator",
    "sections": "title",
    "consultation": "from",
}
# Limits the page shows next to a field as it is typed: (characters at most, rich text).
GUIDED = {"headline": (MAX_LINE, False), "body": (MAX_RICH, True), "foreword": (MAX_RICH, True)}
_ID_WORDS = 6  # an id proposed from a long text keeps its first words
_ACTION = re.compile(
    r"^(?P<list>[a-z_]+(?:-(?:\d{1,4}-)?[a-z_]+)?)(?:-(?P<index>\d{1,4}))?"
    r"-(?P<op>add|remove|up|down)$"
)
_LISTS = re.compile(
    r"^(document-authors|visions|signs_of_success|sections|timeline|consultation"
    r"|visions-\d{1,4}-commitments)$"
)


class UnknownAction(ValueError):
    """The form asked for an action on a list the format does not have."""


@dataclass(frozen=True)
class ActionResult:
    """What an action did: the field that should have the focus, and a note for the person."""

    focus: str
    note: str = ""


def empty_strategy() -> dict[str, Any]:
    """Return the data of a new, empty strategy: one empty vision to start from."""
    return {
        "format": FORMAT,
        "document": {"language": "da", "status": "draft"},
        "visions": [{}],
    }


def field_id(path: str) -> str:
    """Return the form field of an API path: `visions[1].headline` → `visions-1-headline`."""
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")


def anchor_for(path: str, known: Iterable[str]) -> str:
    """Return the nearest field the page shows for a problem's path ("" for the whole)."""
    shown = set(known)
    steps = field_id(path).split("-") if path else []
    while steps:
        candidate = "-".join(steps)
        if candidate in shown:
            return candidate
        steps.pop()
    return ""


def propose_id(text: str, taken: Iterable[str]) -> str:
    """Propose an id from a title: its first words slugified, made unique with -2, -3, …."""
    words = " ".join(str(text).split()[:_ID_WORDS])
    base = slugify(words)[:56].strip("-") or "del"
    used = set(taken) | set(RESERVED_TARGETS)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def fill_ids(data: dict[str, Any]) -> None:
    """Give every part without an id one proposed from its title, and the slug from the title."""
    document = data.get("document")
    if isinstance(document, dict) and not document.get("slug") and document.get("title"):
        document["slug"] = propose_id(document["title"], ())
    taken = {str(item.get("id")) for item in _items(data) if item.get("id")}
    for kind, source in ID_SOURCE.items():
        for item in data.get(kind) or []:
            if isinstance(item, dict) and not item.get("id") and item.get(source):
                item["id"] = propose_id(str(item[source]), taken)
                taken.add(item["id"])


def _items(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [item for kind in ID_SOURCE for item in (data.get(kind) or []) if isinstance(item, dict)]


def apply_action(data: dict[str, Any], action: str) -> ActionResult:
    """Add, remove or move an item of a list, in place, e.g. `visions-2-up`, `timeline-add`."""
    match = _ACTION.match(action)
    if match is None or not _LISTS.match(match["list"]):
        raise UnknownAction(f"no such action: {action[:60]!r}")
    name, op = match["list"], match["op"]
    items = _list_at(data, name)
    kind = name.rsplit("-", 1)[-1]
    if op == "add":
        if len(items) >= LIMITS[kind]:
            return ActionResult(f"{name}-add", f"Der kan højst være {LIMITS[kind]}.")
        items.append("" if kind == "commitments" else _new_item(kind))
        return ActionResult(_first_field(name, len(items) - 1, kind))
    if match["index"] is None:
        raise UnknownAction(f"no such action: {action[:60]!r}")
    index = int(match["index"])
    if index >= len(items):
        return ActionResult(f"{name}-add")  # the item was removed meanwhile: nothing to do
    if op == "remove":
        del items[index]
        if not items:
            return ActionResult(f"{name}-add")
        return ActionResult(f"{name}-{min(index, len(items) - 1)}")
    target = index - 1 if op == "up" else index + 1
    if not 0 <= target < len(items):
        return ActionResult(f"{name}-{index}-{op}")
    items[index], items[target] = items[target], items[index]
    # The same button on the moved item, so pressing it again moves it further.
    return ActionResult(f"{name}-{target}-{op}")


def _new_item(kind: str) -> dict[str, Any]:
    if kind == "timeline":
        return {"state": "planned"}
    if kind == "consultation":
        return {"status": "pending"}
    return {}


def _first_field(name: str, index: int, kind: str) -> str:
    if kind == "commitments":
        return f"{name}-{index}"
    return f"{name}-{index}-{ITEM_FIELDS[kind][0]}"


def _list_at(data: dict[str, Any], name: str) -> list[Any]:
    """Return the list a field name prefix points at, creating it (and its parents) if absent."""
    steps = name.split("-")
    holder: Any = data
    for i, step in enumerate(steps[:-1]):
        if step.isdigit():
            index = int(step)
            if not isinstance(holder, list) or index >= len(holder):
                raise UnknownAction(f"no item {'-'.join(steps[: i + 1])!r}")
            holder = holder[index]
        else:
            holder = holder.setdefault(step, [] if steps[i + 1].isdigit() else {})
    if not isinstance(holder, dict):
        raise UnknownAction(f"no list {name!r}")
    found = holder.get(steps[-1])
    if not isinstance(found, list):
        found = holder[steps[-1]] = []
    return found


def word_count(text: str) -> int:
    """Return how many words a text has (runs between spaces)."""
    return len(str(text).split())


def targets(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (id, name) of every part a consultation input may concern, in document order."""
    out = [("foreword", "Forord")]
    for kind, source, word in (
        ("visions", "title", "Vision"),
        ("signs_of_success", "indicator", "Tegn på succes"),
        ("sections", "title", "Afsnit"),
    ):
        for n, item in enumerate(data.get(kind) or [], start=1):
            if isinstance(item, dict) and item.get("id"):
                title = " ".join(str(item.get(source) or "").split())
                short = title if len(title) <= 50 else title[:49] + "…"
                out.append((str(item["id"]), f"{word} {n}: {short}" if short else f"{word} {n}"))
    out += [
        ("signs_of_success", "Tegn på succes (alle)"),
        ("timeline", "Tidsplan"),
        ("layout", "Layout"),
    ]
    return out
