"""口径说明 — every KPI with its formula, what is excluded, and for the current selection the actual
numerator and denominator, each a link to the cases behind it; then the rules in force (city.toml
[kpi] and [deadlines], scores.toml, the calendar and the time limits of every 小类)."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from data.config import REFERENCE_DIR, load_city
from data.deadlines import DeadlinePolicy, limits_table
from data.holidays import RULE_NAME
from data.worktime import PACKAGE_YEARS, load_time_limits
from queries.kpis import (DISPOSAL_READINGS, PENDING_RULE, PUBLISHED_MAPPING, SECTIONS, SET_LABELS, definitions_frame,
                          format_value, kpi_value, registry)
from queries.numbers import RULE_LABELS
from data.alerts_config import load_alerts
from data.signals_config import load_signals
from queries import anomalies as anomaly_q
from queries import expected as expected_q
from queries import handoffs as handoff_q
from queries import recurrence as recurrence_q
from queries import reporters as reporter_q
from queries import topics as topic_q
from ui import cache
from ui.app import setup_page
from ui.export import render_downloads
from ui.widgets import pending_count, render_case_links

PER_ROW = 3
ENTITY_NAMES = {"unit": "责任单位", "area": "区域（区县、街道、社区、网格）"}


def render_definition(kpi, row: pd.Series) -> None:
    with st.container(border=True, key=f"def_{kpi.key}"):
        title = kpi.label + (f"（{kpi.role}）" if kpi.role else "")
        st.metric(title, format_value(kpi_value(row, kpi), kpi.fmt))
        lines = [f"**公式**　{kpi.formula}"]
        if kpi.fmt == "hours":
            p90 = None if pd.isna(row[kpi.p90]) else float(row[kpi.p90])
            lines.append(f"**样本**　{SET_LABELS[kpi.numerator_set]}：{int(row[kpi.basis]):,} 件；"
                         f"P90 {format_value(p90, 'hours')}")
        elif kpi.denominator:
            lines.append(f"**分子**　{SET_LABELS[kpi.numerator_set]}：{int(row[kpi.numerator]):,} 件")
            lines.append(f"**分母**　{SET_LABELS[kpi.denominator_set]}：{int(row[kpi.denominator]):,} 件")
            if kpi.pending:
                lines.append(f"**在办未到期**　{pending_count(kpi, row):,} 件：统计期尚未结束、仍在时限内办理，"
                             "不算未处置，不计入分母")
        else:
            lines.append(f"**计数**　{SET_LABELS[kpi.numerator_set]}：{int(row[kpi.numerator]):,} 件")
        lines.append(f"**排除**　{kpi.exclusions}")
        st.markdown("  \n".join(lines))
        st.caption(kpi.description)
        render_case_links(kpi, row, text_fallback=False)


def render_rules(city, row: pd.Series, years: tuple[int, ...]) -> None:
    cal = cache.calendar()
    scores = cache.score_config()
    kpis = registry(city)
    sources = pd.read_csv(REFERENCE_DIR / "sources.csv", dtype=str).set_index("source_code").name_zh.to_dict()
    left, middle, right = st.columns(3)
    with left, st.container(border=True):
        st.markdown("**排除项与分母**（城市配置）")
        deferred = "扣除，结案率 = 结案数 ÷ (应结案数 − 缓办数)" if city.exclude_deferred_from_due else "不扣除"
        st.markdown("\n".join([
            f"- 作废：{'不计入任何统计' if city.exclude_cancelled else '计入各项统计'}",
            f"- 挂账：立案数{'扣除' if city.exclude_shelved_from_filed else '不扣除'}；"
            f"应结案数{'扣除' if city.exclude_shelved_from_due else '不扣除'}",
            f"- 缓办：应结案数{deferred}；本期缓办 {int(row.due_deferred_count):,} 件",
            "- 结案、处置、派遣一律截至统计期末计数（当前周期截至此刻），以前各期数字不随之后的结案而变",
            f"- 满意：回访评分不低于 {city.satisfied_min_score} 分",
            f"- 公众举报来源：{'、'.join(sources.get(s, s) for s in city.public_sources)}",
            f"- 处置率口径：{DISPOSAL_READINGS[city.disposal_reading]}；{PENDING_RULE}",
            f"- 排行榜门槛：样本量不少于 {city.league_min_volume} 件",
            f"- 数值修约：{RULE_LABELS[city.rounding]}，按分子 ÷ 分母的精确值修约到 0.01 个百分点；"
            "卡片、表格、大屏、导出与通报一致",
        ]))
    with middle, st.container(border=True):
        st.markdown("**时限与工作日历**")
        periods = "、".join(f"{a}–{b}" for a, b in cal.periods)
        overrides = "、".join(map(str, cal.override_years)) or "暂无"
        deferred_rule, extended_rule = DeadlinePolicy.from_city(city).describe()
        missing = cal.uncovered_years(years)
        st.markdown("\n".join([
            f"- 办公时间：{periods}（每个工作日 {cal.workday_hours:g} 工作时）",
            f"- 节假日与调休：国务院公布的放假安排 {PACKAGE_YEARS.start}–{PACKAGE_YEARS.stop - 1} 年；"
            f"运营方补充的年份：{overrides}",
            f"- 本数据涉及年份：{'、'.join(map(str, years)) or '无'}"
            + (f"；缺少 {'、'.join(map(str, missing))} 年国务院放假安排，法定节假日按{RULE_NAME}推算，调休上班日未知" if missing else "；全部有放假安排"),
            f"- {deferred_rule}",
            f"- {extended_rule}",
            "- 结案时限：立案起依次累加派遣、处置、核查、结案各环节时限",
        ]))
    with right, st.container(border=True):
        st.markdown("**综合指标值**（评分配置）")
        lines = []
        for preset in scores.presets.values():
            lines.append(f"- **{preset.label}**（{ENTITY_NAMES[preset.applies_to]}；"
                         f"排名门槛看{kpis[preset.volume].label}）")
            lines += [f"    - {c.describe(kpis)}" for c in preset.components]
            if preset.source:
                lines.append(f"    - 依据：{preset.source}")
        lines.append(f"- 等级：{scores.grade_rule()}")
        st.markdown("\n".join(lines))


def calibration_call(scope) -> tuple:
    """The cache call of 预计办结's calibration over the last closed quarter (render_signal_methods)."""
    config = load_signals()
    return ("expected_calibration", scope.unfiltered(), expected_q.last_closed_quarter(scope.now_at.date()),
            config.expected_window_days, config.expected_min_cases)


def render_signal_methods(scope) -> None:
    """预警研判's measures: each method with its parameters (city.toml [signals]), and the measured
    calibration of 预计办结 over the last closed quarter."""
    config = load_signals()
    st.subheader("预警研判方法（城市配置）")
    quarter = expected_q.last_closed_quarter(scope.now_at.date())
    calib = cache.get(*calibration_call(scope))
    overall = calib[calib.level == "all"]
    if len(overall) and int(overall.cases.iloc[0]):
        r = overall.iloc[0]
        calibration = (f"**校准**　{expected_q.quarter_label(quarter)}派遣的 {int(r.cases):,} 件案件中，"
                       f"{int(r.within_p90):,} 件在预计的 P90 日期前办结，占 {r.rate * 100:.1f}%（应接近 90%）。")
    else:
        calibration = f"**校准**　{expected_q.quarter_label(quarter)}没有可检验的派遣案件。"
    methods = [
        ("预计办结", expected_q.METHOD_ZH.format(days=config.expected_window_days, min_cases=config.expected_min_cases)
         + "\n\n" + calibration),
        ("推诿（回退改派）", handoff_q.METHOD_ZH),
        ("重复发生", recurrence_q.METHOD_ZH.format(meters=config.recurrence_meters, days=config.recurrence_days)),
        ("多人同诉 · 一人多诉", reporter_q.METHOD_ZH.format(hours=config.same_issue_hours,
                                                       reporters=config.same_issue_reporters,
                                                       repeat=config.repeat_reports)),
        ("异动 · 高频", anomaly_q.METHOD_ZH.format(weeks=config.anomaly_weeks, min_count=config.anomaly_min_count,
                                                  p=config.anomaly_p)),
        ("每月一题", topic_q.METHOD_ZH),
        ("预警（城市配置）", "等级按国家预警等级 蓝 < 黄 < 橙 < 红；同一事项在解除前不重复发出。\n\n"
         + "\n".join(f"- **{r['rule']}**（{r['level']}）：{r['condition']}" for r in load_alerts().rules())),
    ]
    for start in range(0, len(methods), PER_ROW):
        for col, (title, text) in zip(st.columns(PER_ROW), methods[start:start + PER_ROW]):
            with col, st.container(border=True, key=f"signal_{start}_{title}"):
                st.markdown(f"**{title}**")
                st.markdown(text)   # constant method text and computed numbers: no data-derived text


def main() -> None:
    scope = setup_page("口径说明", "pages/definitions.py")
    city = load_city()
    kpis = registry(city)
    cache.prefetch(("case_kpis", scope), calibration_call(scope))   # both at once (ui/cache.prefetch)
    row = cache.get("case_kpis", scope)
    years = cache.data_years(scope)

    st.title("指标口径说明")
    st.caption(f"统计期 {scope.start_date:%Y年%m月%d日} 至 {scope.end_date - timedelta(days=1):%Y年%m月%d日}"
               f" · 分子、分母为当前筛选下的实际件数，点开即是对应的案件清单 · 全部数字由案件记录在数据库中直接计算")
    for section, name in SECTIONS.items():
        st.subheader(name)
        items = [k for k in kpis.values() if k.section == section]
        for start in range(0, len(items), PER_ROW):
            for col, kpi in zip(st.columns(PER_ROW), items[start:start + PER_ROW]):
                with col:
                    render_definition(kpi, row)

    st.subheader("口径配置")
    render_rules(city, row, years)
    with st.expander("各小类的环节时限", icon=":material/timer:"):
        files = (REFERENCE_DIR / "time_limits.csv", REFERENCE_DIR / "categories.csv")
        limits = cache.from_files("limits_table", files, lambda: limits_table(load_time_limits(files[0]),
                                                                               pd.read_csv(files[1], dtype=str)))
        st.dataframe(limits, hide_index=True, width="stretch")
    with st.expander("已发布通报与本系统口径的对应关系", icon=":material/compare_arrows:"):
        mapping = pd.DataFrame([{"通报": source, "通报中的说法": term, "本系统指标": kpis[key].label,
                                 "案件集合": SET_LABELS[flag], "本期件数": int(row[
                                     kpis[key].numerator if flag == kpis[key].numerator_set else kpis[key].denominator])}
                                for source, term, key, flag in PUBLISHED_MAPPING])
        st.dataframe(mapping, hide_index=True, width="stretch")

    render_signal_methods(scope)

    st.subheader("下载")
    table = definitions_frame(kpis, row)
    render_downloads(table, "指标口径", kinds={"分子": "count", "分母": "count"}, key="definitions")


if __name__ == "__main__":
    main()
