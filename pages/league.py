"""排行榜 — units and areas ranked by composite score or by any rate, within peer groups, only above
the minimum volume, with volume, rank change against the previous period and the best and worst
three of each group (红黑榜). URL parameters: by (unit | district | street | community | grid) and
metric (a KPI key or score.<preset>), besides the shared filters."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from data.config import load_city
from queries.kpis import AREA_LEAGUE_KPIS, UNIT_LEAGUE_KPIS, format_value, registry
from queries.league import TIE_RULE, export_frame, league_columns, league_table, measure_for, red_black
from ui import cache
from ui.app import setup_page
from ui.export import render_downloads
from ui.filters import QUOTED_CHARS
from ui.signals import add_unit_signals
from ui.text import md_escape, md_untrusted
from ui.widgets import render_empty

BY_LEVEL = {"district": 1, "street": 2, "community": 3, "grid": 4}
RED_BLACK_SIZE = 3
MAX_RED_BLACK_COLUMNS = 4
def by_options(city) -> dict[str, str]:
    return {"unit": "责任单位"} | {by: city.level_names[level - 1] for by, level in BY_LEVEL.items()}


def metric_options(by: str, kpis, config) -> dict[str, str]:
    entity = "unit" if by == "unit" else "area"
    presets = {f"score.{k}": f"综合指标值 · {p.label}" for k, p in config.for_entity(entity).items()}
    default = f"score.{config.defaults.get(entity)}" if config.defaults.get(entity) else None
    if default in presets:  # the city's default preset first
        presets = {default: presets[default]} | presets
    keys = UNIT_LEAGUE_KPIS if by == "unit" else AREA_LEAGUE_KPIS
    return presets | {k: kpis[k].label + ("（中位数）" if kpis[k].fmt == "hours" else "") for k in keys}


def render_controls(city, kpis, config) -> tuple[str, str]:
    """The two choices, seeded from the URL on a session's first visit and written back to it."""
    bys = by_options(city)
    notices = []
    first_load = "_league_loaded" not in st.session_state
    if first_load:
        st.session_state["_league_loaded"] = True
        st.session_state["lg_by"] = st.query_params.get("by", "unit")
        st.session_state["lg_metric"] = st.query_params.get("metric")
        if st.session_state["lg_by"] not in bys:
            notices.append(f"链接中的排名对象“{md_untrusted(st.session_state['lg_by'], QUOTED_CHARS)}”无法识别，"
                           f"已按{bys['unit']}排名")
    if st.session_state.get("lg_by") not in bys:
        st.session_state["lg_by"] = "unit"
    left, right, _ = st.columns([5, 3, 4])
    with left:
        by = st.segmented_control("排名对象", list(bys), format_func=bys.get, key="lg_by", required=True)
    metrics = metric_options(by, kpis, config)
    wanted = st.session_state.get("lg_metric")
    if wanted not in metrics:
        if first_load and wanted is not None and not notices:
            notices.append(f"链接中的排名指标“{md_untrusted(wanted, QUOTED_CHARS)}”无法识别或不适用于"
                           f"{md_escape(bys[by])}，已使用{md_escape(next(iter(metrics.values())))}")
        st.session_state["lg_metric"] = next(iter(metrics))
    for notice in notices:
        st.warning(notice, icon=":material/link_off:")
    with right:
        key = st.selectbox("排名指标", list(metrics), format_func=metrics.get, key="lg_metric")
    for name, value in (("by", by), ("metric", key)):
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    return by, key


def change_words(change: str) -> str:
    """↑2 -> 名次↑2, 持平 -> 名次持平, 新上榜 stays."""
    return change if change in ("新上榜", "—") else f"名次{change}"


def shown(row: pd.Series, measure) -> str:
    if measure.fmt == "score":
        return f"{row['value']:.2f} 分 · {row['grade']}"
    return format_value(row["value"], measure.fmt)


def render_red_black(group: str, rows: pd.DataFrame, measure, *, side_by_side: bool = False) -> None:
    """The best and worst three of one peer group; side by side when the group has the page to itself."""
    ranked = int(rows.is_ranked.sum())
    best, worst = red_black(rows, RED_BLACK_SIZE)
    with st.container(border=True, key=f"rb_{group}"):
        st.markdown(f"**{md_escape(group)}**")
        st.caption(f"参与排名 {ranked} 个 · 未达门槛 {len(rows) - ranked} 个")
        if best.empty:
            render_empty("没有达到排名门槛的对象")
            return
        parts = [("红榜", "red", best), ("黑榜", "", worst)]   # Chinese practice: honour list red, black list dark
        slots = st.columns(2) if side_by_side else [st.container(), st.container()]
        for slot, (title, colour, part) in zip(slots, parts):
            if part.empty:
                continue
            lines = [f"- **第 {int(r['rank'])} 名**　{md_escape(r['name'])}  \n**{md_escape(shown(r, measure))}**"
                     f"　样本 {int(r['volume']):,} 件　{md_escape(change_words(r['change']))}" for _, r in part.iterrows()]
            heading = f":{colour}[**{title}**]" if colour else f"**{title}**"
            slot.markdown(heading + "\n" + "\n".join(lines))


def display_frame(frame: pd.DataFrame, kinds: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """Rates in percent and scores to two decimals for the screen (the download keeps 0..1)."""
    shown_frame = frame.copy()
    for col in ("名次", "上期名次"):
        shown_frame[col] = shown_frame[col].map(lambda v: "—" if pd.isna(v) else str(int(v)))
    config = {}
    for col, kind in kinds.items():
        if kind == "rate":
            shown_frame[col] = shown_frame[col] * 100
            config[col] = st.column_config.NumberColumn(col, format="%.2f%%")
        elif kind == "decimal":
            config[col] = st.column_config.NumberColumn(col, format="%.2f")
    return shown_frame, config


def build_league(scope, by: str, key: str, entity: str, city, kpis, config) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(league table, download frame, Excel kinds) of one choice on this run's snapshot."""
    measure, preset = measure_for(key, kpis, config)
    columns = league_columns(key, kpis, config)
    previous_scope = scope.previous_period()
    if by == "unit":
        now_call, previous_call = ("unit_kpis", scope, columns), ("unit_kpis", previous_scope, columns)
        area_group = None
    else:
        level = BY_LEVEL[by]
        now_call, previous_call = ("area_kpis", scope, level, columns), ("area_kpis", previous_scope, level, columns)
        area_group = entity
    cache.prefetch(previous_call)   # the previous period's counts on a prefetch thread meanwhile (ui/cache.prefetch)
    frame, previous = cache.get(*now_call), cache.get(*previous_call)
    table = league_table(frame, previous, key, kpis, config, city.league_min_volume, area_group=area_group)
    export, kinds = export_frame(table, measure, preset, kpis, entity)
    if by == "unit":
        export, kinds = add_unit_signals(export, kinds, scope)
    return table, export, kinds


def main() -> None:
    scope = setup_page("排行榜", "pages/league.py")
    city = load_city()
    kpis = registry(city)
    config = cache.score_config()

    st.title("排行榜")
    by, key = render_controls(city, kpis, config)
    measure, preset = measure_for(key, kpis, config)
    entity = by_options(city)[by]
    # The ranked table, its download frame and the unit signals: pandas work over cached results,
    # built once per (selection, snapshot, choice) and reused by every rerun (ui/cache.derived).
    table, export, kinds = cache.derived("league_page", scope, (by, key, city.league_min_volume),
                                         lambda: build_league(scope, by, key, entity, city, kpis, config))

    end = scope.end_date - timedelta(days=1)
    rule = (f"**排名门槛**：仅对{measure.volume_label}不少于 **{city.league_min_volume} 件**的{entity}排名"
            f"（门槛可由运营方在城市配置中调整）；{TIE_RULE}。  \n"
            f"**比较**：统计期 {scope.start_date:%Y年%m月%d日} 至 {end:%Y年%m月%d日}，"
            f"名次变化{scope.previous_caption}。")
    if preset is not None:
        rule += f"  \n**{preset.label}**：" + "；".join(c.describe(kpis) for c in preset.components) + \
                f"。等级：{config.grade_rule()}。"
    elif not measure.higher_is_better:
        rule += f"  \n**{measure.label}越低越好**，最低者排第一。"
    st.info(rule, icon=":material/rule:")

    if table.empty:
        render_empty()
        return
    order = table.groupby("peer_group")["group_code"].min().sort_values().index.tolist()
    st.subheader(f"红黑榜 · {md_escape(measure.label)}")
    for start in range(0, len(order), MAX_RED_BLACK_COLUMNS):
        chunk = order[start:start + MAX_RED_BLACK_COLUMNS]
        if len(order) == 1:
            render_red_black(chunk[0], table, measure, side_by_side=True)
            continue
        for col, group in zip(st.columns(max(len(chunk), 2)), chunk):
            with col:
                render_red_black(group, table[table.peer_group == group], measure)

    st.subheader("完整排名")
    tabs = st.tabs([f"{md_escape(g)}（{int(table[table.peer_group == g].is_ranked.sum())}）" for g in order])
    for tab, group in zip(tabs, order):
        with tab:
            part, column_config = display_frame(export[export["分组"] == group].drop(columns="分组"), kinds)
            st.dataframe(part, hide_index=True, width="stretch", column_config=column_config,
                         height=min(38 + 35 * len(part), 600))
    render_downloads(export, f"排行榜_{entity}_{measure.label}", sheet_name="排行榜", kinds=kinds, key="league")


if __name__ == "__main__":
    main()
