"""What WeasyPrint's PDF needs before it is written: list items PDF/UA accepts, archival XMP.

WeasyPrint hands its PDF objects (pydyf) to a finisher just before it writes them, so
these fixes cost no second parse of the file and need no PDF library at run time.

- A list split across pages (a long vision card may break) continues on the next page
  as a new L fragment whose first item is empty, followed by what the item held there
  (a nested list) as a kid of the L itself: that kid moves into the empty item, and an
  item left with nothing at all is dropped (PDF/UA wants every LI to hold Lbl or LBody).
- A list item whose HTML holds blocks (`<li><p>…</p></li>`, as rich text's lists have)
  is tagged LI > P, while PDF/UA-1 allows only Lbl and LBody under LI
  (page-validation's PDFUA1-LI-KIDS-001): every other kid moves into the item's LBody.
- WeasyPrint marks the text of the page's margin boxes (the running header, the page
  footer and the draft label in the header) as tagged content but leaves it out of the
  structure tree: it becomes a pagination artifact, so a screen reader skips it rather
  than meet content that belongs nowhere. (The big diagonal draft mark is the page's
  background image, which WeasyPrint draws as an artifact itself.)
- WeasyPrint gives every box inside a link its own link annotation, tagged as the box's
  element: in `<a><strong>…</strong></a>`, or the contents' dot leader, the inner
  element's annotation sits in a Strong, Span or NonStruct element, and PDF/UA-1 wants
  every link annotation in a Link element (PDFUA1-LINK-LINK-TAG-001). Each such
  annotation moves to the Link around it, which it points where it does.
- An archival PDF is written as PDF/A-2a, whose XMP must also declare PDF/UA-1 and,
  for PDF/A, must not be compressed. A compressed stream whose last byte is a line end
  reads, to a PDF/A validator, as one byte shorter than its /Length (the line end before
  `endstream` looks like CR LF): such a stream is written uncompressed instead.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer ships no type hints

_ITEM_PARTS = ("/Lbl", "/LBody")
# PDF/A allows only predefined XMP properties or ones its extension schema declares, so
# pdfuaid:part comes with the declaration ISO 14289-1 gives for it.
_UA_PART = b"""<rdf:Description rdf:about="" \
xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" \
xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
<rdf:Description rdf:about="" \
xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>The part of ISO 14289 followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""
_RDF_END = b"</rdf:RDF>"
_LINE_ENDS = (b"\r", b"\n")

Finisher = Callable[[Any, pydyf.PDF], None]


def finisher(*, archival: bool) -> Finisher:
    """Return the WeasyPrint finisher for a PDF/UA-1 print, or an archival PDF/A-2a one."""

    def finish(_document: Any, pdf: pydyf.PDF) -> None:
        mend_split_lists(pdf)
        wrap_list_bodies(pdf)
        links_in_link_elements(pdf)
        margins_as_artifacts(pdf)
        if archival:
            declare_pdf_ua(pdf)
            unambiguous_stream_ends(pdf)

    return finish


def mend_split_lists(pdf: pydyf.PDF) -> int:
    """Move a list's stray kids into the item before them, drop empty items; return how many."""
    mended = 0
    for found in list(_struct_elements(pdf, "/L")):
        kept = pydyf.Array()
        item: pydyf.Dictionary | None = None
        for ref in found["K"]:
            kid = _resolve(pdf, ref) if _is_reference(ref) else None
            if kid is None or kid.get("S") in ("/LI", "/Caption"):
                item = kid if kid is not None and kid.get("S") == "/LI" else None
                kept.append(ref)
            elif item is not None:
                # What the item before it held on this page: it belongs to that item.
                kid["P"] = item.reference
                item["K"].append(ref)
                mended += 1
            else:
                kept.append(ref)
        emptied = pydyf.Array()
        for ref in kept:
            kid = _resolve(pdf, ref) if _is_reference(ref) else None
            if kid is not None and kid.get("S") == "/LI" and not len(kid.get("K") or ()):
                mended += 1  # an item continued on this page with nothing of its own
                continue
            emptied.append(ref)
        found["K"] = emptied
    return mended


def wrap_list_bodies(pdf: pydyf.PDF) -> int:
    """Move every kid of an LI that is neither Lbl nor LBody into its LBody; return how many."""
    moved = 0
    for item in list(_struct_elements(pdf, "/LI")):
        kids = [_resolve(pdf, ref) for ref in item["K"]]
        strays = [kid for kid in kids if kid.get("S") not in _ITEM_PARTS]
        if not strays:
            continue
        stray_ids = {id(kid) for kid in strays}
        # Text straight in the item already has an LBody (WeasyPrint's anonymous block);
        # the blocks after it join that body, so the item keeps one body in reading order.
        body = next((kid for kid in kids if kid.get("S") == "/LBody"), None)
        kept = pydyf.Array(
            ref for ref, kid in zip(item["K"], kids, strict=True) if id(kid) not in stray_ids
        )
        if body is None:
            body = pydyf.Dictionary(
                {"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "P": item.reference}
            )
            if "Pg" in item:
                body["Pg"] = item["Pg"]
            pdf.add_object(body)
            kept.append(body.reference)
        for kid in strays:
            kid["P"] = body.reference
            body["K"].append(kid.reference)
            moved += 1
        item["K"] = kept
    return moved


def links_in_link_elements(pdf: pydyf.PDF) -> int:
    """Move each link annotation tagged in an element inside a Link to that Link; count them."""
    root = _resolve(pdf, pdf.catalog["StructTreeRoot"])
    nums = _resolve(pdf, root["ParentTree"])["Nums"]
    pages = len(pdf.page_references)
    moved = 0
    # Nums: each page's index and its elements by MCID, then one key per annotation.
    for at in range(0, len(nums), 2):
        key, owner = nums[at], nums[at + 1]
        if not isinstance(key, int) or key < pages or not _is_reference(owner):
            continue
        element = _resolve(pdf, owner)
        if element.get("S") == "/Link":
            continue
        link = _link_around(pdf, element)
        if link is None:
            continue
        objects = [ref for ref in element["K"] if _is_objr_of(pdf, ref, key)]
        element["K"] = pydyf.Array(ref for ref in element["K"] if ref not in objects)
        link["K"].extend(objects)
        nums[at + 1] = link.reference
        moved += 1
    return moved


def _link_around(pdf: pydyf.PDF, element: pydyf.Dictionary) -> pydyf.Dictionary | None:
    """Return the nearest Link element above `element`, or None."""
    parent = element.get("P")
    while parent is not None and _is_reference(parent):
        above = _resolve(pdf, parent)
        if not isinstance(above, pydyf.Dictionary) or above.get("Type") != "/StructElem":
            return None
        if above.get("S") == "/Link":
            return above
        parent = above.get("P")
    return None


def _is_objr_of(pdf: pydyf.PDF, ref: Any, key: int) -> bool:
    """Whether `ref` is an object reference to the annotation whose StructParent is `key`."""
    if not _is_reference(ref):
        return False
    kid = _resolve(pdf, ref)
    if not (isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/OBJR"):
        return False
    annotation = _resolve(pdf, kid["Obj"])
    return isinstance(annotation, pydyf.Dictionary) and annotation.get("StructParent") == key


def margins_as_artifacts(pdf: pydyf.PDF) -> int:
    """Make tagged content outside the structure tree an artifact; return how many ids."""
    root = _resolve(pdf, pdf.catalog["StructTreeRoot"])
    reachable = _reachable(pdf, root)
    nums = _resolve(pdf, root["ParentTree"])["Nums"]
    made = 0
    # Nums: page index, [struct element of each MCID]; then one entry per annotation.
    for page_index, owners in zip(nums[0::2], nums[1::2], strict=True):
        if not isinstance(owners, list) or page_index >= len(pdf.page_references):
            continue
        orphans = {
            mcid
            for mcid, ref in enumerate(owners)
            if isinstance(ref, bytes) and ref != b"null" and int(ref.split()[0]) not in reachable
        }
        if not orphans:
            continue
        page = _resolve(pdf, pdf.page_references[page_index])
        done = _mark_artifacts(_resolve(pdf, page["Contents"]), orphans)
        for mcid in done:
            owners[mcid] = b"null"
        made += len(done)
    return made


def _reachable(pdf: pydyf.PDF, root: pydyf.Dictionary) -> set[int]:
    seen: set[int] = set()
    todo = [ref for ref in root["K"]]
    while todo:
        ref = todo.pop()
        if not isinstance(ref, bytes) or not ref.endswith(b" R"):
            continue  # a marked-content id
        number = int(ref.split()[0])
        if number in seen:
            continue
        seen.add(number)
        element = pdf.objects[number]
        if isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem":
            todo.extend(element["K"])
    return seen


def _mark_artifacts(stream: pydyf.Stream, mcids: set[int]) -> set[int]:
    """Turn `/Tag <</MCID n>> BDC` into `/Artifact <</Type /Pagination>> BDC` for these ids."""
    done: set[int] = set()
    chunks = stream.stream
    for at in range(1, len(chunks) - 1):
        props = chunks[at]
        if not (isinstance(props, pydyf.Dictionary) and chunks[at + 1] == b"BDC"):
            continue
        mcid = props.get("MCID")
        if mcid in mcids:
            chunks[at - 1] = "/Artifact"
            chunks[at] = pydyf.Dictionary({"Type": "/Pagination"})
            done.add(mcid)
    return done


def declare_pdf_ua(pdf: pydyf.PDF) -> None:
    """Declare PDF/UA-1 in the XMP of a PDF/A file and leave that stream uncompressed."""
    metadata = _resolve(pdf, pdf.catalog["Metadata"])
    data = b"".join(_bytes(chunk) for chunk in metadata.stream)
    if b"pdfuaid:part" not in data:
        data = data.replace(_RDF_END, _UA_PART + _RDF_END, 1)
    metadata.stream = [data]
    # PDF/A-2 (6.6.2.1): the metadata stream dictionary shall not contain a Filter key.
    metadata.compress = False


def unambiguous_stream_ends(pdf: pydyf.PDF) -> int:
    """Write uncompressed each stream whose compressed data would end in CR or LF; count them."""
    changed = 0
    for obj in pdf.objects:
        if not (isinstance(obj, pydyf.Stream) and obj.compress):
            continue
        raw = b"\n".join(_bytes_of(item) for item in obj.stream)
        packer = zlib.compressobj(level=9)  # as pydyf compresses
        packed = packer.compress(raw) + packer.flush()
        if packed.endswith(_LINE_ENDS) and not raw.endswith(_LINE_ENDS):
            obj.compress = False
            changed += 1
    return changed


def _bytes_of(item: Any) -> bytes:
    if isinstance(item, bytes):
        return item
    if isinstance(item, pydyf.Object):
        return bytes(item.data)
    if isinstance(item, float) and item.is_integer():
        return str(int(item)).encode("ascii")
    if isinstance(item, float):
        return f"{item:f}".rstrip("0").encode("ascii")
    return str(item).encode("ascii")


def _struct_elements(pdf: pydyf.PDF, kind: str) -> Iterator[pydyf.Dictionary]:
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("S") == kind and "K" in obj:
            yield obj


def _is_reference(value: Any) -> bool:
    return _bytes(value).endswith(b" R")


def _resolve(pdf: pydyf.PDF, reference: Any) -> Any:
    number = int(_bytes(reference).split()[0])
    return pdf.objects[number]


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()
