"""趋势's counts before and after the tables built at publish (docs/performance.md 6h): source_mix,
hour_weekday and top_categories from the cases (their case branch) against accepted_daily, trend_series from
the cases against kpi_daily, and the page's three cards (本期, 上期, 去年同期: kpi_counts' accepted_count as
kpi_counts routed it before) against kpi_daily's sums — each "after" as the page calls it now (the routing's
small rules query included).

    python -m benchmarks.bench_trends_built SNAPSHOT.duckdb [--repeat 3] [--now 2026-12-07T16:00]
                                            [--build WRITABLE_COPY.duckdb]

Windows 近30天 and 两年 ending on the day of --now (default: the day kpi_daily's B was built for, 16:00),
whole city and the district with most cases. Process CPU and wall seconds, best of --repeat, beside a bare
scan of five columns of every case in the same run (read the ratios: the machine is shared). The frames
are compared exactly; it stops if they differ or if a built path declined (tables not built: republish).
--build: first times the publish step (data.store.refresh_accepted_daily) on that writable copy (it is
rewritten: never the writers' own file).
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from unittest import mock

import pandas as pd

from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_wall_cpu, time_publish_step
from data.config import load_city
from queries import accepted_daily, trends
from queries.cases import case_kpis
from queries.db import connect_readonly
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Access, Scope


def rows_for(src, scope: Scope) -> list[tuple[str, object, object]]:
    """(label, before, after) callables of the page's trend counts for `scope`."""
    grain = trends.auto_grain(scope)
    prev = scope.previous_period()
    wide_top = replace(scope, start_date=prev.start_date)
    wide_series = replace(scope, start_date=scope.start_date - timedelta(days=400))
    top = dict(split=datetime.combine(scope.start_date, time()), previous_end=datetime.combine(prev.end_date, time()),
               top_n=5)
    series = dict(grain=grain, measure="accepted", series_start=datetime.combine(scope.start_date, time()),
                  data_start=None)
    windows = (scope, prev, scope.year_ago())

    def cards_before():
        # kpi_counts as it routed before: without the time-free sums
        with mock.patch.object(accepted_daily, "time_free_counts", lambda *a, **k: None):
            return pd.Series([int(case_kpis(src, w, ("accepted_count",))["accepted_count"]) for w in windows])

    def cards_after():
        return pd.Series([int(case_kpis(src, w, ("accepted_count",))["accepted_count"]) for w in windows])

    return [
        (f"source_mix ({grain})", lambda: fetch(src, "source_mix", scope, grain=grain, from_accepted_daily=False),
         lambda: trends.source_mix(src, scope, grain)),
        ("hour_weekday", lambda: fetch(src, "hour_weekday", scope, from_accepted_daily=False),
         lambda: trends.hour_weekday(src, scope)),
        ("top_categories", lambda: fetch(src, "top_categories", wide_top, from_accepted_daily=False, **top),
         lambda: trends.top_categories(src, scope, 5)),
        (f"trend_series ({grain})", lambda: fetch(src, "trend_series", wide_series, from_kpi_daily=False, **series),
         lambda: trends.trend_series(src, scope, grain, "accepted")),
        ("cards: 3 × accepted_count", cards_before, cards_after),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--now", type=datetime.fromisoformat, default=None)
    parser.add_argument("--build", type=Path, default=None)
    args = parser.parse_args()
    if args.build is not None:
        from data.store import refresh_accepted_daily
        wall, cpu, rows = time_publish_step(args.build, lambda con: refresh_accepted_daily(con, force=True),
                                            "SELECT count(*) FROM accepted_daily")
        print(f"publish step accepted_daily on {args.build}: {rows:,} rows, {cpu:.1f} s CPU ({wall:.1f} s wall)")
    src = ConnectionSource(connect_readonly(args.db))
    cur = src.cursor()
    if args.now is None:
        day = cur.execute("SELECT value FROM meta WHERE key = 'kpi_daily_unsettled_day'").fetchone()
        if not day:
            raise SystemExit("kpi_daily is not built on this snapshot: republish it (schema 14)")
        args.now = datetime.combine(date.fromisoformat(day[0]), time(16))
    district = cur.execute("SELECT district_code FROM cases WHERE district_code IS NOT NULL "
                           "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    rules = apply_rules(Scope(args.now.date(), args.now.date()), load_city())
    today = args.now.date()
    base = best_wall_cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": date(today.year, 1, 1)}).fetchall(),
                         args.repeat)[1]
    print(f"{args.db}: now {args.now}; CPU s best of {args.repeat} (wall best of {args.repeat})")
    print(f"baseline: bare scan of five columns of every case {base:.3f} s CPU")
    print(f"{'window':6} {'grant':10} {'query':28} {'before CPU':>10} {'(wall)':>7} {'after CPU':>10} {'(wall)':>7}"
          f" {'before/base':>11} {'after/base':>10}")
    totals = {}
    for label, days in (("近30天", 30), ("两年", 730)):
        for grant, access in (("city", Access.city("全市")), (district, Access.for_districts((district,), "区县"))):
            scope = replace(rules, start_date=today - timedelta(days=days - 1), end_date=today + timedelta(days=1),
                            access=access, now_at=args.now)
            if not accepted_daily.answers(src, scope):
                raise SystemExit("accepted_daily is not built under the city's rules: republish the snapshot")
            for name, before, after in rows_for(src, scope):
                b_wall, b_cpu, b_frame = best_wall_cpu(before, args.repeat)
                a_wall, a_cpu, a_frame = best_wall_cpu(after, args.repeat)
                if isinstance(a_frame, pd.Series):
                    pd.testing.assert_series_equal(a_frame, b_frame)
                else:
                    pd.testing.assert_frame_equal(a_frame, b_frame, check_exact=True)
                t = totals.setdefault((label, grant), [0.0, 0.0, 0.0, 0.0])
                t[0] += b_cpu; t[1] += b_wall; t[2] += a_cpu; t[3] += a_wall
                print(f"{label:6} {grant:10} {name:28} {b_cpu:10.3f} {b_wall:7.3f} {a_cpu:10.3f} {a_wall:7.3f} "
                      f"{b_cpu / base:11.1f} {a_cpu / base:10.1f}")
    for (label, grant), (b_cpu, b_wall, a_cpu, a_wall) in totals.items():
        print(f"{label:6} {grant:10} {'together':28} {b_cpu:10.3f} {b_wall:7.3f} {a_cpu:10.3f} {a_wall:7.3f} "
              f"{b_cpu / base:11.1f} {a_cpu / base:10.1f}")
    again = best_wall_cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": date(today.year, 1, 1)}).fetchall(),
                          args.repeat)[1]
    print(f"baseline again: {again:.3f} s CPU")


if __name__ == "__main__":
    main()
