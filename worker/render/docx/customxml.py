"""The custom XML part: what a udkast DOCX does not print, for reading it back.

`customXml/item1.xml` holds `<udkast xmlns="https://udkast.dk/ns/strategy/v1">` with the
format, slug and language and the ids of each list in content order; its itemProps part
and the relationship from the document part make it standard custom XML data storage.
The empty Word template says `<template>true</template>` and has no slug: the strategy
it becomes is named by the title the person writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from core.content import FORMAT, Strategy
from core.view import in_date_order
from core.wordfile.outside import fingerprint, outside_texts
from core.wordfile.richtext import read_styles

NAMESPACE = "https://udkast.dk/ns/strategy/v1"
ITEM_PART = "/customXml/item1.xml"
PROPS_PART = "/customXml/itemProps1.xml"


def add_custom_xml(document: Document, strategy: Strategy, template: bool = False) -> None:
    """Replace the template's custom XML with udkast's: format, slug, language, list ids."""
    part = document.part
    for r_id, rel in list(part.rels.items()):
        # The template's only item is an empty bibliography; once unrelated it is not saved.
        if rel.reltype == RT.CUSTOM_XML:
            part.rels.pop(r_id)
    package = part.package
    styles = read_styles(document.styles.element, None, {})
    printed = [fingerprint(text) for text, _ in outside_texts(document.element.body, styles.names)]
    item = Part(PackURI(ITEM_PART), CT.XML, custom_xml(strategy, printed, template), package)
    props = Part(PackURI(PROPS_PART), CT.OFC_CUSTOM_XML_PROPERTIES, _item_props(strategy), package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    part.relate_to(item, RT.CUSTOM_XML)


def custom_xml(strategy: Strategy, printed: Sequence[str] = (), template: bool = False) -> bytes:
    """Return the custom XML item: what the document does not print, ids in content order.

    `printed` lists the hashes of the text written outside the fields, in document
    order, so text typed there later can be told from it (core/wordfile/outside.py).
    The empty template says so, and names no strategy.
    """
    info = strategy.document
    root = etree.Element(f"{{{NAMESPACE}}}udkast", nsmap={None: NAMESPACE})
    slug = "" if template else info.slug
    for name, value in (("format", FORMAT), ("slug", slug), ("language", info.language)):
        etree.SubElement(root, f"{{{NAMESPACE}}}{name}").text = value
    if template:
        etree.SubElement(root, f"{{{NAMESPACE}}}template").text = "true"
    lists = (
        ("visions", strategy.visions),
        ("signs_of_success", strategy.signs_of_success),
        ("sections", strategy.sections),
        ("consultation", strategy.consultation),
    )
    for name, items in lists:
        holder = etree.SubElement(root, f"{{{NAMESPACE}}}{name}")
        for item in items:
            etree.SubElement(holder, f"{{{NAMESPACE}}}id").text = item.id
    # The timeline is shown in date order (core.view); where each row stands in the
    # content, so the same milestones come back in the content's own order.
    order = etree.SubElement(root, f"{{{NAMESPACE}}}timeline_order")
    for position in in_date_order(strategy.timeline):
        etree.SubElement(order, f"{{{NAMESPACE}}}i").text = str(position)
    outside = etree.SubElement(root, f"{{{NAMESPACE}}}outside")
    for digest in printed:
        etree.SubElement(outside, f"{{{NAMESPACE}}}text").text = digest
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _item_props(strategy: Strategy) -> bytes:
    ds = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
    # A stable id per strategy: rendering twice gives the same file.
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}/{strategy.document.slug}")
    root = etree.Element(f"{{{ds}}}datastoreItem", nsmap={"ds": ds})
    root.set(f"{{{ds}}}itemID", "{" + str(item_id).upper() + "}")
    refs = etree.SubElement(root, f"{{{ds}}}schemaRefs")
    etree.SubElement(refs, f"{{{ds}}}schemaRef").set(f"{{{ds}}}uri", NAMESPACE)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
