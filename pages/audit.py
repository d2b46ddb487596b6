"""访问审计 — administrators see who looked at what: every case detail view, download and
bulletin, with the user, role, client IP, scope, page and time (data/audit.py), for the window of
the sidebar's 统计时间, filterable and exportable to Excel (the export is itself audited)."""
from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import streamlit as st

from data.audit import AuditLog, audit_dir
from data.authz import ROLE_NAMES
from ui.app import setup_page
from ui.export import render_downloads
from ui.widgets import render_empty

PAGE = "pages/audit.py"
MAX_DAYS = 366
ACTIONS = {"case_detail": "查看案件详情", "download": "下载", "bulletin": "生成通报"}
PAGES = {"dashboard.py": "总览", "pages/map.py": "地图", "pages/trends.py": "趋势", "pages/league.py": "排行榜",
         "pages/cases.py": "案件", "pages/party.py": "党建·志愿", "pages/signals.py": "预警研判",
         "pages/bulletin.py": "通报", "pages/definitions.py": "口径说明", "pages/imports.py": "数据导入",
         "pages/audit.py": "访问审计"}
COLUMNS = {"logged_at": "时间", "actor": "用户", "role": "角色", "client_ip": "客户端IP", "access_label": "权限范围",
           "page": "页面", "action": "操作", "case_id": "案件ID", "detail": "说明", "filters": "当时的筛选条件",
           "session_id": "会话"}
FILTER_NAMES = {"start_date": "起", "end_date": "止", "districts": "区县", "streets": "街道", "communities": "社区",
                "grids": "网格", "kinds": "类型", "majors": "大类", "categories": "小类", "sources": "来源",
                "units": "责任单位"}


def filters_text(scope_json: str) -> str:
    """The filters the viewer had chosen, in words (the access is its own column)."""
    try:
        scope = json.loads(scope_json or "{}")
    except ValueError:
        return ""
    parts = []
    for key, name in FILTER_NAMES.items():
        value = scope.get(key)
        if value:
            parts.append(f"{name} {','.join(map(str, value)) if isinstance(value, list) else value}")
    return "；".join(parts)


def audit_frame(records) -> pd.DataFrame:
    frame = pd.DataFrame([r.__dict__ for r in records], columns=[
        "logged_at", "actor", "session_id", "page", "action", "case_id", "scope_json", "role", "client_ip",
        "access_label", "detail"])
    if frame.empty:
        return frame
    frame["logged_at"] = pd.to_datetime(frame["logged_at"], errors="coerce")
    frame["role"] = frame["role"].map(lambda r: ROLE_NAMES.get(r, r) if isinstance(r, str) else "（旧记录）")
    frame["page"] = frame["page"].map(lambda p: PAGES.get(p, p))
    frame["action"] = frame["action"].map(lambda a: ACTIONS.get(a, a))
    frame["filters"] = frame["scope_json"].map(filters_text)
    frame["case_id"] = frame["case_id"].astype("Int64")
    return frame.sort_values("logged_at", ascending=False)


def main() -> None:
    scope = setup_page("访问审计", PAGE, show_area_filter=False)
    st.title("访问审计")
    if not scope.access.admin:
        st.warning("访问审计仅对管理员开放。", icon=":material/lock:")
        return
    first, last = scope.start_date, scope.end_date - timedelta(days=1)
    if (last - first).days > MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS)
        st.info(f"审计记录一次最多显示 {MAX_DAYS} 天，已从 {first:%Y年%m月%d日} 起显示。", icon=":material/info:")
    st.caption(f"{first:%Y年%m月%d日} 至 {last:%Y年%m月%d日}（侧栏“统计时间”）· 谁在何时、从哪里、以什么权限查看了哪个案件、"
               "下载了什么。记录只追加、不可在系统内修改；文件位于审计目录，按日轮换。")
    frame = audit_frame(AuditLog(audit_dir()).read_range(first, last))
    if frame.empty:
        render_empty("所选时间内没有访问记录")
        return
    left, mid, right = st.columns(3)
    with left:
        users = st.multiselect("用户", sorted(frame["actor"].dropna().unique()), key="au_users", placeholder="全部")
    with mid:
        actions = st.multiselect("操作", sorted(frame["action"].dropna().unique()), key="au_actions", placeholder="全部")
    with right:
        case = st.text_input("案件ID", key="au_case", placeholder="全部", max_chars=20)
    shown = frame
    if users:
        shown = shown[shown["actor"].isin(users)]
    if actions:
        shown = shown[shown["action"].isin(actions)]
    case = case.strip()
    if case:
        if case.isascii() and case.isdigit():
            shown = shown[shown["case_id"] == int(case)]
        else:
            st.warning("案件ID 只能是数字，已忽略", icon=":material/warning:")
    counts = st.columns(4)
    counts[0].metric("记录数", f"{len(shown):,}")
    counts[1].metric("用户数", f"{shown['actor'].nunique():,}")
    counts[2].metric("查看案件详情", f"{int((shown['action'] == ACTIONS['case_detail']).sum()):,}")
    counts[3].metric("下载", f"{int((shown['action'] == ACTIONS['download']).sum()):,}")
    table = shown[list(COLUMNS)].rename(columns=COLUMNS)
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 640),
                 column_config={"时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")})
    render_downloads(table, "访问审计", sheet_name="访问审计", kinds={"时间": "datetime"}, key="audit")


if __name__ == "__main__":
    main()
