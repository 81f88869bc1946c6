"""Word paragraphs read back as the rich text they were written from, and as Word users edit.

Rich text is written with the DOCX writer's own functions into a real document (python-docx,
the theme's styles), saved, opened with the safe opener and read back; the text and what
is bold, italic, linked or a list must be the same. Then as a person edits in Word: own
numbering instead of list styles, tracked insertions and deletions, a link to a file.
"""

from __future__ import annotations

import io

import docx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.markdown_out import to_markdown
from core.richtext import Block, ListBlock, RichTextError, parse
from core.wordfile import open_word_file
from core.wordfile.richtext import read_blocks, read_styles, w
from tests.test_markdown_out import PIECES, visible
from worker.render.docx.richtext import BULLET_STYLES, add_blocks
from worker.render.docx.styles import apply_theme
from worker.render.theme import load_theme


def shown(blocks: tuple[Block, ...]) -> list[object]:
    """Return what a reader sees of blocks: empty list items show nothing, in Word or PDF."""
    return visible(_seen(blocks))


def _seen(blocks: tuple[Block, ...]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        if not isinstance(block, ListBlock):
            out.append(block)
            continue
        items = tuple(i for i in (tuple(_seen(item)) for item in block.items) if i)
        if not items:
            continue
        # A list whose items hold only lists has no line of its own to number or
        # bullet: Word shows the inner lists indented, whatever the outer kind.
        if all(isinstance(item[0], ListBlock) for item in items):
            out.append(ListBlock(False, items, 1))
        else:
            out.append(ListBlock(block.ordered, items, block.start))
    return out


def depth(blocks: tuple[Block, ...]) -> int:
    """Return how deep lists nest in blocks (0: no list)."""
    return max(
        (
            1 + max((depth(item) for item in b.items), default=0)
            for b in blocks
            if isinstance(b, ListBlock)
        ),
        default=0,
    )


def all_items_have_text(blocks: tuple[Block, ...]) -> bool:
    """Tell whether every list item in blocks begins with a paragraph of its own."""
    return all(
        item and not isinstance(item[0], ListBlock) and all_items_have_text(item)
        for b in blocks
        if isinstance(b, ListBlock)
        for item in b.items
    )


def written(markdown: str) -> bytes:
    """Return a DOCX whose body is this rich text, as the renderer writes a field."""
    document = docx.Document()
    apply_theme(document, load_theme("default"), "da")
    add_blocks(document, parse(markdown))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def read_back(data: bytes, revisions: str = "accept"):
    package = open_word_file(data)
    main = package.main_part
    links = {r.id: r.target for r in package.relationships(main) if r.external}
    styles = read_styles(
        package.xml("word/styles.xml") if package.has("word/styles.xml") else None,
        package.xml("word/numbering.xml") if package.has("word/numbering.xml") else None,
        links,
    )
    body = package.xml(main).find(w("body"))
    return read_blocks(body.iter(w("p")), styles, revisions)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=20).map("".join))
def test_rich_text_written_to_word_reads_back_the_same(source):
    try:
        blocks = parse(source)
    except RichTextError:
        return
    # The writer's list styles go three levels deep (worker/render/docx/richtext.py);
    # deeper lists reuse the third level, so they cannot come back deeper.
    assume(depth(blocks) <= len(BULLET_STYLES))
    # An item with no text of its own (only a list inside) has no line in Word to tell
    # its list from the next one: Word shows both the same.
    assume(all_items_have_text(blocks))
    back = read_back(written(source))
    assert shown(back) == shown(blocks), (source, back)
    assert shown(parse(to_markdown(back))) == shown(blocks)  # and stored as Markdown


def test_a_field_of_the_example_reads_back_as_its_markdown():
    source = (
        "Vi vil **styrke** borgernes *nære* relationer, se [planen](https://kk.dk/plan).\n\n"
        "- Vi inddrager netværket\n- Vi ser borgeren som ekspert\n  1. i eget liv\n  2. altid\n\n"
        "Sidste afsnit."
    )
    back = read_back(written(source))
    assert visible(back) == visible(parse(source))
    assert to_markdown(back) == (
        "Vi vil **styrke** borgernes *nære* relationer, se [planen](<https://kk.dk/plan>).\n\n"
        "- Vi inddrager netværket\n- Vi ser borgeren som ekspert\n  1. i eget liv\n  2. altid\n\n"
        "Sidste afsnit."
    )


def edited(body_xml: str) -> bytes:
    """Return a DOCX whose body is this WordprocessingML, as a person's Word writes it."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    apply_theme(document, load_theme("default"), "da")
    body = document.element.body
    for child in parse_xml(f"<w:body {nsdecls('w', 'r')}>{body_xml}</w:body>"):
        body.insert(len(body) - 1, child)  # before the section properties
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_tracked_changes_read_as_accepted_or_as_rejected():
    data = edited(
        '<w:p><w:r><w:t xml:space="preserve">Vi vil </w:t></w:r>'
        '<w:del w:id="1" w:author="Anne" w:date="2026-11-30T10:00:00Z">'
        "<w:r><w:delText>gerne</w:delText></w:r></w:del>"
        '<w:ins w:id="2" w:author="Bo" w:date="2026-11-30T11:00:00Z">'
        "<w:r><w:rPr><w:b/></w:rPr><w:t>altid</w:t></w:r></w:ins>"
        '<w:r><w:t xml:space="preserve"> lytte.</w:t></w:r></w:p>'
    )
    assert to_markdown(read_back(data)) == "Vi vil **altid** lytte."
    assert to_markdown(read_back(data, "reject")) == "Vi vil gerne lytte."


def test_a_list_numbered_by_hand_in_word_is_a_list_and_a_link_to_a_file_is_text():
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = docx.Document()
    apply_theme(document, load_theme("default"), "da")
    numbering = document.part.numbering_part.element
    bullet = next(
        a
        for a in numbering.iter(w("abstractNum"))
        if a.find(f"{w('lvl')}/{w('numFmt')}").get(w("val")) == "bullet"
    )
    num = numbering.add_num(int(bullet.get(w("abstractNumId"))))
    file_link = document.part.relate_to("file:///C:/plan.docx", RT.HYPERLINK, is_external=True)
    web_link = document.part.relate_to("https://kk.dk", RT.HYPERLINK, is_external=True)
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    xml = (
        f'<w:p {nsdecls("w", "r")}><w:pPr><w:pStyle w:val="ListParagraph"/>'
        '<w:numPr><w:ilvl w:val="0"/>'
        f'<w:numId w:val="{num.numId}"/></w:numPr></w:pPr><w:r><w:t>én</w:t></w:r></w:p>',
        f'<w:p {nsdecls("w", "r")}><w:pPr><w:numPr><w:ilvl w:val="1"/>'
        f'<w:numId w:val="{num.numId}"/>'
        f"</w:numPr></w:pPr><w:r><w:t>under</w:t></w:r></w:p>",
        f'<w:p {nsdecls("w", "r")}><w:hyperlink r:id="{file_link}">'
        "<w:r><w:t>planen</w:t></w:r></w:hyperlink>"
        f'<w:r><w:t xml:space="preserve"> og </w:t></w:r><w:hyperlink r:id="{web_link}"><w:r>'
        "<w:t>kk.dk</w:t></w:r></w:hyperlink></w:p>",
    )
    body = document.element.body
    for fragment in xml:
        body.insert(len(body) - 1, parse_xml(fragment))
    out = io.BytesIO()
    document.save(out)
    assert to_markdown(read_back(out.getvalue())) == (
        "- én\n  - under\n\nplanen og [kk.dk](<https://kk.dk>)"
    )
