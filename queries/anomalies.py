"""异动 (counts far above their usual level) and 高频 (categories rising month on month). No streamlit.

Method (shown on 口径说明): for each street × 小类, the reports of today (midnight → now) and of the
last 7 days are compared with the same spans 1..K weeks earlier (same weekday, same hours, so the
weekly and daily rhythm is in the baseline). Expected count λ = (baseline total + 0.5) / K (the 0.5
keeps a never-seen pair from having λ = 0). An alarm needs both an observed count of at least
`min_count` and a Poisson upper-tail probability P(X ≥ observed | λ) below `p`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from queries.runner import CursorSource, fetch
from queries.scope import Scope

SPANS = {"today": ("today_count", "today_baseline_sum", "今日"), "week": ("week_count", "week_baseline_sum", "近7天")}

METHOD_ZH = (
    "异动：按街道 × 小类，统计今日（0 时至当前）与近 7 天的上报数，与前 {weeks} 周同一星期、同一时段的上报数比较"
    "（基线已含一周内与一天内的起伏）。期望值 λ =（前 {weeks} 周合计 + 0.5）÷ {weeks}；"
    "当上报数不少于 {min_count} 件，且按泊松分布出现不少于该数的概率低于 {p:g} 时报异动。作废案件不计。"
    "高频：上一个完整月与再前一个月相比，上报数增加最多的小类（两个月合计不少于 {min_count} 件才参与）。"
)


def poisson_upper_tail(observed: int, lam: float) -> float:
    """P(X ≥ observed) for X ~ Poisson(lam)."""
    if observed <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    # 1 − P(X ≤ observed − 1), summed in log space term by term (observed is a count of reports).
    term = math.exp(-lam)
    below = term
    for i in range(1, observed):
        term *= lam / i
        below += term
    return max(0.0, 1.0 - below) if below < 0.999999 else _tail_direct(observed, lam)


def _tail_direct(observed: int, lam: float) -> float:
    """The upper tail summed directly (accurate when it is tiny)."""
    log_term = -lam + observed * math.log(lam) - math.lgamma(observed + 1)
    total, i = 0.0, observed
    term = math.exp(log_term)
    while term > 1e-300 and i < observed + 1000:
        total += term
        i += 1
        term *= lam / i
    return total


def anomaly_counts(source: CursorSource, scope: Scope, weeks: int) -> pd.DataFrame:
    """Reports per street × 小类 today and in the last 7 days with their baselines (anomaly_counts.sql).
    The days of the span no week boundary cuts come from anomaly_daily (built at publish) when it holds
    the selection (`holds_selection`), the source is DuckDB and the table was built (a probe kept per
    snapshot); then the cases are read for the split days only. Same frame either way
    (tests/test_anomaly_daily.py)."""
    from queries import snapshot_facts
    from queries.kpi_daily import is_duckdb          # late: queries.kpi_daily imports much of queries/
    from_day_table = (holds_selection(scope) and is_duckdb(source)
                      and bool(snapshot_facts.row(source, "anomaly_daily_built", scope, fetch)["built"]))
    return fetch(source, "anomaly_counts", scope, weeks=int(weeks), from_anomaly_daily=from_day_table)


# Filters on columns anomaly_daily does not hold (scoped_anomaly_daily shows no row under them).
DAY_TABLE_MISSING_FILTERS = ("communities", "grids", "kinds", "sources", "units")


def holds_selection(scope: Scope) -> bool:
    """anomaly_daily can answer this selection: an area grant (city, districts, streets; it holds no unit)
    and no filter but districts, streets, 大类 and 小类."""
    return (not scope.access.units and not scope.access.sees_nothing
            and all(getattr(scope, f) is None for f in DAY_TABLE_MISSING_FILTERS))


def detect(counts: pd.DataFrame, p: float, min_count: int) -> pd.DataFrame:
    """Alarms from anomaly_counts rows: one row per (street, 小类, span) with observed, expected,
    p_value and ratio (observed ÷ expected), most surprising first."""
    rows = []
    texts: dict[str, list] = {}
    weeks = counts["weeks"].to_numpy(dtype="int64")
    for span, (obs_col, base_col, label) in SPANS.items():
        observed_all = counts[obs_col].to_numpy(dtype="int64")
        lams = (counts[base_col].to_numpy(dtype="int64") + 0.5) / weeks     # the same doubles as per row
        for i in np.flatnonzero((observed_all >= min_count) & ~surely_not_below(observed_all, lams, p)):
            observed, lam = int(observed_all[i]), float(lams[i])
            p_value = poisson_upper_tail(observed, lam)
            if p_value < p:
                texts = texts or {c: counts[c].tolist() for c in TEXT_COLUMNS}
                rows.append({c: texts[c][i] for c in TEXT_COLUMNS} | {
                    "span": span, "span_zh": label, "observed": observed,
                    "expected": lam, "ratio": observed / lam, "p_value": p_value})
    columns = ["street_code", "street_name", "district_name", "category_code", "minor_name", "span", "span_zh",
               "observed", "expected", "ratio", "p_value"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["p_value", "observed"], ascending=[True, False], kind="mergesort").reset_index(drop=True)


TEXT_COLUMNS = ("street_code", "street_name", "district_name", "category_code", "minor_name")


def surely_not_below(observed: np.ndarray, lams: np.ndarray, p: float) -> np.ndarray:
    """True where P(X ≥ observed | λ) is certainly not below p, so poisson_upper_tail need not be summed:
    the tail holds the probability of `observed` itself, and where that alone is at least 2p (log space,
    vectorised; its rounding is ~1e-13 against the margin ln 2) the tail as poisson_upper_tail computes it
    (relative error far below 1e-6) is over p. At 10M cases ~2,500 of 3,000 pairs reach min_count in the
    last 7 days and almost none are surprising: the exact sum runs for the few this leaves."""
    if p <= 0:
        return np.ones(len(observed), dtype=bool)
    top = int(observed.max(initial=0))
    log_factorial = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, top + 1, dtype="float64")))))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = -lams + observed * np.log(lams) - log_factorial[np.clip(observed, 0, top)]
    return (observed > 0) & (lams > 0) & (log_pmf >= math.log(p) + math.log(2.0))


def anomalies(source: CursorSource, scope: Scope, weeks: int, p: float, min_count: int) -> pd.DataFrame:
    """The alarms at scope.now_at (see detect)."""
    return detect(anomaly_counts(source, scope, weeks), p, min_count)


def rising_categories(source: CursorSource, scope: Scope, min_count: int, limit: int = 10) -> pd.DataFrame:
    """高频: 小类 by increase from the month before to the last complete month (at least `min_count`
    reports in the two months together), with the change and the ratio; most increase first."""
    frame = fetch(source, "rising_categories", scope)
    frame = frame[(frame.last_month_count + frame.month_before_count) >= min_count].copy()
    frame["increase"] = frame.last_month_count - frame.month_before_count
    frame["change_rate"] = frame.increase / frame.month_before_count.where(frame.month_before_count > 0)
    frame = frame[frame.increase > 0]
    return frame.sort_values(["increase", "last_month_count", "category_code"], ascending=[False, False, True],
                             kind="mergesort").head(limit).reset_index(drop=True)
