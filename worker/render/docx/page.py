"""Running header and footer, and the draft mark (a watermark plus a header label)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from docx.document import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from core.view import DocumentView
from worker.render.docx.fields import add_field
from worker.render.docx.richtext import run_element
from worker.render.theme import Theme

# Word's own "text watermark" shape type (a VML text path), as its Watermark dialog writes it.
_SHAPETYPE = """<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>
<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>
<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>
<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>
<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
</v:formulas><v:path textpathok="t" o:connecttype="custom"
 o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/>
</v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>"""


_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)


def add_header_footer(
    document: Document, view: DocumentView, theme: Theme, running: bool = True
) -> None:
    """Fill the running header and footer; the cover page gets only the watermark.

    Without `running` (the empty template, whose title and date are only guidance), the
    header leaves out the title and the footer the draft label and date.
    """
    info, table = view.info, view.labels
    section = document.sections[0]
    section.different_first_page_header_footer = True
    mark = view.mark

    header = section.header.paragraphs[0]
    shown = (info.organisation, info.title) if running else ()
    header._p.append(run_element(" · ".join(part for part in shown if part)))
    if mark:
        header._p.append(run_element("\t"))
        label = header.add_run(mark)
        label.bold = True
        label.font.color.rgb = RGBColor(*theme.colour_rgb("mark"))
    if theme.band:  # the theme's band: a thick rule in its colour
        _rule_below(header, theme.colours[theme.band], size=36)
    else:
        _rule_below(header, theme.colours["line"])

    footer = section.footer.paragraphs[0]
    stamp = [info.draft_label, view.date] if running else []
    footer._p.append(run_element(" · ".join(s for s in stamp if s) + "\t"))
    footer._p.append(run_element(table["page_x_of_y_before"]))
    add_field(footer, "PAGE", "1")
    footer._p.append(run_element(table["page_x_of_y_middle"]))
    add_field(footer, "NUMPAGES", "1")

    if mark:
        for number, part in enumerate((section.header, section.first_page_header)):
            part.paragraphs[0]._p.append(_watermark(mark, _tint(theme.colours["mark"]), number))


def _tint(colour: str, strength: float = 0.18) -> str:
    """Mix a colour with white, so the mark stays pale where opacity is ignored.

    LibreOffice draws VML text paths without their fill opacity; a pale colour keeps
    the page readable there, and with the opacity Word shows it paler still.
    """
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02X}" for c in rgb)


def _watermark(text: str, colour: str, number: int) -> Any:
    """Return a run holding a diagonal, translucent text watermark like Word's "DRAFT"."""
    # A VML text path stretches to its box, so size the box to the text's proportions.
    height = min(120.0, 470.0 / (0.72 * len(text)))
    width = 0.72 * len(text) * height
    style = (
        f"position:absolute;margin-left:0;margin-top:0;width:{width:.1f}pt;height:{height:.1f}pt;"
        "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        "mso-position-vertical-relative:margin"
    )
    xml = (
        f"<w:r {nsdecls('w')} {_VML_NAMESPACES}><w:pict>{_SHAPETYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject{number + 1}" o:spid="_x0000_s{2049 + number}"'
        f' type="#_x0000_t136" style="{style}" o:allowincell="f"'
        f' fillcolor="{colour}" stroked="f"><v:fill opacity=".6"/>'
        f'<v:textpath style="font-family:&quot;Lato&quot;;font-size:1pt" string={quoteattr(text)}/>'
        '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
    )
    return parse_xml(xml)


def _rule_below(paragraph: Paragraph, colour: str, size: int = 4) -> None:
    """Draw a line under a paragraph (the header's separator), `size` eighths of a point."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    attributes = (("val", "single"), ("sz", str(size)), ("space", "6"), ("color", colour[1:]))
    for key, value in attributes:
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
