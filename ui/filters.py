"""The shared sidebar filters and their URL twin: the whole filter state lives in the query string,
so a copied link reproduces the view. Unknown or malformed parameters are ignored with a notice.

Filters only narrow inside the identity's access: option lists come from scoped queries, and a URL
naming an area outside access is dropped (the SQL prefix would return nothing for it anyway).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from queries.scope import Access, Scope
from ui import cache
from ui.clock import now, today

PRESETS = {
    "today": "今日",
    "week": "本周",
    "month": "本月",
    "quarter": "本季度",
    "year": "本年",
    "last30": "近30天",
    "custom": "自定义",
}
DEFAULT_PRESET = "last30"
AREA_KEYS = ("district", "street", "community", "grid")
# The query-string keys the filters own; every other key belongs to the page (e.g. q, sort, case).
FILTER_KEYS = frozenset({"range", "start", "end", *AREA_KEYS})
ALL = "__all__"


def preset_window(preset: str, day: date) -> tuple[date, date]:
    """Half-open [start, end) window of a preset, ending after `day`."""
    end = day + timedelta(days=1)
    if preset == "today":
        return day, end
    if preset == "week":
        return day - timedelta(days=day.weekday()), end
    if preset == "month":
        return day.replace(day=1), end
    if preset == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1), end
    if preset == "year":
        return day.replace(month=1, day=1), end
    return day - timedelta(days=29), end


@dataclass(frozen=True)
class UrlState:
    preset: str
    start: date | None
    end: date | None          # inclusive in the URL and the UI
    areas: tuple[str | None, ...]
    notices: tuple[str, ...]


def parse_query_params(params: dict[str, str]) -> UrlState:
    """Reads the filter part of a URL; anything unusable is dropped and named in `notices`."""
    notices = []
    preset = params.get("range", DEFAULT_PRESET)
    if preset not in PRESETS:
        notices.append(f"链接中的时间范围“{preset[:20]}”无法识别，已使用默认值")
        preset = DEFAULT_PRESET
    start = end = None
    if preset == "custom":
        try:
            start = date.fromisoformat(params.get("start", ""))
            end = date.fromisoformat(params.get("end", ""))
            if end < start or (end - start).days > 3660:
                raise ValueError
        except ValueError:
            notices.append("链接中的起止日期无效，已使用近30天")
            preset, start, end = DEFAULT_PRESET, None, None
    areas = []
    for key in AREA_KEYS:
        value = params.get(key)
        if value is not None and not (value.isdigit() and len(value) <= 20):
            notices.append(f"链接中的区域代码“{value[:20]}”无效，已忽略")
            value = None
        areas.append(value)
    return UrlState(preset, start, end, tuple(areas), tuple(notices))


def _children(options: pd.DataFrame, level: int, parent: str | None) -> pd.DataFrame:
    rows = options[options.level == level]
    return rows if parent is None else rows[rows.parent_code == parent]


def render_filters(access: Access, *, show_area: bool = True, exclude_shelved: bool = True,
                   exclude_deferred: bool = True) -> Scope:
    """Sidebar widgets → Scope; keeps st.query_params in step with the widgets."""
    if "_filters_loaded" not in st.session_state:
        state = parse_query_params(dict(st.query_params))
        st.session_state["_filters_loaded"] = True
        st.session_state["f_range"] = state.preset
        if state.start and state.end:
            st.session_state["f_dates"] = (state.start, state.end)
        for key, value in zip(AREA_KEYS, state.areas):
            st.session_state[f"f_{key}"] = value or ALL
        st.session_state["_filter_notices"] = state.notices
    for notice in st.session_state.get("_filter_notices", ()):
        st.sidebar.warning(notice, icon=":material/link_off:")

    day = today()
    st.sidebar.markdown("**统计时间**")
    preset = st.sidebar.selectbox("时间范围", list(PRESETS), format_func=PRESETS.get, key="f_range",
                                  label_visibility="collapsed")
    if preset == "custom":
        default = st.session_state.get("f_dates", preset_window("last30", day))
        picked = st.sidebar.date_input("起止日期", value=default, max_value=day, key="f_dates_input")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            st.session_state["f_dates"] = (picked[0], picked[1])
        start, end_incl = st.session_state.get("f_dates", default)
        start, end = start, end_incl + timedelta(days=1)
    else:
        start, end = preset_window(preset, day)
    st.sidebar.caption(f"{start:%Y年%m月%d日} 至 {end - timedelta(days=1):%Y年%m月%d日}")

    scope = Scope(start_date=start, end_date=end, access=access, now_at=now(),
                  exclude_shelved=exclude_shelved, exclude_deferred=exclude_deferred)
    chosen: dict[str, str | None] = {k: None for k in AREA_KEYS}
    if show_area:
        options = cache.get("area_options", scope)
        names = dict(zip(options.area_code, options.name))
        level_names = cache.meta().get("level_names", "区县,街道(乡镇),社区(村),网格").split(",")
        st.sidebar.markdown("**区域**")
        parent = None
        for level, key in enumerate(AREA_KEYS, start=1):
            rows = _children(options, level, parent)
            if rows.empty:
                break
            codes = [ALL] + rows.area_code.tolist()
            if st.session_state.get(f"f_{key}", ALL) not in codes:
                st.session_state[f"f_{key}"] = ALL
            label = level_names[level - 1] if level - 1 < len(level_names) else f"第{level}级"
            value = st.sidebar.selectbox(label, codes, key=f"f_{key}",
                                         format_func=lambda c, lb=label: f"全部{lb}" if c == ALL else names.get(c, c))
            if value == ALL:
                break
            chosen[key] = value
            parent = value
        scope = replace(scope, districts=_one(chosen["district"]), streets=_one(chosen["street"]),
                      communities=_one(chosen["community"]), grids=_one(chosen["grid"]))

    params = {"range": preset}
    if preset == "custom":
        params |= {"start": start.isoformat(), "end": (end - timedelta(days=1)).isoformat()}
    params |= {k: v for k, v in chosen.items() if v}
    current = st.query_params.to_dict()
    merged = {k: v for k, v in current.items() if k not in FILTER_KEYS} | params
    if current != merged:
        st.query_params.from_dict(merged)
    return scope


def _one(code: str | None) -> tuple[str, ...] | None:
    return None if code is None else (code,)
