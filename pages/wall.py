"""指挥大屏 — the command hall's wall screen at /wall (also /wall?embed=true).

No sidebar, menu or toolbar; one viewport, no scrollbar. The data regions rerun together in one
fragment every [wall] refresh_seconds (city.toml), so every number on screen comes from the same
snapshot; the clock ticks in the browser and the page around the fragment never reloads.
"""
from __future__ import annotations

import streamlit as st

from ui import wall
from ui.clock import now


def main() -> None:
    city, config = wall.setup_wall()

    @st.fragment(run_every=config.refresh_seconds)
    def data_regions() -> None:
        data, notice = wall.load_wall_data(city, config)
        wall.render_header(city, config, data, notice)
        if data is None:
            return
        with st.container(key="wall-body"):
            left, centre, right = st.columns([23.5, 52, 24.5], gap="small")
            with left, st.container(key="wall-panel-kpis"), wall.region("指标"):
                wall.render_kpis(data, city)
            with centre:
                with st.container(key="wall-panel-map"), wall.region("地图"):
                    wall.render_map(data, config)
                with st.container(key="wall-panel-people"), wall.region("党建引领"):
                    wall.render_people(data, config.min_cell_count)
            with right, st.container(key="wall-panel-side"), wall.region("排行"):
                wall.render_side(data, city, config)
        with st.container(key="wall-bottom"):
            ticker, trend = st.columns([56, 44], gap="small")
            with ticker, st.container(key="wall-panel-ticker"), wall.region("最新案件"):
                wall.render_ticker(data, now())
            with trend, st.container(key="wall-panel-trend"), wall.region("趋势"):
                wall.render_trend(data)
        wall.render_heartbeat(data.version)

    data_regions()


if __name__ == "__main__":
    main()
