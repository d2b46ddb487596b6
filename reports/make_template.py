"""Writes the default Word template reports/templates/通报模板.docx (python -m reports.make_template).

The template is the operator's to edit in Word or WPS: restyle the named paragraph styles (通报标题,
通报文号, 通报正文, 通报一级标题, 通报落款, 图表标题), change the page set-up, add a red header (红头)
or a seal line, move the blocks; keep the {{ ... }} / {%p ... %} tags (docxtpl, Jinja2 syntax). The
variables are listed in README.md (通报). Layout follows GB/T 9704 (党政机关公文格式): A4, margins
37/35/28/26 mm, title 方正小标宋简体 二号, body 仿宋_GB2312 三号, headings 黑体 三号, page numbers
"— N —" in the footer. A machine without those fonts shows the nearest installed CJK font (Word, WPS
and LibreOffice substitute by the East Asian font name); the PDF uses the same names with installed
fallbacks (reports/templates/bulletin.html).
"""
from __future__ import annotations

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.config import DEFAULT_TEMPLATE, TEMPLATE_DIR
from reports.docx_out import set_east_asian_font

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"


def _fonts(style, east_asian: str, size_pt: float, bold: bool = False) -> None:
    style.font.name = "Times New Roman"
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    set_east_asian_font(style.element.get_or_add_rPr(), east_asian)


def _style(doc, name: str, east_asian: str, size_pt: float, *, bold=False, align=None, indent_chars=0,
           before=0, after=0, line_pt=28):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _fonts(style, east_asian, size_pt, bold)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(line_pt)
    if indent_chars:
        pf.first_line_indent = Pt(size_pt * indent_chars)
    return style


def _page_number_footer(section) -> None:
    """Footer '— N —' centred, N the PAGE field."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.style = "通报页码"

    def run_text(text):
        para.add_run(text)

    def field(instr):
        for kind in ("begin", None, "end"):
            run = para.add_run()
            if kind is None:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = instr
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            run._r.append(el)

    run_text("— ")
    field(" PAGE ")
    run_text(" —")


def build_template():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _fonts(doc.styles["Normal"], BODY_FONT, 16)
    _style(doc, "通报发文机关", TITLE_FONT, 26, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=40, after=6)
    _style(doc, "通报文号", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _style(doc, "通报标题", TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=36, after=12)
    _style(doc, "通报说明", BODY_FONT, 12, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=20, after=6)
    _style(doc, "通报正文", BODY_FONT, 16, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "通报一级标题", HEADING_FONT, 16, indent_chars=2, before=6)
    _style(doc, "图表标题", HEADING_FONT, 12, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=20, before=4, after=4)
    _style(doc, "图表注释", BODY_FONT, 10.5, line_pt=16, after=6)
    _style(doc, "通报落款", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "通报页码", "宋体", 14, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=20)
    _style(doc, "表格文字", BODY_FONT, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=14)
    issuer = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    issuer.style = "通报发文机关"
    issuer.add_run("{{ issuer }}").font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    doc.add_paragraph("{{ doc_no }}", style="通报文号")
    doc.add_paragraph("{{ title }}", style="通报标题")
    doc.add_paragraph("统计期：{{ period_text }}　{{ scope_text }}", style="通报说明")
    doc.add_paragraph("{{ flow }}", style="通报说明")
    doc.add_paragraph("{%p for s in sections %}")
    doc.add_paragraph("{{ s.heading }}", style="通报一级标题")
    doc.add_paragraph("{%p for para in s.paragraphs %}")
    doc.add_paragraph("{{ para }}", style="通报正文")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{{p s.tables }}")
    doc.add_paragraph("{%p for c in s.charts %}")
    doc.add_paragraph("{{ c.image }}", style="图表标题")
    doc.add_paragraph("{{ c.title }}", style="图表标题")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{{ closing_heading }}", style="通报一级标题")
    doc.add_paragraph("{%p for para in closing %}")
    doc.add_paragraph("{{ para }}", style="通报正文")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("", style="通报正文")
    doc.add_paragraph("{{ issuer }}", style="通报落款")
    doc.add_paragraph("{{ date_text }}", style="通报落款")
    doc.add_paragraph("{{ generated_text }}", style="图表注释")
    _page_number_footer(section)
    return doc


def main() -> None:
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    path = TEMPLATE_DIR / DEFAULT_TEMPLATE
    build_template().save(str(path))
    print(f"模板已写入 {path}")


if __name__ == "__main__":
    main()
