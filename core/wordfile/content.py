"""A DOCX udkast made, edited in Word, read back as the content of the next draft.

udkast's DOCX holds every field a person may edit in a content control tagged with its
place (`udkast:visions[det-hele-liv].headline`) and, in a custom XML part, the slug and
the ids of each list (worker/render/docx/controls.py and customxml.py). Reading it back
starts from the content the file was made from and puts in what each control holds now:
one-line fields as text, dates from Word's date picker, rich text as Markdown, a
vision's commitments as its list's items. What cannot come back yet is kept from the
content and named in a warning, never dropped without a word.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from core.errors import Problem
from core.markdown_out import same_blocks, to_markdown
from core.richtext import Block, ListBlock, RichTextError, parse, plain_text
from core.wordfile.errors import malformed
from core.wordfile.outside import outside_texts, typed_outside
from core.wordfile.package import WordPackage
from core.wordfile.richtext import Revisions, WordStyles, read_blocks, read_styles, runs_text, w
from core.wordfile.tables import (
    read_authors,
    read_consultation,
    read_signs,
    read_timeline,
    table_rows,
)

NAMESPACE = "https://udkast.dk/ns/strategy/v1"
TAG_PREFIX = "udkast:"
# The tables are read back in a later step; until then they come from the content.
LISTS = ("visions", "signs_of_success", "sections", "consultation")


@dataclass(frozen=True)
class Identity:
    """What the file says of itself in its custom XML: the strategy and its lists' ids."""

    slug: str
    language: str
    ids: Mapping[str, tuple[str, ...]]
    # Hashes of the text printed outside the fields (None: a file made before they were
    # listed, whose text outside the fields is not compared).
    printed: tuple[str, ...] | None = None
    # The empty Word template (no slug): read by core.wordfile.template as a new strategy.
    template: bool = False
    # Where each timeline row, shown in date order, stands in the content (None: a file
    # made before the timeline was sorted, whose rows are in the content's order).
    timeline_order: tuple[int, ...] | None = None


@dataclass
class ReadBack:
    """The content read from the file, and what could not come back, for the person."""

    data: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)


def identity(package: WordPackage) -> Identity:
    """Return the strategy the file was made from, or refuse a DOCX udkast did not make."""
    for name in package.part_names:
        if not name.lower().startswith("customxml/item") or "props" in name.lower():
            continue
        root = package.xml(name)
        if root.tag != f"{{{NAMESPACE}}}udkast":
            continue
        slug = (root.findtext(f"{{{NAMESPACE}}}slug") or "").strip()
        language = (root.findtext(f"{{{NAMESPACE}}}language") or "da").strip()
        ids = {
            name: tuple(
                (item.text or "").strip()
                for item in root.iterfind(f"{{{NAMESPACE}}}{name}/{{{NAMESPACE}}}id")
            )
            for name in LISTS
        }
        outside = root.find(f"{{{NAMESPACE}}}outside")
        printed = (
            tuple((t.text or "").strip() for t in outside.iterfind(f"{{{NAMESPACE}}}text"))
            if outside is not None
            else None
        )
        template = (root.findtext(f"{{{NAMESPACE}}}template") or "").strip() == "true"
        order = root.find(f"{{{NAMESPACE}}}timeline_order")
        timeline_order = (
            tuple(_index(i.text) for i in order.iterfind(f"{{{NAMESPACE}}}i"))
            if order is not None
            else None
        )
        if slug or template:
            return Identity(slug, language, ids, printed, template, timeline_order)
    raise malformed(
        "this Word file was not made by udkast: it has no udkast fields; upload the DOCX "
        "udkast made for a draft, or write in the editor",
        code="word_not_ours",
    )


def read_content(
    package: WordPackage, base: Mapping[str, Any], revisions: Revisions = "accept"
) -> ReadBack:
    """Return the content of `base` with every field the file holds put in, and warnings."""
    data = copy.deepcopy(dict(base))
    result = ReadBack(data)
    main = package.main_part
    links = {r.id: r.target for r in package.relationships(main) if r.external}
    styles = read_styles(
        _optional(package, "word/styles.xml"), _optional(package, "word/numbering.xml"), links
    )
    body = package.xml(main).find(w("body"))
    if body is None:
        return result
    seen: set[str] = set()
    for sdt in body.iter(w("sdt")):
        tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
        place = tag.get(w("val"), "") if tag is not None else ""
        if not place.startswith(TAG_PREFIX):
            # Untagged: udkast's own markers, or a control Word adds. Tagged otherwise: a
            # control someone else made, whose text belongs to no field of the content.
            if place and "".join(t.text or "" for t in sdt.iter(w("t"))).strip():
                result.warnings.append(
                    Problem(
                        "",
                        f"a content control tagged {place[:60]!r} is not one of udkast's; "
                        "its text was left out",
                        code="word_foreign_control",
                        args=(("tag", place[:60]),),
                    )
                )
            continue
        place = place[len(TAG_PREFIX) :]
        seen.add(place)
        _put(result, place, sdt, styles, revisions)
    if not seen:
        # The strategy is named, but every field is gone: the file was saved by a program
        # that drops Word's content controls (LibreOffice Writer does). Reading it would
        # silently give the draft it came from.
        raise malformed(
            "the Word file names its strategy but holds none of udkast's fields: it was "
            "saved by a program that removes them (LibreOffice does); edit the DOCX in "
            "Microsoft Word, or make the changes in the editor",
            code="word_fields_lost",
        )
    made_from = identity(package)
    if "timeline" in seen:  # read from the table, in its date order
        _content_order(result.data, made_from.timeline_order)
    printed = made_from.printed
    if printed is not None:
        found = outside_texts(body, styles.names, revisions)
        result.warnings.extend(typed_outside(found, printed, result.data))
    return result


def _content_order(data: dict[str, Any], order: tuple[int, ...] | None) -> None:
    """Put the timeline's rows, read in date order, back in the content's own order.

    Only when the table still has the rows it was made with: a row added or removed is
    an edit, and the new timeline keeps the table's order.
    """
    timeline = data.get("timeline")
    if not order or not isinstance(timeline, list) or len(timeline) != len(order):
        return
    if sorted(order) != list(range(len(order))):
        return  # not a permutation: not ours to trust
    ordered: list[Any] = [None] * len(order)
    for shown, position in enumerate(order):
        ordered[position] = timeline[shown]
    data["timeline"] = ordered


def _index(text: str | None) -> int:
    """Return a list position written in the custom XML (-1 when it is not a number)."""
    value = (text or "").strip()
    return int(value) if value.isdigit() and len(value) < 6 else -1


def _put(result: ReadBack, place: str, sdt: Any, styles: WordStyles, revisions: Revisions) -> None:
    """Put what one control holds into the content at its place."""
    tables = {
        "signs_of_success": read_signs,
        "timeline": read_timeline,
        "consultation": read_consultation,
    }
    if place in tables:
        language = str(result.data.get("document", {}).get("language") or "da")
        tables[place](table_rows(sdt, revisions), result.data, language, result.warnings)
        return
    if place == "document.authors":
        read_authors([runs_text(p, revisions).strip() for p in sdt.iter(w("p"))], result.data)
        return
    content = sdt.find(w("sdtContent"))
    if content is None:
        return
    target = _locate(result.data, place)
    if target is None:
        result.warnings.append(
            Problem(
                "",
                f"the field {place} is not in the draft (a new part, say); it was left out",
                code="word_unknown_place",
                args=(("tag", place),),
            )
        )
        return
    holder, key = target
    properties = sdt.find(w("sdtPr"))
    date = properties.find(w("date")) if properties is not None else None
    if date is not None:
        full = (date.get(w("fullDate")) or "")[:10]
        if full:
            holder[key] = full
        return
    if sdt.getparent().tag == w("p"):  # a one-line field: the text of its runs
        text = runs_text(content, revisions).strip()
        if text != str(holder.get(key) or "").strip():  # unchanged keeps it as written
            holder[key] = text or None
        return
    blocks = read_blocks(content.iter(w("p")), styles, revisions)
    if key == "commitments":  # plain lines, one a list item (or paragraph) in Word
        lines: list[str] = []
        for block in blocks:
            parts = block.items if isinstance(block, ListBlock) else ((block,),)
            lines.extend(text for part in parts if (text := plain_text(part).strip()))
        if lines != [str(c).strip() for c in holder.get(key) or []]:
            holder[key] = lines
        return
    # Unchanged text keeps its Markdown as the person wrote it (line breaks, `_` or `*`),
    # so a file sent back without edits is the same content, and no new version.
    before = holder.get(key)
    if isinstance(before, str) and _same(before, blocks):
        return
    holder[key] = to_markdown(blocks) or None


def _same(markdown: str, blocks: tuple[Block, ...]) -> bool:
    try:
        return same_blocks(parse(markdown), blocks)
    except RichTextError:
        return False


def _locate(data: dict[str, Any], place: str) -> tuple[dict[str, Any], str] | None:
    """Return the mapping and key a place names (`visions[id].headline`), if it exists."""
    head, _, key = place.rpartition(".")
    if not head:
        return (data, key) if key in ("foreword",) else None
    if head == "document":
        document = data.setdefault("document", {})
        return document, key
    name, _, ident = head.partition("[")
    ident = ident.rstrip("]")
    for item in data.get(name) or []:
        if isinstance(item, dict) and item.get("id") == ident:
            return item, key
    return None


def _optional(package: WordPackage, part: str) -> etree._Element | None:
    return package.xml(part) if package.has(part) else None


def revisions_by_author(package: WordPackage) -> dict[str, int]:
    """Return how many tracked changes (insertions, deletions) each author made."""
    counts: dict[str, int] = {}
    for tag in ("ins", "del"):
        for change in package.xml(package.main_part).iter(w(tag)):
            author = (change.get(w("author")) or "").strip() or "?"
            counts[author] = counts.get(author, 0) + 1
    return counts


def revisions_note(counts: Mapping[str, int], revisions: str) -> Problem | None:
    """Return what to say of the tracked changes: read as accepted, as rejected, or refused."""
    if not counts:
        return None
    total = sum(counts.values())
    who = ", ".join(f"{author} ({n})" for author, n in sorted(counts.items()))
    args = (("count", str(total)), ("who", who))
    if revisions == "refuse":
        message = f"the file has {total} tracked changes ({who})"
        return Problem("", message, code="word_revisions_refused", args=args)
    code = "word_revisions_rejected" if revisions == "reject" else "word_revisions_accepted"
    how = "rejected" if revisions == "reject" else "accepted"
    message = f"{total} tracked changes were read as {how}: {who}"
    return Problem("", message, code=code, args=args)
