"""地图 — areas of the current drill level coloured by a chosen measure, a case density layer, and the
ranked table of the areas with numerator and denominator. Clicking an area (or choosing it in the
list) drills into it: the sidebar area filter and the URL follow.
"""
from __future__ import annotations

from datetime import timedelta
from functools import partial

import pandas as pd
import streamlit as st

from charts.maps import AREA_LAYER_ID, choropleth, fit_view, hexbin_layer, legend, points_layer
from data.config import load_city
from queries.maps import HEX_METRES, MAX_POINTS, POINT_SETS, STATUS_LABELS
from queries.measures import AreaMeasure, area_measures, format_measure, measure_values
from ui import cache, figures, filters
from ui.app import setup_page
from ui.export import render_downloads
from ui.text import md_escape
from ui.widgets import render_empty

LAYERS = {"area": "区域着色", "density": "案件分布"}
MAP_HEIGHT = 640


def _on_map_select(key: str, level: int) -> None:
    """pydeck selection callback: a click on an area drills into it (areas layer only)."""
    state = st.session_state.get(key) or {}
    objects = (state.get("selection") or {}).get("objects") or {}
    picked = objects.get(AREA_LAYER_ID) or []
    if picked:
        code = (picked[0].get("properties") or {}).get("area_code")
        if code:
            filters.drill_to(level, str(code))


def _on_pick(key: str, level: int) -> None:
    code = st.session_state.get(key)
    if code:
        filters.drill_to(level, code)


def ranked_table(summary: pd.DataFrame, measure: AreaMeasure, values: pd.Series) -> pd.DataFrame:
    """Areas by the measure, highest first (no value last); numerator and denominator beside it."""
    frame = summary.assign(_value=values).sort_values(
        ["_value", measure.numerator, "area_code"], ascending=[False, False, True], na_position="last")
    out = pd.DataFrame({"排名": range(1, len(frame) + 1), "区域": frame.name.to_numpy()})
    out[measure.label] = frame._value.to_numpy()
    out[measure.numerator_label] = frame[measure.numerator].to_numpy()
    if measure.denominator:
        out[measure.denominator_label] = frame[measure.denominator].to_numpy()
    out.loc[out[measure.label].isna(), "排名"] = None
    out["排名"] = out["排名"].astype("Int64")
    return out


def main() -> None:
    scope = setup_page("地图", "pages/map.py", page_params=("measure", "layer"))
    city = load_city()
    measures = area_measures(city)
    level = filters.drill_level(scope)
    level_names = cache.meta().get("level_names", ",".join(city.level_names)).split(",")
    level_name = level_names[level - 1] if level - 1 < len(level_names) else f"第{level}级"
    calls = {"summary": ("area_summary", scope, level), "shapes": ("area_shapes", scope, level)}
    cache.prefetch(*calls.values())   # on the prefetch threads while the options and heading draw (ui/cache.prefetch)
    options = cache.get("area_options", scope)
    names = dict(zip(options.area_code, options.name))

    st.title("区域分布地图")
    path = [c[0] for c in (scope.districts, scope.streets, scope.communities, scope.grids) if c]
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button(md_escape(city.name), icon=":material/location_city:", type="tertiary", key="crumb_0",
                  on_click=filters.drill_up, args=(len(path),), disabled=not path)
        for depth, code in enumerate(path, start=1):
            st.markdown("›")
            st.button(md_escape(names.get(code, code)), type="tertiary", key=f"crumb_{depth}",
                      on_click=filters.drill_up, args=(len(path) - depth,), disabled=depth == len(path))
        st.caption(f"统计期 {scope.start_date:%Y年%m月%d日} 至 {scope.end_date - timedelta(days=1):%Y年%m月%d日}"
                   f" · 当前层级：{md_escape(level_name)}")

    summary, shapes = cache.get(*calls["summary"]), cache.get(*calls["shapes"])
    c1, c2, c3 = st.columns([6, 3, 4], vertical_alignment="bottom")
    with c1:
        measure_key = filters.render_choice("measure", "指标", {k: m.label for k, m in measures.items()}, "count")
    with c2:
        layer = filters.render_choice("layer", "图层", LAYERS, "area",
                                      help="区域着色：按指标给区域上色；案件分布：案件点位（不超过一万件）或六边形密度")
    measure = measures[measure_key]
    pick_key = f"pick_{level}_{'_'.join(path)}"
    with c3:
        can_drill = level < 4 or scope.grids is None
        st.selectbox(f"下钻到{level_name}", summary.area_code.tolist() if can_drill else [], index=None,
                     format_func=lambda c: names.get(c, c), key=pick_key, placeholder=f"选择{level_name}，或点击地图",
                     on_change=_on_pick, args=(pick_key, level), disabled=not can_drill or summary.empty)

    if summary.empty or shapes.empty:
        render_empty("所选范围内没有可显示的区域")
        return
    values = measure_values(summary, measure)
    table = ranked_table(summary, measure, values)
    total_num = int(summary[measure.numerator].sum())
    total_den = int(summary[measure.denominator].sum()) if measure.denominator else None
    total_value = (total_num / total_den * measure.scale) if total_den else (None if measure.denominator else total_num)

    left, right = st.columns([3, 2], gap="medium")
    with left:
        overlay, overlay_note = [], ""
        if layer == "density":
            set_label = POINT_SETS[measure.point_set]
            n_points = int(summary["overdue_open_count" if measure.point_set == "overdue" else "accepted_count"].sum())
            if n_points == 0:
                overlay_note = f"所选范围内没有{set_label}。"
            elif n_points <= MAX_POINTS:
                points = cache.get("case_points", scope, measure.point_set)
                overlay = [points_layer(points, set_label, STATUS_LABELS)]
                overlay_note = f"橙色圆点为{set_label}，共 {len(points):,} 件（点位数不超过 {MAX_POINTS:,} 时逐件显示）。"
            else:
                hex_m = HEX_METRES[level]
                bins = cache.get("case_hexbins", scope, measure.point_set, hex_m, city.map_center_lat)
                overlay = [hexbin_layer(bins, hex_m, city.map_center_lat, set_label)]
                overlay_note = (f"{set_label}共 {n_points:,} 件，超过 {MAX_POINTS:,} 件，按六边形网格汇总显示"
                                f"（{len(bins):,} 格，颜色越深案件越多）。")
        def deck():
            view = summary[["area_code"]].assign(
                value=values,
                detail=[_detail(measure, row) for row in summary.itertuples(index=False)])
            lat, lon, zoom = fit_view(shapes, width_px=1000, height_px=MAP_HEIGHT)
            return choropleth(shapes, view, "value", measure.label, value_is_rate=measure.fmt == "rate",
                              value_format=measure.fmt, detail_col="detail", center=(lat, lon), zoom=zoom,
                              height=MAP_HEIGHT, filled=layer == "area", overlay=overlay,
                              label_size=14 if len(shapes) <= 20 else 11)
        map_key = f"map_{level}_{'_'.join(path)}"
        # pydeck_chart takes no callback args: bind them (the key differs per drill path, so a new
        # level starts with no selection). The deck's JSON is made once per (selection, snapshot, choice);
        # overlay_note says which overlay is drawn (points or hexagons, and how many).
        figures.pydeck_chart("map_page", scope, (level, tuple(path), measure_key, layer, MAP_HEIGHT, overlay_note),
                             deck, height=MAP_HEIGHT, selection_mode="single-object", key=map_key,
                             on_select=partial(_on_map_select, map_key, level))
        present = values.dropna()
        if layer == "area":
            figures.plotly_chart("map_legend", scope, (level, measure_key),
                                 lambda: legend(float(present.min()) if len(present) else None,
                                                float(present.max()) if len(present) else None, measure.fmt,
                                                f"{measure.label}（{measure.unit}）：颜色越深数值越高，灰色为无数据"),
                                 width="stretch", config={"displayModeBar": False, "staticPlot": True})
        else:
            if overlay and n_points > MAX_POINTS:
                figures.plotly_chart("map_heat_legend", scope, (measure.point_set,),
                                     lambda: legend(None, None, "count", f"{POINT_SETS[measure.point_set]}密度", heat=True),
                                     width="stretch", config={"displayModeBar": False, "staticPlot": True})
            st.caption(overlay_note)
        st.caption(("点击区域即可下钻" if layer == "area" else "在右上方列表中选择区域即可下钻")
                   + "，并同步到左侧区域筛选。区县边界：公开行政区划数据（高德，已转换为 WGS84 坐标）；"
                   "街道、社区、网格边界为合成示例数据。")
    with right:
        st.subheader(f"各{md_escape(level_name)}{md_escape(measure.label)}排名")
        if total_den is not None:
            st.caption(f"合计 {measure.label} **{format_measure(total_value, measure)}** = "
                       f"{measure.numerator_label} {total_num:,} ÷ {measure.denominator_label} {total_den:,}"
                       + (" × 10000" if measure.scale != 1 else ""))
        else:
            st.caption(f"合计 {measure.label} **{total_num:,}** {measure.unit}")
        if total_num == 0 and not total_den:
            render_empty()
        shown_table = table.assign(**{measure.label: table[measure.label].map(lambda v: format_measure(v, measure))})
        st.dataframe(shown_table, hide_index=True, width="stretch", height=min(36 + 35 * len(table), 470),
                     column_config={
                         "排名": st.column_config.NumberColumn(width="small"),
                         measure.numerator_label: st.column_config.NumberColumn(format="localized"),
                         **({measure.denominator_label: st.column_config.NumberColumn(format="localized")}
                            if measure.denominator else {}),
                     })
        st.caption(f"口径：{measure.formula}。{measure.exclusions}。分母为 0 的区域显示“—”，不参与排名。")
        kinds = {measure.label: "rate" if measure.fmt == "rate" else ("decimal" if measure.fmt == "decimal" else "count"),
                 measure.numerator_label: "count", "排名": "count"}
        if measure.denominator:
            kinds[measure.denominator_label] = "count"
        render_downloads(table, f"{level_name}{measure.label}排名", kinds=kinds, key="map_table")


def _detail(measure: AreaMeasure, row) -> str:
    num = int(getattr(row, measure.numerator))
    if measure.denominator is None:
        return f"{measure.numerator_label} {num:,} 件" if measure.key != "count" else ""
    den = getattr(row, measure.denominator)
    den = 0 if pd.isna(den) else int(den)
    return f"{measure.numerator_label} {num:,} ÷ {measure.denominator_label} {den:,}"


if __name__ == "__main__":
    main()
