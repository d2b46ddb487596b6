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
    numerator_set: str        # case_facts flag (queries/sql/_scoped.sql) of the cases counted in the numerator
    denominator_set: str | None
    exclusions: str
    fmt: str                  # "count" | "rate"
    description: str
    higher_is_better: bool = True
    is_live: bool = False     # a count as of now, not of the window: no comparison with a previous period


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
    """The KPI's value from one case_kpis row; None for a rate with a zero denominator."""
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
    return f"{value:,.0f}"
