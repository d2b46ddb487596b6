"""通报 — a weekly, monthly, quarterly or yearly bulletin in one click: choose the period, the scope
(the sidebar's area and filters, inside the identity's access) and the Word template; preview it;
download Word, PDF and the Excel appendix; see who generated which bulletin before. The content is
reports.content's, from the same queries as every page; the sidebar's time range does not apply
(the period is chosen here). URL parameter: period (week | month | quarter | year | custom)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from data.config import load_city
from reports import archive, periods
from reports.config import load_bulletin_config
from reports.generate import BulletinError, produce, templates
from ui import auth, cache
from ui.app import current_access, setup_page
from ui.audit import record_download
from ui.audit import write as audit_write
from ui.clock import now_exact, today
from ui.filters import render_choice
from ui.text import md_escape, md_untrusted
from ui.widgets import render_empty

PAGE = "pages/bulletin.py"
KIND_CHOICES = {"week": "周报", "month": "月报", "quarter": "季报", "year": "年报", "custom": "自定义"}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LABELS = {"docx": ("下载 Word", ":material/description:"), "pdf": ("下载 PDF", ":material/picture_as_pdf:"),
          "xlsx": ("下载 Excel 附表", ":material/table_view:")}


def pick_period(kind: str, day: date, month_start_day: int) -> periods.Period | None:
    """The period widgets for `kind`; defaults to the latest period that has ended."""
    if kind == "custom":
        default = (day.replace(day=1), day - timedelta(days=1)) if day.day > 1 else (day - timedelta(days=30), day)
        picked = st.date_input("起止日期（含当天）", value=default, max_value=day, key="bl_dates")
        if not (isinstance(picked, (tuple, list)) and len(picked) == 2):
            st.info("请选择开始和结束日期", icon=":material/date_range:")
            return None
        return periods.custom(picked[0], picked[1] + timedelta(days=1))
    latest = periods.last_complete(kind, day, month_start_day)
    options: list[periods.Period] = [latest]
    for _ in range({"week": 25, "month": 23, "quarter": 11, "year": 4}[kind]):
        options.append(options[-1].previous())
    current = {"week": lambda: periods.week_of(day), "quarter": lambda: periods.quarter(day.year, (day.month - 1) // 3 + 1),
               "year": lambda: periods.year(day.year),
               "month": lambda: periods.month(*((day.year, day.month) if month_start_day == 1 or day.day < month_start_day
                                                 else ((day.year + (day.month == 12)), day.month % 12 + 1)),
                                              month_start_day)}[kind]()
    options.insert(0, current)   # the running period, flagged, for a mid-period look
    labels = {i: (f"{p.label}（{p.span_text}）" + ("·进行中" if p.end > day else "")) for i, p in enumerate(options)}
    index = st.selectbox("统计期", list(labels), index=1, format_func=labels.get, key=f"bl_{kind}")
    return options[index]


def same_selection(scope):
    """What a generated bulletin depends on besides the period: identity and filters (not the clock
    or the sidebar's window), to tell whether the one on screen still matches the choices."""
    return replace(scope, start_date=date.min, end_date=date.min, now_at=datetime.min)


def render_preview(b) -> None:
    """The bulletin on screen with native elements (data text escaped, never raw HTML)."""
    with st.container(border=True):
        st.markdown(f"### :red[{md_escape(b.issuer)}]")
        st.markdown(f"#### {md_escape(b.title)}")
        st.caption(f"{md_escape(b.doc_no)}　统计期：{md_escape(b.period.span_text)}（{b.period.kind_label}）　"
                   f"{md_escape(b.scope_text)}")
        if b.is_empty:
            st.warning("本期无案件数据：通报照常生成，并在文中注明。", icon=":material/info:")
        charts = {c.key: c for c in b.charts}
        after = {0: "trend", 1: "sources", 2: "areas"}
        for i, (heading, paragraphs, tables) in enumerate(b.sections):
            st.markdown(f"**{md_escape(heading)}**")
            for para in paragraphs:
                st.markdown(md_escape(para))
            for t in tables:
                st.caption(md_escape(t.title))
                rows = t.text_rows(t.doc_rows)
                if rows:
                    st.dataframe(pd.DataFrame(rows, columns=t.headers), hide_index=True, width="stretch",
                                 height=min(38 + 35 * len(rows), 420))
                else:
                    st.caption("本期无数据。")
                if t.note:
                    st.caption("注：" + md_escape(t.note))
            chart = charts.get(after.get(i))
            if chart is not None and chart.png:
                st.image(chart.png, caption=chart.title, width=720)
        st.markdown("**七、下步工作要求**")
        for para in b.closing:
            st.markdown(md_escape(para))


def generator_name(access) -> str:
    """Who generated a bulletin, for its history: the signed-in person and role (sign-in through OIDC
    or the proxy), else the access label (demo and single-user mode have no person)."""
    session = auth.current()
    if session is not None and session.user_id and session.mode in ("oidc", "proxy"):
        return f"{session.display_name or session.user_id}（{session.role_name}）"
    return access.label


def render_downloads(files: dict[str, bytes], stem: str, key: str) -> None:
    with st.container(horizontal=True, gap="small"):
        for ext, data in files.items():
            label, icon = LABELS[ext]
            st.download_button(label, data, f"{stem}.{ext}", mime=MIME[ext], icon=icon, key=f"{key}_{ext}",
                               on_click=record_download, args=(f"{stem}.{ext}", label, 0),
                               type="primary" if ext == "docx" else "secondary")


def visible(entry: archive.Entry, access) -> bool:
    """An identity sees the bulletins of areas it may see: city-wide access sees all; a district's
    identity those generated for its own districts only."""
    if access.all_districts:
        return True
    if access.streets or access.units:   # a street's or a unit's grant is narrower than any district
        return (entry.access_label or entry.generated_by) == access.label
    return bool(entry.districts) and set(entry.districts) <= set(access.districts)


def render_history(config, access) -> None:
    st.subheader("生成记录")
    entries = [e for e in archive.history(config.archive_dir) if visible(e, access)]
    if not entries:
        render_empty("还没有生成过通报")
        return
    frame = pd.DataFrame({
        "生成时间": [e.generated_at.replace("T", " ") for e in entries], "生成人": [e.generated_by for e in entries],
        "方式": ["页面" if e.origin == "page" else "定时任务/命令行" for e in entries],
        "类型": [periods.KINDS.get(e.kind, e.kind) for e in entries], "统计期": [e.period_label for e in entries],
        "范围": [e.scope_text.removeprefix("范围：") for e in entries], "文号": [e.doc_no for e in entries],
        "文件": ["、".join(e.files) for e in entries],
    })
    st.dataframe(frame, hide_index=True, width="stretch", height=min(38 + 35 * len(frame), 320))
    labels = {i: f"{e.generated_at.replace('T', ' ')} · {e.period_label}{periods.KINDS.get(e.kind, '')} · "
                 f"{e.scope_text.removeprefix('范围：')} · {e.generated_by}" for i, e in enumerate(entries[:50])}
    pick = st.selectbox("再次下载", list(labels), format_func=labels.get, key="bl_history_pick")
    entry = entries[pick]
    files = {}
    for ext, rel in entry.files.items():
        path = (config.archive_dir / rel).resolve()
        if path.is_relative_to(config.archive_dir.resolve()) and path.exists():
            files[ext] = path.read_bytes()
    if files:
        render_downloads(files, f"{entry.period_label}{periods.KINDS.get(entry.kind, '')}_"
                                f"{entry.scope_text.removeprefix('范围：')}", key="bl_hist")
    else:
        st.caption("该次生成的文件已不在存档文件夹中")


def main() -> None:
    scope = setup_page("通报", PAGE, page_params=("period",))
    city = load_city()
    config = load_bulletin_config()
    access = current_access()
    st.title("通报")
    st.caption("一键生成周报、月报、季报、年报：数字与看板同口径（同一套查询）。范围取侧栏的区域与筛选条件；"
               "统计期在本页选择，侧栏的时间范围不适用。定时生成见 README（命令行 python -m reports.bulletin）。")
    left, mid, right = st.columns([4, 5, 3])
    with left:
        kind = render_choice("period", "通报类型", KIND_CHOICES, "month")
    with mid:
        period = pick_period(kind, today(), config.month_start_day)
    with right:
        choices = templates()
        template_name = st.selectbox("Word 模板", list(choices), key="bl_template",
                                     help="reports/templates/ 下的 .docx；可在 Word/WPS 中修改样式、红头与落款")
    if period is None:
        return
    if config.month_start_day > 1 and kind == "month":
        st.caption(f"统计月：上月 {config.month_start_day} 日至本月 {config.month_start_day - 1} 日（城市配置）")
    if st.button("生成通报", type="primary", icon=":material/article:", key="bl_generate"):
        try:
            audit_write(scope, PAGE, "bulletin", detail=f"{period.label}（{period.kind}）")
        except OSError:
            st.error("无法写入审计记录，通报未生成。请联系管理员检查审计文件夹。", icon=":material/gpp_bad:")
            return
        with st.spinner("正在生成通报（Word、PDF、Excel）……"):
            try:
                result = produce(cache.reader(), scope, period, city=city, scores=cache.score_config(),
                                 config=config, generated_by=generator_name(access), generated_at=now_exact(),
                                 template=choices[template_name], origin="page")
            except BulletinError as exc:
                st.error(f"通报未生成：{md_untrusted(exc)}", icon=":material/error:")
                return
        st.session_state["bl_result"] = (period, same_selection(scope), result)
    held = st.session_state.get("bl_result")
    if held is not None and held[0] == period and held[1] == same_selection(scope):
        result = held[2]
        st.success(f"已生成：{result.bulletin.title}（{result.bulletin.doc_no}）", icon=":material/task_alt:")
        render_downloads(result.files, result.bulletin.file_stem, key="bl_now")
        render_preview(result.bulletin)
    elif held is not None:
        st.info("统计期或范围已改变，请重新生成", icon=":material/refresh:")
    render_history(config, access)


if __name__ == "__main__":
    main()
