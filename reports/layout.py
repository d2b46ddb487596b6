"""What goes where in the documents: one arrangement shared by the Word and the HTML/PDF renderers,
so both show the same sections, tables, charts and closing words."""
from __future__ import annotations

from reports.content import Bulletin
from reports.periods import cn_date

# Chart key -> index of the section it follows (总体情况, 来源与高发, 区域).
CHART_AFTER_SECTION = {"trend": 0, "sources": 1, "areas": 2}
CLOSING_HEADING = "七、下步工作要求"


def flow_text(b: Bulletin) -> str:
    """受理 1,054 件 → 立案 996 件 → … → 按期结案 737 件（75.82%）"""
    parts = []
    for stage in b.pipeline:
        text = f"{stage['stage']} {stage['count_text']}"
        if stage.get("rate_text"):
            text += f"（{stage['rate_label']} {stage['rate_text']}）"
        parts.append(text)
    return " → ".join(parts)


def context(b: Bulletin) -> dict:
    """Plain values for the templates; tables and charts are filled in by each renderer."""
    return {
        "issuer": b.issuer, "doc_no": b.doc_no, "title": b.title,
        "period_text": f"{b.period.span_text}（{b.period.kind_label}）", "scope_text": b.scope_text,
        "flow": flow_text(b), "closing_heading": CLOSING_HEADING, "closing": b.closing,
        "date_text": cn_date(b.generated_at.date()),
        "generated_text": f"本通报由{b.issuer}数据看板自动生成（{b.generated_at:%Y-%m-%d %H:%M}，生成人：{b.generated_by}），"
                          "数据与看板同口径；附表见同名 Excel 文件。",
    }


def charts_after(b: Bulletin, index: int) -> list:
    return [c for c in b.charts if CHART_AFTER_SECTION.get(c.key) == index and c.png]
