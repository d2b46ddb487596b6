"""Trend charts: DataFrame in, plotly Figure out."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.style import ACCENT, BAD, GOOD, MUTED, PRIMARY, SERIES, base_layout, ramp_colorscale
from queries.numbers import rate_text


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
    text = [rate_text(v, 1) if value_is_rate else f"{v:,.0f}" for v in frame[value_col]]
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




# ───────────────────────── 趋势 page ─────────────────────────

TICK_FORMATS = {"day": "%m月%d日", "week": "%m月%d日", "month": "%Y年%m月"}
HOVER_DATES = {"day": "%Y年%m月%d日", "week": "%Y年%m月%d日起一周", "month": "%Y年%m月"}
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def growth_rate(current: float, base: float | None) -> float | None:
    """(current − base) / base; None when the base is unknown or zero."""
    if base is None or pd.isna(base) or base == 0:
        return None
    return (current - base) / base


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def counts_with_comparisons(series: pd.DataFrame, grain: str, measure_label: str, *, height: int = 360) -> go.Figure:
    """Bars of cases per bucket; lines of 同比 and 环比 growth (%, right axis). A partial bucket (the
    window cuts it) is drawn lighter and compared with equally partial stretches (see trend_series.sql)."""
    yoy = [growth_rate(c, b) for c, b in zip(series.case_count, series.year_ago_count)]
    mom = [growth_rate(c, b) for c, b in zip(series.case_count, series.previous_count)]
    dates = pd.to_datetime(series.bucket_start)
    covered = [f"（不完整周期：{a:%m月%d日}–{(pd.Timestamp(b) - pd.Timedelta(days=1)):%m月%d日}）" if p else ""
               for a, b, p in zip(pd.to_datetime(series.covered_from), series.covered_until, series.is_partial)]
    custom = list(zip(
        covered, [_pct(v) for v in yoy], [_pct(v) for v in mom],
        ["—" if pd.isna(v) else f"{int(v):,}" for v in series.year_ago_count],
        ["—" if pd.isna(v) else f"{int(v):,}" for v in series.previous_count],
    ))
    colors = [PRIMARY if not p else "rgba(31,95,191,0.45)" for p in series.is_partial]
    # Day-on-day rates of a few dozen cases swing wildly: for days the rate lines start hidden
    # (a click on the legend shows them) and the year-ago count line carries the comparison.
    rates_visible = True if grain != "day" else "legendonly"
    fig = go.Figure()
    fig.add_scatter(x=dates, y=series.year_ago_count, name="去年同期", mode="lines",
                    line=dict(color=MUTED, width=2), hoverinfo="skip", connectgaps=False)
    fig.add_bar(x=dates, y=series.case_count, name=measure_label, marker_color=colors, customdata=custom,
                hovertemplate=(f"%{{x|{HOVER_DATES[grain]}}}%{{customdata[0]}}<br>{measure_label} %{{y:,}} 件"
                               "<br>同比 %{customdata[1]}（去年同期 %{customdata[3]} 件）"
                               "<br>环比 %{customdata[2]}（上期 %{customdata[4]} 件）<extra></extra>"))
    fig.add_scatter(x=dates, y=[None if v is None else v for v in yoy], name="同比增长率", yaxis="y2",
                    mode="lines+markers", line=dict(color=ACCENT, width=2), marker=dict(size=5),
                    connectgaps=False, hoverinfo="skip", visible=rates_visible)
    fig.add_scatter(x=dates, y=[None if v is None else v for v in mom], name="环比增长率", yaxis="y2",
                    mode="lines+markers", line=dict(color=GOOD, width=2, dash="dot"), marker=dict(size=5),
                    connectgaps=False, hoverinfo="skip", visible=rates_visible)
    base_layout(fig, height=height)
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", tickformat="+.0%", title="增长率（%）",
                                  showgrid=False, zeroline=True, zerolinecolor=MUTED),
                      bargap=0.25, hovermode="x unified" if len(series) > 60 else "closest")
    fig.update_xaxes(tickformat=TICK_FORMATS[grain], title=None)
    _bucket_ticks(fig, dates, grain)
    fig.update_layout(yaxis=dict(title="案件数（件）"))
    return fig


def top_category_bars(frame: pd.DataFrame, *, color: str = PRIMARY, height: int = 260) -> go.Figure:
    """Top 小类 of one kind (columns rank, minor_name, major_name, case_count, share_rate,
    previous_count), the largest at the top."""
    change = [_pct(growth_rate(c, p)) for c, p in zip(frame.case_count, frame.previous_count)]
    labels = [f"{r}. {n}" for r, n in zip(frame["rank"], frame.minor_name)]
    fig = go.Figure(go.Bar(
        x=frame.case_count, y=labels, orientation="h", marker_color=color,
        text=[f"{c:,} 件 · {rate_text(s, 1)}" for c, s in zip(frame.case_count, frame.share_rate)],
        textposition="auto", cliponaxis=False,
        customdata=list(zip(frame.major_name, frame.previous_count, change)),
        hovertemplate="%{y}（%{customdata[0]}）<br>%{x:,} 件，占同类 %{text}<br>"
                      "上期 %{customdata[1]:,} 件，环比 %{customdata[2]}<extra></extra>",
    ))
    base_layout(fig, height=height, legend=False)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="受理数（件）")
    return fig


def hour_weekday_heatmap(frame: pd.DataFrame, *, height: int = 300) -> go.Figure:
    """Cases by weekday (rows, 周一 first) and hour of the report (columns); empty cells are 0."""
    grid = np.zeros((7, 24), dtype=int)
    for row in frame.itertuples(index=False):
        grid[int(row.weekday) - 1, int(row.hour)] = int(row.case_count)
    fig = go.Figure(go.Heatmap(
        z=grid, x=[f"{h}时" for h in range(24)], y=WEEKDAYS, colorscale=ramp_colorscale(),
        colorbar=dict(title=dict(text="件", side="top"), thickness=12),
        hovertemplate="%{y} %{x}<br>上报 %{z:,} 件<extra></extra>", xgap=1, ygap=1,
    ))
    base_layout(fig, height=height, legend=False)
    fig.update_yaxes(autorange="reversed", title=None, rangemode="normal", showgrid=False)
    fig.update_xaxes(title="上报时段（时）", showgrid=False, dtick=2)
    return fig


def source_mix_chart(frame: pd.DataFrame, grain: str, *, height: int = 320) -> go.Figure:
    """Cases per bucket stacked by source (columns bucket_start, source_name, case_count); areas
    instead of bars when there are many buckets, so the chart stays readable."""
    pivot = frame.pivot_table(index="bucket_start", columns="source_name", values="case_count",
                              aggfunc="sum", fill_value=0).sort_index()
    order = pivot.sum().sort_values(ascending=False).index
    totals = pivot.sum(axis=1)
    dates = pd.to_datetime(pivot.index)
    fig = go.Figure()
    many = len(pivot) > 60
    for i, name in enumerate(order):
        share = (pivot[name] / totals.where(totals > 0)).fillna(0)
        common = dict(x=dates, y=pivot[name], name=name, customdata=share,
                      hovertemplate=f"%{{x|{HOVER_DATES[grain]}}}<br>{name} %{{y:,}} 件（占 %{{customdata:.1%}}）<extra></extra>")
        if many:
            fig.add_scatter(mode="lines", stackgroup="one", line=dict(width=0.5, color=SERIES[i % len(SERIES)]), **common)
        else:
            fig.add_bar(marker_color=SERIES[i % len(SERIES)], **common)
    base_layout(fig, height=height)
    fig.update_layout(barmode="stack", bargap=0.2, legend=dict(font=dict(size=12)))
    fig.update_xaxes(tickformat=TICK_FORMATS[grain], title=None)
    _bucket_ticks(fig, pd.Series(dates), grain)
    fig.update_yaxes(title="受理数（件）")
    return fig


def _bucket_ticks(fig: go.Figure, dates: pd.Series, grain: str) -> None:
    """Ticks on the buckets themselves for weeks and months (plotly's own fall on Sundays)."""
    if grain != "day" and len(dates) <= 16:
        fig.update_xaxes(tickvals=list(dates))


def handling_time_chart(frame: pd.DataFrame, grain: str, which: str, *, height: int = 320,
                        min_cases: int = 5) -> go.Figure:
    """Median and P90 working hours per bucket (columns bucket_start, {which}_median_hours,
    {which}_p90_hours, {which}_timed_count), `which` = handle | close. Buckets with fewer than
    `min_cases` timed cases are left as gaps: a median of two cases is not a trend."""
    frame = frame.copy()
    n = frame[f"{which}_timed_count"]
    for col in (f"{which}_median_hours", f"{which}_p90_hours"):
        frame[col] = frame[col].where(n >= min_cases)
    dates = pd.to_datetime(frame.bucket_start)
    fig = go.Figure()
    fig.add_scatter(x=dates, y=frame[f"{which}_median_hours"], name="中位数", mode="lines+markers",
                    line=dict(color=PRIMARY, width=2.5), marker=dict(size=5), customdata=n,
                    hovertemplate=f"%{{x|{HOVER_DATES[grain]}}}<br>中位数 %{{y:.1f}} 工作时（%{{customdata:,}} 件）<extra></extra>")
    fig.add_scatter(x=dates, y=frame[f"{which}_p90_hours"], name="P90（90%的案件不超过）", mode="lines+markers",
                    line=dict(color=BAD, width=2, dash="dash"), marker=dict(size=5), customdata=n,
                    hovertemplate=f"%{{x|{HOVER_DATES[grain]}}}<br>P90 %{{y:.1f}} 工作时（%{{customdata:,}} 件）<extra></extra>")
    base_layout(fig, height=height)
    fig.update_xaxes(tickformat=TICK_FORMATS[grain], title=None)
    _bucket_ticks(fig, dates, grain)
    fig.update_yaxes(title="工作时（小时）")
    return fig
