"""总览 — the entry page: `streamlit run dashboard.py`.

The other pages live in pages/ (Streamlit's multipage folder); ui.app.setup_page gives every page
the same Chinese menu, filters and Scope. This page: headline KPIs, daily trend, district map,
best and worst units for the selected window and area.
"""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from charts.maps import choropleth
from charts.style import BLACK_LIST, HONOUR
from charts.trend import daily_accepted_closed, ranked_bars
from data.config import PROJECT_ROOT, load_city
from queries.kpis import comparison_columns, kpi_columns, registry
from queries.league import TIE_RULE, red_black
from ui import cache, figures
from ui.alerts import render_strip as render_alert_strip
from ui.app import setup_page
from ui.text import md_escape
from ui.widgets import render_empty, render_kpi_card

OVERVIEW_KPIS = ["accepted", "filed", "closed", "disposal_rate", "on_time_rate", "overdue_open"]
SECOND_ROW_KPIS = ["due", "closing_rate", "on_time_disposal_rate", "rework_rate", "satisfaction_rate", "handle_hours"]
# The rest of the registry, folded away: every KPI is on the overview (queries/kpis.py has them all).
MORE_KPIS = ["dispatched", "on_time_closed", "closed_in_period", "deferred", "extension_rate", "first_time_rate",
             "public_report_rate", "on_time_accept_rate", "on_time_filing_rate", "on_time_dispatch_rate",
             "dispatch_accuracy_rate", "on_time_verify_rate", "close_hours"]
MORE_PER_ROW = 7


def render_card_row(keys: list[str], kpis, row, previous, *, per_row: int | None = None) -> None:
    per_row = per_row or len(keys)
    for start in range(0, len(keys), per_row):
        cols = st.columns(per_row)
        for col, key in zip(cols, keys[start:start + per_row]):
            with col:
                render_kpi_card(kpis[key], row, previous, key=f"kpi_{key}")


def main() -> None:
    scope = setup_page("总览", "dashboard.py")
    city = load_city()
    kpis = registry(city)
    # Only the counts the cards show: on 10M cases the whole kpi_counts row costs three times as much.
    shown = kpi_columns(kpis[k] for k in OVERVIEW_KPIS + SECOND_ROW_KPIS)
    # The previous period only for the arrows: each value's numerator and denominator (not the P90,
    # pending count, basis or live count, which cost the most on its case path: docs/performance.md 5c).
    compared = comparison_columns(kpis[k] for k in OVERVIEW_KPIS + SECOND_ROW_KPIS)
    level = 1 if scope.districts is None else 2 if scope.streets is None else 3 if scope.communities is None else 4
    # Every query below starts now on the prefetch threads; this thread meanwhile draws the 预警 strip
    # (its evaluation is mostly Python). docs/performance.md 5c, "Session 9".
    calls = {"previous": ("case_kpis", scope.previous_period(), compared), "row": ("case_kpis", scope, shown),
             "summary": ("area_summary", scope, level), "league": ("unit_league", scope, city.league_min_volume),
             "trend": ("daily_trend", scope), "shapes": ("area_shapes", scope, level)}
    cache.prefetch(*calls.values())
    meta = cache.meta()

    st.title(f"{md_escape(meta.get('city_name', city.name))}社会治理总览")
    st.caption(f"统计期 {scope.start_date:%Y年%m月%d日} 至 {scope.end_date - timedelta(days=1):%Y年%m月%d日}"
               f"（{scope.days} 天）· 箭头{scope.previous_caption} · 悬停卡片右上角图标查看计算公式")
    render_alert_strip(scope)
    row, previous = cache.get(*calls["row"]), cache.get(*calls["previous"])
    render_card_row(OVERVIEW_KPIS, kpis, row, previous)
    render_card_row(SECOND_ROW_KPIS, kpis, row, previous)
    more = st.expander("更多指标：派遣、办结、缓办延期、一次完成、监督举报、各环节按时率与结案时长",
                       icon=":material/analytics:", key="more_kpis", on_change="rerun")
    with more:
        if more.open:  # counted only when someone opens it
            extra = kpi_columns(kpis[k] for k in MORE_KPIS)
            render_card_row(MORE_KPIS, kpis, cache.get("case_kpis", scope, extra),
                            cache.get("case_kpis", scope.previous_period(),
                                      comparison_columns(kpis[k] for k in MORE_KPIS)), per_row=MORE_PER_ROW)
        if (PROJECT_ROOT / "pages/definitions.py").exists():
            st.page_link("pages/definitions.py", label="每个指标的公式、分子分母与排除项：口径说明",
                         icon=":material/menu_book:")

    left, right = st.columns([7, 5])
    with left:
        st.subheader("区域分布")
        summary, shapes = cache.get(*calls["summary"]), cache.get(*calls["shapes"])
        if summary.empty or shapes.empty:
            render_empty()
        elif shapes.geojson.isna().all():
            # Imported areas often come without boundaries (NYC community boards, new street names).
            render_empty("这些区域没有边界数据，无法绘制地图；下图按区域列出受理数。"
                         "加载官方边界文件（GeoJSON，WGS84）后即可显示地图。")
            top = summary[summary.accepted_count > 0].nlargest(12, "accepted_count").assign(label=lambda d: d["name"])
            if not top.empty:
                st.plotly_chart(ranked_bars(top, "label", "accepted_count", value_is_rate=False, height=380),
                                width="stretch", config={"displaylogo": False})
        else:
            sub = scope.districts is not None or bool(scope.access.districts)   # a district's own user: its map
            centre = (float(shapes.centroid_lat.mean()), float(shapes.centroid_lon.mean())) if sub \
                else (city.map_center_lat, city.map_center_lon)
            figures.pydeck_chart(
                "overview_map", scope, (level, sub, centre),
                lambda: choropleth(shapes, summary, "accepted_count", "受理数（件）", value_is_rate=False,
                                   center=centre, zoom=city.map_zoom + (1.6 if sub else 0), height=440), height=440)
            st.caption("颜色越深受理数越多。" + ("区县边界：公开行政区划数据（高德，已转换为 WGS84 坐标）；"
                                          "街道、社区、网格边界为合成示例数据。" if meta.get("is_demo") == "true" else ""))
    with right:
        st.subheader("每日受理与办结")
        trend = cache.get(*calls["trend"])
        if trend.empty or (trend.accepted_count.sum() == 0 and trend.closed_count.sum() == 0):
            render_empty()
        else:
            figures.plotly_chart("overview_daily", scope, (440,), lambda: daily_accepted_closed(trend, height=440),
                                 width="stretch", config={"displaylogo": False})

    league = cache.get(*calls["league"])
    ranked = league[league.is_ranked]
    st.subheader("责任单位按期结案率")
    st.caption(f"仅对统计期内应结案不少于 {city.league_min_volume} 件的单位排名（{TIE_RULE}）。"
               f"未达门槛的单位 {int((~league.is_ranked).sum())} 个不参与排名；分组排名与综合指标值见排行榜。")
    if ranked.empty:
        render_empty("所选范围内没有达到排名门槛的责任单位")
    else:
        best, worst = st.columns(2)
        # Up to eight each, never the same unit on both lists.
        top, bottom = red_black(ranked, min(8, (len(ranked) + 1) // 2))
        top = top.assign(label=lambda d: d["rank"].astype(int).astype(str) + ". " + d["name"])
        bottom = bottom.assign(label=lambda d: d["rank"].astype(int).astype(str) + ". " + d["name"])
        with best:
            st.markdown(":red[**红榜**] · 最好的单位")
            figures.plotly_chart("overview_red", scope, (city.league_min_volume,),
                                 lambda: ranked_bars(top, "label", "value", value_is_rate=True, color=HONOUR,
                                                     hover_extra="volume"), width="stretch", config={"displaylogo": False})
        with worst:
            st.markdown("**黑榜 · 最需改进的单位**")
            figures.plotly_chart("overview_black", scope, (city.league_min_volume,),
                                 lambda: ranked_bars(bottom, "label", "value", value_is_rate=True, color=BLACK_LIST,
                                                     hover_extra="volume"), width="stretch", config={"displaylogo": False})


if __name__ == "__main__":
    main()
