"""Open an uploaded Word file safely: every refusal before anyone reads its content."""

from __future__ import annotations

from collections import Counter

from lxml import etree

from core.errors import Problem
from core.wordfile import opc
from core.wordfile.archive import macros_refused, unpack
from core.wordfile.errors import too_large, unsupported
from core.wordfile.limits import DEFAULT_LIMITS, WordLimits
from core.wordfile.scan import W, ignored_in_story, quiet_external
from core.wordfile.xmlsafe import parse_part

_NOT_DOCX = (
    "the file is a ZIP archive but not a Word document (.docx): send the DOCX udkast made "
    "for a draft, or write in the editor"
)
_XML_TYPES = ("application/xml", "text/xml")
# Relationships a reader never follows: embedded objects and imported files are ignored.
_IGNORED = {"oleObject", "package", "aFChunk", "control", "activeXControlBinary"}


class WordPackage:
    """An opened Word file: its parts by name, parsed on demand, and what was ignored."""

    def __init__(self, parts: dict[str, bytes], types: opc.ContentTypes, main_part: str):
        self._parts = parts
        self._by_lower = {name.lower(): name for name in parts}
        self._types = types
        self._trees: dict[str, etree._Element] = {}
        self._rels: dict[str, list[opc.Relationship]] = {}
        self.main_part = main_part
        self.warnings: list[Problem] = []

    @property
    def part_names(self) -> list[str]:
        """Return the names of the package's parts, in archive order."""
        return list(self._parts)

    def content_type(self, part: str) -> str:
        """Return the content type of `part`, or "" if the package gives it none."""
        return self._types.of(part)

    def parts_of_type(self, content_type: str) -> list[str]:
        """Return the parts whose content type is `content_type`."""
        return [name for name in self._parts if self._types.of(name) == content_type]

    def has(self, part: str) -> bool:
        """Return whether the package holds `part` (names ignore case, as in OPC)."""
        return part.lower() in self._by_lower

    def data(self, part: str) -> bytes:
        """Return the bytes of `part`; KeyError if there is no such part."""
        return self._parts[self._by_lower[part.lower()]]

    def xml(self, part: str) -> etree._Element:
        """Return the root element of the XML part `part`, parsed safely (and kept)."""
        name = self._by_lower[part.lower()]
        if name not in self._trees:
            self._trees[name] = parse_part(name, self._parts[name])
        return self._trees[name]

    def relationships(self, part: str) -> list[opc.Relationship]:
        """Return the relationships of `part` a reader may follow.

        Internal ones lead to a part the package holds; external ones are hyperlinks or
        the like, whose target is text and is never fetched. Embedded objects, imported
        files and linked images are left out (they are in `warnings`).
        """
        return [r for r in self._all_relationships(part) if self._followable(r)]

    def _all_relationships(self, part: str) -> list[opc.Relationship]:
        if part not in self._rels:
            rels = opc.rels_part(part)
            found = self.has(rels)
            self._rels[part] = opc.relationships(part, self.xml(rels)) if found else []
        return self._rels[part]

    def _followable(self, rel: opc.Relationship) -> bool:
        if rel.type.rsplit("/", 1)[-1] in _IGNORED:
            return False
        if rel.external:
            return quiet_external(rel)
        return self.has(rel.target)


def open_word_file(data: bytes, limits: WordLimits = DEFAULT_LIMITS) -> WordPackage:
    """Open an uploaded DOCX, refusing anything hostile or not Word before it is read."""
    parts = unpack(data, limits)
    package = _package(parts)
    for name in package.part_names:
        if name.lower().endswith(".rels") or package.content_type(name) in opc.STORY_KINDS:
            package.xml(name)  # parsed and kept: the reader comes back for these
        elif _is_xml(package, name):
            # Parsed now only so a DOCTYPE anywhere is refused before anyone reads.
            parse_part(name, package.data(name))
    _check_comments(package, limits)
    package.warnings = _warnings(package)
    return package


def _package(parts: dict[str, bytes]) -> WordPackage:
    """Find the content types and the main document part, or refuse the file."""
    lower = {name.lower(): name for name in parts}
    if "[content_types].xml" not in lower:
        raise unsupported(_NOT_DOCX, code="word_not_docx")
    types_part = lower["[content_types].xml"]
    types = opc.content_types(parse_part(types_part, parts[types_part]))
    declared = types.all() | {types.of(name).lower() for name in parts}
    if declared & opc.MACRO_TYPES or any("macroenabled" in t for t in declared):
        raise macros_refused()
    package = WordPackage(parts, types, "")
    root_rels = package._all_relationships("") if package.has("_rels/.rels") else []
    if any(r.type == opc.STRICT_OFFICE_DOCUMENT for r in root_rels):
        raise unsupported(
            "the file is saved as a Strict Open XML Document: save it as a Word Document (.docx)",
            code="word_strict",
        )
    mains = [r.target for r in root_rels if r.type == opc.OFFICE_DOCUMENT and not r.external]
    main = next((m for m in mains if package.has(m)), "")
    if not main or package.content_type(main) not in opc.MAIN_TYPES:
        raise unsupported(_NOT_DOCX, code="word_not_docx")
    package.main_part = lower[main.lower()]
    return package


def _is_xml(package: WordPackage, name: str) -> bool:
    kind = package.content_type(name).lower()
    return kind.endswith("+xml") or kind in _XML_TYPES or name.lower().endswith((".xml", ".rels"))


def _check_comments(package: WordPackage, limits: WordLimits) -> None:
    """Refuse a file with more comments than one upload may bring."""
    # The reader finds comments by the main part's relationship; the content type may differ.
    related = {
        r.target
        for r in package.relationships(package.main_part)
        if r.type.endswith("/comments") and not r.external
    }
    names = set(package.parts_of_type(opc.COMMENTS_TYPE)) | related
    count = sum(
        sum(1 for _ in package.xml(name).iterchildren(W + "comment"))
        for name in names
        if _is_xml(package, name)
    )
    if count > limits.max_comments:
        raise too_large(
            f"the file has {count} comments; at most {limits.max_comments}",
            code="word_too_many_comments",
            count=str(count),
            max=str(limits.max_comments),
        )


def _warnings(package: WordPackage) -> list[Problem]:
    """Say what the reader will ignore and where: linked files, objects, imported files."""
    counts: Counter[tuple[str, str]] = Counter()
    for name in package.part_names:
        kind = opc.STORY_KINDS.get(package.content_type(name))
        if kind is None:
            continue
        for code, n in ignored_in_story(package.xml(name)).items():
            counts[(code, name)] += n
        for rel in package._all_relationships(name):
            if rel.external and not quiet_external(rel):
                counts[("word_linked_ignored", name)] += 1
    out = []
    for (code, name), n in counts.items():
        kind = opc.STORY_KINDS[package.content_type(name)]
        out.append(
            Problem(
                "",
                f"{_ENGLISH[code]} in {name} ({n})",
                code=code,
                args=(("place", kind), ("part", name), ("count", str(n))),
            )
        )
    return out


_ENGLISH = {
    "word_linked_ignored": "linked files (never fetched) were left out",
    "word_object_ignored": "embedded objects were left out",
    "word_altchunk_ignored": "content imported from other files was left out",
}
