"""People-stream charts (党建引领): DataFrame in, plotly Figure out. No streamlit here."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from charts.style import ACCENT, GOOD, MUTED, PRIMARY, SERIES, base_layout

TICKS = {"day": "%m月%d日", "week": "%m月%d日", "month": "%Y年%m月"}
HOVER_DATE = {"day": "%Y年%m月%d日", "week": "%Y年%m月%d日起一周", "month": "%Y年%m月"}


def checkin_trend(trend: pd.DataFrame, grain: str, *, height: int = 340) -> go.Figure:
    """Stacked bars of check-ins by purpose per bucket (left axis) and the cumulative 报到率 as it
    stood at each bucket's end (right axis). Columns of party_checkin_trend.sql."""
    fig = go.Figure()
    hover_date = HOVER_DATE[grain]
    for col, name, color in (("service_count", "服务签到", PRIMARY), ("report_in_count", "报到", GOOD),
                             ("visit_count", "第一书记走访", ACCENT)):
        fig.add_bar(x=trend.bucket_start, y=trend[col], name=name, marker_color=color,
                    hovertemplate=f"%{{x|{hover_date}}}<br>{name} %{{y:,}} 次<extra></extra>")
    rate = (trend.reported_in_count / trend.assigned_count.where(trend.assigned_count > 0))
    fig.add_scatter(x=trend.bucket_start, y=rate, name="报到率（累计）", yaxis="y2", mode="lines+markers",
                    line=dict(color=SERIES[3], width=2.5), marker=dict(size=5),
                    customdata=trend[["reported_in_count", "assigned_count"]].to_numpy(),
                    hovertemplate=(f"%{{x|{hover_date}}}末<br>报到率 %{{y:.1%}}"
                                   "<br>已报到 %{customdata[0]:,} ÷ 应报到 %{customdata[1]:,} 人<extra></extra>"))
    base_layout(fig, height=height)
    fig.update_layout(barmode="stack", bargap=0.25,
                      yaxis2=dict(overlaying="y", side="right", tickformat=".0%", range=[0, 1.05],
                                  tickmode="array", tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
                                  title="报到率（%）", showgrid=False))
    fig.update_xaxes(tickformat=TICKS[grain], title=None)
    fig.update_layout(yaxis=dict(title="签到次数（次）"))
    return fig


def top_bars(frame: pd.DataFrame, label_col: str, value_col: str, *, value_title: str, unit: str,
             hover: dict[str, str] | None = None, top: int = 15, height: int = 420, color: str = PRIMARY) -> go.Figure:
    """Horizontal bars of the `top` largest values, largest at the top, so a long list stays readable.
    hover: column -> Chinese label shown in the tooltip (counts)."""
    data = frame.nlargest(top, value_col).copy()
    # plotly reads <b>, <a href=...> in text as markup: names from data are escaped (shown as typed)
    data[label_col] = data[label_col].astype(str).map(html.escape)
    hover = hover or {}
    custom = data[list(hover)].to_numpy() if hover else None
    extra = "".join(f"<br>{label} %{{customdata[{i}]:,}}" for i, label in enumerate(hover.values()))
    fig = go.Figure(go.Bar(
        x=data[value_col], y=data[label_col], orientation="h", marker_color=color,
        text=[f"{v:,.1f}" if unit == "小时" else f"{v:,.0f}" for v in data[value_col]], textposition="outside",
        cliponaxis=False, textfont=dict(size=12),
        customdata=custom, hovertemplate=f"%{{y}}<br>{value_title} %{{x:,.1f}} {unit}{extra}<extra></extra>",
    ))
    base_layout(fig, height=height, legend=False)
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    top_value = float(data[value_col].max()) if len(data) else 0.0
    fig.update_xaxes(title=f"{value_title}（{unit}）", range=[0, top_value * 1.15 or 1])
    return fig


def wish_funnel(row: pd.Series, *, height: int = 300) -> go.Figure:
    """Posted → claimed → completed micro-wishes with their value (columns of party_wishes.sql)."""
    stages = ["发布", "认领", "完成"]
    counts = [int(row.posted_count), int(row.claimed_count), int(row.completed_count)]
    values = [float(row.posted_value_yuan), float(row.claimed_value_yuan), float(row.completed_value_yuan)]
    text = [f"{c:,} 个 · {v:,.0f} 元" for c, v in zip(counts, values)]
    fig = go.Figure(go.Funnel(
        y=stages, x=counts, text=text, textinfo="text+percent initial", marker=dict(color=[MUTED, PRIMARY, GOOD]),
        customdata=values, hovertemplate="%{y}：%{x:,} 个<br>价值 %{customdata:,.0f} 元<br>占发布 %{percentInitial:.1%}"
                                          "<extra></extra>",
    ))
    base_layout(fig, height=height, legend=False)
    fig.update_yaxes(title=None)
    return fig
