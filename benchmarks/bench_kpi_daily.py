"""The pre-aggregated KPI path (queries/kpi_daily.py) against the case path, on a copy you may write.

    python -m benchmarks.bench_kpi_daily /tmp/copy-of-a-snapshot.duckdb [--district CODE] [--repeat 3]

1. Builds kpi_daily and kpi_daily_unsettled (B for the publish day, today by the clock) on the file
   (as every publish does: data.store.refresh_kpi_daily) and prints the time it took, their rows and
   kpi_daily's size on disk. Give it a COPY of a published snapshot: it writes.
2. Reopens the file read-only (as the dashboard does) and, for 近7天, 近14天, 近30天, 本月, 上月, 两年 and 去年
   ending at the data's last day 16:00 (now; with a fresh build and data up to today, D = the publish
   day for the running windows), for the whole city and one district, prints the process CPU seconds
   (best of --repeat) of 总览's cards (the counts of its 12 KPIs, with the handling-time median) on the
   case path and on the aggregate path, the aggregate path's counts alone (without the median, which
   is not a sum and is computed from the cases), and a bare scan of five columns of every case
   measured in the same run as the baseline. The two paths' frames are compared; it stops if they differ.
   "B" says where the aggregate path took B from: precomputed (kpi_daily_unsettled) or the cases.
   Also what kpi_counts (queries/cases.py) chooses for the window, with the median and counts only
   (kpi_daily.candidate / preferred).
3. 总览's daily trend (accepted and closed per day) per window and selection: the case path
   (daily_trend.sql) against kpi_daily (kpi_daily_trend.sql), process CPU, frames compared.
4. 总览's KPI and trend queries together as the page asks for them (cards of the window and of the
   previous period, the district counts of the map, the unit counts of the league, the alert rule's
   unit counts of this month twice, the daily trend; live overdue counts left out), for 近30天 and 两年,
   whole city: process CPU (best of --repeat) with the routing before this round's change (cards with
   处置时长 on the aggregate path only beyond 92 days, daily trend from the cases) and now; frames compared.
5. EXPLAIN ANALYZE: row groups the not-settled cases (B and C) read, for a running and an ended window.
CPU, not wall time: the machine is shared.
"""
from __future__ import annotations

import argparse
import re
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_cpu
from data.config import load_city
from data.store import apply_schema, refresh_kpi_daily
from queries import kpi_daily
from queries.db import connect_readonly
from queries.kpis import apply_rules, kpi_columns, registry
from queries.runner import compose_columns, fetch, parameters
from queries.scope import Access, Scope

# 总览's two rows of cards (dashboard.py OVERVIEW_KPIS + SECOND_ROW_KPIS), without the live count.
CARDS = ("accepted", "filed", "closed", "disposal_rate", "on_time_rate", "due", "closing_rate",
         "on_time_disposal_rate", "rework_rate", "satisfaction_rate", "handle_hours")


def build(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
        wall, cpu0 = time.perf_counter(), time.process_time()
        rows = refresh_kpi_daily(con, force=True)
        con.execute("CHECKPOINT")
        wall, cpu_s = time.perf_counter() - wall, time.process_time() - cpu0
        cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        blocks = con.execute("SELECT count(DISTINCT block_id) FROM pragma_storage_info('kpi_daily') "
                             "WHERE block_id IS NOT NULL").fetchone()[0]
        unsettled = con.execute("SELECT count(*), sum(case_count) FROM kpi_daily_unsettled").fetchone()
        day = con.execute("SELECT value FROM meta WHERE key = 'kpi_daily_unsettled_day'").fetchone()[0]
        block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    finally:
        con.close()
    print(f"{path}: {cases:,} cases; kpi_daily built in {wall:.1f} s wall / {cpu_s:.1f} s CPU; "
          f"{rows:,} rows, {blocks * block_size / 2**20:.1f} MB; kpi_daily_unsettled for {day}: "
          f"{unsettled[0]:,} rows ({unsettled[1] or 0:,} cases not settled at its midnight)")


def windows(last: date) -> dict[str, tuple[date, date]]:
    month = last.replace(day=1)
    prev_month = (month - timedelta(days=1)).replace(day=1)
    return {"近7天": (last - timedelta(days=6), last + timedelta(days=1)),
            "近14天": (last - timedelta(days=13), last + timedelta(days=1)),
            "近30天": (last - timedelta(days=29), last + timedelta(days=1)),
            "本月": (month, last + timedelta(days=1)),
            "上月": (prev_month, month),
            "两年": (last - timedelta(days=730), last + timedelta(days=1)),
            "去年": (date(last.year - 1, 1, 1), date(last.year, 1, 1))}


def row_groups(src, name: str, scope: Scope, columns: tuple[str, ...], **params) -> str:
    sql = compose_columns(name, columns)
    used = parameters(sql)
    plan = src.cursor().execute("EXPLAIN ANALYZE " + sql, {k: v for k, v in (scope.params() | params).items()
                                                          if k in used}).fetchall()[0][1]
    return ", ".join(re.findall(r"Row Groups Scanned: (\d+ / \d+)", plan)) or "?"


def overview_queries(src, city, kpis, last: date, now: datetime, base: float, repeat: int) -> None:
    """Section 4 of the module doc."""
    from unittest import mock

    from dashboard import OVERVIEW_KPIS, SECOND_ROW_KPIS
    from queries import cases

    shown = kpi_columns(kpis[k] for k in OVERVIEW_KPIS + SECOND_ROW_KPIS)
    league = kpi_columns([kpis["on_time_rate"]])

    def page(scope: Scope) -> list:
        month = replace(scope, start_date=last.replace(day=1), end_date=last + timedelta(days=1))
        return [cases.case_kpis(src, scope, shown, live=False),
                cases.case_kpis(src, scope.previous_period(), shown, live=False),
                cases.area_kpis(src, scope, 1, cases.AREA_SUMMARY_COLUMNS, live=False),
                cases.unit_kpis(src, scope, league, live=False),
                cases.unit_kpis(src, month, ("due_count", "due_on_time_count"), live=False),
                cases.unit_kpis(src, month, ("due_count", "due_on_time_count"), live=False),
                cases.daily_trend(src, scope)]

    def before(scope: Scope) -> list:
        with mock.patch.object(kpi_daily, "MIN_SETTLED_DAYS_PRECOMPUTED_B_DURATIONS", 10**6), \
                mock.patch.object(kpi_daily, "daily_trend", lambda *a: None):
            return page(scope)

    print("总览's KPI and trend queries together (7 calls), city, process CPU:")
    for label in ("近30天", "两年"):
        start, end = windows(last)[label]
        scope = apply_rules(Scope(start, end, Access.city("benchmark"), now), city)
        old_s, old = best_cpu(lambda: before(scope), repeat)
        new_s, new = best_cpu(lambda: page(scope), repeat)
        for a, b in zip(old, new):
            (pd.testing.assert_series_equal if isinstance(a, pd.Series) else pd.testing.assert_frame_equal)(a, b)
        print(f"  {label:<6} before {old_s:6.3f} s ({old_s / base:4.1f}×)  now {new_s:6.3f} s ({new_s / base:4.1f}×)"
              f"  ({new_s / old_s:.2f} of before)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--district", default=None, help="district code (default: the one with most cases)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-build", action="store_true", help="kpi_daily is built already")
    args = parser.parse_args()
    if not args.no_build:
        build(args.db)
    src = ConnectionSource(connect_readonly(args.db))
    last = src.cursor().execute("SELECT max(reported_date) FROM cases").fetchone()[0]
    district = args.district or src.cursor().execute(
        "SELECT district_code FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    now = datetime.combine(last, datetime.min.time()) + timedelta(hours=16)
    city = load_city()
    kpis = registry(city)
    cards = kpi_daily.GROUP_COLUMNS + tuple(c for c in kpi_columns(kpis[k] for k in CARDS))
    counts_only = tuple(c for c in cards if c not in kpi_daily.DURATION_COLUMNS)
    base, _ = best_cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": now - timedelta(days=30)}).fetchall(), args.repeat)
    print(f"baseline (bare scan of 5 columns of every case) {base:.3f} s CPU; now {now}; district {district}")
    built_for = src.cursor().execute("SELECT value FROM meta WHERE key = 'kpi_daily_unsettled_day'").fetchone()
    print(f"kpi_daily_unsettled built for {built_for[0] if built_for else None}")
    print(f"{'window':<6} {'selection':<9} {'case path':>18} {'aggregate path':>18} {'aggregate, no median':>22}"
          f"  B             kpi_counts takes (with median / counts only)")
    for label, (start, end) in windows(last).items():
        for who, filters in (("city", {}), ("district", {"districts": (district,)})):
            scope = apply_rules(Scope(start, end, Access.city("benchmark"), now, **filters), city)
            case_s, expected = best_cpu(lambda: fetch(src, "kpi_counts", scope, columns=cards, by="all"), args.repeat)
            agg_s, got = best_cpu(lambda: kpi_daily.aggregate_counts(src, scope, "all", cards), args.repeat)
            counts_s, _ = best_cpu(lambda: kpi_daily.aggregate_counts(src, scope, "all", counts_only), args.repeat)
            if got is None:
                raise SystemExit(f"{label} {who}: the aggregate path declined (kpi_daily not built for these rules?)")
            pd.testing.assert_frame_equal(got, expected)
            precomputed = kpi_daily.aggregate_counts(src, scope, "all", counts_only, compute_b=False) is not None
            takes = "/".join("aggregate" if kpi_daily.candidate(scope, asked) and (precomputed or kpi_daily.preferred(scope))
                             else "case path" for asked in (cards, counts_only))
            print(f"{label:<6} {who:<9} {case_s:7.3f} s ({case_s / base:5.1f}×) {agg_s:7.3f} s ({agg_s / base:5.1f}×)"
                  f" {counts_s:9.3f} s ({counts_s / base:5.1f}×)  {'precomputed' if precomputed else 'cases':<12}"
                  f"  {takes}")
    print(f"daily trend (总览): {'window':<6} {'selection':<9} {'case path':>18} {'kpi_daily':>18}")
    for label, (start, end) in windows(last).items():
        for who, filters in (("city", {}), ("district", {"districts": (district,)})):
            scope = apply_rules(Scope(start, end, Access.city("benchmark"), now, **filters), city)
            case_s, expected = best_cpu(lambda: fetch(src, "daily_trend", scope), args.repeat)
            agg_s, got = best_cpu(lambda: kpi_daily.daily_trend(src, scope), args.repeat)
            if got is None:
                raise SystemExit(f"daily trend {label} {who}: kpi_daily declined (not built for these rules?)")
            pd.testing.assert_frame_equal(got, expected)
            print(f"                    {label:<6} {who:<9} {case_s:7.3f} s ({case_s / base:5.1f}×) "
                  f"{agg_s:7.3f} s ({agg_s / base:5.1f}×)")
    overview_queries(src, city, kpis, last, now, base, args.repeat)
    for label in ("近30天", "去年"):
        start, end = windows(last)[label]
        scope = apply_rules(Scope(start, end, Access.city("benchmark"), now), city)
        day_to = kpi_daily.settled_day(scope)
        at = datetime.combine(day_to, datetime.min.time())
        c_groups = row_groups(src, "kpi_counts", scope, counts_only, by="all", span_start=at)
        b_groups = row_groups(src, "kpi_daily_counts", scope, counts_only + (kpi_daily.PRESENCE, kpi_daily.VALID),
                              by="all", day_from=start, day_to=day_to, kpi_rules=kpi_daily.rules_key(scope),
                              precomputed_b=False, **(kpi_daily.unbounded_params() | {"span_start": at, "span_end": at}))
        b_pre = row_groups(src, "kpi_daily_counts", scope, counts_only + (kpi_daily.PRESENCE, kpi_daily.VALID),
                           by="all", day_from=start, day_to=day_to, kpi_rules=kpi_daily.rules_key(scope),
                           precomputed_b=True,
                           **(kpi_daily.unbounded_params() | {"span_start": kpi_daily.UNBOUNDED_END, "span_end": at}))
        full = row_groups(src, "kpi_counts", scope, counts_only, by="all")
        print(f"row groups read, {label}: case path {full}; C (not settled, real window) {c_groups}; "
              f"A-B with B from the cases {b_groups}; A-B with B precomputed (cases, kpi_daily, "
              f"kpi_daily_unsettled) {b_pre}")


if __name__ == "__main__":
    main()
