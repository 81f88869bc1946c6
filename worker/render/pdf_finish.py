"""What WeasyPrint's PDF needs before it is written: list items PDF/UA accepts, archival XMP.

WeasyPrint hands its PDF objects (pydyf) to a finisher just before it writes them, so
these fixes cost no second parse of the file and need no PDF library at run time.

- A list item whose HTML holds blocks (`<li><p>…</p></li>`, as rich text's lists have)
  is tagged LI > P, while PDF/UA-1 allows only Lbl and LBody under LI
  (page-validation's PDFUA1-LI-KIDS-001): every other kid moves into the item's LBody.
- An archival PDF is written as PDF/A-2a, whose XMP must also declare PDF/UA-1 and,
  for PDF/A, must not be compressed.
"""

from __future__ import annotations

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

Finisher = Callable[[Any, pydyf.PDF], None]


def finisher(*, archival: bool) -> Finisher:
    """Return the WeasyPrint finisher for a PDF/UA-1 print, or an archival PDF/A-2a one."""

    def finish(_document: Any, pdf: pydyf.PDF) -> None:
        wrap_list_bodies(pdf)
        if archival:
            declare_pdf_ua(pdf)

    return finish


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


def declare_pdf_ua(pdf: pydyf.PDF) -> None:
    """Declare PDF/UA-1 in the XMP of a PDF/A file and leave that stream uncompressed."""
    metadata = _resolve(pdf, pdf.catalog["Metadata"])
    data = b"".join(_bytes(chunk) for chunk in metadata.stream)
    if b"pdfuaid:part" not in data:
        data = data.replace(_RDF_END, _UA_PART + _RDF_END, 1)
    metadata.stream = [data]
    # PDF/A-2 (6.6.2.1): the metadata stream dictionary shall not contain a Filter key.
    metadata.compress = False


def _struct_elements(pdf: pydyf.PDF, kind: str) -> Iterator[pydyf.Dictionary]:
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("S") == kind and "K" in obj:
            yield obj


def _resolve(pdf: pydyf.PDF, reference: Any) -> Any:
    number = int(_bytes(reference).split()[0])
    return pdf.objects[number]


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()
