"""Hypothesis strategies for pairs of valid drafts: a generated draft and an edit of it.

The edits are the ones a committee makes between two drafts: texts reworded, reflowed
or rewritten, paragraphs split and joined, parts added, removed and moved (visions,
indicators, sections, milestones, consultation inputs), values changed (states,
statuses, dates, what an input affects) and metadata changed. Ids come from small
pools and every reference is repaired after an edit, so every pair is valid.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from core.content import Strategy, validate

Data = dict[str, Any]

WORDS = ["Et", "godt", "liv", "ven", "og", "12.000", "borgere", "i", "job", "Alle", "skal"]
WORDS += ["have", "en", "2018-03-02", "æble", "–", "sundhed", "(fælles)", "7,5", "%"]
DATES = [f"2018-{m:02d}-{d:02d}" for m in (1, 3, 5, 9) for d in (2, 15)]
POOLS = {
    "visions": ["v1", "v2", "v3", "v4", "v5"],
    "signs_of_success": ["i1", "i2", "i3", "i4"],
    "sections": ["s1", "s2", "s3"],
    "consultation": ["c1", "c2", "c3", "c4"],
}
RESERVED = ["foreword", "signs_of_success", "timeline", "layout"]

line = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
word = st.sampled_from(WORDS)
inline = st.one_of(
    word,
    word.map(lambda w: f"*{w}*"),
    word.map(lambda w: f"**{w}**"),
    word.map(lambda w: f"[{w}](https://example.org/{len(w)})"),
)
sentence = st.lists(inline, min_size=1, max_size=7).map(" ".join)
block = st.one_of(
    sentence,
    sentence,
    st.lists(sentence, min_size=1, max_size=3).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
    st.lists(sentence, min_size=1, max_size=3).map(
        lambda xs: "\n".join(f"{n}. {x}" for n, x in enumerate(xs, 1))
    ),
)
rich = st.lists(block, min_size=1, max_size=4).map("\n\n".join)


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    return draw(strategy) if draw(st.booleans()) else None


def _vision(draw: st.DrawFn, ident: str) -> Data:
    data: Data = {"id": ident, "title": draw(line), "headline": draw(line)}
    if draw(st.booleans()):
        data["body"] = draw(rich)
    data["commitments"] = draw(st.lists(line, max_size=3))
    return data


def _indicator(draw: st.DrawFn, ident: str, visions: list[str]) -> Data:
    data = {"id": ident, "indicator": draw(line), "vision": _maybe(draw, st.sampled_from(visions))}
    for name in ("baseline", "target", "data_source"):
        data[name] = _maybe(draw, line)
    return _clean(data)


def _section(draw: st.DrawFn, ident: str) -> Data:
    return _clean({"id": ident, "title": draw(line), "body": _maybe(draw, rich)})


def _milestone(draw: st.DrawFn) -> Data:
    states = st.sampled_from(["done", "planned", "cancelled"])
    return {"date": draw(st.sampled_from(DATES)), "event": draw(line), "state": draw(states)}


def _input(draw: st.DrawFn, ident: str) -> Data:
    statuses = st.sampled_from(["incorporated", "partly", "declined", "pending"])
    data = {
        "id": ident,
        "from": draw(st.sampled_from(["HovedMED", "FællesMED", "Handicaprådet"])),
        "date": _maybe(draw, st.sampled_from(DATES)),
        "input": draw(line),
        "response": _maybe(draw, line),
        "status": draw(statuses),
        "affects": draw(st.lists(st.sampled_from(_targets_pool()), max_size=3, unique=True)),
    }
    return _clean(data)


def _targets_pool() -> list[str]:
    return [*POOLS["visions"], *POOLS["signs_of_success"], *POOLS["sections"], *RESERVED]


def _document(draw: st.DrawFn) -> Data:
    authors = st.lists(
        st.builds(lambda n, r: _clean({"name": n, "role": r}), line, st.none() | line),
        max_size=2,
    )
    return _clean(
        {
            "slug": "strategi",
            "title": draw(line),
            "subtitle": _maybe(draw, line),
            "organisation": _maybe(draw, line),
            "language": draw(st.sampled_from(["da", "en"])),
            "status": draw(st.sampled_from(["draft", "consultation", "final"])),
            "draft_label": _maybe(draw, st.sampled_from(["Udkast 1", "Udkast 2", "Høring"])),
            "date": _maybe(draw, st.sampled_from(DATES)),
            "authors": draw(authors),
        }
    )


def _ids(draw: st.DrawFn, key: str, min_size: int = 0) -> list[str]:
    pool = st.sampled_from(POOLS[key])
    return draw(st.lists(pool, min_size=min_size, max_size=3, unique=True))


@st.composite
def draft_data(draw: st.DrawFn) -> Data:
    """A valid strategy as plain data: every kind of part, ids from small pools."""
    visions = [_vision(draw, i) for i in _ids(draw, "visions", min_size=2)]
    vision_ids = [v["id"] for v in visions]
    data: Data = {
        "format": "strategy/v1",
        "document": _document(draw),
        "foreword": _maybe(draw, rich),
        "visions": visions,
        "signs_of_success": [
            _indicator(draw, i, vision_ids) for i in _ids(draw, "signs_of_success")
        ],
        "sections": [_section(draw, i) for i in _ids(draw, "sections")],
        "timeline": [_milestone(draw) for _ in range(draw(st.integers(0, 3)))],
        "consultation": [_input(draw, i) for i in _ids(draw, "consultation")],
    }
    return _repair(_clean(data))


def _clean(data: Data) -> Data:
    return {k: v for k, v in data.items() if v is not None}


def _repair(data: Data) -> Data:
    """Drop references to parts that are gone, so the edited draft stays valid."""
    visions = {v["id"] for v in data["visions"]}
    for indicator in data.get("signs_of_success", []):
        if indicator.get("vision") not in visions:
            indicator.pop("vision", None)
    targets = set(RESERVED) | visions
    targets |= {i["id"] for i in data.get("signs_of_success", [])}
    targets |= {s["id"] for s in data.get("sections", [])}
    for entry in data.get("consultation", []):
        entry["affects"] = [t for t in entry.get("affects", []) if t in targets]
    return data


# --- Edits ---------------------------------------------------------------------------------

TEXT_FIELDS = {
    "visions": ["title", "headline", "body"],
    "signs_of_success": ["indicator", "baseline", "target", "data_source"],
    "sections": ["title", "body"],
    "timeline": ["event"],
    "consultation": ["from", "input", "response"],
}
RICH = ("body",)
OPTIONAL = {"body", "baseline", "target", "data_source", "response"}


def _edit_text(draw: st.DrawFn, value: str, is_rich: bool) -> str:
    """Reflow (whitespace only), or reword, insert, delete, split paragraphs, rewrite a text."""
    words = value.split(" ")
    if draw(st.integers(0, 3)) == 0:  # whitespace only: no change a reader would see
        gap = draw(st.sampled_from(["  ", "\n"] if is_rich else ["  ", "\n", "\t"]))
        if len(words) < 2:
            return value + " "
        at = draw(st.integers(1, len(words) - 1))
        return " ".join(words[:at]) + gap + " ".join(words[at:])
    how = draw(st.sampled_from(["reword", "insert", "delete", "paragraphs", "new"]))
    if how == "new":
        return draw(rich if is_rich else line)
    if how == "paragraphs" and is_rich:
        if "\n\n" in value and draw(st.booleans()):
            return value.replace("\n\n", "\n\n" + draw(sentence) + "\n\n", 1)
        return value + "\n\n" + draw(block)
    at = draw(st.integers(0, max(0, len(words) - 1)))
    if how == "delete" and len(words) > 1:
        del words[at]
    elif how == "insert" or how == "paragraphs":
        words.insert(at, draw(word))
    else:
        words[at] = draw(word)
    out = " ".join(words)
    return out if out.strip() and not out.lstrip().startswith(("-", "1.", "2.", "3.")) else value


def _edit_part(draw: st.DrawFn, data: Data, key: str) -> None:
    items = data.setdefault(key, [])
    if not items:
        return
    item = draw(st.sampled_from(items))
    names = [*TEXT_FIELDS[key], *_value_fields(key)]
    chosen = [name for name in names if draw(st.integers(0, 2)) == 0] or [
        draw(st.sampled_from(names))
    ]
    for name in chosen:
        _edit_field(draw, data, key, item, name)


def _edit_field(draw: st.DrawFn, data: Data, key: str, item: Data, name: str) -> None:
    if name in _value_fields(key):
        _edit_value(draw, data, key, item, name)
    elif name in item:
        if name in OPTIONAL and draw(st.integers(0, 4)) == 0:
            del item[name]
        else:
            item[name] = _edit_text(draw, item[name], name in RICH)
    else:
        item[name] = draw(rich if name in RICH else line)


def _value_fields(key: str) -> list[str]:
    return {
        "visions": ["commitments"],
        "signs_of_success": ["vision"],
        "sections": [],
        "timeline": ["date", "state"],
        "consultation": ["date", "status", "affects"],
    }[key]


def _edit_value(draw: st.DrawFn, data: Data, key: str, item: Data, name: str) -> None:
    if name == "commitments":
        items = item.setdefault("commitments", [])
        how = draw(st.sampled_from(["add", "remove", "edit", "move"]))
        if how == "add" and len(items) < 20:
            items.insert(draw(st.integers(0, len(items))), draw(line))
        elif items and how == "remove":
            items.pop(draw(st.integers(0, len(items) - 1)))
        elif items and how == "edit":
            at = draw(st.integers(0, len(items) - 1))
            items[at] = _edit_text(draw, items[at], False)
        elif items:
            items.insert(draw(st.integers(0, len(items) - 1)), items.pop())
    elif name == "vision":
        item["vision"] = draw(st.sampled_from([v["id"] for v in data["visions"]]))
    elif name == "date":
        item["date"] = draw(st.sampled_from(DATES))
    elif name == "state":
        item["state"] = draw(st.sampled_from(["done", "planned", "cancelled"]))
    elif name == "status":
        item["status"] = draw(st.sampled_from(["incorporated", "partly", "declined", "pending"]))
    else:
        item["affects"] = draw(st.lists(st.sampled_from(_targets_pool()), max_size=3, unique=True))


def _add_part(draw: st.DrawFn, data: Data, key: str) -> None:
    items = data.setdefault(key, [])
    at = draw(st.integers(0, len(items)))
    if key == "timeline":
        items.insert(at, _milestone(draw))
        return
    used = {i["id"] for k in POOLS for i in data.get(k, [])}
    free = [i for i in POOLS[key] if i not in used]
    if not free:
        return
    ident = draw(st.sampled_from(free))
    vision_ids = [v["id"] for v in data["visions"]]
    if key == "visions":
        part = _vision(draw, ident)
    elif key == "signs_of_success":
        part = _indicator(draw, ident, vision_ids)
    elif key == "sections":
        part = _section(draw, ident)
    else:
        part = _input(draw, ident)
    items.insert(at, part)


def _remove_part(draw: st.DrawFn, data: Data, key: str) -> None:
    items = data.get(key, [])
    if len(items) > (1 if key == "visions" else 0):
        items.pop(draw(st.integers(0, len(items) - 1)))


def _move_part(draw: st.DrawFn, data: Data, key: str) -> None:
    items = data.get(key, [])
    if len(items) > 1:
        item = items.pop(draw(st.integers(0, len(items) - 1)))
        items.insert(draw(st.integers(0, len(items))), item)


def _edit_document(draw: st.DrawFn, data: Data) -> None:
    document = data["document"]
    authors = document.get("authors", [])
    if authors and draw(st.integers(0, 3)) == 0:  # rename an author or change a role
        author = draw(st.sampled_from(authors))
        if draw(st.booleans()):
            author["name"] = _edit_text(draw, author["name"], False).strip() or author["name"]
        elif "role" in author and draw(st.booleans()):
            del author["role"]
        else:
            author["role"] = draw(line)
        return
    fresh = _document(draw)
    names = ["title", "subtitle", "organisation", "language", "status", "draft_label", "date"]
    chosen = [name for name in names if draw(st.integers(0, 2)) == 0] or ["title"]
    for name in chosen:
        if name in fresh:
            document[name] = fresh[name]
        else:
            document.pop(name, None)


def _edit_foreword(draw: st.DrawFn, data: Data) -> None:
    if "foreword" not in data:
        data["foreword"] = draw(rich)
    elif draw(st.integers(0, 3)) == 0:
        del data["foreword"]
    else:
        data["foreword"] = _edit_text(draw, data["foreword"], True)


KEYS = ["visions", "signs_of_success", "sections", "timeline", "consultation"]
ALL_KEYS = (*KEYS, "document", "foreword")


ACTIONS = {"edit": _edit_part, "add": _add_part, "remove": _remove_part, "move": _move_part}


@st.composite
def edited_data(draw: st.DrawFn, base: Data, keys: Sequence[str] = ALL_KEYS) -> Data:
    """Apply committee edits to a copy of a draft's data: each kind named may be touched."""
    data = copy.deepcopy(base)
    touched = False
    for key in keys:
        if len(keys) > 1 and draw(st.integers(0, 2)) != 0:
            continue
        touched = True
        if key == "document":
            _edit_document(draw, data)
        elif key == "foreword":
            _edit_foreword(draw, data)
        else:
            for _ in range(draw(st.integers(1, 2))):
                action = draw(st.sampled_from(["edit", "edit", "add", "remove", "move"]))
                ACTIONS[action](draw, data, key)
    if not touched:
        _edit_part(draw, data, "visions")
    return _repair(data)


@st.composite
def draft_pairs(draw: st.DrawFn, keys: Sequence[str] = ALL_KEYS) -> tuple[Strategy, Strategy]:
    """A generated draft and an edited version of it (edits to the kinds named), validated."""
    base = draw(draft_data())
    return validate(base), validate(draw(edited_data(base, keys)))


@st.composite
def vision_pairs(draw: st.DrawFn) -> tuple[Strategy, Strategy]:
    """A draft and a version with its visions reordered, edited, added or removed."""
    base = draw(draft_data())
    data = copy.deepcopy(base)
    data["visions"] = list(draw(st.permutations(data["visions"])))
    for vision in data["visions"]:
        for name in ("title", "headline", "body", "commitments"):
            if draw(st.integers(0, 3)) == 0:
                _edit_field(draw, data, "visions", vision, name)
    if draw(st.integers(0, 3)) == 0:
        _add_part(draw, data, "visions")
    if draw(st.integers(0, 3)) == 0:
        _remove_part(draw, data, "visions")
    return validate(base), validate(_repair(data))
