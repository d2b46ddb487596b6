"""Typed functions over the trend query files: (source, scope, ...) -> DataFrame. No streamlit here.

The counts (trend_series, top_categories, hour_weekday, source_mix) are read from tables built at publish
where the selection allows (queries/accepted_daily.py: the same frames), else from the cases.

Comparisons (环比, 同比) need cases before the window. Rather than re-deriving set membership for other
windows, these functions widen the Scope's window so that case_facts' flags (in_accepted, in_filed,
in_closed) cover the comparison stretches too, and the SQL splits by time inside it.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd

from queries import accepted_daily, kpi_daily
from queries.runner import CursorSource, fetch
from queries.scope import Scope

GRAINS = {"day": "日", "week": "周", "month": "月"}
TREND_MEASURES = {"accepted": "受理数", "filed": "立案数", "closed": "结案数"}
# A year and a month plus slack: every 同比 / 环比 stretch of any grain starts after this.
_LOOKBACK = timedelta(days=400)


def auto_grain(scope: Scope) -> str:
    """Days for up to ~6 weeks, weeks up to ~6 months, then months: tens of points, never thousands."""
    if scope.days <= 45:
        return "day"
    if scope.days <= 190:
        return "week"
    return "month"


def _check(grain: str, measure: str = "accepted") -> None:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}, got {grain!r}")
    if measure not in TREND_MEASURES:
        raise ValueError(f"measure must be one of {sorted(TREND_MEASURES)}, got {measure!r}")


def trend_series(source: CursorSource, scope: Scope, grain: str, measure: str = "accepted",
                 data_start: date | None = None) -> pd.DataFrame:
    """One row per bucket: case_count, previous_count (环比 stretch), year_ago_count (同比 stretch;
    NULL when it reaches before `data_start`), covered_from/covered_until, is_partial."""
    _check(grain, measure)
    wide = replace(scope, start_date=scope.start_date - _LOOKBACK)
    return fetch(source, "trend_series", wide, grain=grain, measure=measure,
                 series_start=datetime.combine(scope.start_date, time()), data_start=data_start,
                 from_kpi_daily=accepted_daily.trend_counts_from_kpi_daily(source, wide))


def top_categories(source: CursorSource, scope: Scope, top_n: int = 5) -> pd.DataFrame:
    """The first `top_n` 小类 of each kind by accepted cases, with the previous period's count."""
    prev = scope.previous_period()
    wide = replace(scope, start_date=prev.start_date)
    return fetch(source, "top_categories", wide, split=datetime.combine(scope.start_date, time()),
                 previous_end=datetime.combine(prev.end_date, time()), top_n=int(top_n),
                 from_accepted_daily=accepted_daily.answers(source, wide))


def hour_weekday(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "hour_weekday", scope, from_accepted_daily=accepted_daily.answers(source, scope))


def source_mix(source: CursorSource, scope: Scope, grain: str) -> pd.DataFrame:
    _check(grain)
    return fetch(source, "source_mix", scope, grain=grain, from_accepted_daily=accepted_daily.answers(source, scope))


HANDLING_MEASURES = ("handle", "close")   # handle_work_hours (派遣→处置), close_work_hours (上报→结案)
# handling_time's measure -> case_durations' measure holding its hours on the closing day: handle_work_hours
# of in_closed ('handle_closed'; 'handle' there is in_handled on the handling day), close_work_hours of
# in_closed ('close').
RANKED_HANDLING = {"handle": "handle_closed", "close": "close"}
# Every window the rank tables answer takes them, 近30天 included: a running window's unsettled days need no
# case query (in_closed reads neither the window's end nor the clock: docs/performance.md 5b). A cold 趋势
# 近30天 at 10M spent 0.125 s wall in handling_time.sql against 0.050 s by rank; once DuckDB's buffers hold
# the cases' columns the case query is ~10 ms cheaper for 30 days by day (docs/performance.md 6h, session 8).


def handling_time(source: CursorSource, scope: Scope, grain: str, measure: str | None = None) -> pd.DataFrame:
    """Per bucket of the closing day, plus one row with is_total: median and P90 working hours.
    `measure` (handle | close): only that measure's columns (bucket_start, is_total, closed_count and its
    timed count, median and P90), the very rows and values of the full frame; DuckDB then skips the other
    measure's quantiles, about half the query over long windows (docs/performance.md 6e). None: both.
    Where the rank tables answer (`handling_by_rank`), from them: the same frame."""
    _check(grain)
    if measure is not None and measure not in HANDLING_MEASURES:
        raise ValueError(f"unknown duration measure: {measure!r}")
    if handling_by_rank(source, scope):
        return ranked_handling_time(source, scope, grain, measure)
    if measure is None:
        return fetch(source, "handling_time", scope, grain=grain)
    columns = ("bucket_start", "is_total", "closed_count", f"{measure}_timed_count",
               f"{measure}_median_hours", f"{measure}_p90_hours")
    frame = fetch(source, "handling_time", scope, columns=columns, grain=grain)
    # compose_columns orders by bucket_start alone, where the total's NULL falls by the engine's NULL order;
    # the full query's order is is_total, bucket_start
    return frame.sort_values(["is_total", "bucket_start"], kind="stable").reset_index(drop=True)


def handling_by_rank(source: CursorSource, scope: Scope) -> bool:
    """handling_time of this selection may come from the rank tables (case_durations, case_duration_days) and
    kpi_daily's closed counts: the city or a district grant, filtered by district at most (what
    case_duration_days holds), a DuckDB source, the tables built under the scope's KPI rules (one build)."""
    return (kpi_daily.ranks_apply(scope, "all") and kpi_daily.is_duckdb(source)
            and kpi_daily.built_state(source, scope)[0])


def ranked_handling_time(source: CursorSource, scope: Scope, grain: str, measure: str | None) -> pd.DataFrame:
    """handling_time's frame (one measure's columns, or both) by rank, for a selection `handling_by_rank`
    accepts (any window). Exact because in_closed is "closed_at in
    [start, end)" and attributes of the case (no window end, no clock: docs/performance.md 5b), so a window's
    cases of a bucket are the rows of its days: closed_count sums kpi_daily's closed_count per bucket (a
    bucket with a closed case is a row, as in the GROUP BY), the timed counts and quantiles come from
    kpi_daily.ranked_quantiles per bucket ('period') and for the window ('all', its bucket counts summed from
    the periods': kpi_daily.window_counts)."""
    measures = HANDLING_MEASURES if measure is None else (measure,)
    closed = fetch(source, "kpi_daily_closed_buckets", scope, grain=grain)
    keys = pd.to_datetime(closed["bucket_start"]).dt.strftime("%Y-%m-%d")
    frame = pd.DataFrame({"bucket_start": list(closed["bucket_start"]) + [None],
                          "is_total": [False] * len(closed) + [True],
                          "closed_count": list(closed["closed_count"]) + [int(closed["closed_count"].sum())]})
    for measure in measures:
        counts = kpi_daily.duration_counts(source, scope, "period", RANKED_HANDLING[measure], grain)
        per_bucket, total = (kpi_daily.ranked_quantiles(source, scope, by, RANKED_HANDLING[measure], grain=grain,
                                                        counted=True, counts=by_counts).set_index("group_code")
                             for by, by_counts in (("period", counts), ("all", kpi_daily.window_counts(counts))))
        for column, ranked, empty in (("timed_count", "timed_count", 0), ("median_hours", "hours_median", None),
                                      ("p90_hours", "hours_p90", None)):
            values = list(keys.map(per_bucket[ranked])) + [total[ranked].get("all", empty)]
            frame[f"{measure}_{column}"] = values
        frame[f"{measure}_timed_count"] = frame[f"{measure}_timed_count"].fillna(0)
    types = {"bucket_start": closed["bucket_start"].dtype, "closed_count": "int64"}
    for measure in measures:
        types |= {f"{measure}_timed_count": "int64", f"{measure}_median_hours": "float64",
                  f"{measure}_p90_hours": "float64"}
    return frame.astype(types)
