"""The package conventions of a Word file: content types, relationships, part names."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_DOCUMENT = RELS + "officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
HYPERLINK = RELS + "hyperlink"

_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml."
MAIN_TYPES = {_WORD + "document.main+xml", _WORD + "template.main+xml"}
STORY_KINDS = {
    _WORD + "document.main+xml": "document",
    _WORD + "template.main+xml": "document",
    _WORD + "header+xml": "header",
    _WORD + "footer+xml": "footer",
    _WORD + "footnotes+xml": "footnotes",
    _WORD + "endnotes+xml": "endnotes",
    _WORD + "comments+xml": "comments",
}
COMMENTS_TYPE = _WORD + "comments+xml"
MACRO_TYPES = {
    "application/vnd.ms-office.vbaproject",
    "application/vnd.ms-word.vbadata+xml",
    "application/vnd.ms-office.vbaprojectsignature",
}


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its id, type URI, and target (a part name or a URL)."""

    id: str
    type: str
    target: str
    external: bool


@dataclass(frozen=True)
class ContentTypes:
    """The [Content_Types].xml of a package: by extension, and by part name (lower case)."""

    defaults: dict[str, str]
    overrides: dict[str, str]

    def of(self, part: str) -> str:
        """Return the content type of `part`, or "" if the package gives it none."""
        name = part.lower()
        extension = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
        return self.overrides.get(name) or self.defaults.get(extension, "")

    def all(self) -> set[str]:
        """Return every content type the package declares, in lower case."""
        return {t.lower() for t in (*self.defaults.values(), *self.overrides.values())}


def content_types(root: etree._Element) -> ContentTypes:
    """Read [Content_Types].xml."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for item in root.iterchildren(CT + "Default"):
        defaults[item.get("Extension", "").lower()] = item.get("ContentType", "")
    for item in root.iterchildren(CT + "Override"):
        overrides[item.get("PartName", "").lstrip("/").lower()] = item.get("ContentType", "")
    return ContentTypes(defaults, overrides)


def rels_part(part: str) -> str:
    """Return the name of the part holding the relationships of `part` ("" is the package)."""
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def relationships(source: str, root: etree._Element) -> list[Relationship]:
    """Read a relationships part; internal targets become part names (not yet checked)."""
    out = []
    for item in root.iterchildren(PR + "Relationship"):
        target = item.get("Target", "")
        external = item.get("TargetMode", "Internal") == "External"
        if not external:
            target = resolve(source, target)
        out.append(Relationship(item.get("Id", ""), item.get("Type", ""), target, external))
    return out


def resolve(source: str, target: str) -> str:
    """Return the part name a relative or absolute internal target names from `source`."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        joined = target
    else:
        joined = posixpath.join("/" + posixpath.dirname(source), target)
    # normpath of an absolute path never climbs above "/": a target of ../../x stays inside.
    return posixpath.normpath(joined).lstrip("/")
