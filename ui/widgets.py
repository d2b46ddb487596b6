"""Shared widgets, named render_*: KPI cards and empty states."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from queries.kpis import Kpi, format_value, kpi_value

EMPTY_TEXT = "所选范围内无数据"


def kpi_help(kpi: Kpi, row: pd.Series) -> str:
    """Tooltip text: formula, the actual numerator/denominator, exclusions."""
    lines = [f"**{kpi.label}** = {kpi.formula}"]
    if kpi.denominator:
        lines.append(f"本次：{int(row[kpi.numerator]):,} ÷ {int(row[kpi.denominator]):,}")
    else:
        lines.append(f"本次：{format_value(kpi_value(row, kpi), kpi.fmt)}"
                     + (f" {kpi.unit}" if kpi.fmt == "count" else ""))
    lines.append(f"口径：{kpi.exclusions}")
    return "\n\n".join(lines)


def fraction_text(kpi: Kpi, row: pd.Series) -> str:
    """'312 ÷ 400 人' for a rate, '' for a count."""
    if not kpi.denominator:
        return ""
    return f"{int(row[kpi.numerator]):,} ÷ {int(row[kpi.denominator]):,} {kpi.unit}"


def render_kpi_card(kpi: Kpi, row: pd.Series, previous: pd.Series | None = None, *, key: str | None = None,
                    show_fraction: bool = False) -> None:
    """A metric with its formula in the tooltip; show_fraction also prints numerator ÷ denominator."""
    value = kpi_value(row, kpi)
    delta = None
    if previous is not None and value is not None and not kpi.is_live:
        before = kpi_value(previous, kpi)
        if before is not None:
            diff = value - before
            delta = {"rate": f"{diff * 100:+.2f} 个百分点", "hours": f"{diff:+,.1f} 小时",
                     "yuan": f"{diff:+,.0f} 元"}.get(kpi.fmt, f"{diff:+,.0f}")
    with st.container(border=True, key=key):
        st.metric(kpi.label, format_value(value, kpi.fmt), delta=delta,
                  delta_color="normal" if kpi.higher_is_better else "inverse",
                  help=kpi_help(kpi, row))
        if show_fraction:
            st.caption(fraction_text(kpi, row) or f"单位：{kpi.unit}")


def render_empty(message: str = EMPTY_TEXT) -> None:
    st.info(message, icon=":material/search_off:")
