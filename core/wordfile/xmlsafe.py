"""Parse one XML part of a Word file with everything an attacker could use switched off."""

from __future__ import annotations

import re

from lxml import etree

from core.wordfile.errors import malformed

# The first start tag: what comes before it is the prolog, where a DOCTYPE stands.
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _parser() -> etree.XMLParser:
    # No entity is expanded, no DTD loaded, nothing fetched; huge_tree=False keeps libxml2's
    # own bounds on depth and text size. One parser per call: lxml's are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse_part(name: str, data: bytes) -> etree._Element:
    """Return the root element of part `name`, refusing a DOCTYPE, entities or broken XML."""
    first = _FIRST_ELEMENT.search(data)
    if b"<!DOCTYPE" in data[: first.start() if first else len(data)]:
        # Refused before parsing: libxml2 would stop a billion laughs, but as broken XML.
        # (A DOCTYPE in UTF-16 is not seen here; the parsed tree's docinfo tells.)
        raise _doctype(name)
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError, LookupError):
        # LookupError: an encoding declaration naming no encoding Python knows.
        raise malformed(
            f"the part {name} of the file is not well-formed XML: open the file in Word, "
            "save it, and send it again",
            code="word_xml",
            part=name,
        ) from None
    if root is None:
        raise malformed(f"the part {name} of the file is empty", code="word_xml", part=name)
    if root.getroottree().docinfo.doctype:
        raise _doctype(name)
    return root


def _doctype(name: str) -> Exception:
    # Word never writes a DOCTYPE; one here can only declare entities to expand.
    return malformed(
        f"the part {name} of the file has a DOCTYPE or entity declarations, "
        "which Word never writes and which are not accepted",
        code="word_doctype",
        part=name,
    )
