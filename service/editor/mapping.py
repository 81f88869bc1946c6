"""The editor's form and the content format's data, one into the other.

A field's name is its path with `-` between the steps (core.editing.field_id). The form
is read into the same data an upload parses to, so the same validator checks it. Lists
are rebuilt from the indexes the form sends, in order and at most as long as the format
allows, so a crafted form cannot make the server build a long list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from core.content import FORMAT, LIMITS
from core.editing import DOCUMENT_FIELDS, ITEM_FIELDS, PARTS

# The hidden field that keeps the order of a consultation input's `affects` as stored:
# the checkboxes send them in the page's order, which would otherwise count as a change.
AFFECTS_ORDER = "affects_order"
_INDEX = r"(\d{1,4})"


FormData = MultiDict[str, str]


def form_data(form: FormData) -> dict[str, Any]:
    """Return the strategy data a posted editor form holds (not yet validated)."""
    data: dict[str, Any] = {"format": FORMAT}
    document: dict[str, Any] = {}
    for name in DOCUMENT_FIELDS:
        _put(document, name, form.get(f"document-{name}"))
    authors = [item for _, item in _items(form, "document-authors", "authors")]
    if authors:
        document["authors"] = authors
    data["document"] = document
    _put(data, "foreword", form.get("foreword"))
    for kind in PARTS:
        items = []
        for index, item in _items(form, kind, kind):
            if kind == "visions":
                commitments = _commitments(form, f"visions-{index}-commitments")
                if commitments:
                    item["commitments"] = commitments
            if kind == "consultation":
                _read_affects(form, f"consultation-{index}", item)
            items.append(item)
        if items:
            data[kind] = items
    return data


def _items(form: FormData, prefix: str, kind: str) -> list[tuple[int, dict[str, Any]]]:
    """Return (posted index, item) of each item the form sends under `prefix`, in order."""
    fields = "|".join(re.escape(f) for f in ITEM_FIELDS[kind] if f != "affects")
    pattern = re.compile(rf"^{re.escape(prefix)}-{_INDEX}-({fields}|affects)$")
    found: dict[int, dict[str, Any]] = {}
    for key in form:
        match = pattern.match(key)
        if match is None:
            continue
        item = found.setdefault(int(match[1]), {})
        if match[2] != "affects":
            _put(item, match[2], form.get(key))
    ordered = sorted(found.items())
    return ordered[: LIMITS.get(kind, len(ordered))]


def _commitments(form: FormData, prefix: str) -> list[str]:
    pattern = re.compile(rf"^{re.escape(prefix)}-{_INDEX}$")
    found = {int(m[1]): _text(form.get(key)) for key in form if (m := pattern.match(key))}
    # An empty line is kept: the validator names it, and the person sees where it is.
    return [found[i] for i in sorted(found)][: LIMITS["commitments"]]


def _read_affects(form: FormData, prefix: str, item: dict[str, Any]) -> None:
    chosen = [str(v) for v in form.getlist(f"{prefix}-affects") if str(v).strip()]
    chosen = list(dict.fromkeys(chosen))[: LIMITS["affects"]]
    stored = str(form.get(f"{prefix}-{AFFECTS_ORDER}") or "").split()
    place = {value: i for i, value in enumerate(stored)}
    # Kept where they were; newly ticked ones follow, in the page's order.
    chosen.sort(key=lambda v: place.get(v, len(place)))
    if chosen:
        item["affects"] = chosen


def _put(holder: dict[str, Any], key: str, value: Any) -> None:
    """Set a field from the form, leaving it out when it is empty (the format's "absent")."""
    text = _text(value)
    if text.strip():
        holder[key] = text


def _text(value: Any) -> str:
    # Browsers send a textarea's line breaks as CR LF; the format's texts use LF.
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n")


def field_names(data: Mapping[str, Any]) -> set[str]:
    """Return the name of every field and part the form shows for this data."""
    names = {"document", "foreword", *PARTS, "document-authors"}
    names |= {f"document-{name}" for name in DOCUMENT_FIELDS}
    document = data.get("document") if isinstance(data.get("document"), dict) else {}
    for i, _ in enumerate(_list(document, "authors")):
        names |= {f"document-authors-{i}", *(f"document-authors-{i}-{f}" for f in ("name", "role"))}
    for kind in PARTS:
        for i, item in enumerate(_list(data, kind)):
            names.add(f"{kind}-{i}")
            names |= {f"{kind}-{i}-{f}" for f in ITEM_FIELDS[kind]}
            if kind == "visions" and isinstance(item, dict):
                names.add(f"visions-{i}-commitments")
                for j, _ in enumerate(_list(item, "commitments")):
                    names.add(f"visions-{i}-commitments-{j}")
    return names


def _list(holder: Any, key: str) -> list[Any]:
    found = holder.get(key) if isinstance(holder, dict) else None
    return found if isinstance(found, list) else []
