"""The bulletin as .docx through docxtpl from an operator-editable template (reports/make_template.py
writes the default; a city passes its own). Tables go in as sub-documents with direct formatting,
because a sub-document cannot borrow the template's named paragraph styles."""
from __future__ import annotations

import io
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage

from reports.content import Bulletin, Table
from reports.layout import charts_after, context

TABLE_FONT = "仿宋_GB2312"
TABLE_PT = 10.5


def set_east_asian_font(rpr, name: str) -> None:
    """The East Asian font of a run or style properties element (w:rPr): Word picks Chinese glyphs
    from w:eastAsia, not from the Latin font name python-docx sets."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _east_asian(run, name: str) -> None:
    set_east_asian_font(run._r.get_or_add_rPr(), name)


def _para(doc, text: str, *, size: float, bold=False, font=TABLE_FONT, center=False):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    _east_asian(run, font)
    if center:
        p.alignment = 1
    return p


def _add_table(doc, table: Table) -> None:
    _para(doc, table.title, size=12, bold=True, font="黑体", center=True)
    rows = table.text_rows(table.doc_rows)
    if not rows:
        _para(doc, "本期无数据。", size=TABLE_PT)
    else:
        grid = doc.add_table(rows=1 + len(rows), cols=len(table.headers))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = grid.rows[0]
        trpr = header._tr.get_or_add_trPr()   # repeat the header row on every page
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        # row.cells once per row: grid.cell(r, c) re-reads the whole table each call (minutes for 150 rows)
        for r, (row, values) in enumerate(zip(grid.rows, [table.headers, *rows])):
            for cell, value in zip(row.cells, values):
                run = cell.paragraphs[0].add_run(value)
                run.font.size, run.font.bold = Pt(TABLE_PT), r == 0
                _east_asian(run, "黑体" if r == 0 else TABLE_FONT)
                cell.paragraphs[0].alignment = 1
    if table.note:
        _para(doc, "注：" + table.note, size=9)


def render_docx(b: Bulletin, template: Path) -> bytes:
    tpl = DocxTemplate(str(template))
    sections = []
    for i, (heading, paragraphs, tables) in enumerate(b.sections):
        sub = tpl.new_subdoc()
        for t in tables:
            _add_table(sub, t)
        charts = [{"title": c.title, "image": InlineImage(tpl, io.BytesIO(c.png), width=Mm(150))}
                  for c in charts_after(b, i)]
        sections.append({"heading": heading, "paragraphs": paragraphs, "tables": sub, "charts": charts})
    tpl.render(context(b) | {"sections": sections}, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
