"""The Excel appendix: a 说明 sheet (title, 文号, period, scope, who generated it, the text) and one sheet
per table with every row (the Word and PDF versions may show only the first rows of long tables).
Numbers are written as numbers with formats, text always as text (write_string): a unit name
starting with '=' stays a name, never becomes a formula or a link."""
from __future__ import annotations

import io
import re

import pandas as pd
import xlsxwriter

from queries.numbers import rounded_rate
from reports.content import Bulletin, cell_text
from reports.layout import flow_text

FORMATS = {"count": "#,##0", "rate": "0.00%", "score": "0.00", "decimal": "0.00"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", title)[:31] or "表"
    name, i = base, 2
    while name in used:
        suffix = f"({i})"
        name, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(name)
    return name


def render_xlsx(b: Bulletin) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF8", "border": 1, "text_wrap": True, "valign": "vcenter"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "font_size": 14})
    formats = {k: book.add_format({"num_format": v}) for k, v in FORMATS.items()}
    used: set[str] = set()
    info = book.add_worksheet(_sheet_name("说明", used))
    info.set_column(0, 0, 14)
    info.set_column(1, 1, 110, wrap)
    info.write_string(0, 0, b.title, bold)
    lines = [("发文单位", b.issuer), ("文号", b.doc_no), ("统计期", f"{b.period.span_text}（{b.period.kind_label}）"),
             ("范围", b.scope_text), ("流程", flow_text(b)), ("生成", f"{b.generated_at:%Y-%m-%d %H:%M}，{b.generated_by}")]
    lines += [(heading if i == 0 else "", p) for heading, paragraphs, _ in b.sections for i, p in enumerate(paragraphs)]
    lines += [("七、下步工作要求" if i == 0 else "", p) for i, p in enumerate(b.closing)]
    for r, (k, v) in enumerate(lines, start=2):
        info.write_string(r, 0, k)
        info.write_string(r, 1, v)
    for table in b.tables:
        ws = book.add_worksheet(_sheet_name(table.title, used))
        ws.write_string(0, 0, table.title, bold)
        for c, h in enumerate(table.headers):
            ws.write_string(1, c, h, head)
            width = max([len(h) * 2 + 2] + [len(cell_text(v, table.kinds.get(h, "text"))) * 2 for v in table.frame[h].head(200)])
            ws.set_column(c, c, min(40, max(8, width)))
        for r, (_, row) in enumerate(table.frame.iterrows(), start=2):
            for c, h in enumerate(table.headers):
                value, kind = row[h], table.kinds.get(h, "text")
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    ws.write_string(r, c, "—")
                elif kind == "rate":   # the rate as shown (the city's rounding), so Excel displays the same figure
                    ws.write_number(r, c, rounded_rate(float(value)), formats[kind])
                elif kind in FORMATS:
                    ws.write_number(r, c, float(value), formats[kind])
                else:
                    ws.write_string(r, c, str(value))
        if table.note:
            ws.write_string(len(table.frame) + 3, 0, "注：" + table.note)
        ws.freeze_panes(2, 0)
    book.close()
    return buf.getvalue()
