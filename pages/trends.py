"""趋势 — cases per day / week / month with 同比 and 环比, the most frequent 事件 and 部件, when problems are
reported (hour × weekday), where they come from (source mix over time) and how long handling takes
(median and P90 working hours over time). Every number follows the sidebar filters.
"""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from charts.style import ACCENT, PRIMARY
from charts.trend import (counts_with_comparisons, growth_rate, handling_time_chart, hour_weekday_heatmap,
                          source_mix_chart, top_category_bars)
from queries.periods import year_ago_caption
from queries.scope import Scope
from queries.trends import GRAINS, TREND_MEASURES, auto_grain
from ui import cache, figures, filters
from ui.app import setup_page
from ui.text import md_escape
from ui.widgets import render_empty

GRAIN_CHOICES = {"auto": "自动", "day": "按日", "week": "按周", "month": "按月"}
DURATIONS = {"handle": "派遣→处置", "close": "上报→结案"}
MAX_BUCKETS = 400
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def _span(scope: Scope) -> str:
    return f"{scope.start_date:%Y年%m月%d日}–{scope.end_date - timedelta(days=1):%m月%d日}"


def _covered(scope: Scope, data_start: date | None) -> bool:
    return data_start is None or scope.start_date >= data_start


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _hours(value) -> str:
    return "—" if value is None or value != value else f"{value:.1f} 工作时"


def main() -> None:
    scope = setup_page("趋势", "pages/trends.py", page_params=("measure", "grain", "duration"))
    meta = cache.meta()
    data_start = date.fromisoformat(meta["data_start_date"]) if meta.get("data_start_date") else None

    st.title("案件趋势")
    st.caption(f"统计期 {scope.start_date:%Y年%m月%d日} 至 {scope.end_date - timedelta(days=1):%Y年%m月%d日}"
               f"（{scope.days} 天）· {year_ago_caption(scope.start_date, scope.end_date)}；"
               f"环比：{scope.previous_caption}")
    c1, c2, _ = st.columns([3, 3, 4], vertical_alignment="bottom")
    with c1:
        measure = filters.render_choice("measure", "指标", TREND_MEASURES, "accepted")
    auto = auto_grain(scope)
    with c2:
        grain_choice = filters.render_choice("grain", "时间粒度", {**GRAIN_CHOICES, "auto": f"自动（{GRAINS[auto]}）"},
                                             "auto")
    grain = auto if grain_choice == "auto" else grain_choice
    if grain == "day" and scope.days > MAX_BUCKETS:
        grain = "week" if scope.days <= MAX_BUCKETS * 7 else "month"
        st.caption(f"统计期超过 {MAX_BUCKETS} 天，已改为按{GRAINS[grain]}显示，避免上千根柱子无法辨认。")
    elif grain == "week" and scope.days > MAX_BUCKETS * 7:
        grain = "month"
    label = TREND_MEASURES[measure]

    # 本期, 上期 (环比) and 去年同期 (同比): the KPI count of each window, only for the measure shown
    # and only for a window the data covers. Each is its own cached KPI query, so an ended window
    # (上期, 去年同期) is cached on the selection alone (queries/clock_keys.py) and reads only its
    # own row groups — one pass from a year back cost 13 months of reading for 近30天.
    prev_scope, year_scope = scope.previous_period(), scope.year_ago()
    column = f"{measure}_count"
    # Medians of a single day's closures are too few to read as a trend: at least weeks for durations.
    time_grain = "week" if grain == "day" and scope.days > 14 else grain
    # Every query of the page starts now on the prefetch threads (ui/cache.prefetch), slowest first.
    # Only the duration measure shown: the cards and the default chart read 派遣→处置; 上报→结案 is asked
    # for when picked.
    calls = {"handling": ("handling_time", scope, time_grain, "handle"),
             "series": ("trend_series", scope, grain, measure, data_start),
             "current": ("case_kpis", scope, (column,)),
             "previous": ("case_kpis", prev_scope, (column,)) if _covered(prev_scope, data_start) else None,
             "year_ago": ("case_kpis", year_scope, (column,)) if _covered(year_scope, data_start) else None,
             "tops": ("top_categories", scope, 5), "heat": ("hour_weekday", scope), "mix": ("source_mix", scope, grain)}
    cache.prefetch(*calls.values())
    current = int(cache.get(*calls["current"])[column])
    previous = None if calls["previous"] is None else int(cache.get(*calls["previous"])[column])
    year_ago = None if calls["year_ago"] is None else int(cache.get(*calls["year_ago"])[column])
    handling = cache.get(*calls["handling"])
    total = handling[handling.is_total]
    total = total.iloc[0] if len(total) else None

    cards = st.columns(5)
    with cards[0].container(border=True):
        st.metric(f"本期{label}", f"{current:,}",
                  delta=None if previous is None else f"{current - previous:+,} 件（较上期）",
                  delta_color="off", help=f"{_span(scope)} 的{label}，口径同总览页")
    with cards[1].container(border=True):
        st.metric("环比", _pct(growth_rate(current, previous)),
                  help=f"（本期 − 上期）÷ 上期。上期 {_span(prev_scope)}："
                       + ("早于数据起始日，无法比较" if previous is None else f"{previous:,} 件"))
    with cards[2].container(border=True):
        st.metric("同比", _pct(growth_rate(current, year_ago)),
                  help=f"（本期 − 去年同期）÷ 去年同期。去年同期 {_span(year_scope)}："
                       + ("早于数据起始日，无法比较" if year_ago is None else f"{year_ago:,} 件"))
    n_handled = 0 if total is None else int(total.handle_timed_count)
    with cards[3].container(border=True):
        st.metric("处置时长中位数", _hours(None if total is None else total.handle_median_hours),
                  help=f"统计期内结案、经派遣的 {n_handled:,} 件案件，从派遣到处置回复的工作时（不含节假日、"
                       "非工作时段和缓办暂停时间）的中位数：一半案件快于此值")
    with cards[4].container(border=True):
        st.metric("处置时长 P90", _hours(None if total is None else total.handle_p90_hours),
                  help=f"同一批 {n_handled:,} 件案件的第 90 百分位：90% 的案件在此工作时内处置完毕")

    st.markdown(f"#### 每{GRAINS[grain]}{label}及同比、环比")
    series = cache.get(*calls["series"])
    if series.empty or series.case_count.sum() == 0:
        render_empty()
    else:
        figures.plotly_chart("trends_series", scope, (grain, measure, data_start, label),
                             lambda: counts_with_comparisons(series, grain, label), width="stretch", config=PLOTLY_CONFIG)
        st.caption("柱：本期件数（浅色柱为被统计期截断的不完整周期，与上期、去年同期的相同天数比较）；"
                   "线：同比、环比增长率（右轴）。早于数据起始日的比较不显示。")

    left, middle, right = st.columns([1, 1, 1.35], gap="medium")
    tops = cache.get(*calls["tops"])
    for col, kind, color in ((left, "event", PRIMARY), (middle, "component", ACCENT)):
        with col:
            st.markdown(f"#### 高发{filters.KIND_LABELS[kind]}前五")
            part = tops[tops.kind == kind]
            if part.empty:
                render_empty("所选范围内无数据" + ("（筛选条件未包含此类）" if scope.kinds and kind not in scope.kinds else ""))
            else:
                figures.plotly_chart(f"trends_top_{kind}", scope, (color,),
                                     lambda: top_category_bars(part, color=color), width="stretch", config=PLOTLY_CONFIG)
                st.caption(f"按小类统计的受理数；百分比为占本期全部{filters.KIND_LABELS[kind]}"
                           f"（{int(part.kind_total.iloc[0]):,} 件）的比例，悬停查看环比")
    with right:
        st.markdown("#### 上报时段分布（星期 × 小时）")
        heat = cache.get(*calls["heat"])
        if heat.empty:
            render_empty()
        else:
            figures.plotly_chart("trends_heat", scope, (300,), lambda: hour_weekday_heatmap(heat, height=300),
                                 width="stretch", config=PLOTLY_CONFIG)
            st.caption("统计期内受理案件按上报时间所在的星期和小时计数，颜色越深上报越集中")

    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"#### 案件来源构成（按{GRAINS[grain]}）")
        mix = cache.get(*calls["mix"])
        if mix.empty:
            render_empty()
        else:
            figures.plotly_chart("trends_sources", scope, (grain,), lambda: source_mix_chart(mix, grain),
                                 width="stretch", config=PLOTLY_CONFIG)
            shares = mix.groupby("source_name").case_count.sum().sort_values(ascending=False)
            top3 = "、".join(f"{md_escape(n)} {v / shares.sum() * 100:.1f}%" for n, v in shares.head(3).items())
            st.caption(f"统计期内受理数按来源堆叠；占比前三：{top3}")
    with right:
        head, pick = st.columns([3, 2], vertical_alignment="bottom")
        with head:
            st.markdown(f"#### 处置时长趋势（按{GRAINS[time_grain]}）")
        with pick:
            which = filters.render_choice("duration", "时长口径", DURATIONS, "handle", widget="radio")
        shown = handling if which == "handle" else cache.get("handling_time", scope, time_grain, which)
        buckets = shown[~shown.is_total]
        if buckets.empty or buckets[f"{which}_timed_count"].sum() == 0:
            render_empty()
        else:
            figures.plotly_chart("trends_handling", scope, (time_grain, which),
                                 lambda: handling_time_chart(buckets, time_grain, which), width="stretch",
                                 config=PLOTLY_CONFIG)
            st.caption(f"统计期内结案的案件按结案日期分组，{DURATIONS[which]}所用工作时的中位数与第 90 百分位"
                       "（P90）；工作时按办公时间与节假日、调休日历计算，不用平均值以免被个别长案拉高；"
                       "不足 5 件的周期不画点")


if __name__ == "__main__":
    main()
