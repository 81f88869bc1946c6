"""The empty Word template, filled in and read back as the first version of a new strategy.

The template (core/samples, `make word-templates`) holds udkast's controls, each showing
short guidance as Word's placeholder text (`w:showingPlcHdr`, which Word clears once the
person types in it). Reading it: a control still showing its placeholder is empty; a
vision, section, sign-of-success row or timeline row left entirely untouched is left out
(and counted in a warning); the rest is read as any udkast DOCX, onto the template's
content with every text emptied. The slug comes from the title, as in the editor; ids
stay the template's (vision-1, section-1, …), new rows get ids from their text.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from core.editing import propose_id
from core.errors import Problem
from core.labels import labels
from core.samples import WORD_TEMPLATES, word_template_data
from core.wordfile.content import TAG_PREFIX, ReadBack, identity, read_content
from core.wordfile.package import WordPackage
from core.wordfile.richtext import Revisions, runs_text, w

# Lists whose items are a group of controls tagged `<list>[<id>].<field>`.
ITEM_LISTS = ("visions", "sections")
# Tables whose rows are read by the table's control; each cell has a placeholder control.
ROW_TABLES = ("signs_of_success", "timeline")
_OFF = ("0", "false", "off")


def read_template(package: WordPackage, revisions: Revisions = "accept") -> ReadBack:
    """Return the content of a filled-in Word template, and what was left out, as warnings."""
    language = identity(package).language
    guided = word_template_data(language if language in WORD_TEMPLATES else "da")
    body = package.xml(package.main_part).find(w("body"))
    untouched: dict[str, set[str]] = {name: set() for name in ITEM_LISTS}
    left_out = 0
    if body is not None:
        untouched = _untouched_items(body)
        left_out = sum(len(ids) for ids in untouched.values()) + _drop_untouched_rows(body)
        _name_groups(body, guided, untouched, language, revisions)
        _clear_placeholders(body)
    read = read_content(package, _emptied(guided), revisions)
    _tidy(read.data, untouched)
    if left_out:
        read.warnings.append(
            Problem(
                "",
                f"{left_out} part(s) of the template were left as they were and left out",
                code="word_template_untouched",
                args=(("count", str(left_out)),),
            )
        )
    return read


def showing_placeholder(sdt: Any) -> bool:
    """Return whether a content control still shows its placeholder text."""
    flag = sdt.find(f"{w('sdtPr')}/{w('showingPlcHdr')}")
    return flag is not None and (flag.get(w("val")) or "true").lower() not in _OFF


def _place(sdt: Any) -> str:
    tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
    value = tag.get(w("val"), "") if tag is not None else ""
    return value[len(TAG_PREFIX) :] if value.startswith(TAG_PREFIX) else ""


def _tagged(body: Any) -> Iterable[tuple[str, Any]]:
    for sdt in body.iter(w("sdt")):
        if place := _place(sdt):
            yield place, sdt


def _untouched_items(body: Any) -> dict[str, set[str]]:
    """Return the ids of the visions and sections whose every field shows its placeholder."""
    touched: dict[str, dict[str, bool]] = {name: {} for name in ITEM_LISTS}
    for place, sdt in _tagged(body):
        name, _, rest = place.partition("[")
        if name in touched and "]" in rest:
            ident = rest.partition("]")[0]
            seen = touched[name].get(ident, False)
            touched[name][ident] = seen or not showing_placeholder(sdt)
    return {name: {i for i, t in items.items() if not t} for name, items in touched.items()}


def _drop_untouched_rows(body: Any) -> int:
    """Remove the table rows whose every cell still shows its placeholder; count them."""
    dropped = 0
    for place, sdt in list(_tagged(body)):
        if place not in ROW_TABLES:
            continue
        for row in list(sdt.iter(w("tr"))):
            cells = list(row.iter(w("sdt")))
            if cells and all(showing_placeholder(cell) for cell in cells):
                row.getparent().remove(row)
                dropped += 1
    return dropped


def _name_groups(
    body: Any,
    guided: dict[str, Any],
    untouched: dict[str, set[str]],
    language: str,
    revisions: Revisions,
) -> None:
    """Give each group row of the signs of success the title the person gave its vision.

    The template shows a vision's guidance title over its signs; the reader groups a row
    by the title the vision has now. A vision left out leaves its signs cross-cutting.
    """
    by_guidance = {str(v["title"]): str(v["id"]) for v in guided.get("visions", [])}
    titles: dict[str, str] = {}
    for place, sdt in _tagged(body):
        name, _, rest = place.partition("[")
        if name == "visions" and rest.endswith("].title"):
            content = sdt.find(w("sdtContent"))
            empty = showing_placeholder(sdt) or content is None
            titles[rest[: -len("].title")]] = "" if empty else runs_text(content, revisions)
    for place, sdt in _tagged(body):
        if place != "signs_of_success":
            continue
        for row in sdt.iter(w("tr")):
            if len(row.findall(w("tc"))) != 1:
                continue
            shown = "".join(runs_text(p, revisions) for p in row.iter(w("p"))).strip()
            ident = by_guidance.get(shown)
            if ident is None:
                continue  # a title the person wrote: read as it is
            gone = ident in untouched["visions"]
            shared = labels(language)["shared_indicators"]
            _set_text(row, shared if gone else titles.get(ident, ""))


def _set_text(row: Any, text: str) -> None:
    texts = list(row.iter(w("t")))
    for number, element in enumerate(texts):
        element.text = text if number == 0 else ""


def _clear_placeholders(body: Any) -> None:
    """Empty every control still showing its placeholder: guidance is not content."""
    for sdt in list(body.iter(w("sdt"))):
        if not showing_placeholder(sdt):
            continue
        content = sdt.find(w("sdtContent"))
        for run in list(content.iter(w("r"), w("hyperlink"))) if content is not None else []:
            if run.getparent() is not None:
                run.getparent().remove(run)
        date = sdt.find(f"{w('sdtPr')}/{w('date')}")
        if date is not None and w("fullDate") in date.attrib:
            del date.attrib[w("fullDate")]


def _emptied(guided: dict[str, Any]) -> dict[str, Any]:
    """Return the template's content with every text a person fills in emptied."""
    data = copy.deepcopy(guided)
    document = data["document"]
    for key in ("title", "subtitle", "organisation", "draft_label"):
        document[key] = ""
    document.pop("date", None)
    document["authors"] = []
    data["foreword"] = ""
    for vision in data["visions"]:
        vision.update(title="", headline="", body="", commitments=[])
    for sign in data["signs_of_success"]:
        sign["indicator"] = ""
        for key in ("baseline", "target", "data_source"):
            sign.pop(key, None)
    for section in data["sections"]:
        section.update(title="", body="")
    # No date: a row whose date was not filled in is named, never given the template's.
    data["timeline"] = [{"event": "", "state": "planned"} for _ in data["timeline"]]
    return data


def _tidy(data: dict[str, Any], untouched: dict[str, set[str]]) -> None:
    """Leave out the parts left untouched and every empty field; name the strategy."""
    for name, ids in untouched.items():
        data[name] = [item for item in data.get(name) or [] if item.get("id") not in ids]
    visions = {v.get("id") for v in data.get("visions") or []}
    for sign in data.get("signs_of_success") or []:
        if sign.get("vision") not in visions:
            sign.pop("vision", None)
    _drop_empty(data)
    document = data.setdefault("document", {})
    _drop_empty(document)
    for name in (*ITEM_LISTS, "signs_of_success", "timeline"):
        for item in data.get(name) or []:
            _drop_empty(item)
    # The slug as the editor proposes it from a title; without a title the validation
    # names the title, not a slug the person never saw.
    title = str(document.get("title") or "").strip()
    document["slug"] = propose_id(title, ()) if title else "strategi"


def _drop_empty(mapping: dict[str, Any]) -> None:
    for key in [k for k, v in mapping.items() if v in ("", None, [])]:
        if key != "visions":  # no visions at all is the validation's to name
            del mapping[key]
