"""趋势 and 党建·志愿's queries over two years, before and after session 5, on a published snapshot: with
scoped_cases as it was (DuckDB may materialise it) and as it is (NOT MATERIALIZED); and 处置时长 as the page
asked for it (both measures) and as it asks now (派遣→处置 only, queries.trends.handling_time(measure=)); source_mix as it was (names joined to
every case) and as it is (counted per source code, then named).

    python -m benchmarks.bench_trends_party SNAPSHOT.duckdb [--repeat 3] [--days 730]

Window: --days ending on the data's last day, whole city, now = that day 16:00. For each query, process CPU
seconds (best of --repeat) and the wall time of the best run, before and after, beside a bare scan of
five columns of every case in the same run (read the ratios: the machine is shared). The frames are
compared exactly (处置时长: the measure's columns of the full frame); it stops if they differ. CPU and wall, because DuckDB runs two threads here.
"""
from __future__ import annotations

import argparse
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_cpu
from queries import runner
from queries.db import connect_readonly
from queries.scope import Access, Scope
from queries.trends import handling_time

# (query, its own parameters) as the pages ask for them over two years (monthly buckets)
# (the case branch of source_mix and hour_weekday: benchmarks/bench_trends_built.py compares it with the tables
# built at publish)
QUERIES = {"handling_time": {"grain": "month"}, "source_mix": {"grain": "month", "from_accepted_daily": False},
           "hour_weekday": {"from_accepted_daily": False},
           "party_pairing_scorecard": {"from_community_due_daily": False}, "party_checkin_trend": {"grain": "month"}, "daily_trend": {}}
HINT = "scoped_cases AS NOT MATERIALIZED ("
# source_mix.sql before session 5 (names joined to every accepted case), as tests/test_trend_rewrites.py keeps it
SOURCE_MIX_BEFORE = """SELECT date_trunc($grain, f.accepted_at)::DATE AS bucket_start, f.source AS source_code,
       coalesce(s.name_zh, f.source) AS source_name, count(*) AS case_count
FROM case_facts f
LEFT JOIN ref_sources s ON s.source_code = f.source
WHERE f.in_accepted
GROUP BY 1, 2, 3
ORDER BY 1, 2;"""


def composer(before: bool):
    compose = runner.compose
    if not before:
        return compose
    return lambda name: compose(name).replace(HINT, "scoped_cases AS (")


def timed(run, before: bool, repeat: int):
    """(least CPU, wall of that run, frame) of `repeat` calls of run() with the prefix before or now."""
    original, best = runner.compose, (float("inf"), 0.0, None)
    runner.compose = composer(before)
    try:
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            frame = run()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if cpu < best[0]:
                best = (cpu, wall, frame)
    finally:
        runner.compose = original
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    if HINT not in runner.load_sql("_scoped"):
        raise SystemExit("_scoped.sql has no NOT MATERIALIZED scoped_cases: nothing to compare")
    src = ConnectionSource(connect_readonly(args.db))
    last = src.cursor().execute("SELECT max(reported_date) FROM cases").fetchone()[0]
    scope = Scope(last - timedelta(days=args.days), last + timedelta(days=1), Access.city("全市"),
                  now_at=datetime.combine(last, datetime.min.time()) + timedelta(hours=16))
    base, _ = best_cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": date(last.year, 1, 1)}).fetchall(), args.repeat)
    print(f"{args.db}: {args.days} days ending {last}, whole city; CPU s best of {args.repeat} (wall of that run)")
    print(f"baseline: bare scan of five columns of every case {base:.3f} s CPU")
    print(f"{'query':26} {'before CPU':>10} {'(wall)':>7} {'after CPU':>10} {'(wall)':>7} {'before/base':>11} {'after/base':>10}")
    rows = [(name, lambda n=name, p=params: runner.fetch(src, n, scope, **p),
             lambda n=name, p=params: runner.fetch(src, n, scope, **p)) for name, params in QUERIES.items()]
    rows.insert(1, ("handling_time, 派遣→处置 only", lambda: runner.fetch(src, "handling_time", scope, grain="month"),
                    lambda: handling_time(src, scope, "month", "handle")))
    load = runner.load_sql
    runner.load_sql = lambda n: SOURCE_MIX_BEFORE if n == "source_mix_before" else load(n)
    rows.insert(3, ("source_mix, named after", lambda: runner.fetch(src, "source_mix_before", scope, grain="month"),
                    lambda: runner.fetch(src, "source_mix", scope, grain="month", from_accepted_daily=False)))
    for label, run_before, run_after in rows:
        before = timed(run_before, True, args.repeat)
        after = timed(run_after, False, args.repeat)
        pd.testing.assert_frame_equal(after[2], before[2][list(after[2].columns)], check_exact=True)
        print(f"{label:26} {before[0]:10.3f} {before[1]:7.3f} {after[0]:10.3f} {after[1]:7.3f} "
              f"{before[0] / base:11.1f} {after[0] / base:10.1f}")
    print(f"baseline again: {best_cpu(lambda: src.cursor().execute(BASELINE_SQL, {'t': date(last.year, 1, 1)}).fetchall(), args.repeat)[0]:.3f} s")


if __name__ == "__main__":
    main()
