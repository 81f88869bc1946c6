"""Opening an uploaded Word file: hostile and broken files are refused before anything reads.

Every hostile file is built here with zipfile, small: the limits are made small too, so a
"bomb" is a few MB of zeros. Each refusal is checked by its code and by its Danish
wording, the sentence a person reads.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.content import Strategy
from core.errors import InputTooLarge, MalformedInput, UdkastError, UnsupportedMediaType
from core.problem_text import WHAT, describe
from core.wordfile import WordLimits, WordPackage, open_word_file
from worker.render.docx import render_docx

WORDFILE = Path(__file__).resolve().parent.parent / "core" / "wordfile"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
MAIN = WML + "document.main+xml"
DOC = "word/document.xml"
DOC_RELS = "word/_rels/document.xml.rels"
SMALL = WordLimits(max_total_bytes=1024 * 1024, ratio_floor=64 * 1024, max_parts=40)


@pytest.fixture(scope="module")
def udkast_docx(udkast1: Strategy) -> bytes:
    return render_docx(udkast1)


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def changed(docx: bytes, changes: dict[str, bytes | None]) -> bytes:
    """Return the DOCX with parts replaced, added or (None) removed."""
    parts = parts_of(docx)
    for name, data in changes.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return zipped(parts)


def with_override(docx: bytes, part: str, content_type: str) -> bytes:
    types = parts_of(docx)["[Content_Types].xml"].decode()
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    return changed(
        docx, {"[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode()}
    )


def with_rels(docx: bytes, *relationships: str) -> bytes:
    rels = parts_of(docx)[DOC_RELS].decode()
    rels = rels.replace("</Relationships>", "".join(relationships) + "</Relationships>")
    return changed(docx, {DOC_RELS: rels.encode()})


def in_body(docx: bytes, xml: str) -> bytes:
    """Return the DOCX with `xml` put first in the document's body."""
    document = parts_of(docx)[DOC].decode()
    body = re.search(r"<w:body[^>]*>", document)
    assert body
    document = document[: body.end()] + xml + document[body.end() :]
    return changed(docx, {"word/document.xml": document.encode()})


def refused(data: bytes, limits: WordLimits | None = None) -> UdkastError:
    with pytest.raises(UdkastError) as info:
        open_word_file(data, limits or WordLimits())
    return info.value


def code(exc: UdkastError) -> str:
    """The refusal's code (MalformedInput and the Word file's own errors carry one)."""
    return str(getattr(exc, "code", ""))


def danish(exc: UdkastError) -> str:
    """The sentence a person reads for a refusal, in Danish."""
    problem = getattr(exc, "problem")  # noqa: B009 (not on every UdkastError)
    assert problem.code in WHAT["da"], problem.code
    return describe(problem, None, "da").sentence


# --- udkast's own file -----------------------------------------------------------------


def test_a_docx_udkast_made_opens_cleanly(udkast_docx: bytes) -> None:
    package = open_word_file(udkast_docx)

    assert package.warnings == []
    assert package.main_part == DOC
    assert package.xml(DOC).tag == f"{{{W_NS}}}document"
    related = {r.type.rsplit("/", 1)[-1]: r.target for r in package.relationships(DOC)}
    assert related["styles"] == "word/styles.xml"
    assert related["customXml"] == "customXml/item1.xml"
    assert all(package.has(r.target) for r in package.relationships(DOC))
    assert {"word/header1.xml", "word/footer1.xml"} <= set(package.part_names)


def test_part_names_ignore_case_as_in_opc(udkast_docx: bytes) -> None:
    package = open_word_file(udkast_docx)

    assert package.xml("WORD/Document.xml") is package.xml(DOC)
    assert package.content_type("/word/document.xml".lstrip("/")) == MAIN


# --- not a DOCX ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"%PDF-1.7\n%%EOF", b"PK\x03\x04" + bytes(40)],
    ids=["empty", "text", "pdf", "zip-header-only"],
)
def test_a_file_that_is_not_a_zip_is_refused_with_what_to_send(data: bytes) -> None:
    exc = refused(data)

    assert isinstance(exc, MalformedInput) and code(exc) == "word_not_zip"
    assert "skriv i editoren" in danish(exc)


def test_not_a_zip_reads_well_in_danish_and_english() -> None:
    exc = refused(b"just text")

    assert describe(getattr(exc, "problem"), None, "en").sentence == (  # noqa: B009
        "The document: is not a Word file (.docx); upload the DOCX udkast made for a draft, "
        "or write in the editor"
    )

    assert danish(exc) == (
        "Dokumentet: er ikke en Word-fil (.docx); upload den DOCX-fil, udkast har lavet til et "
        "udkast, eller skriv i editoren"
    )


def test_an_old_doc_or_a_password_protected_file_is_told_how_to_save() -> None:
    exc = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))

    assert isinstance(exc, UnsupportedMediaType) and code(exc) == "word_old_format"
    assert danish(exc) == (
        "Dokumentet: er gemt i Words gamle format (.doc) eller beskyttet med en adgangskode; "
        "gem det i Word som «Word-dokument (.docx)» uden adgangskode, og upload det igen"
    )


def test_a_zip_that_is_not_a_word_document_is_refused(udkast_docx: bytes) -> None:
    spreadsheet = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    no_types = changed(udkast_docx, {"[Content_Types].xml": None})
    no_main = changed(udkast_docx, {"word/document.xml": None})

    for data in (spreadsheet, no_types, no_main, zipped({})):
        exc = refused(data)
        assert isinstance(exc, UnsupportedMediaType)
        assert code(exc) == "word_not_docx"
        assert danish(exc).startswith("Dokumentet: er en ZIP-fil, men ikke et Word-dokument")


def test_a_strict_open_xml_document_is_told_to_be_saved_as_docx(udkast_docx: bytes) -> None:
    rels = parts_of(udkast_docx)["_rels/.rels"].replace(
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
    )
    exc = refused(changed(udkast_docx, {"_rels/.rels": rels}))

    assert code(exc) == "word_strict"
    assert "«Strict Open XML-dokument»" in danish(exc)


# --- ZIP bombs and size ----------------------------------------------------------------


def test_a_file_that_unpacks_past_the_total_is_refused(udkast_docx: bytes) -> None:
    # Random bytes do not compress: the ratio is 1, the total is what trips.
    noise = os.urandom(1024 * 1024)
    exc = refused(changed(udkast_docx, {"word/media/noise.bin": noise}), SMALL)

    assert isinstance(exc, InputTooLarge) and code(exc) == "word_too_large"
    assert danish(exc) == (
        "Dokumentet: fylder mere end 1 MB, når det pakkes ud; fjern store billeder eller "
        "indlejrede filer, og upload det igen"
    )


def test_a_part_that_inflates_past_the_ratio_is_refused(udkast_docx: bytes) -> None:
    bomb = changed(udkast_docx, {"word/media/zeros.bin": bytes(4 * 1024 * 1024)})
    assert len(bomb) < len(udkast_docx) + 10_000  # 4 MB of zeros pack into a few KB

    exc = refused(bomb, SMALL)

    assert isinstance(exc, InputTooLarge) and code(exc) == "word_compression"
    assert danish(exc) == (
        "Dokumentet: har en del («word/media/zeros.bin»), der pakkes ud til mere end 100 "
        "gange sin størrelse; sådan en fil kan lægge serveren ned og tages ikke imod"
    )


def test_sizes_in_the_headers_are_not_believed(udkast_docx: bytes) -> None:
    # The bomb's headers say it unpacks to 100 bytes: what is read is what counts, and a
    # part whose bytes do not match its headers is damaged.
    bomb = changed(udkast_docx, {"word/media/zeros.bin": bytes(4 * 1024 * 1024)})
    lied = _claim_size(bomb, "word/media/zeros.bin", 100)

    exc = refused(lied, WordLimits(max_total_bytes=1024 * 1024))

    assert code(exc) in {"word_part_damaged", "word_too_large"}
    assert "kan ikke læses" in danish(exc) or "fylder mere end" in danish(exc)


def _claim_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size of `name` in its local header and central record."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = out.find(signature + b"", 0)
        while at != -1:
            if out[at + name_at : at + name_at + len(encoded)] == encoded:
                out[at + size_at : at + size_at + 4] = struct.pack("<I", size)
            at = out.find(signature, at + 4)
    return bytes(out)


def test_more_parts_than_allowed_are_refused(udkast_docx: bytes) -> None:
    count = len(parts_of(udkast_docx))
    extra: dict[str, bytes | None] = {f"word/media/image{n}.png": b"x" for n in range(41 - count)}
    exc = refused(changed(udkast_docx, extra), SMALL)

    assert code(exc) == "word_too_many_parts"
    assert danish(exc) == "Dokumentet: består af 41 dele (filer i ZIP-arkivet); højst 40"


def test_the_default_limits_let_udkasts_own_file_through_with_room(udkast_docx: bytes) -> None:
    limits = WordLimits()
    assert len(parts_of(udkast_docx)) * 5 < limits.max_parts
    assert sum(map(len, parts_of(udkast_docx).values())) * 20 < limits.max_total_bytes


# --- XML with a DOCTYPE or entities ----------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]><udkast>&lol9;</udkast>"
)
LOCAL_FILE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body>'
    "</w:document>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/x.dtd">'
    f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>'
)


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        ("customXml/item1.xml", LAUGHS),
        (DOC, LOCAL_FILE),
        (DOC, EXTERNAL_DTD),
        ("word/settings.xml", '<!DOCTYPE s><s xmlns="x"/>'),
    ],
    ids=["billion-laughs", "local-file", "external-dtd", "bare-doctype"],
)
def test_xml_with_a_doctype_is_refused_and_nothing_is_expanded(
    udkast_docx: bytes, part: str, xml: str
) -> None:
    exc = refused(changed(udkast_docx, {part: xml.encode()}))

    assert isinstance(exc, MalformedInput) and code(exc) == "word_doctype"
    assert "root:" not in str(exc)
    assert danish(exc) == (
        f"Dokumentet: har en DOCTYPE- eller entity-erklæring i delen «{part}»; det skriver "
        "Word aldrig, og den slags filer tages ikke imod"
    )


def test_broken_xml_names_its_part(udkast_docx: bytes) -> None:
    exc = refused(changed(udkast_docx, {"word/styles.xml": b"<w:styles><unclosed>"}))

    assert isinstance(exc, MalformedInput) and code(exc) == "word_xml"
    assert danish(exc) == (
        "Dokumentet: er beskadiget: delen «word/styles.xml» er ikke gyldig XML; åbn det i "
        "Word, gem det igen, og upload det igen"
    )


# --- macros ----------------------------------------------------------------------------


def test_a_macro_enabled_file_is_refused_whichever_way_it_says_so(udkast_docx: bytes) -> None:
    docm_type = parts_of(udkast_docx)["[Content_Types].xml"].replace(
        MAIN.encode(), b"application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    cases = {
        "docm main type": changed(udkast_docx, {"[Content_Types].xml": docm_type}),
        "vbaProject.bin": changed(udkast_docx, {"word/vbaProject.bin": b"\x00" * 64}),
        "VBA content type": with_override(
            udkast_docx, "word/macros.bin", "application/vnd.ms-office.vbaProject"
        ),
    }
    for name, data in cases.items():
        exc = refused(data)
        assert isinstance(exc, UnsupportedMediaType), name
        assert code(exc) == "word_macros", name
        assert danish(exc) == (
            "Dokumentet: indeholder makroer (VBA), og den slags filer tages ikke imod; gem "
            "det i Word som «Word-dokument (.docx)» uden makroer, og upload det igen"
        )


# --- what is left out, with a warning --------------------------------------------------


def test_a_linked_picture_is_never_fetched_and_is_warned_of(udkast_docx: bytes) -> None:
    data = with_rels(
        udkast_docx,
        f'<Relationship Id="rIdPic" Type="{RELS}image" Target="http://127.0.0.1:9/p.png" '
        'TargetMode="External"/>',
        f'<Relationship Id="rIdLink" Type="{RELS}hyperlink" Target="https://udkast.dk/" '
        'TargetMode="External"/>',
    )
    package = open_word_file(data)

    followed = {r.id: r for r in package.relationships(DOC)}
    assert "rIdPic" not in followed
    assert followed["rIdLink"].target == "https://udkast.dk/" and followed["rIdLink"].external
    [warning] = package.warnings
    assert warning.code == "word_linked_ignored"
    assert describe(warning, None, "da").sentence == (
        "Dokumentet: har sammenkædede filer i teksten (fx et billede, der hentes fra en "
        "adresse; 1 i alt); de blev ikke hentet og er sprunget over"
    )


def test_alt_chunks_and_embedded_objects_are_left_out_with_a_warning(udkast_docx: bytes) -> None:
    body = (
        f'<w:altChunk xmlns:r="{R_NS}" r:id="rIdChunk"/>'
        '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
        f'xmlns:r="{R_NS}" r:id="rIdOle"/></w:object></w:r></w:p>'
        "<w:p><w:r><w:object/></w:r></w:p>"
    )
    data = in_body(udkast_docx, body)
    data = with_rels(
        data,
        f'<Relationship Id="rIdChunk" Type="{RELS}aFChunk" Target="chunk.html"/>',
        f'<Relationship Id="rIdOle" Type="{RELS}oleObject" Target="embeddings/sheet.bin"/>',
    )
    data = changed(data, {"word/chunk.html": b"<p>x</p>", "word/embeddings/sheet.bin": b"ole"})
    package = open_word_file(data)

    targets = {r.target for r in package.relationships(DOC)}
    assert not targets & {"word/chunk.html", "word/embeddings/sheet.bin"}
    said = {w.code: describe(w, None, "da").sentence for w in package.warnings}
    assert said == {
        "word_altchunk_ignored": (
            "Dokumentet: har indhold importeret fra andre filer i teksten (1 i alt); det er "
            "sprunget over: sæt teksten ind som almindelig tekst, hvis den skal med"
        ),
        "word_object_ignored": (
            "Dokumentet: har indlejrede objekter i teksten (fx et Excel-ark eller et "
            "diagram; 2 i alt); de er sprunget over"
        ),
    }


def test_an_object_in_a_header_is_placed_in_the_header(udkast_docx: bytes) -> None:
    header = parts_of(udkast_docx)["word/header1.xml"].decode()
    header = re.sub(r"(<w:hdr[^>]*>)", r"\1<w:p><w:r><w:object/></w:r></w:p>", header, count=1)
    package = open_word_file(changed(udkast_docx, {"word/header1.xml": header.encode()}))

    [warning] = package.warnings
    assert "i et sidehoved" in describe(warning, None, "da").sentence
    assert "in a header" in describe(warning, None, "en").sentence


# --- comments --------------------------------------------------------------------------


def comments(count: int) -> bytes:
    one = (
        '<w:comment w:id="{n}" w:author="HovedMED"><w:p><w:r><w:t>Ok</w:t></w:r></w:p></w:comment>'
    )
    items = "".join(one.format(n=n) for n in range(count))
    return f'<w:comments xmlns:w="{W_NS}">{items}</w:comments>'.encode()


def test_five_thousand_comments_are_refused(udkast_docx: bytes) -> None:
    data = with_override(
        changed(udkast_docx, {"word/comments.xml": comments(5000)}),
        "word/comments.xml",
        WML + "comments+xml",
    )
    exc = refused(data)

    assert isinstance(exc, InputTooLarge) and code(exc) == "word_too_many_comments"
    assert danish(exc) == (
        "Dokumentet: har 5.000 kommentarer; højst 2.000: slet de kommentarer, der er "
        "færdigbehandlet, og upload det igen"
    )


def test_comments_are_counted_where_the_document_points_whatever_their_type(
    udkast_docx: bytes,
) -> None:
    data = with_rels(
        changed(udkast_docx, {"word/notes.xml": comments(2001)}),
        f'<Relationship Id="rIdC" Type="{RELS}comments" Target="notes.xml"/>',
    )
    assert code(refused(data)) == "word_too_many_comments"


def test_a_few_comments_are_fine(udkast_docx: bytes) -> None:
    data = with_override(
        changed(udkast_docx, {"word/comments.xml": comments(2000)}),
        "word/comments.xml",
        WML + "comments+xml",
    )
    assert open_word_file(data).warnings == []


# --- broken archives -------------------------------------------------------------------


def test_two_parts_whose_names_differ_only_in_case_are_refused(udkast_docx: bytes) -> None:
    exc = refused(changed(udkast_docx, {"WORD/document.xml": parts_of(udkast_docx)[DOC]}))

    assert code(exc) == "word_part_damaged"


def test_a_part_compressed_in_a_way_word_never_uses_is_refused(udkast_docx: bytes) -> None:
    exc = refused(zipped(parts_of(udkast_docx), zipfile.ZIP_BZIP2))

    assert code(exc) == "word_part_damaged"
    assert danish(exc).startswith("Dokumentet: er beskadiget: delen «[Content_Types].xml» kan")


def test_a_truncated_file_is_refused(udkast_docx: bytes) -> None:
    exc = refused(udkast_docx[: len(udkast_docx) // 2])

    assert code(exc) in {"word_not_zip", "word_part_damaged"}


# --- every code worded -----------------------------------------------------------------


def test_every_code_of_the_word_reader_has_danish_and_english_words() -> None:
    used: set[str] = set()
    for source in WORDFILE.glob("*.py"):
        used |= set(re.findall(r'\b(word_[a-z_]+)"', source.read_text(encoding="utf-8")))
    assert len(used) >= 15
    for language in ("da", "en"):
        assert used <= set(WHAT[language]), (language, used - set(WHAT[language]))


# --- anything at all -------------------------------------------------------------------


def _opens_or_is_refused(data: bytes) -> None:
    try:
        package = open_word_file(data, SMALL)
    except UdkastError as exc:
        danish(exc)  # and every refusal can be said to a person
        return
    assert isinstance(package, WordPackage)
    for name in package.part_names:
        package.relationships(name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"]), st.binary(max_size=2000))
def test_arbitrary_bytes_are_opened_or_refused_never_crash(start: bytes, data: bytes) -> None:
    _opens_or_is_refused(start + data)


def small_docx(method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A DOCX of five small parts, for the mutations: most bytes of it matter."""
    return zipped(
        {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
                '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{MAIN}"/>'
                f'<Override PartName="/word/comments.xml" ContentType="{WML}comments+xml"/>'
                "</Types>"
            ).encode(),
            "_rels/.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'relationships"><Relationship Id="rId1" Type="{RELS}officeDocument" '
                'Target="word/document.xml"/></Relationships>'
            ).encode(),
            DOC: (
                f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>Hej</w:t></w:r></w:p>'
                "</w:body></w:document>"
            ).encode(),
            DOC_RELS: (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'relationships"><Relationship Id="rId1" Type="{RELS}comments" '
                'Target="comments.xml"/></Relationships>'
            ).encode(),
            "word/comments.xml": comments(3),
        },
        method,
    )


# Stored, a mutation changes the XML itself; deflated, it breaks the compressed stream.
SMALL_DOCXES = (small_docx(zipfile.ZIP_STORED), small_docx(zipfile.ZIP_DEFLATED))


def test_the_small_docx_opens() -> None:
    for docx in SMALL_DOCXES:
        package = open_word_file(docx, SMALL)
        assert package.warnings == []
        assert [r.target for r in package.relationships(DOC)] == ["word/comments.xml"]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_a_mutated_docx_is_opened_or_refused_never_crash(data: st.DataObject) -> None:
    # Bytes changed in the archive (its headers, its streams: CRCs catch most) or in one
    # part before it is packed (its XML, its content types, its relationships).
    method = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    if data.draw(st.booleans()):
        archive = bytearray(SMALL_DOCXES[method == zipfile.ZIP_DEFLATED])
        _mutate(archive, data)
        cut = data.draw(st.integers(len(archive) // 2, len(archive)))
        _opens_or_is_refused(bytes(archive[:cut]))
    else:
        parts = parts_of(SMALL_DOCXES[0])
        name = data.draw(st.sampled_from(sorted(parts)))
        part = bytearray(parts[name])
        _mutate(part, data)
        parts[name] = bytes(part)
        _opens_or_is_refused(zipped(parts, method))


def _mutate(buffer: bytearray, data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(buffer) - 1))
        buffer[at] = data.draw(st.sampled_from(b"<>&/\"':=!? x\x00\xff"))
