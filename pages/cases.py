"""案件 — the cases behind the current filters (or behind one KPI number), paged, searchable and
sortable, and one case's details with its timeline.

URL: the filters' keys (ui.filters) plus this page's own: q (search), sort (column, '-' prefix =
descending), page, size, set (a case_facts flag from queries.kpis.case_sets: the drill-down from a
KPI card), case (open a case). Every detail view is audited (data/audit.py) before it is shown.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from data.config import load_city
from data.signals_config import load_signals
from queries.case_records import (DEFAULT_PAGE_SIZE, DEFAULT_SORT, EXPORT_MAX_ROWS, PAGE_SIZES, REPORTED_SET, SORTS,
                                  is_phone_like, list_sets, parse_list_params)
from ui import cache
from ui.app import setup_page
from ui.audit import record_case_view, record_search
from ui.export import render_downloads
from ui.signals import expected_of_case, recurrence_text, with_expected
from ui.tables import Col, export_frame, render_table
from ui.text import format_at, format_duration, format_hours, md_escape
from ui.urlstate import init_widget, read_param, write_param
from ui.widgets import render_empty

PAGE = "pages/cases.py"
PAGE_CSS = """
<style>
[class*="st-key-tl_"] { border-left: 3px solid #cbd5e1; padding: 0.3rem 0 0.4rem 0.9rem; margin-left: 0.4rem; }
[class*="st-key-tl_"] [data-testid="stVerticalBlock"] { gap: 0.25rem; }
[class*="st-key-tl_over_"] { border-left-color: #dc2626; background: #fef2f2; }
[class*="st-key-tl_pending"] { border-left: 3px dashed #f59e0b; background: #fffbeb; }
[class*="st-key-set_chip"] { background: #eef4ff; }
</style>
"""
STEP_ICONS = {
    "report": "campaign", "accept": "fact_check", "file": "folder_open", "dispatch": "send", "redispatch": "undo",
    "handle": "construction", "verify": "verified", "rework": "replay", "close": "task_alt", "cancel": "block",
    "shelve": "inventory_2", "defer": "pause_circle", "extend": "more_time", "callback": "call",
}


def _level_labels() -> list[str]:
    return list(load_city().level_names)


def list_columns() -> dict[str, Col]:
    levels = _level_labels()
    return {
        "case_no": Col("案件编号", width="medium"),
        "status_zh": Col("状态", width="small"),
        "overdue_zh": Col("超期", width="small", help="超期未结：已过结案时限仍未结案；超期结案：结案晚于时限"),
        "major_name": Col("大类", width="small"),
        "minor_name": Col("小类"),
        "district_name": Col(levels[0], width="small"),
        "street_name": Col(levels[1]),
        "community_name": Col(levels[2]),
        "unit_name": Col("责任单位"),
        "source_name": Col("来源", width="small"),
        "reported_at": Col("上报时间", "datetime"),
        "deadline_at": Col("结案时限", "datetime"),
        "closed_at": Col("结案时间", "datetime"),
    }


TIMELINE_COLUMNS = {
    "seq": Col("序号", "count"), "step_zh": Col("环节"), "step_at": Col("时间", "datetime"),
    "unit_name": Col("单位"), "elapsed_minutes": Col("本环节用时（分钟）", "count"),
    "elapsed_work_hours": Col("本环节用时（工作时）", "hours"), "limit_text": Col("本环节时限"),
    "deadline_at": Col("本环节截止", "datetime"), "over_label": Col("是否超时", width="small"),
    "over_work_hours": Col("超时（工作时）", "hours"), "opinion": Col("处理意见", width="large"),
}


# ───────────────────────── callbacks: widgets → URL ─────────────────────────

def _on_search() -> None:
    write_param("q", st.session_state["cases_q"].strip())
    write_param("page", None)


def _on_sort() -> None:
    descending = st.session_state.get("cases_dir", "desc") != "asc"
    column = st.session_state["cases_sort"]
    write_param("sort", None if (column == DEFAULT_SORT and descending) else ("-" if descending else "") + column)
    write_param("page", None)


def _on_size() -> None:
    size = st.session_state["cases_size"]
    write_param("size", None if size == DEFAULT_PAGE_SIZE else size)
    write_param("page", None)


def _go_to_page(page: int) -> None:
    write_param("page", None if page <= 1 else page)
    st.session_state.pop("cases_page_input", None)


def _on_page_input() -> None:
    _go_to_page(int(st.session_state["cases_page_input"]))


# ───────────────────────── list ─────────────────────────

def render_list(scope, state, sets: dict[str, str]) -> None:
    st.title("案件查询")
    st.caption(f"统计期 {scope.start_date:%Y年%m月%d日} 至 {scope.end_date - timedelta(days=1):%Y年%m月%d日}"
               " · 列表只显示非个人信息；搜索只检索显示出的（已遮蔽的）文字；搜索和查看详情均记录审计日志")
    if not record_search(scope, PAGE, state.query):
        st.error("无法写入审计日志，暂不能搜索。请联系系统管理员。", icon=":material/gpp_bad:")
        state = replace(state, query="")
    # Without a search the count is cached apart (every page and sort reuses it); a searched list's
    # count comes with its page from one pass over the descriptions (case_records.case_list).
    total = None if state.query else cache.get("case_count", scope, state.set_flag, "")
    result = cache.get("case_list", scope, state.set_flag, state.query, state.sort, state.descending,
                       state.page, state.page_size, total)

    if state.set_flag != REPORTED_SET:
        in_set = result.total if not state.query else cache.get("case_count", scope, state.set_flag, "")
        with st.container(border=True, key="set_chip"):
            left, right = st.columns([9, 1.2], vertical_alignment="center")
            left.markdown(f":material/filter_alt: **{md_escape(sets[state.set_flag])}：{in_set:,} 件**"
                          "　来自指标下钻：只列出计入该指标的案件（口径见总览卡片说明）")
            right.button("移除条件", icon=":material/close:", on_click=write_param, args=("set", None),
                         key="remove_set", width="stretch")

    c_search, c_sort, c_dir, c_size = st.columns([5, 2, 1.6, 1.2], vertical_alignment="bottom")
    init_widget("cases_q", state.query)
    c_search.text_input("搜索", key="cases_q", placeholder="输入案件编号开头，或问题描述中的关键词，回车搜索",
                        on_change=_on_search, max_chars=50, icon=":material/search:")
    init_widget("cases_sort", state.sort)
    c_sort.selectbox("排序", list(SORTS), format_func=SORTS.get, key="cases_sort", on_change=_on_sort)
    init_widget("cases_dir", "desc" if state.descending else "asc")
    c_dir.segmented_control("顺序", ["desc", "asc"], format_func={"desc": "降序", "asc": "升序"}.get,
                            key="cases_dir", on_change=_on_sort, required=True, width="stretch")
    init_widget("cases_size", state.page_size)
    c_size.selectbox("每页", PAGE_SIZES, key="cases_size", on_change=_on_size, format_func=lambda n: f"{n} 条")
    if is_phone_like(state.query):
        st.caption(":material/shield: 搜索内容像电话或证件号码：只按案件编号匹配，不检索问题描述（防止按个人信息查找案件）")

    if result.total == 0:
        render_empty("所选范围内无数据" if not state.query else f"没有找到与“{md_escape(state.query)}”匹配的案件")
        return
    first = (result.page - 1) * result.page_size + 1
    st.caption(f"共 **{result.total:,}** 件 · 第 {result.page}/{result.pages} 页（第 {first:,}–"
               f"{first + len(result.rows) - 1:,} 件）· 按{SORTS[state.sort]}{'倒序' if state.descending else '正序'}")
    height = min(len(result.rows), 15) * 35 + 38
    columns = list_columns()
    columns = {k: v for k, v in columns.items() if k != "closed_at"} | {
        "expected_zh": Col("预计办结", width="large", help="在办案件：按近期同类案件派遣→结案用时的中位数与 P90 推算（方法见 预警研判 › 预计办结）"),
        "closed_at": columns["closed_at"]}
    event = render_table(with_expected(scope, result.rows), columns, basename="案件列表", sheet_name="案件列表",
                         key="cases_table", select_row=True, height=height, downloads=False)
    rows = event.selection.rows if event is not None else []
    if rows:
        write_param("case", int(result.rows.case_id.iloc[rows[0]]))
        st.rerun()

    prev_col, page_col, next_col, info_col = st.columns([1, 1.2, 1, 5.8], vertical_alignment="center")
    prev_col.button("上一页", icon=":material/chevron_left:", disabled=result.page <= 1, key="cases_prev",
                    on_click=_go_to_page, args=(result.page - 1,), width="stretch")
    init_widget("cases_page_input", result.page)
    page_col.number_input("页码", min_value=1, max_value=result.pages, step=1, key="cases_page_input",
                          on_change=_on_page_input, label_visibility="collapsed")
    next_col.button("下一页", icon=":material/chevron_right:", disabled=result.page >= result.pages, key="cases_next",
                    on_click=_go_to_page, args=(result.page + 1,), width="stretch")
    info_col.caption(f"共 {result.pages:,} 页")
    render_list_downloads(scope, state, result)


def render_list_downloads(scope, state, result) -> None:
    """Downloads of the whole list in the page's order (one page: at once; more: on request, as
    building the file takes a moment), capped at EXPORT_MAX_ROWS with a note saying so."""
    if result.total <= len(result.rows):
        data, kinds = export_frame(result.rows, list_columns())
        render_downloads(data, "案件列表", sheet_name="案件列表", kinds=kinds, key="cases_dl")
        return
    shown = min(result.total, EXPORT_MAX_ROWS)
    if st.toggle(f"生成下载文件（全部 {shown:,} 件，按当前排序）", key="cases_dl_all"):
        with st.spinner("正在生成下载文件……"):
            everything = cache.fresh("case_export", scope, state.set_flag, state.query, state.sort, state.descending)
            data, kinds = export_frame(everything.rows, list_columns())
        if everything.total > EXPORT_MAX_ROWS:
            st.caption(f":material/info: 共 {everything.total:,} 件，下载文件包含按当前排序的前 {EXPORT_MAX_ROWS:,} 件；"
                       "如需全部，请缩小统计期或区域后分批下载。")
        render_downloads(data, "案件列表", sheet_name="案件列表", kinds=kinds, key="cases_dl")


# ───────────────────────── detail ─────────────────────────

def _badges(case: dict) -> None:
    closed_late = case["closed_at"] is not None and case["deadline_at"] is not None \
        and case["closed_at"] > case["deadline_at"]
    color = "green" if case["status"] == "closed" else "gray" if case["status"] in ("cancelled", "not_filed") else "blue"
    marks = [(case["status_zh"], color, None)]
    if case["pending_is_overdue"]:
        marks.append(("超期未结", "red", ":material/alarm:"))
    elif closed_late:
        marks.append(("超期结案", "orange", ":material/alarm:"))
    for flag, label in (("is_extended", "已延期"), ("is_deferred", "缓办"), ("is_shelved", "挂账"),
                        ("is_self_handled", "自行处置"), ("is_cancelled", "作废")):
        if case[flag]:
            marks.append((label, "gray", None))
    if case["bounce_count"]:
        marks.append((f"单位间回退 {case['bounce_count']} 次", "orange", ":material/undo:"))
    if case["rework_count"]:
        marks.append((f"返工 {case['rework_count']} 次", "orange", ":material/replay:"))
    st.markdown(" ".join(f":{colour}-badge[{icon + ' ' if icon else ''}{md_escape(label)}]" for label, colour, icon in marks))


def _field(label: str, value) -> None:
    st.markdown(f"**{label}**　{md_escape(value)}")


def render_reporter(case: dict) -> None:
    st.markdown("##### :material/person: 举报人")
    if not case["has_reporter"]:
        st.caption("无举报人信息（网格员巡查、视频发现等来源）")
    elif case["is_confidential"]:
        st.markdown("**姓名**　保密　　**电话**　保密")
        st.caption("按规定，信访、举报、督办类来源或要求保密的举报人身份不予显示")
    else:
        _field("姓名", case["reporter_name_masked"])
        _field("电话", case["reporter_phone_masked"])
        if case["reporter_id_masked"]:
            _field("证件号", case["reporter_id_masked"])
        st.caption("个人信息已脱敏；地址仅显示到社区")


def render_timeline(case: dict, steps: pd.DataFrame) -> None:
    st.markdown("##### :material/timeline: 办理时间线")
    st.caption("用时：上一环节到本环节，按工作时计（办公时段、节假日与调休）；时限：该小类本环节的规定时限；"
               "截止：本环节的截止时间（结案环节为整个案件的结案时限），超时环节标红")
    if steps.empty:
        render_empty("该案件没有环节记录")
        return
    for row in steps.itertuples():
        over = bool(row.is_over_limit)
        with st.container(key=f"tl_{'over_' if over else ''}{row.seq}"):
            when, body = st.columns([1.25, 6])
            when.markdown(f"**{row.step_at:%m月%d日}**  \n{row.step_at:%H:%M}")
            icon = STEP_ICONS.get(row.step, "radio_button_checked")
            colour = "red" if over else "blue"
            unit = f"　{md_escape(row.unit_name)}" if isinstance(row.unit_name, str) else ""
            body.markdown(f":{colour}[:material/{icon}:] **{md_escape(row.step_zh)}**{unit}")
            parts = []
            if pd.notna(row.previous_at):
                parts.append(f"本环节用时 {format_duration(row.elapsed_minutes)}（{row.elapsed_work_hours:.1f} 工作时）")
            if isinstance(row.limit_text, str):
                parts.append(f"本环节时限 {row.limit_text}")
            if pd.notna(row.deadline_at):
                parts.append(f"截止 {row.deadline_at:%m月%d日 %H:%M}")
                parts.append(f":red[**超时 {row.over_work_hours:.1f} 工作时**]" if over else ":green[按时]")
            if parts:
                body.caption(" · ".join(parts))
            if isinstance(row.opinion, str) and row.opinion:
                body.text(row.opinion)
    if case["pending_step_zh"]:
        over = case["pending_is_overdue"]
        with st.container(key="tl_pending"):
            when, body = st.columns([1.25, 6])
            when.markdown("**当前**")
            body.markdown(f":orange[:material/hourglass_top:] **待{md_escape(case['pending_step_zh'])}**")
            if case["pending_deadline_at"] is None:
                body.caption("该环节无时限")
            elif over:
                body.caption(f"截止 {format_at(case['pending_deadline_at'], with_year=False)} · "
                             f":red[**已超时 {case['pending_over_work_hours']:.1f} 工作时**]")
            else:
                body.caption(f"截止 {format_at(case['pending_deadline_at'], with_year=False)} · "
                             f"剩余 {case['pending_left_work_hours']:.1f} 工作时")


def render_signals(scope, case: dict) -> None:
    """预计办结 of an open case and the recurrence flag, each with its rule."""
    lines = []
    expected = expected_of_case(scope, case)
    if expected:
        lines.append(f":material/event_available: **{md_escape(expected[0])}**（{md_escape(expected[1])}）")
    again = recurrence_text(scope, case["case_id"])
    if again:
        lines.append(f":orange-badge[:material/repeat: {md_escape(again)}] 同一小类在此处（同一网格或相距 "
                     f"{load_signals().recurrence_meters:g} 米内）再次上报，见 预警研判 › 重复发生")
    if lines:
        st.markdown("  \n".join(lines))


def render_detail(scope, case_id: int) -> None:
    title, back = st.columns([8, 1.4], vertical_alignment="bottom")
    back.button("返回案件列表", icon=":material/arrow_back:", on_click=write_param, args=("case", None), key="back",
                width="stretch")
    if not record_case_view(scope, PAGE, case_id):
        st.error("无法写入审计日志，暂不能查看案件详情。请联系系统管理员。", icon=":material/gpp_bad:")
        return
    case = cache.get("case_detail", scope, case_id)
    if case is None:
        st.warning("未找到该案件：它不存在、不在您的数据权限内，或不在当前筛选的区域内。", icon=":material/search_off:")
        return
    steps = cache.get("case_timeline", scope, case_id)
    title.title(f"案件 {md_escape(case['case_no'])}")
    st.caption(f"{md_escape(case['major_name'])} › {md_escape(case['minor_name'])} · "
               f"{md_escape(case['source_name'])} · 上报于 {format_at(case['reported_at'])}")
    _badges(case)
    render_signals(scope, case)

    metrics = st.columns(5)
    metrics[0].metric("当前环节", "已结案" if case["closed_at"] is not None else (case["pending_step_zh"] or case["status_zh"]))
    metrics[1].metric("结案时限", format_at(case["deadline_at"], with_year=False),
                      help="结案时限按该小类各环节时限、以工作时累计（节假日与调休不计）")
    running = "进行中" if case["closed_at"] is None else "—"
    metrics[2].metric("处置用时", format_hours(case["handle_work_hours"]).replace("小时", "工作时")
                      if case["handle_work_hours"] is not None else running,
                      help="派遣 → 处置回告，工作时（缓办暂停时间不计）")
    metrics[3].metric("全程用时", format_hours(case["close_work_hours"]).replace("小时", "工作时")
                      if case["close_work_hours"] is not None else running,
                      help="上报 → 结案，工作时")
    metrics[4].metric("单位间回退", f"{case['bounce_count']} 次",
                      help="责任单位申请回退、重新派遣的次数（二次派遣）")

    left, right = st.columns([5, 7], gap="large")
    with left:
        st.markdown("##### :material/info: 案件信息")
        _field("案件编号", case["case_no"])
        _field("类别", f"{case['major_name']} › {case['minor_name']}")
        _field("来源", case["source_name"])
        _field("位置", " › ".join(v for v in (case["district_name"], case["street_name"], case["community_name"],
                                               case["grid_name"]) if v))
        _field("责任单位", case["unit_name"] or "（未派遣）")
        _field("上报时间", format_at(case["reported_at"]))
        _field("结案时间", format_at(case["closed_at"]))
        if case["satisfaction"] is not None:
            _field("回访满意度", f"{int(case['satisfaction'])} 分（满分 5 分）")
        st.markdown("##### :material/description: 问题描述")
        st.text(case["description"] or "（无描述）")
        st.caption("描述中的电话、证件号码已自动遮蔽")
        render_reporter(case)
    with right:
        render_timeline(case, steps)
        with st.expander("时间线明细表与下载"):
            table = steps.assign(over_label=steps.is_over_limit.map({True: "超时", False: ""}))
            render_table(table, TIMELINE_COLUMNS, basename=f"案件时间线_{case['case_no']}", sheet_name="办理时间线",
                         key="timeline_table")


def main() -> None:
    scope = setup_page("案件", PAGE)
    st.html(PAGE_CSS)
    sets = list_sets()
    state = parse_list_params(st.query_params.to_dict(), sets)
    for notice in state.notices:           # notices quote URL text: escaped so it cannot become a link
        st.warning(md_escape(notice), icon=":material/link_off:")
    if read_param("set") and state.set_flag == REPORTED_SET:
        write_param("set", None)
    # Values the notices named as ignored leave the URL too, so a copied link is clean.
    if read_param("page") and read_param("page") != str(state.page):
        write_param("page", None)
    if read_param("size") and read_param("size") != str(state.page_size):
        write_param("size", None)
    if read_param("case") and state.case_id is None:
        write_param("case", None)
    if state.case_id is not None:
        render_detail(scope, state.case_id)
    else:
        render_list(scope, state, sets)


if __name__ == "__main__":
    main()
