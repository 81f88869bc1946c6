"""Find what a reader of a Word story part leaves out: embedded objects and imported files."""

from __future__ import annotations

from lxml import etree

from core.wordfile.opc import HYPERLINK, RELS, Relationship

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NS = {
    "w": W[1:-1],
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
# DrawingML that holds an object rather than a picture or a text box.
_OBJECT_URIS = (
    "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "http://schemas.microsoft.com/office/drawing/2014/chartex",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram",
    "http://schemas.openxmlformats.org/presentationml/2006/ole",
)
# Word keeps a picture of an object in mc:Fallback too; it is the same object, counted once.
_OUTSIDE_FALLBACK = "[not(ancestor::mc:Fallback)]"
_IS_OBJECT = " or ".join(f"@uri='{uri}'" for uri in _OBJECT_URIS)
_OBJECTS = etree.XPath(
    f"count(.//w:object{_OUTSIDE_FALLBACK}) + count(.//w:control{_OUTSIDE_FALLBACK})"
    f" + count(.//a:graphicData{_OUTSIDE_FALLBACK}[{_IS_OBJECT}])",
    namespaces=_NS,
)
_ALT_CHUNKS = etree.XPath(f"count(.//w:altChunk{_OUTSIDE_FALLBACK})", namespaces=_NS)
# External targets that are text, not content: a hyperlink's address, and the template
# Word names in settings (never opened; every file saved by Word has one).
_QUIET = {HYPERLINK, RELS + "attachedTemplate"}


def ignored_in_story(root: etree._Element) -> dict[str, int]:
    """Count the embedded objects and imported files (altChunk) in one story part."""
    found = {
        "word_object_ignored": int(_OBJECTS(root)),
        "word_altchunk_ignored": int(_ALT_CHUNKS(root)),
    }
    return {code: n for code, n in found.items() if n}


def quiet_external(rel: Relationship) -> bool:
    """Return whether an external relationship is only text (a hyperlink), never content."""
    return rel.type in _QUIET
