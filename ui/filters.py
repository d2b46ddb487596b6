"""The shared sidebar filters and their URL twin: the whole filter state lives in the query string,
so a copied link reproduces the view. Unknown or malformed parameters are ignored with a notice.

Filters only narrow inside the identity's access: option lists come from scoped queries, and a URL
naming an area or a code outside them is dropped (the SQL prefix would return nothing for it anyway).

URL parameters (kept stable: other pages link to them):
  range=today|week|month|quarter|year|last30|custom, start=YYYY-MM-DD, end=YYYY-MM-DD (inclusive),
  district, street, community, grid (one area code each),
  kind, major, category, source, unit (comma-separated lists of codes).
A page may own further parameters (e.g. the map's measure) through `render_choice`.

The URL is read whenever it differs from what this session last wrote for this page (first load,
a link with parameters, a switch of page); otherwise the widgets are the truth and the URL follows.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from queries.clock_keys import key_scope
from queries.params import MAX_DATE, MIN_DATE, iso_date
from queries.scope import Access, Scope
from ui import cache
from ui.result_cache import Shared
from ui.clock import now, today
from ui.text import md_untrusted

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
# The calendar period of a preset (queries/periods.py picks its comparison window); rolling and free
# windows have none (a free window that is exactly a calendar month or quarter is recognised there).
PRESET_PERIODS = {"today": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
AREA_KEYS = ("district", "street", "community", "grid")
# URL name -> label of the multi-select filters on case attributes (values are lists of codes).
LIST_FILTERS = {"kind": "部件/事件", "major": "大类", "category": "小类", "source": "来源", "unit": "责任单位"}
KIND_LABELS = {"event": "事件", "component": "部件"}
FILTER_PARAMS = ("range", "start", "end", *AREA_KEYS, *LIST_FILTERS)
STREAMLIT_PARAMS = ("embed", "embed_options")   # Streamlit's own; always allowed
ALL = "__all__"
MAX_VALUE_CHARS = 2000      # a longer parameter value is dropped whole
MAX_CODES = 300             # more codes than any list has
MAX_CUSTOM_DAYS = 3660      # a custom window in a URL: at most ten years
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_AREA_CODE = re.compile(r"[0-9]{1,20}")


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


# URL text quoted in a notice: at most this many characters (notices are markdown: ui.text.md_untrusted).
QUOTED_CHARS = 20


@dataclass(frozen=True)
class UrlState:
    preset: str
    start: date | None
    end: date | None          # inclusive in the URL and the UI
    areas: tuple[str | None, ...]
    notices: tuple[str, ...]
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # well-formed codes, not yet allow-listed


def parse_code_list(name: str, raw: str) -> tuple[tuple[str, ...], list[str]]:
    """Comma-separated codes → (well-formed codes, notices). Checks form only; `validate_codes`
    checks them against the allow-list once the options are known."""
    label = LIST_FILTERS.get(name, name)
    if len(raw) > MAX_VALUE_CHARS:
        return (), [f"链接中的{label}参数过长，已忽略"]
    codes, bad = [], []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        (codes if _CODE.fullmatch(part) else bad).append(part)
    notices = [f"链接中的{label}代码“{md_untrusted(b, QUOTED_CHARS)}”格式无效，已忽略" for b in bad[:3]]
    if len(bad) > 3:
        notices.append(f"另有 {len(bad) - 3} 个无效的{label}代码已忽略")
    if len(codes) > MAX_CODES:
        return (), notices + [f"链接中的{label}代码过多，已忽略"]
    return tuple(dict.fromkeys(codes)), notices


def validate_codes(codes: Collection[str], allowed: Collection[str], label: str) -> tuple[list[str], list[str]]:
    """(codes in the allow-list, in order; notices naming the others)."""
    allowed = set(allowed)
    kept = [c for c in codes if c in allowed]
    dropped = [c for c in codes if c not in allowed]
    notices = [f"链接中的{label}代码“{md_untrusted(c, QUOTED_CHARS)}”不存在或不在可选范围内，已忽略" for c in dropped[:3]]
    if len(dropped) > 3:
        notices.append(f"另有 {len(dropped) - 3} 个{label}代码不在可选范围内，已忽略")
    return kept, notices


def parse_query_params(params: Mapping[str, str], page_params: Collection[str] | None = None) -> UrlState:
    """Reads the filter part of a URL; anything unusable is dropped and named in `notices`.
    With `page_params` (the page's own parameter names), unknown names are reported too."""
    notices = []
    if page_params is not None:
        known = set(FILTER_PARAMS) | set(STREAMLIT_PARAMS) | set(page_params)
        unknown = [k for k in params if k not in known]
        for name in unknown[:3]:
            notices.append(f"链接参数“{md_untrusted(name, QUOTED_CHARS)}”无法识别，已忽略")
        if len(unknown) > 3:
            notices.append(f"另有 {len(unknown) - 3} 个无法识别的链接参数已忽略")
    preset = params.get("range", DEFAULT_PRESET)
    if preset not in PRESETS:
        notices.append(f"链接中的时间范围“{md_untrusted(preset, QUOTED_CHARS)}”无法识别，已使用默认值")
        preset = DEFAULT_PRESET
    start = end = None
    if preset == "custom":
        # ASCII YYYY-MM-DD within queries.params' span: year 1 or 9999 would overflow the window arithmetic
        start, end = iso_date(params.get("start")), iso_date(params.get("end"))
        if start is None or end is None or end < start or (end - start).days > MAX_CUSTOM_DAYS:
            notices.append(f"链接中的起止日期无效（须为 {MIN_DATE.year}–{MAX_DATE.year} 年间、不超过 "
                           f"{MAX_CUSTOM_DAYS} 天的 YYYY-MM-DD 日期），已使用近30天")
            preset, start, end = DEFAULT_PRESET, None, None
    areas = []
    for key in AREA_KEYS:
        value = params.get(key)
        if value is not None and not _AREA_CODE.fullmatch(value):
            notices.append(f"链接中的区域代码“{md_untrusted(value, QUOTED_CHARS)}”无效，已忽略")
            value = None
        areas.append(value)
    lists = {}
    for key in LIST_FILTERS:
        raw = params.get(key)
        if raw is not None:
            lists[key], more = parse_code_list(key, raw)
            notices.extend(more)
    return UrlState(preset, start, end, tuple(areas), tuple(notices), lists)


def _children(options: pd.DataFrame, level: int, parent: str | None) -> pd.DataFrame:
    rows = options[options.level == level]
    return rows if parent is None else rows[rows.parent_code == parent]


# ───────────────────────── session state ↔ URL ─────────────────────────

def _load_from_url(url: Mapping[str, str], page_params: Collection[str] | None) -> None:
    ss = st.session_state
    state = parse_query_params(url, page_params)
    ss["f_range"] = state.preset
    if state.start and state.end:
        ss["f_dates"] = (state.start, state.end)
        ss.pop("f_dates_input", None)
    for key, value in zip(AREA_KEYS, state.areas):
        ss[f"f_{key}"] = value or ALL
    for key in LIST_FILTERS:
        ss[f"f_{key}"] = list(state.lists.get(key, ()))
    ss["_filter_notices"] = list(state.notices)
    ss["_url_reloaded"] = True


def _write_url(params: Mapping[str, str]) -> None:
    """Makes the URL exactly `params` and remembers it as this session's own writing."""
    if dict(st.query_params) != dict(params):
        st.query_params.from_dict(dict(params))
    st.session_state["_filters_synced"] = (st.session_state.get("_filters_page"), dict(st.query_params))
    _render_share()


def filter_params() -> dict[str, str]:
    """The filter part of the current URL (to carry the view to another page)."""
    return {k: v for k, v in st.query_params.items() if k in FILTER_PARAMS}


def share_url() -> str:
    """Link to this page with the current filters and page choices (absolute when the browser
    told us its address, else relative)."""
    base = st.context.url or ""
    query = urlencode(dict(st.query_params), safe=",")
    return f"{base}?{query}" if query else (base or "?")


def _render_share() -> None:
    box = st.session_state.get("_share_box")
    if box is None:
        return
    with box.container():
        st.caption(":material/share: 分享当前视图：复制下方链接，打开即见相同的筛选与视图")
        st.code(share_url(), language=None, wrap_lines=True)


def render_filters(access: Access, *, show_area: bool = True, exclude_shelved: bool = True,
                   exclude_deferred: bool = True, page: str | None = None,
                   page_params: Collection[str] | None = None) -> Scope:
    """Sidebar widgets → Scope; keeps st.query_params in step with the widgets.
    `page` (the page file) and `page_params` (its own URL parameter names, or None to not check
    for unknown names) come from ui.app.setup_page."""
    ss = st.session_state
    ss["_filters_page"] = page
    ss["_url_reloaded"] = False
    url = dict(st.query_params)
    if ss.get("_filters_synced") != (page, url):
        _load_from_url(url, page_params)
    notice_box = st.sidebar.container()

    day = today()
    st.sidebar.markdown("**统计时间**")
    preset = st.sidebar.selectbox("时间范围", list(PRESETS), format_func=PRESETS.get, key="f_range",
                                  label_visibility="collapsed")
    if preset == "custom":
        last_start, last_end = preset_window(DEFAULT_PRESET, day)
        default = ss.get("f_dates", (last_start, last_end - timedelta(days=1)))   # inclusive end
        if "f_dates_input" not in ss:
            ss["f_dates_input"] = default
        # Explicit bounds: Streamlit's default minimum is ten years before the real today, which is
        # after the maximum when the clock is pinned to older data (an imported 2013 city).
        latest = max(day, default[1])
        picked = st.sidebar.date_input("起止日期", min_value=min(default[0], latest.replace(year=latest.year - 20)),
                                       max_value=latest, key="f_dates_input")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            ss["f_dates"] = (picked[0], picked[1])
        start, end_incl = ss.get("f_dates", default)
        start, end = start, end_incl + timedelta(days=1)
    else:
        start, end = preset_window(preset, day)
    st.sidebar.caption(f"{start:%Y年%m月%d日} 至 {end - timedelta(days=1):%Y年%m月%d日}")

    scope = Scope(start_date=start, end_date=end, access=access, now_at=now(),
                  exclude_shelved=exclude_shelved, exclude_deferred=exclude_deferred,
                  period=PRESET_PERIODS.get(preset, ""))
    chosen: dict[str, str | None] = {k: None for k in AREA_KEYS}
    if show_area:
        chosen = _render_areas(scope)
        scope = replace(scope, districts=_one(chosen["district"]), streets=_one(chosen["street"]),
                        communities=_one(chosen["community"]), grids=_one(chosen["grid"]))
    lists = _render_case_filters(scope)
    scope = replace(scope, kinds=_many(lists["kind"]), majors=_many(lists["major"]),
                    categories=_many(lists["category"]), sources=_many(lists["source"]), units=_many(lists["unit"]))
    if any(lists.values()) or any(chosen.values()) or preset != DEFAULT_PRESET:
        st.sidebar.button("清除全部筛选", icon=":material/filter_alt_off:", on_click=reset_filters,
                          key="f_reset", width="stretch")

    notices = ss.get("_filter_notices", ())
    if notices:
        notice_box.warning("\n".join(f"- {n}" for n in notices), icon=":material/link_off:")

    params = {"range": preset}
    if preset == "custom":
        params |= {"start": start.isoformat(), "end": (end - timedelta(days=1)).isoformat()}
    params |= {k: v for k, v in chosen.items() if v}
    params |= {k: ",".join(sorted(v)) for k, v in lists.items() if v}
    allowed_other = None if page_params is None else set(page_params) | set(STREAMLIT_PARAMS)
    others = {k: v for k, v in url.items()
              if k not in FILTER_PARAMS and (allowed_other is None or k in allowed_other)}
    ss["_share_box"] = st.sidebar.empty()
    _write_url(params | others)
    return scope


def area_names(scope: Scope, options: pd.DataFrame) -> Mapping[str, str]:
    """Area code -> name of `options` (area_options for `scope`), built once per grant and snapshot and
    kept with the options (same key scope): every run of every page formats the area selectboxes with it,
    and building it from the options' Arrow strings cost ~9 ms per run (2,700 areas). Read-only."""
    def build() -> Shared:
        names = dict(zip(options["area_code"].tolist(), options["name"].tolist()))
        return Shared(MappingProxyType(names), int(options.memory_usage(deep=True).sum()))
    return cache.derived("area_option_names", key_scope("area_options", scope), (), build).value


def _render_areas(scope: Scope) -> dict[str, str | None]:
    ss = st.session_state
    options = cache.get("area_options", scope)
    names = area_names(scope, options)
    level_names = cache.meta().get("level_names", "区县,街道(乡镇),社区(村),网格").split(",")
    st.sidebar.markdown("**区域**")
    chosen: dict[str, str | None] = {k: None for k in AREA_KEYS}
    parent = None
    for level, key in enumerate(AREA_KEYS, start=1):
        rows = _children(options, level, parent)
        if rows.empty:
            break
        codes = [ALL] + rows.area_code.tolist()
        wanted = ss.get(f"f_{key}", ALL)
        if wanted not in codes:
            if ss.get("_url_reloaded") and wanted != ALL:
                ss["_filter_notices"].append(f"链接中的区域代码“{md_untrusted(wanted, QUOTED_CHARS)}”不存在或不在可选范围内，已忽略")
            ss[f"f_{key}"] = ALL
        label = level_names[level - 1] if level - 1 < len(level_names) else f"第{level}级"
        value = st.sidebar.selectbox(label, codes, key=f"f_{key}",
                                     format_func=lambda c, lb=label: f"全部{lb}" if c == ALL else names.get(c, c))
        if value == ALL:
            break
        chosen[key] = value
        parent = value
    for key in AREA_KEYS[len([v for v in chosen.values() if v]) + 1:]:
        orphan = ss.pop(f"f_{key}", ALL)   # deeper than shown: forget it so a new parent starts at 全部
        if ss.get("_url_reloaded") and orphan != ALL:
            ss["_filter_notices"].append(f"链接中的区域代码“{md_untrusted(orphan, QUOTED_CHARS)}”缺少有效的上级区域，已忽略")
    return chosen


def _multiselect(name: str, options: list[str], format_func: Callable[[str], str],
                 *, placeholder: str = "全部") -> list[str]:
    """One multi-select filter; its value is pruned to `options` first (cascade), and values that
    came from the URL and fail the allow-list are named in a notice."""
    ss = st.session_state
    key = f"f_{name}"
    current = ss.get(key) or []
    kept, notices = validate_codes(current, options, LIST_FILTERS[name])
    if len(kept) != len(current):
        ss[key] = kept
        if ss.get("_url_reloaded"):
            ss["_filter_notices"].extend(notices)
    return st.multiselect(LIST_FILTERS[name], options, format_func=format_func, key=key, placeholder=placeholder)


def _render_case_filters(scope: Scope) -> dict[str, list[str]]:
    ss = st.session_state
    cats = cache.get("category_options", scope)
    sources = cache.get("source_options", scope)
    units = cache.get("unit_options", scope)
    active = sum(1 for k in LIST_FILTERS if ss.get(f"f_{k}"))
    title = "类别 · 来源 · 责任单位" + (f"（已选 {active} 项）" if active else "")
    with st.sidebar.expander(title, expanded=active > 0, icon=":material/filter_list:"):
        kinds = _multiselect("kind", [k for k in KIND_LABELS if k in set(cats.kind)], KIND_LABELS.get)
        in_kinds = cats if not kinds else cats[cats.kind.isin(kinds)]
        major_rows = in_kinds.drop_duplicates("major_code")
        major_names = {r.major_code: f"{KIND_LABELS.get(r.kind, r.kind)}·{r.major_name}" for r in major_rows.itertuples()}
        majors = _multiselect("major", list(major_names), major_names.get)
        in_majors = in_kinds if not majors else in_kinds[in_kinds.major_code.isin(majors)]
        cat_names = {r.category_code: f"{r.minor_name}（{r.major_name}）" for r in in_majors.itertuples()}
        categories = _multiselect("category", list(cat_names), cat_names.get)
        source_names = dict(zip(sources.source_code, sources.name_zh))
        chosen_sources = _multiselect("source", list(source_names), source_names.get)
        unit_names = dict(zip(units.unit_code, units.name))
        chosen_units = _multiselect("unit", list(unit_names), unit_names.get, placeholder="全部（可输入名称搜索）")
    return {"kind": kinds, "major": majors, "category": categories, "source": chosen_sources, "unit": chosen_units}


def reset_filters() -> None:
    """Button callback: back to the default window, the whole area, no further filters."""
    ss = st.session_state
    ss["f_range"] = DEFAULT_PRESET
    for key in AREA_KEYS:
        ss[f"f_{key}"] = ALL
    for key in LIST_FILTERS:
        ss[f"f_{key}"] = []


# ───────────────────────── drilling through the area levels ─────────────────────────

def drill_level(scope: Scope) -> int:
    """The level a map or area table shows: one below the deepest chosen area (grids at most)."""
    if scope.districts is None:
        return 1
    if scope.streets is None:
        return 2
    if scope.communities is None:
        return 3
    return 4


def drill_to(level: int, code: str) -> None:
    """Callback: choose area `code` of `level` (1..4) in the sidebar cascade; deeper levels reset."""
    if not (1 <= level <= len(AREA_KEYS)) or not _AREA_CODE.fullmatch(str(code)):
        return
    ss = st.session_state
    ss[f"f_{AREA_KEYS[level - 1]}"] = str(code)
    for key in AREA_KEYS[level:]:
        ss.pop(f"f_{key}", None)


def drill_up(levels: int = 1) -> None:
    """Callback: forget the deepest `levels` chosen areas."""
    ss = st.session_state
    chosen = [k for k in AREA_KEYS if ss.get(f"f_{k}", ALL) != ALL]
    for key in chosen[len(chosen) - levels:] if levels <= len(chosen) else chosen:
        ss[f"f_{key}"] = ALL


# ───────────────────────── a page's own URL parameters ─────────────────────────

def render_choice(name: str, label: str, choices: Mapping[str, str], default: str, *,
                  widget: str = "segmented", help: str | None = None) -> str:
    """A page's own choice (e.g. the map's measure) as a widget bound to URL parameter `name`.
    The value is read from the URL when the URL was (re)loaded; an unknown value gives a notice."""
    ss = st.session_state
    key = f"p_{name}"
    if ss.get("_url_reloaded") or ss.get(key) not in choices:
        raw = st.query_params.get(name)
        if raw is not None and raw not in choices:
            st.warning(f"链接中的{label}“{md_untrusted(raw, QUOTED_CHARS)}”无法识别，已使用默认值", icon=":material/link_off:")
        ss[key] = raw if raw in choices else default
    if widget == "segmented":
        value = st.segmented_control(label, list(choices), format_func=choices.get, key=key,
                                     required=True, help=help)
    elif widget == "radio":
        value = st.radio(label, list(choices), format_func=choices.get, key=key, horizontal=True, help=help)
    else:
        value = st.selectbox(label, list(choices), format_func=choices.get, key=key, help=help)
    value = value if value in choices else default
    params = dict(st.query_params)
    if value == default:
        params.pop(name, None)
    else:
        params[name] = value
    _write_url(params)
    return value


def _one(code: str | None) -> tuple[str, ...] | None:
    return None if code is None else (code,)


def _many(codes: list[str]) -> tuple[str, ...] | None:
    return tuple(sorted(codes)) if codes else None
