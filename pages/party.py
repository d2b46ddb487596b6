"""党建·志愿 — the people stream (党建引领): pairing scorecards beside the case KPIs of the paired
communities, 报到率 and check-ins over time, volunteer service by community and unit, 吹哨报到
response, micro-wishes, the three lists, supervision and first-secretary visits.

Every number comes from queries/party.py through the scope prefix (access and filters); people's
names appear only masked (王*), and only here, never on the wall.
"""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from charts.party import checkin_trend, top_bars, wish_funnel
from charts.style import GOOD
from queries.kpis import people_registry
from queries.party import headline, secretary_summary
from queries.trends import GRAINS, auto_grain
from ui import cache, figures
from ui.app import setup_page
from ui.tables import Col, render_table
from ui.text import format_days, format_hours
from ui.widgets import render_empty, render_kpi_card

PAGE = "pages/party.py"
PAGE_CSS = "<style>[class*='st-key-pkpi_'] { min-height: 9.2rem; }</style>"
PLOTLY = {"displaylogo": False}
KPI_ROWS = [
    ["report_in_rate", "checkins", "activities", "service_hours", "whistle_solve_rate", "whistle_response"],
    ["wish_claim_rate", "wish_completion_rate", "wish_value", "need_claim_rate", "rectification_rate",
     "secretary_visit_rate"],
]

SCORECARD = {
    "unit_name": Col("结对单位", width="medium"), "community_count": Col("结对社区", "count", width="small"),
    "assigned_count": Col("应报到", "count", width="small", help="须到结对社区报到的在职党员干部（人）"),
    "reported_in_count": Col("已报到", "count", width="small", help="统计期末前已报到（人）"),
    "report_in_rate": Col("报到率", "progress", help="已报到 ÷ 应报到，累计到统计期末"),
    "checkin_count": Col("签到（次）", "count", width="small"),
    "activity_count": Col("活动（场）", "count", width="small"),
    "service_hours": Col("服务（小时）", "hours"),
    "wish_claimed_count": Col("认领心愿", "count", width="small", help="统计期内认领的微心愿（个）"),
    "wish_completed_count": Col("完成心愿", "count", width="small", help="其中已完成（个）"),
    "due_count": Col("社区应结案", "count", width="small", help="结对社区的案件：结案时限落在统计期内（件）"),
    "on_time_rate": Col("社区按期结案率", "progress", help="结对社区按期结案数 ÷ 应结案数"),
    "closing_rate": Col("社区结案率", "rate", help="结对社区应结案中已结案数 ÷ 应结案数"),
    "overdue_open_count": Col("超期未处置", "count", help="结对社区此刻已超期仍未结案的案件（件）"),
    "community_names": Col("结对社区名称", width="large"),
}
BY_COMMUNITY = {
    "district_name": Col("区县", width="small"), "street_name": Col("街道(乡镇)"), "community_name": Col("社区(村)"),
    "activity_count": Col("志愿活动（场）", "count"), "participation_count": Col("参与（人次）", "count"),
    "volunteer_count": Col("参与人数（人）", "count"), "service_hours": Col("服务时长（小时）", "hours"),
    "hours_per_volunteer": Col("人均时长（小时）", "hours", help="服务时长 ÷ 参与人数"),
    "checkin_count": Col("签到（次）", "count"),
}
BY_UNIT = {
    "unit_name": Col("单位", width="medium"), "peer_group": Col("单位类别", width="small"),
    "activity_count": Col("志愿活动（场）", "count"), "community_count": Col("服务社区数", "count"),
    "participation_count": Col("参与（人次）", "count"), "volunteer_count": Col("参与人数（人）", "count"),
    "service_hours": Col("服务时长（小时）", "hours"),
    "hours_per_volunteer": Col("人均时长（小时）", "hours", help="服务时长 ÷ 参与人数"),
}
WHISTLES = {
    "category": Col("问题类型"), "whistle_count": Col("吹哨（次）", "count"), "problem_count": Col("问题（个）", "count"),
    "solved_count": Col("已解决（次）", "count"), "solve_rate": Col("解决率", "progress"),
    "report_in_median_hours": Col("报到用时中位数（小时）", "hours"), "report_in_p90_hours": Col("报到用时P90（小时）", "hours"),
    "solve_median_hours": Col("解决用时中位数（小时）", "hours"), "solve_p90_hours": Col("解决用时P90（小时）", "hours"),
    "call_count": Col("呼叫部门（次）", "count"), "call_staffed_count": Col("派员≥2人报到（次）", "count"),
}
SUPERVISION = {
    "round_label": Col("督查轮次"), "first_issued_at": Col("下发时间", "datetime"), "order_count": Col("督办问题（个）", "count"),
    "rectified_count": Col("已整改（个）", "count"), "rectification_rate": Col("整改率", "progress"),
    "rectified_on_time_count": Col("按期整改（个）", "count"), "overdue_open_count": Col("逾期未整改（个）", "count"),
}


def _secretary_columns(summary) -> dict[str, Col]:
    months = [c for c in summary.columns if c.endswith("月") and c[:4].isdigit()]
    cols = {"unit_name": Col("结对单位", width="medium"), "community_name": Col("结对社区"),
            "secretary_name_masked": Col("第一书记", width="small", help="姓名已脱敏；仅供内部查阅，不上大屏")}
    cols |= {m: Col(f"{m}走访（次）", "count") for m in months}
    cols |= {"missed_months": Col("未达标月数", "count", help="已结束的自然月中没有一次走访的月数"),
             "missed_month_names": Col("未达标月份")}
    return cols


def main() -> None:
    scope = setup_page("党建·志愿", PAGE)
    st.html(PAGE_CSS)
    kpis = people_registry()
    grain = auto_grain(scope)
    # Every query of the page starts now on the prefetch threads (ui/cache.prefetch), slowest first.
    calls = {"scorecard": ("party_pairing_scorecard", scope), "trend": ("party_checkin_trend", scope, grain),
             "by_community": ("party_service_by_community", scope), "by_unit": ("party_service_by_unit", scope),
             "whistles": ("party_whistles", scope), "wishes": ("party_wishes", scope),
             "lists": ("party_three_lists", scope), "orders": ("party_supervision", scope),
             "visits": ("party_secretary_visits", scope)}
    cache.prefetch(*calls.values())
    trend, by_community, by_unit, scorecard, whistles, wishes, lists, orders = (
        cache.get(*calls[k]) for k in ("trend", "by_community", "by_unit", "scorecard", "whistles", "wishes", "lists",
                                       "orders"))
    secretaries = cache.derived("party_secretaries", scope, (),
                                lambda: secretary_summary(cache.get(*calls["visits"])))
    row = cache.derived("party_headline", scope, (),
                        lambda: headline(trend, whistles, wishes, lists, orders, secretaries,
                                         by_community.service_hours.sum(), by_community.activity_count.sum()))

    st.title("党建引领 · 志愿服务")
    st.caption(f"统计期 {scope.start_date:%Y年%m月%d日} 至 {scope.end_date - timedelta(days=1):%Y年%m月%d日}"
               "（区域筛选按社区生效）· 比率下方为分子 ÷ 分母 · 悬停卡片右上角图标查看口径")
    if any(f is not None for f in (scope.kinds, scope.majors, scope.categories, scope.sources)):
        # Check-ins, activities, whistles and wishes have no case category or source.
        st.info("当前设置了部件/事件、大类、小类或来源筛选：这些条件只作用于案件，党建与志愿数据不按其筛选"
                "（评分卡中的社区案件指标按其筛选）。", icon=":material/filter_alt_off:")
    for keys in KPI_ROWS:
        for col, key in zip(st.columns(6), keys):
            with col:
                render_kpi_card(kpis[key], row, key=f"pkpi_{key}", show_fraction=True)

    st.subheader("结对共建评分卡")
    st.caption("每个结对单位的党建与志愿工作，与其结对社区的案件办理指标并列；报到率按单位在职党员干部计，"
               "社区指标为结对社区全部案件")
    if scorecard.empty:
        render_empty()
    else:
        render_table(scorecard, SCORECARD, basename="结对共建评分卡", sheet_name="结对共建评分卡", key="scorecard",
                     held=("party_scorecard", scope), height=min(len(scorecard), 12) * 35 + 38)

    left, right = st.columns([5, 6], gap="large")
    with left:
        st.subheader("报到率与签到趋势")
        st.caption(f"按{GRAINS[grain]}统计签到次数；折线为各{GRAINS[grain]}末的累计报到率")
        if trend.empty or trend.checkin_count.sum() == 0 and trend.assigned_count.max() == 0:
            render_empty()
        else:
            figures.plotly_chart("party_checkins", scope, (grain,), lambda: checkin_trend(trend, grain),
                                 width="stretch", config=PLOTLY)
    with right:
        st.subheader("第一书记走访")
        met, judged = int(row.secretary_met_months), int(row.secretary_judged_months)
        # Counted, not selected: a boolean selection of the wide per-month frame cost ~10 % of a cached rerun.
        missed = int((secretaries.missed_months > 0).sum()) if len(secretaries) else 0
        st.caption(f"规则：每月至少走访结对社区 1 次。已结束的月份中达标 {met:,} / {judged:,} 个（单位·月）；"
                   f"未达标的结对 {missed:,} 个，排在最前")
        if secretaries.empty:
            render_empty()
        else:
            render_table(secretaries, _secretary_columns(secretaries), basename="第一书记走访", sheet_name="第一书记走访",
                         key="secretaries", held=("party_secretaries", scope), height=340)

    st.subheader("志愿服务")
    c_left, c_right = st.columns(2, gap="large")
    with c_left:
        st.markdown("**按社区 · 服务时长前 15**")
        if by_community.empty:
            render_empty()
        else:
            figures.plotly_chart(
                "party_by_community", scope, (),
                lambda: top_bars(by_community.assign(label=by_community.community_name + "（" + by_community.street_name
                                                     .fillna("") + "）"),
                                 "label", "service_hours", value_title="服务时长", unit="小时",
                                 hover={"activity_count": "活动（场）", "volunteer_count": "参与人数（人）"}),
                width="stretch", config=PLOTLY)
    with c_right:
        st.markdown("**按单位 · 服务时长前 15**")
        if by_unit.empty:
            render_empty()
        else:
            figures.plotly_chart(
                "party_by_unit", scope, (),
                lambda: top_bars(by_unit, "unit_name", "service_hours", value_title="服务时长", unit="小时",
                                 hover={"activity_count": "活动（场）", "volunteer_count": "参与人数（人）"}, color=GOOD),
                width="stretch", config=PLOTLY)
    with st.expander(f"全部社区（{len(by_community):,} 个）与单位（{len(by_unit):,} 个）明细与下载"):
        t_left, t_right = st.columns(2, gap="large")
        with t_left:
            render_table(by_community, BY_COMMUNITY, basename="志愿服务_按社区", sheet_name="按社区", key="by_community",
                         held=("party_by_community", scope), height=360)
        with t_right:
            render_table(by_unit, BY_UNIT, basename="志愿服务_按单位", sheet_name="按单位", key="by_unit",
                         held=("party_by_unit", scope), height=360)

    w_left, w_right = st.columns(2, gap="large")
    with w_left:
        st.subheader("吹哨报到")
        total = whistles[whistles.is_total]
        if total.empty or int(total.whistle_count.iloc[0]) == 0:
            render_empty()
        else:
            t = total.iloc[0]
            m = st.columns(4)
            m[0].metric("报到用时·中位数", format_hours(t.report_in_median_hours), help="吹哨 → 首个部门报到，自然小时")
            m[1].metric("报到用时·P90", format_hours(t.report_in_p90_hours), help="90% 的吹哨在此时长内有部门报到")
            m[2].metric("解决用时·中位数", format_hours(t.solve_median_hours), help="吹哨 → 问题解决，自然小时")
            m[3].metric("解决用时·P90", format_hours(t.solve_p90_hours), help="90% 的已解决吹哨在此时长内解决")
            st.caption(f"统计期内吹哨 {int(t.whistle_count):,} 次、涉及问题 {int(t.problem_count):,} 个；"
                       f"已解决 {int(t.solved_count):,} 次；部门报到 {int(t.call_reported_in_count):,} / "
                       f"{int(t.call_count):,} 次，其中派员不少于 2 人 {int(t.call_staffed_count):,} 次")
            render_table(whistles, WHISTLES, basename="吹哨报到", sheet_name="吹哨报到", key="whistles",
                         held=("party_whistles", scope), height=min(len(whistles), 8) * 35 + 38)
    with w_right:
        st.subheader("微心愿")
        if int(wishes.posted_count) == 0:
            render_empty()
        else:
            figures.plotly_chart("party_wishes", scope, (), lambda: wish_funnel(wishes), width="stretch", config=PLOTLY)
            st.caption(f"统计期内发布的微心愿，认领与完成计到统计期末；认领用时中位数 "
                       f"{format_days(wishes.claim_median_days)}，完成用时中位数 {format_days(wishes.complete_median_days)}")
        st.subheader("三张清单")
        l1, l2, l3, l4 = st.columns(4)
        l1.metric("需求清单", f"{int(lists.need_count):,} 项", help="统计期内登记的群众需求")
        l2.metric("已认领需求", f"{int(lists.need_claimed_count):,} 项", help="其中已被单位认领（到统计期末）")
        l3.metric("资源清单", f"{int(lists.resource_count):,} 项", help="结对单位统计期内提供的资源")
        l4.metric("项目清单", f"{int(lists.project_count):,} 个", help="统计期内启动的共建项目")
        st.caption(f"项目中需求与资源均已对接 {int(lists.project_matched_count):,} 个，已完成 "
                   f"{int(lists.project_completed_count):,} 个")

    st.subheader("督办整改")
    if orders.is_total.all():   # no supervision round besides the total row (or no row at all)
        render_empty()
    else:
        render_table(orders, SUPERVISION, basename="督办整改", sheet_name="督办整改", key="supervision",
                     held=("party_supervision", scope), height=min(len(orders), 8) * 35 + 38)


if __name__ == "__main__":
    main()
