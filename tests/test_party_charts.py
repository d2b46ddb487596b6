"""Pure chart builders of the people stream: units on axes, readable tooltips, bounded bars."""
from __future__ import annotations

import pandas as pd

from charts.party import checkin_trend, top_bars, wish_funnel


def test_checkin_trend_has_counts_on_the_left_and_the_rate_in_percent_on_the_right():
    trend = pd.DataFrame({"bucket_start": pd.to_datetime(["2026-11-01", "2026-11-02"]),
                          "report_in_count": [1, 0], "service_count": [5, 7], "visit_count": [0, 1],
                          "reported_in_count": [3, 4], "assigned_count": [8, 8]})
    fig = checkin_trend(trend, "day")
    assert [t.name for t in fig.data] == ["服务签到", "报到", "第一书记走访", "报到率（累计）"]
    assert fig.layout.yaxis.title.text == "签到次数（次）" and fig.layout.yaxis2.title.text == "报到率（%）"
    assert list(fig.data[3].y) == [0.375, 0.5]
    assert fig.layout.xaxis.tickformat == "%m月%d日"
    assert "已报到" in fig.data[3].hovertemplate


def test_top_bars_keep_the_largest_fifteen_and_escape_names():
    frame = pd.DataFrame({"name": [f"社区{i}" for i in range(40)] + ["<a href='x'>恶意</a>"],
                          "hours": list(range(40)) + [99.0], "acts": [1] * 41})
    fig = top_bars(frame, "name", "hours", value_title="服务时长", unit="小时", hover={"acts": "活动（场）"})
    bar = fig.data[0]
    assert len(bar.y) == 15 and bar.y[0] == "&lt;a href=&#x27;x&#x27;&gt;恶意&lt;/a&gt;"
    assert fig.layout.xaxis.title.text == "服务时长（小时）" and "活动（场）" in bar.hovertemplate


def test_wish_funnel_shows_counts_and_yuan():
    row = pd.Series({"posted_count": 10, "claimed_count": 8, "completed_count": 6, "posted_value_yuan": 1000.0,
                     "claimed_value_yuan": 800.0, "completed_value_yuan": 600.0})
    fig = wish_funnel(row)
    assert list(fig.data[0].x) == [10, 8, 6] and fig.data[0].text[2] == "6 个 · 600 元"
