"""The signs-of-success and timeline tables of udkast's DOCX, read back as content.

The writer lays them out from the document view (core.view): signs of success in groups
by vision (a row with the vision's title, then a row per indicator: indicator, baseline,
target, data source), the timeline a row per milestone (date, state, event). A person
edits cells, adds rows and deletes rows in Word. Rows are matched to the content's items
by their text, then by position; an item whose row is gone is removed, a new row is a
new item with an id proposed from its text. Unchanged, the content comes back as it was,
in its own order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.editing import propose_id
from core.errors import Problem
from core.labels import labels, parse_date
from core.wordfile.richtext import Revisions, runs_text, w

STATES = ("done", "planned", "cancelled")
EMPTY = ("–", "-", "—")


def table_rows(sdt: Any, revisions: Revisions) -> list[list[str]]:
    """Return the text of each cell of each row of the table in a control, header included."""
    rows = []
    for row in sdt.iter(w("tr")):
        if revisions == "accept" and row.find(f"{w('trPr')}/{w('del')}") is not None:
            continue  # a row deleted with tracking is gone once accepted
        cells = []
        for cell in row.iter(w("tc")):
            paragraphs = [runs_text(p, revisions).strip() for p in cell.iter(w("p"))]
            cells.append("\n".join(p for p in paragraphs if p))
        rows.append(cells)
    return rows


def read_signs(
    rows: list[list[str]], data: dict[str, Any], language: str, warnings: list[Problem]
) -> None:
    """Put the signs-of-success table's rows into the content's `signs_of_success`."""
    base: list[dict[str, Any]] = list(data.get("signs_of_success") or [])
    visions = [v for v in data.get("visions") or [] if isinstance(v, dict)]
    titles: dict[str, list[str]] = {}
    for vision in visions:
        titles.setdefault(str(vision.get("title", "")).strip(), []).append(str(vision.get("id")))
    shared = labels(language)["shared_indicators"]
    # The groups the writer showed, in its order (core.view): each vision with signs, in
    # vision order, then the cross-cutting ones. A group row is read as the next of these
    # when its title fits, so two visions of the same title are still told apart.
    expected: list[str | None] = [
        str(v.get("id")) for v in visions if any(i.get("vision") == v.get("id") for i in base)
    ]
    expected.append(None)
    read: list[tuple[str | None, list[str]]] = []
    group: str | None = None
    at = 0
    for cells in (_flat(r) for r in rows[1:]):  # the first row is the header
        filled = [c for c in cells if c]
        if len(cells) == 1 or (len(filled) == 1 and cells[0] and len(cells) < 4):
            title = cells[0].strip()
            fits = [
                g
                for g in expected[at:]
                if (g is None and title == shared) or g in titles.get(title, [])
            ]
            if fits:
                group = fits[0]
                at = expected.index(group, at) + 1
            elif title in titles:
                group = titles[title][0]
            elif title == shared:
                group = None
            else:
                warnings.append(_note("word_unknown_group", group=title))
            continue
        if not any(cells):
            continue  # an empty row added and left empty
        read.append((group, ([*cells, "", "", "", ""])[:4]))
    matched = _match(
        [(str(i.get("vision") or ""), str(i.get("indicator", "")).strip()) for i in base],
        [(g or "", cells[0]) for g, cells in read],
    )
    taken = {str(i.get("id")) for i in base}
    result: list[dict[str, Any]] = []
    for index, item in enumerate(base):
        if index not in matched.values():
            continue  # its row was deleted
        row = next(r for r, b in matched.items() if b == index)
        result.append(_indicator(item, read[row][1]))
    for row, (group_id, cells) in enumerate(read):
        if row in matched:
            continue
        if not cells[0]:
            warnings.append(_note("word_row_without_text", table="signs_of_success"))
            continue
        ident = propose_id(cells[0], taken)
        taken.add(ident)
        new: dict[str, Any] = {"id": ident}
        if group_id:
            new["vision"] = group_id
        new = _indicator(new, cells)
        # After the last sign of the same vision, so the content reads in the table's order.
        after = max(
            (i for i, r in enumerate(result) if r.get("vision") == new.get("vision")),
            default=len(result) - 1,
        )
        result.insert(after + 1, new)
    data["signs_of_success"] = result


def read_timeline(
    rows: list[list[str]], data: dict[str, Any], language: str, warnings: list[Problem]
) -> None:
    """Put the timeline table's rows into the content's `timeline`, in the table's order."""
    base: list[dict[str, Any]] = list(data.get("timeline") or [])
    read = [([*cells, "", "", ""])[:3] for cells in (_flat(r) for r in rows[1:]) if any(cells)]
    matched = _match(
        [("", str(m.get("event", "")).strip()) for m in base], [("", c[2]) for c in read]
    )
    text = labels(language)
    result: list[dict[str, Any]] = []
    for row, (date_cell, state_cell, event) in enumerate(read):
        item = dict(base[matched[row]]) if row in matched else {}
        when = parse_date(date_cell, language)
        if when is None:
            if "date" not in item:
                warnings.append(_note("word_milestone_date", value=date_cell or "–"))
                continue
            if date_cell:
                warnings.append(_note("word_milestone_date", value=date_cell))
        elif str(item.get("date")) != when.isoformat():
            item["date"] = when.isoformat()
        if event != str(item.get("event", "")).strip():  # unchanged keeps it as written
            item["event"] = event
        state = next((s for s in STATES if text[f"state.{s}"] in state_cell), None)
        if state is not None and state != item.get("state", "planned"):
            item["state"] = state
        result.append(item)
    data["timeline"] = result


def _status(cell: str, statuses: tuple[str, ...], text: Mapping[str, str]) -> str | None:
    """Return the status a cell names: its label, or the start of one ("Delvist")."""
    said = " ".join(cell.split()).casefold()
    if len(said) < 3:
        return None
    names = {s: text[f"status.{s}"].casefold() for s in statuses}
    exact = next((s for s, name in names.items() if name == said), None)
    return exact or next((s for s, name in names.items() if name.startswith(said)), None)


def _flat(cells: list[str]) -> list[str]:
    """Return a row's cells each on one line (a cell's paragraphs joined by spaces)."""
    return [" ".join(cell.split("\n")) for cell in cells]


def _indicator(item: Mapping[str, Any], cells: list[str]) -> dict[str, Any]:
    """Return the indicator with the row's cells put in; unchanged values kept as written."""
    out = dict(item)
    keys = ("indicator", "baseline", "target", "data_source")
    for number, (key, cell) in enumerate(zip(keys, cells, strict=True)):
        before = str(out.get(key) or "").strip()
        # The writer shows a value that is not there as a dash (worker/render/docx/tables.py);
        # a cell as the writer showed it is unchanged, whatever it holds.
        shown = before or ("–" if number else "")
        if cell == shown:
            continue
        value = "" if number and cell in EMPTY else cell
        if value:
            out[key] = value
        else:
            out.pop(key, None)
    return out


def _match(base: list[tuple[str, str]], read: list[tuple[str, str]]) -> dict[int, int]:
    """Return read row -> base item: same group and text first, then in order in a group."""
    matched: dict[int, int] = {}
    used: set[int] = set()
    for row, key in enumerate(read):
        for index, candidate in enumerate(base):
            if index not in used and candidate == key:
                matched[row] = index
                used.add(index)
                break
    # Rows whose text was edited: the group's unmatched items, in order (the table shows
    # a group's items in the content's order).
    for row, (group, _text) in enumerate(read):
        if row in matched:
            continue
        free = next((i for i, b in enumerate(base) if i not in used and b[0] == group), None)
        if free is not None:
            matched[row] = free
            used.add(free)
    return matched


def _note(code: str, **values: str) -> Problem:
    return Problem("", code, code=code, args=tuple(values.items()))


def read_consultation(
    rows: list[list[str]], data: dict[str, Any], language: str, warnings: list[Problem]
) -> None:
    """Put the consultation table's answers, statuses and new rows into the content.

    A row is an input: who and when, what they said and what it concerns, what was done,
    and its status. In Word people mostly write what was done and set the status; a row
    added is a new input. An input whose row is gone is kept (its answer is part of the
    record) and named in a warning.
    """
    original: list[dict[str, Any]] = list(data.get("consultation") or [])
    text = labels(language)
    concerns = f"{text['affects']}:"
    read = []
    for cells in rows[1:]:
        who_cell, said_cell, done_cell, status_cell = [*cells, "", "", "", ""][:4]
        lines = [line for line in said_cell.split("\n") if not line.startswith(concerns)]
        if any((who_cell, said_cell, done_cell)):
            read.append((who_cell.split("\n"), " ".join(lines).strip(), done_cell, status_cell))
    matched = _match(
        [("", " ".join(str(c.get("input", "")).split())) for c in original],
        [("", " ".join(said.split())) for _who, said, _done, _status in read],
    )
    statuses = ("incorporated", "partly", "declined", "pending")
    taken = {str(c.get("id")) for c in original}
    result = list(original)
    for row, (who, said, done, shown_status) in enumerate(read):
        if row in matched:
            item = original[matched[row]]
            if " ".join(said.split()) != " ".join(str(item.get("input", "")).split()):
                item["input"] = said
        elif said:
            source = who[0].strip() or "?"
            ident = propose_id(f"{source} {said[:30]}", taken)
            taken.add(ident)
            item = {"id": ident, "from": source, "input": said, "status": "pending"}
            when = parse_date(who[1], language) if len(who) > 1 else None
            if when is not None:
                item["date"] = when.isoformat()
            result.append(item)
        else:
            continue
        shown = str(item.get("response") or "").strip() or "–"
        if " ".join(done.split()) != " ".join(shown.split()):
            if done and done not in EMPTY:
                item["response"] = done
            else:
                item.pop("response", None)
        status = _status(shown_status, statuses, text)
        if status is not None and status != item.get("status", "pending"):
            item["status"] = status
    for index, item in enumerate(original):
        if index not in matched.values():
            warnings.append(_note("word_input_kept", input=str(item.get("id"))))
    data["consultation"] = result


def read_authors(lines: list[str], data: dict[str, Any]) -> None:
    """Put the cover's author lines ("name, role") into the content's authors, in order."""
    document = data.setdefault("document", {})
    base = list(document.get("authors") or [])
    result = []
    for index, line in enumerate(line for line in lines if line):
        before = base[index] if index < len(base) else {}
        role = before.get("role")
        shown = f"{before.get('name')}, {role}" if role else before.get("name")
        if line == shown:
            result.append(before)
            continue
        name, _, new_role = line.rpartition(", ") if ", " in line else (line, "", "")
        author = {"name": name.strip()}
        if new_role.strip():
            author["role"] = new_role.strip()
        result.append(author)
    if result or base:
        document["authors"] = result
