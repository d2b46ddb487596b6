"""The KPI registry: every case KPI with its label, formula, numerator, denominator and exclusions.

Values come from one row of queries/sql/case_kpis.sql; a rate is numerator / denominator and is
None (shown as "—") when the denominator is zero. Which side states leave a denominator is city
configuration (data/reference/city.toml [kpi]); the exclusion text shown follows it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data.config import CityConfig


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    formula: str
    numerator: str            # column of case_kpis
    denominator: str | None   # column of case_kpis; None for a plain count
    numerator_set: str | None  # case_facts flag (queries/sql/_scoped.sql) of the cases counted; None for people KPIs
    denominator_set: str | None
    exclusions: str
    fmt: str                  # "count" | "rate" | "hours" | "yuan"
    description: str
    higher_is_better: bool = True
    is_live: bool = False     # a count as of now, not of the window: no comparison with a previous period
    unit: str = "件"          # what a count counts, for tooltips ("人", "次", "小时", "元")


def registry(city: CityConfig) -> dict[str, Kpi]:
    shelved = "扣除挂账案件" if city.exclude_shelved_from_filed else "含挂账案件"
    deferred = "扣除缓办案件" if city.exclude_deferred_from_due else "含缓办案件"
    items = [
        Kpi("accepted", "受理数", "统计期内受理的案件数", "accepted_count", None, "in_accepted", None,
            "不含受理时作废的案件", "count", "统计期内上报并经受理（未作废）的案件"),
        Kpi("filed", "立案数", "统计期内立案的案件数", "filed_count", None, "in_filed", None,
            shelved, "count", "统计期内立案的案件"),
        Kpi("dispatched", "派遣数", "统计期内首次派遣的案件数", "dispatched_count", None, "in_dispatched", None,
            "二次派遣不重复计数", "count", "统计期内首次派遣到责任单位的案件"),
        Kpi("due", "应结案数", "结案时限落在统计期内的案件数（无论是否已结案）", "due_count", None, "in_due", None,
            f"不含作废、挂账案件；{deferred}", "count",
            "标准分母：逾期未结的案件立即计入，而不是等到结案时才出现"),
        Kpi("closed", "结案数", "统计期内结案的案件数", "closed_count", None, "in_closed", None,
            "不含作废案件", "count", "统计期内完成结案的案件"),
        Kpi("disposal_rate", "处置率", "处置结案数 ÷ 立案派遣数", "disposal_num", "disposal_den", "in_disposal_num", "in_disposal_den",
            "分母：统计期内立案且进入处置（派遣或自行处置）的案件；分子：其中已结案的案件", "rate",
            "赤壁口径：已处置结案 ÷ 已立案派遣"),
        Kpi("closing_rate", "结案率", "应结案中已结案数 ÷ 应结案数", "due_closed_count", "due_count", "in_due_closed", "in_due",
            f"不含作废、挂账案件；{deferred}", "rate", "应结案案件中已经结案的比例"),
        Kpi("on_time_rate", "按期结案率", "按期结案数 ÷ 应结案数", "due_on_time_count", "due_count", "in_due_on_time", "in_due",
            f"不含作废、挂账案件；{deferred}", "rate", "应结案案件中在结案时限内结案的比例"),
        Kpi("overdue_open", "超期未处置", "当前已超过结案时限仍未结案的案件数", "overdue_open_count", None, "is_overdue_open", None,
            "不含作废、挂账、不予立案案件；实时，不受统计期限制", "count",
            "此刻仍未结案且已超期的案件", higher_is_better=False, is_live=True),
    ]
    return {k.key: k for k in items}


def people_registry() -> dict[str, Kpi]:
    """People-stream KPIs (党建引领, domain.md); values come from queries.party.headline."""
    as_of = "按统计期末（或此刻）的状态计"
    items = [
        Kpi("report_in_rate", "报到率", "已报到人数 ÷ 应报到人数", "reported_in_count", "assigned_count", None, None,
            f"应报到：常住社区在所选范围内、须双报到的在职党员干部；{as_of}，累计", "rate",
            "应到社区报到的党员干部中已经报到的比例", unit="人"),
        Kpi("checkins", "报到服务签到", "统计期内签到次数（报到、服务、走访）", "checkin_count", None, None, None,
            "所选范围内社区的签到", "count", "党员干部与志愿者在社区签到的次数", unit="次"),
        Kpi("service_hours", "志愿服务时长", "统计期内志愿活动参与时长之和", "service_hours", None, None, None,
            "按活动开始时间计入统计期", "hours", "志愿服务活动的参与人时", unit="小时"),
        Kpi("activities", "志愿活动", "统计期内开展的志愿服务活动场次", "activity_count", None, None, None,
            "按活动开始时间计入统计期", "count", "志愿服务活动场次", unit="场"),
        Kpi("whistle_response", "吹哨响应（中位数）", "吹哨到首个部门报到的时长，中位数（小时）",
            "whistle_report_in_median_hours", None, None, None,
            "统计期内吹哨、且已有部门报到的事项；自然小时", "hours", "部门多快响应社区吹哨",
            higher_is_better=False, unit="小时"),
        Kpi("whistle_solve_rate", "吹哨解决率", "已解决吹哨数 ÷ 吹哨数", "whistle_solved_count", "whistle_count", None, None,
            f"统计期内吹哨的事项；{as_of}", "rate", "社区吹哨的问题中已经解决的比例", unit="次"),
        Kpi("wish_claim_rate", "微心愿认领率", "已认领数 ÷ 发布数", "wish_claimed_count", "wish_posted_count",
            None, None, f"统计期内发布的微心愿；{as_of}", "rate", "发布的微心愿中已被认领的比例", unit="个"),
        Kpi("wish_completion_rate", "微心愿完成率", "已完成数 ÷ 已认领数", "wish_completed_count", "wish_claimed_count",
            None, None, f"统计期内发布的微心愿；{as_of}", "rate", "被认领的微心愿中已经完成的比例", unit="个"),
        Kpi("wish_value", "已圆梦心愿价值", "统计期内发布且已完成的微心愿价值之和", "wish_completed_value_yuan", None,
            None, None, f"统计期内发布的微心愿；{as_of}", "yuan", "已完成微心愿的价值", unit="元"),
        Kpi("need_claim_rate", "需求认领率", "已认领需求数 ÷ 需求数", "need_claimed_count", "need_count", None, None,
            f"统计期内登记的需求清单；{as_of}", "rate", "群众需求被结对单位认领的比例", unit="项"),
        Kpi("rectification_rate", "督办整改率", "已整改数 ÷ 督办问题数", "order_rectified_count", "order_count", None, None,
            f"统计期内下发的督办问题；{as_of}", "rate", "督办问题中已经整改的比例", unit="个"),
        Kpi("secretary_visit_rate", "第一书记走访达标率", "有走访的月数 ÷ 应走访月数", "secretary_met_months",
            "secretary_judged_months", None, None,
            "规则：每个结对社区每月至少走访 1 次；只计已结束的自然月（统计期涉及的月份整月计）", "rate",
            "第一书记按月走访结对社区的达标比例", unit="个月"),
    ]
    return {k.key: k for k in items}


def case_sets(city: CityConfig) -> dict[str, str]:
    """case_facts flag -> Chinese label of the set of cases behind a KPI number (an allow-list:
    a URL or widget may only name one of these)."""
    sets: dict[str, str] = {}
    for k in registry(city).values():
        if k.denominator_set:
            sets.setdefault(k.numerator_set, f"{k.label}·分子")
            sets.setdefault(k.denominator_set, f"{k.label}·分母")
        else:
            sets.setdefault(k.numerator_set, k.label)
    return sets


def kpi_value(row: pd.Series, kpi: Kpi) -> float | None:
    """The KPI's value from one case_kpis row; None for a rate with a zero denominator or a missing value."""
    if row[kpi.numerator] is None or pd.isna(row[kpi.numerator]):
        return None
    num = float(row[kpi.numerator])
    if kpi.denominator is None:
        return num
    den = float(row[kpi.denominator])
    return None if den == 0 else num / den


def format_value(value: float | None, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "rate":
        return f"{value * 100:.2f}%"
    if fmt == "hours":
        return f"{value:,.1f} 小时"
    if fmt == "yuan":
        return f"{value:,.0f} 元"
    return f"{value:,.0f}"
