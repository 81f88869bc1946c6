"""Word comments read back as consultation input the next draft must answer.

Every comment in the file becomes a `pending` input: `from` its author, `date` its date,
`input` its text with the commented words quoted, `affects` the part it is anchored in
(the udkast field control around it). Replies stay with the comment they answer. A
comment imported before (same author, date and text) is not imported again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.editing import propose_id
from core.shortening import shortened
from core.wordfile.package import WordPackage
from core.wordfile.richtext import Revisions, runs_text, w

W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
QUOTE_ROOM = 200  # characters of the commented words quoted in the input
TAG_PREFIX = "udkast:"


@dataclass(frozen=True)
class Comment:
    """One comment as Word keeps it, with where it is anchored."""

    ident: str
    author: str
    date: str | None  # YYYY-MM-DD
    text: str
    quoted: str
    affects: tuple[str, ...]
    parent: str | None  # the comment this one answers (a reply)


def read_comments(package: WordPackage, revisions: Revisions = "accept") -> list[Comment]:
    """Return the file's comments in the order they appear, replies after their comment."""
    main = package.main_part
    parts = {r.type: r.target for r in package.relationships(main)}
    comments_part = parts.get(COMMENTS)
    if comments_part is None:
        return []
    texts: dict[str, tuple[str, str | None, str]] = {}
    para_of: dict[str, str] = {}
    for comment in package.xml(comments_part).iter(w("comment")):
        ident = comment.get(w("id"), "")
        paragraphs = [runs_text(p, revisions).strip() for p in comment.iter(w("p"))]
        date = (comment.get(w("date")) or "")[:10] or None
        author = (comment.get(w("author")) or "").strip()
        last_para = [p.get(f"{{{W14}}}paraId") for p in comment.iter(w("p"))]
        texts[ident] = (author, date, "\n".join(p for p in paragraphs if p))
        if last_para and last_para[-1]:
            para_of[last_para[-1]] = ident
    parents = _parents(package, parts.get(COMMENTS_EXTENDED), para_of)
    anchors = _anchors(package.xml(main), revisions)
    out = []
    for ident, (author, date, text) in texts.items():
        quoted, affects = anchors.get(ident, ("", ()))
        out.append(Comment(ident, author, date, text, quoted, affects, parents.get(ident)))
    return out


def add_inputs(data: dict[str, Any], comments: Iterable[Comment]) -> int:
    """Add each new comment (with its replies) to the content's consultation; return how many."""
    consultation: list[dict[str, Any]] = data.setdefault("consultation", [])
    listed = list(comments)
    replies: dict[str, list[Comment]] = {}
    for comment in listed:
        if comment.parent is not None:
            replies.setdefault(comment.parent, []).append(comment)
    seen = {(c.get("from"), str(c.get("date") or ""), c.get("input")) for c in consultation}
    taken = {str(c.get("id")) for c in consultation}
    added = 0
    for comment in listed:
        if comment.parent is not None:
            continue
        text = _input_text(comment, replies.get(comment.ident, []))
        author = comment.author or "Word"
        if (author, comment.date or "", text) in seen:
            continue  # imported from an earlier round already
        ident = propose_id(f"{author} {comment.date or ''}", taken)
        taken.add(ident)
        entry: dict[str, Any] = {"id": ident, "from": author, "input": text, "status": "pending"}
        if comment.date:
            entry["date"] = comment.date
        if comment.affects:
            entry["affects"] = list(comment.affects)
        consultation.append(entry)
        seen.add((author, comment.date or "", text))
        added += 1
    return added


def _input_text(comment: Comment, replies: list[Comment]) -> str:
    quoted = f"«{shortened(comment.quoted, QUOTE_ROOM)}»: " if comment.quoted else ""
    text = quoted + comment.text
    for reply in replies:
        text += f"\n{reply.author or 'Word'}: {reply.text}"
    return text


def _parents(
    package: WordPackage, extended: str | None, para_of: Mapping[str, str]
) -> dict[str, str]:
    """Return reply -> parent comment ids from commentsExtended (Word 2013 and later)."""
    if extended is None:
        return {}
    out: dict[str, str] = {}
    for entry in package.xml(extended).iter(f"{{{W15}}}commentEx"):
        parent = entry.get(f"{{{W15}}}paraIdParent")
        own = entry.get(f"{{{W15}}}paraId")
        if parent and own and own in para_of and parent in para_of:
            out[para_of[own]] = para_of[parent]
    return out


def _anchors(root: Any, revisions: Revisions) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Return each comment's commented words and the parts (ids) it is anchored in."""
    open_ranges: dict[str, list[str]] = {}
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    places: dict[str, set[str]] = {}
    for element in root.iter():
        tag = element.tag
        if tag == w("commentRangeStart"):
            ident = element.get(w("id"), "")
            open_ranges[ident] = []
            places.setdefault(ident, set()).update(_parts_of(element))
        elif tag == w("commentRangeEnd"):
            ident = element.get(w("id"), "")
            said = "".join(open_ranges.pop(ident, []))
            places.setdefault(ident, set()).update(_parts_of(element))
            found[ident] = (" ".join(said.split()), ())
        elif tag == w("commentReference"):
            ident = element.get(w("id"), "")
            places.setdefault(ident, set()).update(_parts_of(element))
        elif open_ranges and (tag == w("t") or (tag == w("delText") and revisions == "reject")):
            for collected in open_ranges.values():
                collected.append(element.text or "")
    return {
        ident: (found.get(ident, ("", ()))[0], tuple(sorted(places.get(ident, set()))))
        for ident in set(found) | set(places)
    }


def _parts_of(element: Any) -> set[str]:
    """Return the part ids of the udkast controls around an element (innermost first)."""
    out: set[str] = set()
    for ancestor in element.iterancestors(w("sdt")):
        tag = ancestor.find(f"{w('sdtPr')}/{w('tag')}")
        value = tag.get(w("val"), "") if tag is not None else ""
        if value.startswith(TAG_PREFIX):
            part = _part_id(value[len(TAG_PREFIX) :])
            if part != "document":  # the cover's fields are no part an input concerns
                out.add(part)
            break
    return out


def _part_id(place: str) -> str:
    """Return the id a place's part has in `affects`: "visions[a].body" -> "a"."""
    head = place.split(".", 1)[0]
    if "[" in head:
        return head.split("[", 1)[1].rstrip("]")
    return head  # foreword, signs_of_success, timeline, consultation, document
