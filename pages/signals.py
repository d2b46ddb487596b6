"""预警研判 — acting before the next complaint: 异动 and 高频, 多人同诉 and 一人多诉, 重复发生, 推诿
between units, and how well 预计办结 has held. Each section states its method (also on 口径说明) and
lists the cases behind its figures by case number. Parameters: city.toml [signals].
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from charts.signals import handoff_network, topic_months
from data.alerts_config import load_alerts
from data.signals_config import load_signals
from data.topics import set_topic, topics
from queries.alerts import level_counts
from queries import anomalies as anomaly_q
from queries import expected as expected_q
from queries import handoffs as handoff_q
from queries import recurrence as recurrence_q
from queries import reporters as reporter_q
from queries import topics as topic_q
from queries.scope import Scope
from ui import auth, cache, filters
from ui.alerts import acknowledge, user_alerts
from ui.app import setup_page
from ui.clock import now
from ui.tables import Col, render_table
from ui.widgets import render_empty

VIEWS = {"alerts": "预警", "anomaly": "异动 · 高频", "reporters": "多人同诉 · 一人多诉", "recurrence": "重复发生",
         "handoff": "推诿（回退改派）", "expected": "预计办结", "topic": "每月一题"}
RECURRENCE_BY = {"unit": "责任单位", "street": "街道(乡镇)", "district": "区县", "category": "小类"}
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
LIST_LIMIT = 200


def _case_nos(values) -> str:
    return "、".join(str(v) for v in (values if values is not None else []))


def _period(scope: Scope) -> str:
    return f"{scope.start_date:%Y年%m月%d日} 至 {scope.end_date - timedelta(days=1):%Y年%m月%d日}"


def render_alerts(scope: Scope) -> None:
    rules = load_alerts()
    alerts = user_alerts(scope)
    counts = level_counts(alerts)
    cols = st.columns(5)
    for col, (level, n) in zip(cols, counts.items()):
        col.metric(f"{level}色预警", f"{n:,} 条")
    cols[4].metric("未确认", f"{int(alerts.ack_by.isna().sum()):,} 条")
    st.caption(f"按当前时刻 {scope.now_at:%m月%d日 %H:%M} 评估，区域与分类筛选有效；同一事项的预警在解除之前不重复发出，"
               "解除后再次出现则重新发出，需重新确认。预警只列出案件编号、地点与单位，不含任何个人信息。")
    if alerts.empty:
        render_empty("当前没有预警")
    else:
        alerts = alerts.assign(ack_zh=alerts.ack_by.map(lambda v: "未确认" if not isinstance(v, str) else f"已确认：{v}"))
        event = render_table(alerts, {
            "level": Col("等级", width="small"), "rule": Col("规则", width="small"),
            "subject_zh": Col("对象", width="medium"), "detail_zh": Col("情况", width="large"),
            "fired_at": Col("发出时间", "datetime"), "ack_zh": Col("确认", width="medium"),
            "ack_at": Col("确认时间", "datetime"),
        }, basename="预警清单", key="alerts_table", select_row=True, height=420)
        rows = event.selection.rows if event is not None else []
        if rows:
            chosen = alerts.iloc[rows[0]]
            if isinstance(chosen.ack_by, str):
                st.caption(f"该预警已由 {chosen.ack_by} 于 {chosen.ack_at:%m月%d日 %H:%M} 确认")
            elif pd.isna(chosen.fired_at):
                st.caption("该预警刚出现，下一分钟登记后即可确认")
            elif st.button(f"确认收到：{chosen.subject_zh}（{chosen.rule}）", icon=":material/task_alt:", key="ack"):
                acknowledge(chosen.alert_key, chosen.fired_at)
                st.rerun()
    with st.expander("预警规则（由管理员在城市配置中修改）", icon=":material/rule_settings:"):
        st.dataframe(pd.DataFrame(rules.rules()).rename(columns={"rule": "规则", "condition": "条件", "level": "等级",
                                                                   "subject": "预警对象"}),
                     hide_index=True, width="stretch")
        st.caption("等级按国家预警等级：蓝 < 黄 < 橙 < 红。" + ("新预警同时推送到内网地址。"
                                                              if rules.webhook_url else "未配置内网推送地址。"))


def render_anomalies(scope: Scope, config) -> None:
    st.subheader("异动：今日与近 7 天明显高于往常的问题")
    st.caption(anomaly_q.METHOD_ZH.format(weeks=config.anomaly_weeks, min_count=config.anomaly_min_count,
                                          p=config.anomaly_p)
               + f" 以当前时刻 {scope.now_at:%m月%d日 %H:%M} 为准，不随统计期变化；区域与分类筛选有效。")
    alarms = cache.get("anomalies", scope, config.anomaly_weeks, config.anomaly_p, config.anomaly_min_count)
    if alarms.empty:
        render_empty("当前没有异动：各街道各小类的上报数都在往常范围内")
    else:
        alarms = alarms.assign(p_text=alarms.p_value.map(lambda v: f"{v:.1e}"))
        render_table(alarms, {
            "district_name": Col("区县", width="small"), "street_name": Col("街道(乡镇)", width="small"),
            "minor_name": Col("小类", width="small"), "span_zh": Col("时段", width="small"),
            "observed": Col("上报数", "count", width="small"),
            "expected": Col("往常期望", "decimal", width="small", help="前几周同一星期、同一时段的平均数（+0.5 平滑）"),
            "ratio": Col("倍数", "decimal", width="small"),
            "p_text": Col("偶然出现的概率", help="按泊松分布，往常水平下出现不少于该上报数的概率"),
        }, basename="异动", key="anomaly_table")
    st.subheader("高频：上月比前月增加最多的小类")
    rising = cache.get("rising_categories", scope, config.anomaly_min_count)
    if rising.empty:
        render_empty("上月没有比前月增加的小类")
        return
    month = pd.Timestamp(rising.last_month.iloc[0])
    before = pd.Timestamp(rising.month_before.iloc[0])
    render_table(rising, {
        "major_name": Col("大类", width="small"), "minor_name": Col("小类", width="small"),
        "last_month_count": Col(f"{month.month}月上报", "count", width="small"),
        "month_before_count": Col(f"{before.month}月上报", "count", width="small"),
        "increase": Col("增加", "count", width="small"), "change_rate": Col("环比增幅", "rate", width="small"),
    }, basename="高频小类", key="rising_table")


def render_reporters(scope: Scope, config) -> None:
    st.caption(reporter_q.METHOD_ZH.format(hours=config.same_issue_hours, reporters=config.same_issue_reporters,
                                           repeat=config.repeat_reports) + f" 统计期：{_period(scope)}。")
    left, right = st.columns(2)
    with left:
        st.subheader("多人同诉")
        same = cache.get("same_issue", scope, config.same_issue_hours, config.same_issue_reporters, LIST_LIMIT)
        if same.empty:
            render_empty("统计期内没有多人同诉")
        else:
            same = same.assign(case_list=same.case_nos.map(_case_nos))
            render_table(same, {
                "street_name": Col("街道(乡镇)", width="small"), "grid_name": Col("网格", width="small"),
                "minor_name": Col("小类", width="small"), "reporters": Col("诉求人数", "count", width="small"),
                "reports": Col("上报次数", "count", width="small"), "first_at": Col("首次", "datetime"),
                "last_at": Col("最近", "datetime"), "case_list": Col("案件编号（前 10 件）", width="large"),
            }, basename="多人同诉", key="same_issue_table")
    with right:
        st.subheader("一人多诉")
        repeat = cache.get("repeat_reporters", scope, config.repeat_reports, LIST_LIMIT)
        if repeat.empty:
            render_empty("统计期内没有一人多诉")
        else:
            repeat = repeat.assign(case_list=repeat.case_nos.map(_case_nos))
            render_table(repeat, {
                "reporter_label": Col("诉求人（本表序号）", width="small"), "reports": Col("上报次数", "count", width="small"),
                "categories": Col("涉及小类", "count", width="small"), "top_minor_name": Col("最多的小类", width="small"),
                "first_at": Col("首次", "datetime"), "last_at": Col("最近", "datetime"),
                "case_list": Col("案件编号（前 10 件）", width="large"),
            }, basename="一人多诉", key="repeat_table")
            st.caption("诉求人序号只在本表内区分不同的人，不对应任何身份信息。")


def _names(scope: Scope, by: str) -> dict[str, str]:
    if by == "unit":
        units = cache.get("unit_options", scope.unfiltered())
        return dict(zip(units.unit_code, units.name))
    if by == "category":
        cats = cache.get("category_options", scope.unfiltered())
        return dict(zip(cats.category_code, cats.minor_name))
    areas = cache.get("area_options", scope.unfiltered())
    return dict(zip(areas.area_code, areas.name))


def render_recurrence(scope: Scope, config) -> None:
    st.caption(recurrence_q.METHOD_ZH.format(meters=config.recurrence_meters, days=config.recurrence_days)
               + f" 统计期：{_period(scope)}。")
    by = filters.render_choice("rby", "复发率分组", RECURRENCE_BY, "unit")
    rates = cache.get("recurrence_rates", scope, by, config.recurrence_days, config.recurrence_meters)
    left, right = st.columns([2, 3])
    with left:
        st.subheader(f"复发率（按{RECURRENCE_BY[by]}）")
        if rates.empty:
            render_empty("统计期内没有结案")
        else:
            rates = rates.assign(name=rates.group_code.map(_names(scope, by)).fillna(rates.group_code))
            rates = rates.sort_values(["recurred_cases", "closed_cases"], ascending=False, kind="mergesort")
            render_table(rates, {
                "name": Col(RECURRENCE_BY[by], width="medium"), "closed_cases": Col("结案数", "count", width="small"),
                "recurred_cases": Col("复发数", "count", width="small"),
                "recurrence_rate": Col("复发率", "rate", width="small", help="复发数 ÷ 结案数"),
            }, basename=f"复发率_{RECURRENCE_BY[by]}", key="recurrence_rates", height=420)
    with right:
        st.subheader("重复发生的案件（后一件与此前结案的一件并列）")
        pairs = cache.get("recurrence_pairs", scope, config.recurrence_days, config.recurrence_meters, LIST_LIMIT)
        if pairs.empty:
            render_empty("统计期内没有重复发生")
            return
        total = int(pairs.total_count.iloc[0])
        pairs = pairs.assign(place=pairs.grid_name.fillna("") + pairs.same_grid.map({True: "（同网格）", False: ""})
                             + pairs.distance_m.map(lambda m: "" if pd.isna(m) else f" 相距 {int(m)} 米"))
        render_table(pairs, {
            "minor_name": Col("小类", width="small"), "case_no": Col("后发案件", width="medium"),
            "reported_at": Col("上报时间", "datetime"), "first_case_no": Col("此前案件", width="medium"),
            "first_closed_at": Col("此前结案时间", "datetime"), "days_after": Col("结案后天数", "decimal", width="small"),
            "first_unit_name": Col("此前责任单位", width="medium"), "place": Col("地点", width="medium"),
        }, basename="重复发生", key="recurrence_pairs", height=420)
        if total > len(pairs):
            st.caption(f"共 {total:,} 对，显示最近的 {len(pairs):,} 对；下载文件同为所示部分，请缩小筛选范围查看其余。")


def render_handoffs(scope: Scope) -> None:
    st.caption(handoff_q.METHOD_ZH + f" 统计期：{_period(scope)}。")
    units = cache.get("handoff_units", scope)
    pairs = cache.get("handoff_pairs", scope, 15)
    if units.empty or int(units.handoffs.sum()) == 0:
        render_empty("统计期内没有回退改派")
        return
    left, right = st.columns([3, 2])
    with left:
        st.subheader("各单位转出与退回")
        shown = units[(units.passed_on_cases > 0) | (units.received_cases > 0)]
        render_table(shown, {
            "unit_name": Col("责任单位", width="medium"), "peer_group": Col("分组", width="small"),
            "dispatched_cases": Col("派遣到本单位", "count", width="small"),
            "passed_on_cases": Col("转出", "count", width="small"),
            "handoff_rate": Col("推诿率", "rate", width="small", help="转出案件数 ÷ 派遣到本单位的案件数"),
            "received_cases": Col("转入", "count", width="small"), "returned_cases": Col("被退回", "count", width="small"),
            "delay_hours_median": Col("每次转出增加（中位，工作时）", "hours", width="small"),
            "delay_hours_p90": Col("P90（工作时）", "hours", width="small"),
        }, basename="推诿_单位", key="handoff_units", height=440)
    with right:
        st.subheader("相互推诿最多的单位")
        st.plotly_chart(handoff_network(pairs), config=PLOTLY_CONFIG, key="handoff_network")
        st.caption("线越粗转办越多；红线：其中有案件又被退回此前经手的单位。")
    render_table(pairs, {
        "unit_a_name": Col("单位甲", width="medium"), "unit_b_name": Col("单位乙", width="medium"),
        "handoffs": Col("相互转办（次）", "count", width="small"), "a_to_b": Col("甲→乙", "count", width="small"),
        "b_to_a": Col("乙→甲", "count", width="small"), "cases": Col("涉及案件", "count", width="small"),
        "returned_cases": Col("退回原单位", "count", width="small"),
    }, basename="推诿_单位对", key="handoff_pairs")


def render_expected(scope: Scope, config) -> None:
    st.caption(expected_q.METHOD_ZH.format(days=config.expected_window_days, min_cases=config.expected_min_cases))
    quarter = expected_q.last_closed_quarter(scope.now_at.date())
    calib = cache.get("expected_calibration", scope.unfiltered(), quarter, config.expected_window_days,
                      config.expected_min_cases)
    overall = calib[calib.level == "all"]
    st.subheader(f"校准：{expected_q.quarter_label(quarter)}")
    if overall.empty or not int(overall.cases.iloc[0]):
        render_empty("上一个完整季度没有可检验的派遣案件")
    else:
        row = overall.iloc[0]
        cols = st.columns(4)
        cols[0].metric("在 P90 预计日期前办结", f"{row.rate * 100:.1f}%", help="应接近 90%")
        cols[1].metric("检验案件", f"{int(row.cases):,} 件")
        cols[2].metric("按时办结（≤ P90）", f"{int(row.within_p90):,} 件")
        cols[3].metric("尚未办结、未到 P90", f"{int(row.undecided):,} 件", help="结果未定，不计入")
        st.caption("检验方法：用季度开始前 {d} 天的结案为季度内每件派遣案件给出 P90，再看它是否在 P90 之前办结"
                   "（仍未办结且已超过 P90 的计为未按预计）。".format(d=config.expected_window_days))
        levels = calib[calib.level != "all"].assign(level_zh=lambda d: d.level.map(expected_q.LEVEL_ZH))
        render_table(levels, {
            "level_zh": Col("所用规则", width="medium"), "cases": Col("检验案件", "count", width="small"),
            "within_p90": Col("≤ P90 办结", "count", width="small"), "rate": Col("比例", "rate", width="small"),
        }, basename="预计办结校准", key="calibration_levels", downloads=False)
    st.subheader("各单位派遣→结案工作时（近期结案）")
    stats = cache.get("expected_stats", scope, expected_q.window_end(scope), config.expected_window_days)
    per_unit = stats[stats.level == "unit"]
    if per_unit.empty:
        render_empty()
        return
    names = _names(scope, "unit")
    per_unit = per_unit.assign(name=per_unit.unit_code.map(names).fillna(per_unit.unit_code)) \
        .sort_values("hours_p90", ascending=False, kind="mergesort")
    render_table(per_unit, {
        "name": Col("责任单位", width="medium"), "cases": Col("近期结案", "count", width="small"),
        "hours_median": Col("中位数（工作时）", "hours", width="small"), "hours_p90": Col("P90（工作时）", "hours", width="small"),
    }, basename="预计办结_单位", key="expected_units", height=400)


def render_topic_form(scope: Scope, month: str, current) -> None:
    """Administrators set the month's topic; every decision is appended with who and when."""
    session = auth.current()
    if session is None or not session.access.admin:
        st.caption("每月一题由管理员设定。")
        return
    with st.expander(f"设定 {month} 的题目（管理员）", icon=":material/edit_note:", expanded=current is None):
        cats = cache.get("category_options", scope.unfiltered())
        labels = dict(zip(cats.category_code, cats.major_name + " › " + cats.minor_name))
        with st.form("topic_form"):
            chosen = st.multiselect("小类（可多选，组成一题）", list(labels), format_func=labels.get,
                                    default=list(current.categories) if current else None, max_selections=10)
            label = st.text_input("题目名称", value=current.label if current else "", max_chars=30)
            fall = st.number_input("目标降幅（较上月，%）", min_value=1, max_value=99,
                                   value=int(round(current.target_fall * 100)) if current else 20)
            if st.form_submit_button("保存", icon=":material/save:"):
                who = (session.display_name or session.user_id) if session.mode not in ("demo", "desk") \
                    else session.access.label
                try:
                    set_topic(month, chosen, label, fall / 100, who, now())
                except ValueError as exc:
                    st.error(str(exc), icon=":material/error:")
                else:
                    st.rerun()


def render_topic(scope: Scope) -> None:
    st.caption(topic_q.METHOD_ZH)
    month = f"{scope.now_at:%Y-%m}"
    decided = topics()
    months = sorted(set(decided) | {month}, reverse=True)
    chosen_month = st.selectbox("月份", months, index=0, key="topic_month")
    topic = decided.get(chosen_month)
    if chosen_month == month:
        render_topic_form(scope, month, topic)
    if topic is None:
        render_empty(f"{chosen_month} 尚未设定每月一题")
        return
    cats = cache.get("category_options", scope.unfiltered())
    names = "、".join(cats.set_index("category_code").minor_name.reindex(list(topic.categories)).fillna("?"))
    st.subheader(f"{topic.month} 每月一题：{topic.label}")
    st.caption(f"小类：{names} · 目标：较上月下降 {topic.target_fall:.0%} · 由 {topic.set_by} 于 "
               f"{topic.set_at.replace('T', ' ')[:16]} 设定")
    overall = cache.get("topic_versus", scope, topic, "all")
    row = overall.iloc[0] if len(overall) else None
    cols = st.columns(4)
    if row is not None:
        running = topic.month == month
        cols[0].metric("本月至今" if running else "本月", f"{int(row.this_month):,} 件")
        cols[1].metric("上月同期" if running else "上月", f"{int(row.previous_same_days):,} 件",
                       help="本月未结束时，取上月同样天数与时刻之前的上报数")
        cols[2].metric("变化", "—" if pd.isna(row.change_rate) else f"{row.change_rate * 100:+.1f}%")
        cols[3].metric("目标", f"−{topic.target_fall:.0%}",
                       delta="达标" if bool(row.on_track) else "未达标", delta_color="normal" if bool(row.on_track) else "inverse")
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**逐月上报**")
        st.plotly_chart(topic_months(cache.get("topic_monthly", scope, topic), topic.month_start),
                        config=PLOTLY_CONFIG, key="topic_chart")
    with right:
        by = filters.render_choice("tby", "分列", {"district": "区县", "unit": "责任单位"}, "district")
        table = cache.get("topic_versus", scope, topic, by)
        table = table.assign(name=table.group_code.map(_names(scope, by)).fillna(table.group_code),
                             status=table.on_track.map({True: "达标", False: "未达标"}))
        render_table(table, {
            "name": Col("区县" if by == "district" else "责任单位", width="medium"),
            "previous_month": Col("上月", "count", width="small"),
            "previous_same_days": Col("上月同期", "count", width="small"),
            "this_month": Col("本月", "count", width="small"), "change_rate": Col("变化", "rate", width="small"),
            "status": Col("是否达标", width="small"),
        }, basename=f"每月一题_{topic.month}", key="topic_table", height=360)


def main() -> None:
    scope = setup_page("预警研判", "pages/signals.py", page_params=("view", "rby", "tby"))
    config = load_signals()
    st.title("预警研判")
    st.caption("未诉先办：从记录中找出正在冒头的问题、反复发生的地点、相互推诿的单位，并给出在办案件的预计办结时间。"
               "各项方法见下方说明与“口径说明”。")
    view = filters.render_choice("view", "研判内容", VIEWS, "alerts")
    if view == "alerts":
        render_alerts(scope)
    elif view == "anomaly":
        render_anomalies(scope, config)
    elif view == "reporters":
        render_reporters(scope, config)
    elif view == "recurrence":
        render_recurrence(scope, config)
    elif view == "handoff":
        render_handoffs(scope)
    elif view == "topic":
        render_topic(scope)
    else:
        render_expected(scope, config)


main()
