"""Trend charts: DataFrame in, plotly Figure out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.style import BAD, PRIMARY, base_layout


def daily_accepted_closed(trend: pd.DataFrame, *, height: int = 320) -> go.Figure:
    """Lines of accepted and closed (办结: every closure that day) cases per day (columns day, accepted_count, closed_count)."""
    fig = go.Figure()
    fig.add_scatter(x=trend.day, y=trend.accepted_count, name="受理数", mode="lines",
                    line=dict(color=PRIMARY, width=2.5),
                    hovertemplate="%{x|%Y年%m月%d日}<br>受理 %{y:,} 件<extra></extra>")
    fig.add_scatter(x=trend.day, y=trend.closed_count, name="办结数", mode="lines",
                    line=dict(color="#16a34a", width=2.5),
                    hovertemplate="%{x|%Y年%m月%d日}<br>办结 %{y:,} 件<extra></extra>")
    base_layout(fig, height=height)
    fig.update_xaxes(tickformat="%m月%d日", title=None)
    fig.update_yaxes(title="案件数（件）")
    return fig


def ranked_bars(frame: pd.DataFrame, label_col: str, value_col: str, *, value_is_rate: bool,
                height: int = 300, color: str = PRIMARY, hover_extra: str | None = None) -> go.Figure:
    """Horizontal bars, best at the top (the frame comes sorted best first)."""
    text = [f"{v * 100:.1f}%" if value_is_rate else f"{v:,.0f}" for v in frame[value_col]]
    fig = go.Figure(go.Bar(
        x=frame[value_col], y=frame[label_col], orientation="h", marker_color=color, text=text,
        textposition="auto", customdata=frame[hover_extra] if hover_extra else None,
        hovertemplate=("%{y}<br>%{text}" + ("<br>应结案 %{customdata:,} 件" if hover_extra else "") + "<extra></extra>"),
    ))
    base_layout(fig, height=height, legend=False)
    fig.update_yaxes(autorange="reversed", title=None)
    if value_is_rate:
        fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return fig


__all__ = ["daily_accepted_closed", "ranked_bars", "BAD"]
