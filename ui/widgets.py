"""Shared widgets, named render_*: KPI cards with the cases behind their numbers, and empty states."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from data.config import PROJECT_ROOT
from queries.kpis import SET_LABELS, Kpi, format_value, kpi_value
from queries.numbers import percent, points_text
from ui.filters import FILTER_PARAMS as URL_KEYS

EMPTY_TEXT = "所选范围内无数据"
CASES_PAGE = "pages/cases.py"   # the case list; accepts ?set=<case_facts flag> plus the filter parameters


def kpi_help(kpi: Kpi, row: pd.Series) -> str:
    """Tooltip text: formula, the actual numerator/denominator, exclusions."""
    lines = [f"**{kpi.label}** = {kpi.formula}"]
    if kpi.fmt == "hours" and kpi.p90:
        p90 = row[kpi.p90]
        lines.append(f"本次：{int(row[kpi.basis]):,} 件，中位数 {format_value(kpi_value(row, kpi), 'hours')}，"
                     f"P90 {format_value(None if pd.isna(p90) else float(p90), 'hours')}")
    elif kpi.denominator:
        sets = f"（{SET_LABELS[kpi.numerator_set]} ÷ {SET_LABELS[kpi.denominator_set]}）" if kpi.numerator_set else ""
        lines.append(f"本次：{int(row[kpi.numerator]):,} ÷ {int(row[kpi.denominator]):,}{sets}")
    else:
        lines.append(f"本次：{format_value(kpi_value(row, kpi), kpi.fmt)}"
                     + (f" {kpi.unit}" if kpi.fmt == "count" else ""))
    pending = pending_count(kpi, row)
    if pending:
        lines.append(f"在办未到期 {pending:,} 件：统计期尚未结束、仍在时限内办理，不算未处置，未计入分母")
    lines.append(f"口径：{kpi.exclusions}")
    return "\n\n".join(lines)


def pending_count(kpi: Kpi, row: pd.Series) -> int:
    """在办未到期: cases of a running period still within their limit (0 when the KPI has no such rule)."""
    if not kpi.pending or kpi.pending not in row.index or pd.isna(row[kpi.pending]):
        return 0
    return int(row[kpi.pending])


def delta_text(kpi: Kpi, value: float | None, before: float | None) -> str | None:
    if value is None or before is None or kpi.is_live:
        return None
    diff = value - before
    if kpi.fmt == "rate":
        return points_text((percent(value) - percent(before)) / 100)  # difference of the shown figures
    if kpi.fmt == "hours":
        return f"{diff:+.1f} 工作时"
    if kpi.fmt == "clock_hours":
        return f"{diff:+,.1f} 小时"
    if kpi.fmt == "yuan":
        return f"{diff:+,.0f} 元"
    return f"{diff:+,.0f}"


def current_filter_params() -> dict[str, list[str]]:
    """The shared filters as they stand in the URL (ui.filters keeps the URL in step with the widgets)."""
    return {k: st.query_params.get_all(k) for k in URL_KEYS if k in st.query_params}


def case_list_params(flag: str, filters: Mapping[str, list[str] | str]) -> dict[str, list[str] | str]:
    """URL parameters of the 案件 page listing the cases of set `flag` under `filters`."""
    if flag not in SET_LABELS:
        raise ValueError(f"unknown case set {flag!r}")
    return {k: v for k, v in filters.items() if k in URL_KEYS} | {"set": flag}


def cases_page_available() -> bool:
    return (PROJECT_ROOT / CASES_PAGE).exists()


def case_links(kpi: Kpi, row: pd.Series) -> list[tuple[str, str, int]]:
    """(label, case_facts flag, count) of the case lists behind one KPI figure."""
    if kpi.fmt == "hours":
        return [("查看案件", kpi.numerator_set, int(row[kpi.basis]))]
    if kpi.denominator:
        pending = pending_count(kpi, row)
        return [("分子", kpi.numerator_set, int(row[kpi.numerator])),
                ("分母", kpi.denominator_set, int(row[kpi.denominator]))] \
            + ([("在办未到期", kpi.pending_set, pending)] if pending else [])
    return [("查看案件", kpi.numerator_set, int(row[kpi.numerator]))]


def render_case_links(kpi: Kpi, row: pd.Series, *, text_fallback: bool = True) -> None:
    """Links to the 案件 page for the numerator's and the denominator's cases, carrying the filters;
    plain text (or nothing, without `text_fallback`) when the case list is not installed."""
    links = case_links(kpi, row)
    extra = f"P90 {format_value(None if pd.isna(row[kpi.p90]) else float(row[kpi.p90]), 'hours')}" \
        if kpi.fmt == "hours" else None
    if not cases_page_available():
        if not text_fallback:
            return
        parts = ([extra] if extra else []) + [f"{label} {count:,} 件" if label != "查看案件" else f"{count:,} 件"
                                              for label, _, count in links]
        st.caption(" · ".join(parts))
        return
    filters = current_filter_params()
    with st.container(horizontal=True, gap="small"):
        if extra:
            st.caption(extra)
        for label, flag, count in links:
            text = f"{label} {count:,}" if label not in ("查看案件", "在办未到期") else \
                (f"{count:,} 件" if label == "查看案件" else f"在办未到期 {count:,} 件")
            st.page_link(CASES_PAGE, label=text, icon=":material/list_alt:",
                         query_params=case_list_params(flag, filters), help=f"打开{SET_LABELS[flag]}清单")


def fraction_text(kpi: Kpi, row: pd.Series) -> str:
    """'312 ÷ 400 人' for a rate, '' for a count."""
    if not kpi.denominator:
        return ""
    return f"{int(row[kpi.numerator]):,} ÷ {int(row[kpi.denominator]):,} {kpi.unit}"


def render_kpi_card(kpi: Kpi, row: pd.Series, previous: pd.Series | None = None, *, key: str | None = None,
                    show_fraction: bool = False) -> None:
    """A metric with its formula in the tooltip; links to the cases behind case KPIs; show_fraction
    also prints numerator ÷ denominator (people KPIs, which have no case list)."""
    value = kpi_value(row, kpi)
    # `previous` may hold only queries.kpis.comparison_columns: a live count has no comparison.
    delta = delta_text(kpi, value, kpi_value(previous, kpi)) if previous is not None and not kpi.is_live else None
    label, text = kpi.label, format_value(value, kpi.fmt)
    if kpi.fmt == "hours" and kpi.p90:  # the unit goes into the label so the figure stays one short line
        label, text = f"{kpi.label}（中位·工作时）", ("—" if value is None else f"{value:,.1f}")
    with st.container(border=True, key=key):
        st.metric(label, text, delta=delta,
                  delta_color="normal" if kpi.higher_is_better else "inverse",
                  help=kpi_help(kpi, row))
        if kpi.numerator_set:
            render_case_links(kpi, row)
        if show_fraction:
            pending = pending_count(kpi, row)
            st.caption((fraction_text(kpi, row) or f"单位：{kpi.unit}")
                       + (f" · 在办未到期 {pending:,} {kpi.unit}" if pending else ""))


def render_empty(message: str = EMPTY_TEXT) -> None:
    st.info(message, icon=":material/search_off:")
