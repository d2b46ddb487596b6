"""Pure figure builders for 预警研判 (pages/signals.py): the hand-off network of 推诿 pairs."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.style import BAD, FONT, MUTED, PRIMARY


def handoff_network(pairs: pd.DataFrame, *, height: int = 420) -> go.Figure:
    """Units on a circle, a line between each pair whose width follows its hand-offs; node size
    follows the hand-offs a unit is part of. `pairs`: rows of handoff_pairs."""
    fig = go.Figure()
    if pairs.empty:
        return fig
    names: dict[str, str] = {}
    weight: dict[str, int] = {}
    for r in pairs.itertuples(index=False):
        for code, name in ((r.unit_a, r.unit_a_name), (r.unit_b, r.unit_b_name)):
            names[code] = name if isinstance(name, str) and name else code
            weight[code] = weight.get(code, 0) + int(r.handoffs)
    order = sorted(names, key=lambda c: (-weight[c], c))
    pos = {c: (math.cos(2 * math.pi * i / len(order)), math.sin(2 * math.pi * i / len(order)))
           for i, c in enumerate(order)}
    top = int(pairs.handoffs.max())
    for r in pairs.itertuples(index=False):
        (x0, y0), (x1, y1) = pos[r.unit_a], pos[r.unit_b]
        fig.add_trace(go.Scatter(
            x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="text", showlegend=False,
            line=dict(width=1 + 9 * int(r.handoffs) / top, color=BAD if r.returned_cases else PRIMARY),
            opacity=0.55,
            text=f"{names[r.unit_a]} ⇄ {names[r.unit_b]}：{int(r.handoffs)} 次（{int(r.a_to_b)} / {int(r.b_to_a)}）"))
    fig.add_trace(go.Scatter(
        x=[pos[c][0] for c in order], y=[pos[c][1] for c in order], mode="markers+text", showlegend=False,
        text=[names[c] for c in order], textposition="top center", hoverinfo="text",
        hovertext=[f"{names[c]}：涉及转出/转入 {weight[c]} 次" for c in order],
        marker=dict(size=[10 + 20 * weight[c] / max(weight.values()) for c in order], color=MUTED,
                    line=dict(width=1, color=PRIMARY))))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), font=dict(family=FONT, size=12),
                      xaxis=dict(visible=False, range=[-1.5, 1.5]), yaxis=dict(visible=False, range=[-1.3, 1.35]),
                      plot_bgcolor="white")
    return fig


def topic_months(frame: pd.DataFrame, topic_month, *, height: int = 300) -> go.Figure:
    """每月一题: reports per month, the topic month highlighted; hatched part = the month before's count
    in the same days (what the running month is compared with)."""
    months = pd.to_datetime(frame.month)
    colours = [BAD if m.date() == topic_month else PRIMARY for m in months]
    fig = go.Figure(go.Bar(x=months, y=frame.reports, marker_color=colours, text=frame.reports, textposition="outside",
                           hovertemplate="%{x|%Y年%m月}：%{y} 件<extra></extra>", name="上报数"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=20, b=10), font=dict(family=FONT, size=12),
                      showlegend=False, plot_bgcolor="white", yaxis=dict(title="件", gridcolor="#e2e8f0"),
                      xaxis=dict(tickformat="%Y年%m月", dtick="M1"))
    return fig
