"""The KPI registry: every case KPI with its label, formula, numerator, denominator and exclusions.

Values come from rows of queries/sql/kpi_counts.sql; which cases each count holds is defined once by
the case_facts flags of queries/sql/_scoped.sql (numerator_set / denominator_set name them, so the
list of cases behind any number is exactly the cases counted). A rate is numerator / denominator and
is None (shown as "—") when the denominator is zero. Which side states leave a count is city
configuration (data/reference/city.toml [kpi]); `apply_rules` puts it into the Scope and the
exclusion texts shown follow it.

How the published pipelines map onto the sets (tests/test_published_pipelines.py reproduces both):
- 天门 monthly bulletin: 受理 = in_accepted, 立案 = in_filed, 应结案 = in_due, 结案 (the numerator of
  结案率) = in_due_closed, 按期结案 = in_due_on_time. All closures are counted by period end.
- 赤壁 quarterly 处置率: 立案派遣 = in_disposal_den (filed in the period and dispatched or
  self-handled by its end), 处置结案 = in_disposal_num (of those, closed by period end).
- 期内办结数 (in_closed) is the throughput of the period: every closure in it, whenever due.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from data.config import REFERENCE_DIR, CityConfig
from queries.numbers import percent, rate_text
from queries.scope import Scope

SECTIONS = {
    "volume": "案件量",
    "closing": "结案与处置",
    "quality": "质量与满意",
    "step": "环节（岗位）指标",
    "time": "处置时长",
}

# Every case set a number can be opened to: case_facts flag -> Chinese name of the cases in it.
SET_LABELS = {
    "in_accepted": "受理案件",
    "in_accepted_on_time": "按时受理的案件",
    "in_filed": "立案案件",
    "in_filed_on_time": "按时立案的案件",
    "in_filed_public": "公众举报立案的案件",
    "in_dispatched": "派遣案件",
    "in_dispatched_on_time": "按时派遣的案件",
    "in_dispatched_accurate": "准确派遣的案件（未回退、未二次派遣）",
    "in_due": "应结案案件",
    "in_due_deferred": "缓办案件（结案时限在统计期内）",
    "in_due_closed": "应结案中已结案的案件",
    "in_due_on_time": "按期结案的案件",
    "in_due_first_time": "一次完成的案件",
    "in_due_rework": "返工案件",
    "in_due_extended": "延期案件",
    "in_closed": "期内办结的案件",
    "in_disposal_den": "立案派遣案件",
    "in_disposal_num": "处置结案的案件",
    "in_disposal_pending": "在办未到期的案件（立案派遣后尚未结案、结案时限未到）",
    "in_handle_due_handled": "应处置中已处置的案件",
    "in_handle_pending": "在办未到期的案件（尚未处置、处置时限未到）",
    "in_handle_due": "应处置案件",
    "in_handled_on_time": "按时处置的案件",
    "in_handled": "统计期内处置完毕的派遣案件",
    "in_verified": "核查通过的案件",
    "in_verified_on_time": "按时核查的案件",
    "in_callback": "已回访的案件",
    "in_satisfied": "回访满意的案件",
    "is_overdue_open": "超期未处置的案件",
}


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    formula: str
    numerator: str            # column of kpi_counts (for "hours": the median); of party.headline for people KPIs
    denominator: str | None   # column of kpi_counts; None for a count or a duration
    numerator_set: str | None  # case_facts flag (queries/sql/_scoped.sql) of the cases counted; None for people KPIs
    denominator_set: str | None
    exclusions: str
    fmt: str                  # "count" | "rate" | "hours" (working hours) | "clock_hours" | "yuan"
    description: str
    section: str = "volume"   # key of SECTIONS
    higher_is_better: bool = True
    is_live: bool = False     # a count as of now, not of the window: no comparison with a previous period
    role: str = ""            # the post (岗位) a step measure rates
    basis: str | None = None  # "hours": column with the number of cases the statistic is over
    p90: str | None = None    # "hours": column of the 90th percentile
    unit: str = "件"          # what a count counts, for tooltips ("人", "次", "小时", "元")
    # A period that includes now: cases still within their limit, kept out of the denominator and
    # shown apart (在办未到期 N 件): kpi_counts column and case_facts flag.
    pending: str | None = None
    pending_set: str | None = None

    @property
    def volume_column(self) -> str:
        """The count that says how many cases the figure rests on (the minimum-volume rule uses it)."""
        return self.denominator or self.basis or self.numerator


def _exclusion_texts(city: CityConfig) -> dict[str, str]:
    cancelled = "不含作废案件" if city.exclude_cancelled else "含作废案件"
    shelved_filed = "扣除挂账案件" if city.exclude_shelved_from_filed else "含挂账案件"
    shelved_due = "扣除挂账案件" if city.exclude_shelved_from_due else "含挂账案件"
    deferred = "扣除缓办案件（分母为 应结案数 − 缓办数）" if city.exclude_deferred_from_due else "含缓办案件"
    return {
        "cancelled": cancelled,
        "filed": f"{cancelled}；{shelved_filed}",
        "due": f"{cancelled}；{shelved_due}；{deferred}",
        "handle": f"{cancelled}；{shelved_due}；{'扣除缓办案件' if city.exclude_deferred_from_due else '含缓办案件'}",
    }


PENDING_RULE = "当前周期内仍在时限内办理的案件（在办未到期）不算未处置，单独列出，不计入分母"
DISPOSAL_READINGS = {"chibi": "处置结案数 ÷ 立案派遣数（赤壁季度通报口径）",
                     "standard": "处置数 ÷ 应处置数（数字化城管标准口径）"}


def disposal_kpi(city: CityConfig, ex: dict[str, str], by_end: str) -> Kpi:
    """处置率 under the city's reading (city.toml [kpi] disposal_reading)."""
    if city.disposal_reading == "standard":
        return Kpi("disposal_rate", "处置率", "处置数 ÷ 应处置数", "handle_due_handled_count", "handle_due_count",
                   "in_handle_due_handled", "in_handle_due",
                   f"{ex['handle']}；应处置：处置时限落在统计期内、{by_end}已到期的派遣案件；处置数：其中已回复处置完毕的"
                   f"（按期或超期）；{PENDING_RULE}", "rate", "标准口径：应处置案件中已处置的比例",
                   section="closing", pending="handle_pending_count", pending_set="in_handle_pending")
    return Kpi("disposal_rate", "处置率", "处置结案数 ÷ 立案派遣数", "disposal_num", "disposal_den", "in_disposal_num",
               "in_disposal_den", f"{ex['cancelled']}；不含挂账案件；分母：统计期内立案且{by_end}已派遣或自行处置的案件；"
               f"分子：其中{by_end}已结案的案件；{PENDING_RULE}", "rate", "赤壁口径：已处置结案 ÷ 已立案派遣",
               section="closing", pending="disposal_pending_count", pending_set="in_disposal_pending")


@lru_cache(maxsize=1)
def source_names() -> dict[str, str]:
    """Source code -> Chinese name (data/reference/sources.csv): texts shown never carry the codes."""
    path = REFERENCE_DIR / "sources.csv"
    if not path.exists():
        return {}
    frame = pd.read_csv(path, dtype=str, comment="#")
    return dict(zip(frame.source_code, frame.name_zh))


def registry(city: CityConfig) -> dict[str, Kpi]:
    ex = _exclusion_texts(city)
    by_end = "截至统计期末（当前周期为此刻）"
    deferred_rule = "已从应结案数中扣除" if city.exclude_deferred_from_due else "按配置保留在应结案数中"
    public = "、".join(source_names().get(s, s) for s in city.public_sources)
    items = [
        # ── 案件量 ──
        Kpi("accepted", "受理数", "统计期内受理的案件数", "accepted_count", None, "in_accepted", None,
            ex["cancelled"], "count", "统计期内上报并经受理的案件"),
        Kpi("filed", "立案数", "统计期内立案的案件数", "filed_count", None, "in_filed", None,
            ex["filed"], "count", "统计期内经核实立案的案件"),
        Kpi("dispatched", "派遣数", "统计期内首次派遣的案件数", "dispatched_count", None, "in_dispatched", None,
            f"{ex['cancelled']}；二次派遣不重复计数", "count", "统计期内首次派遣到责任单位的案件"),
        Kpi("due", "应结案数", f"结案时限落在统计期内、{by_end}已到期的案件数（无论是否已结案）", "due_count", None,
            "in_due", None, ex["due"], "count",
            "标准分母：逾期未结的案件到期即计入，而不是等到结案时才出现"),
        Kpi("closed", "结案数（应结案中）", f"应结案案件中{by_end}已结案的案件数", "due_closed_count", None,
            "in_due_closed", None, ex["due"], "count",
            "结案率的分子（通报中的“结案”）：只计结案时限落在统计期内的案件；统计期内全部结案件数见“期内办结数”"),
        Kpi("on_time_closed", "按期结案数", "应结案案件中在结案时限内结案的案件数", "due_on_time_count", None,
            "in_due_on_time", None, ex["due"], "count", "按期结案率的分子"),
        Kpi("closed_in_period", "期内办结数", "统计期内完成结案的全部案件数（含此前到期的）", "closed_count", None,
            "in_closed", None, ex["cancelled"], "count", "反映统计期内的办结量，不作为结案率的分子"),
        Kpi("deferred", "缓办数", "结案时限落在统计期内的缓办案件数", "due_deferred_count", None, "in_due_deferred",
            None, f"{ex['cancelled']}；{deferred_rule}", "count", "经批准缓办的案件",
            higher_is_better=False),
        Kpi("overdue_open", "超期未处置", "此刻已超过结案时限仍未结案的案件数", "overdue_open_count", None,
            "is_overdue_open", None, "不含作废、挂账、不予立案案件；实时，不受统计期限制", "count",
            "此刻仍未结案且已超期的案件", higher_is_better=False, is_live=True),
        # ── 结案与处置 ──
        Kpi("closing_rate", "结案率", "结案数（应结案中）÷ 应结案数", "due_closed_count", "due_count", "in_due_closed", "in_due",
            ex["due"], "rate", "应结案案件中已经结案的比例", section="closing"),
        Kpi("on_time_rate", "按期结案率", "按期结案数 ÷ 应结案数", "due_on_time_count", "due_count", "in_due_on_time",
            "in_due", ex["due"], "rate", "应结案案件中在结案时限内结案的比例", section="closing"),
        disposal_kpi(city, ex, by_end),
        Kpi("on_time_disposal_rate", "按时处置率", "按时处置数 ÷ 应处置数", "handled_on_time_count", "handle_due_count",
            "in_handled_on_time", "in_handle_due",
            f"{ex['handle']}；应处置：处置时限落在统计期内、{by_end}已到期的派遣案件", "rate",
            "责任单位在处置时限内回复处置完毕的比例（以首次回复为准）", section="closing", role="责任单位"),
        # ── 质量与满意 ──
        Kpi("rework_rate", "返工率", "返工案件数 ÷ 应结案数", "due_rework_count", "due_count", "in_due_rework", "in_due",
            ex["due"], "rate", "核查未通过、退回重新处置的案件比例", section="quality", higher_is_better=False),
        Kpi("extension_rate", "延期率", "延期案件数 ÷ 应结案数", "due_extended_count", "due_count", "in_due_extended",
            "in_due", ex["due"], "rate", "经批准延期的案件比例", section="quality", higher_is_better=False),
        Kpi("first_time_rate", "一次完成率", "一次完成数 ÷ 结案数", "due_first_time_count", "due_closed_count",
            "in_due_first_time", "in_due_closed", f"{ex['due']}；一次完成：未返工、未回退或二次派遣", "rate",
            "结案案件中一次处置到位的比例", section="quality"),
        Kpi("satisfaction_rate", "满意率", "满意与非常满意数 ÷ 回访应答数", "satisfied_count", "callback_count",
            "in_satisfied", "in_callback",
            f"{ex['cancelled']}；只计统计期内已应答的回访；满意：评分不低于 {city.satisfied_min_score} 分", "rate",
            "回访中表示满意或非常满意的比例", section="quality"),
        Kpi("public_report_rate", "监督举报率", "公众举报立案数 ÷ 立案数", "filed_public_count", "filed_count",
            "in_filed_public", "in_filed", f"{ex['filed']}；公众举报来源：{public}", "rate",
            "需要群众举报才发现的问题占比，越低说明主动发现越充分", section="quality", higher_is_better=False),
        # ── 环节（岗位）指标 ──
        Kpi("on_time_accept_rate", "按时受理率", "按时受理数 ÷ 受理数", "accepted_on_time_count", "accepted_count",
            "in_accepted_on_time", "in_accepted", ex["cancelled"], "rate", "上报后在受理时限内受理的比例",
            section="step", role="受理员"),
        Kpi("on_time_filing_rate", "按时立案率", "按时立案数 ÷ 立案数", "filed_on_time_count", "filed_count",
            "in_filed_on_time", "in_filed", ex["filed"], "rate", "受理后在立案时限内立案的比例",
            section="step", role="值班长"),
        Kpi("on_time_dispatch_rate", "按时派遣率", "按时派遣数 ÷ 派遣数", "dispatched_on_time_count", "dispatched_count",
            "in_dispatched_on_time", "in_dispatched", ex["cancelled"], "rate", "立案后在派遣时限内派遣的比例",
            section="step", role="派遣员"),
        Kpi("dispatch_accuracy_rate", "派遣准确率", "(派遣数 − 回退二次派遣数) ÷ 派遣数", "dispatched_accurate_count",
            "dispatched_count", "in_dispatched_accurate", "in_dispatched", ex["cancelled"], "rate",
            "首次即派到正确责任单位的比例", section="step", role="派遣员"),
        Kpi("on_time_verify_rate", "按时核查率", "按时核查数 ÷ 核查数", "verified_on_time_count", "verified_count",
            "in_verified_on_time", "in_verified", ex["cancelled"], "rate", "处置后在核查时限内完成现场核查的比例",
            section="step", role="监督员"),
        # ── 处置时长 ──
        Kpi("handle_hours", "处置时长", "派遣 → 处置完毕的工作时：中位数与第 90 百分位", "handle_hours_median", None,
            "in_handled", None, f"{ex['cancelled']}；只计统计期内处置完毕的派遣案件；缓办暂停的工作时不计",
            "hours", "按工作时（办公时间、节假日与调休）计算，不用平均数", section="time",
            higher_is_better=False, basis="handled_count", p90="handle_hours_p90"),
        Kpi("close_hours", "结案时长", "上报 → 结案的工作时：中位数与第 90 百分位", "close_hours_median", None,
            "in_closed", None, f"{ex['cancelled']}；只计统计期内结案的案件", "hours",
            "按工作时计算，不用平均数", section="time", higher_is_better=False, basis="closed_timed_count",
            p90="close_hours_p90"),
    ]
    return {k.key: k for k in items}


# KPIs offered in league tables: what a responsible unit answers for, and what an area does.
UNIT_LEAGUE_KPIS = ("closing_rate", "on_time_rate", "on_time_disposal_rate", "rework_rate", "extension_rate",
                    "first_time_rate", "satisfaction_rate", "handle_hours")
AREA_LEAGUE_KPIS = ("closing_rate", "on_time_rate", "disposal_rate", "on_time_disposal_rate", "public_report_rate",
                    "rework_rate", "first_time_rate", "satisfaction_rate", "on_time_accept_rate",
                    "on_time_filing_rate", "on_time_dispatch_rate", "dispatch_accuracy_rate", "on_time_verify_rate",
                    "handle_hours")


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
            "按活动开始时间计入统计期", "clock_hours", "志愿服务活动的参与人时", unit="小时"),
        Kpi("activities", "志愿活动", "统计期内开展的志愿服务活动场次", "activity_count", None, None, None,
            "按活动开始时间计入统计期", "count", "志愿服务活动场次", unit="场"),
        Kpi("whistle_response", "吹哨响应（中位数）", "吹哨到首个部门报到的时长，中位数（小时）",
            "whistle_report_in_median_hours", None, None, None,
            "统计期内吹哨、且已有部门报到的事项；自然小时", "clock_hours", "部门多快响应社区吹哨",
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
        Kpi("rectification_rate", "督办整改率", "已整改数 ÷ 应整改督办问题数", "order_rectified_count", "order_due_count",
            None, None, f"统计期内下发的督办问题；{as_of}；整改期限未到且尚未整改的（整改中未到期）不计入分母",
            "rate", "督办问题中已经整改的比例", unit="个", pending="order_pending_count"),
        Kpi("secretary_visit_rate", "第一书记走访达标率", "有走访的月数 ÷ 应走访月数", "secretary_met_months",
            "secretary_judged_months", None, None,
            "规则：每个结对社区每月至少走访 1 次；只计已结束的自然月（统计期涉及的月份整月计）", "rate",
            "第一书记按月走访结对社区的达标比例", unit="个月"),
    ]
    return {k.key: k for k in items}


def case_sets(city: CityConfig) -> dict[str, str]:
    """case_facts flag -> Chinese label of the set of cases behind a KPI number (an allow-list:
    a URL or widget may only name one of these)."""
    readings = [replace(city, disposal_reading=r) for r in DISPOSAL_READINGS]   # a link stays valid if the reading changes
    used = {s for c in readings for k in registry(c).values() for s in (k.numerator_set, k.denominator_set,
                                                                         k.pending_set) if s}
    return {flag: label for flag, label in SET_LABELS.items() if flag in used}


def kpi_columns(kpis: Iterable[Kpi]) -> tuple[str, ...]:
    """The kpi_counts columns that the figures, tooltips and case links of `kpis` read, in first-use
    order; fetch only these (queries.cases.kpi_counts `columns`) when a view shows a few KPIs."""
    wanted = (c for k in kpis for c in (k.numerator, k.denominator, k.basis, k.p90, k.pending) if c)
    return tuple(dict.fromkeys(wanted))


def comparison_columns(kpis: Iterable[Kpi]) -> tuple[str, ...]:
    """The kpi_counts columns a comparison with a previous period reads for `kpis`: each value's
    numerator and denominator (`kpi_value`), none for a live count (no comparison: `is_live`). A
    subset of kpi_columns: the previous period's row needs no tooltip basis, P90, pending count or case
    link, and on the case path every column is one more flag (or sort) over the period's cases."""
    wanted = (c for k in kpis if not k.is_live for c in (k.numerator, k.denominator) if c)
    return tuple(dict.fromkeys(wanted))


def apply_rules(scope: Scope, city: CityConfig) -> Scope:
    """The Scope with the city's KPI rules (they change results, so they are part of the cache key)."""
    return replace(scope, exclude_cancelled=city.exclude_cancelled, exclude_shelved=city.exclude_shelved_from_filed,
                   exclude_shelved_due=city.exclude_shelved_from_due, exclude_deferred=city.exclude_deferred_from_due,
                   satisfied_min=city.satisfied_min_score, public_sources=tuple(city.public_sources))


def kpi_value(row: pd.Series, kpi: Kpi) -> float | None:
    """The KPI's value from one kpi_counts row; None for a rate with a zero denominator or a
    duration over no cases."""
    num = row[kpi.numerator]
    if kpi.denominator is None:
        return None if pd.isna(num) else float(num)
    den = float(row[kpi.denominator])
    return None if den == 0 else float(num) / den


def kpi_values(frame: pd.DataFrame, kpi: Kpi) -> pd.Series:
    """kpi_value for every row of a kpi_counts frame (NaN where there is no value)."""
    num = frame[kpi.numerator].astype(float)
    if kpi.denominator is None:
        return num
    den = frame[kpi.denominator].astype(float)
    return pd.Series(np.where(den > 0, num / den.where(den > 0, 1.0), np.nan), index=frame.index)


def hour_decimals(value: float) -> int:
    """Decimals an hour figure is shown with: a tenth below 1,000 hours, whole hours above (a tenth
    of 10,010.5 hours says nothing and pushes the figure out of its card)."""
    return 0 if abs(value) >= 1000 else 1


def format_value(value: float | None, fmt: str) -> str:
    if value is None or value != value:
        return "—"
    if fmt == "rate":
        return rate_text(value)
    if fmt == "hours":
        return f"{value:,.{hour_decimals(value)}f} 工作时"
    if fmt == "clock_hours":
        return f"{value:,.{hour_decimals(value)}f} 小时"
    if fmt == "yuan":
        return f"{value:,.0f} 元"
    return f"{value:,.0f}"


def shown_value(value: float | None, fmt: str) -> float | None:
    """The value exactly as displayed (rates in percent to 0.01, hours to 0.1): league tables rank
    and tie on what people see, so two units shown with the same figure are never ordered by noise."""
    if value is None or value != value:
        return None
    if fmt == "rate":
        return float(percent(value))
    return round(value, hour_decimals(value)) if fmt in ("hours", "clock_hours") else round(value, 2)


def definitions_frame(kpis: dict[str, Kpi], row: pd.Series) -> pd.DataFrame:
    """Every KPI with its definition and, for the selection `row` (kpi_counts), the value as shown
    and the actual numerator and denominator: the table of the 口径说明 page and its download."""
    records = []
    for k in kpis.values():
        if k.fmt == "hours":
            num, den = int(row[k.basis]), None
            shown = f"中位 {format_value(kpi_value(row, k), 'hours')} · P90 " \
                    f"{format_value(None if pd.isna(row[k.p90]) else float(row[k.p90]), 'hours')}"
        else:
            num = int(row[k.numerator])
            den = int(row[k.denominator]) if k.denominator else None
            shown = format_value(kpi_value(row, k), k.fmt)
        records.append({
            "指标": k.label, "类别": SECTIONS[k.section], "当前值": shown, "分子": num, "分母": den,
            "公式": k.formula, "分子口径": SET_LABELS[k.numerator_set],
            "分母口径": SET_LABELS[k.denominator_set] if k.denominator_set else "",
            "排除": k.exclusions, "考核岗位": k.role, "说明": k.description,
            "在办未到期": int(row[k.pending]) if k.pending and k.pending in row.index else None,
        })
    frame = pd.DataFrame(records)
    frame["分母"] = frame["分母"].astype("Int64")
    frame["在办未到期"] = frame["在办未到期"].astype("Int64")
    return frame


# How the figures of published bulletins map onto the registry (domain.md; reproduced exactly by
# tests/test_published_pipelines.py): (bulletin, its wording, KPI key, case set).
PUBLISHED_MAPPING = (
    ("天门 月通报", "受理", "accepted", "in_accepted"),
    ("天门 月通报", "立案", "filed", "in_filed"),
    ("天门 月通报", "应结案", "due", "in_due"),
    ("天门 月通报", "结案（结案率的分子）", "closed", "in_due_closed"),
    ("天门 月通报", "按期结案", "on_time_closed", "in_due_on_time"),
    ("赤壁 季度处置率", "已立案派遣（分母）", "disposal_rate", "in_disposal_den"),
    ("赤壁 季度处置率", "处置结案（分子）", "disposal_rate", "in_disposal_num"),
)
