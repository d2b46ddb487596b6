"""Query time of the 地图 and 趋势 pages on a large database (no cache: every query runs in DuckDB).

    python -m data.seed --cases 1000000 --db /tmp/big.duckdb --today 2026-11-23
    python -m benchmarks.bench_pages /tmp/big.duckdb

Prints, per scope, the time of each query a page runs on first view (what a user waits for before
the cache holds it), the page's total, and the ratio against the overview's headline KPI query
(case_kpis) measured in the same run as a baseline. Best of `--repeat` runs.
"""
from __future__ import annotations

import argparse
import time
from datetime import date, datetime
from pathlib import Path

from data.config import load_city, published_path
from queries import cases, maps, trends
from queries.db import connect_readonly
from queries.maps import HEX_METRES, MAX_POINTS
from queries.scope import Access, Scope


class _Source:
    """The dashboard's reader in miniature: one hardened connection, a cursor per query."""

    def __init__(self, path: Path):
        self.con = connect_readonly(path)

    def cursor(self):
        return self.con.cursor()


def _best(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def map_queries(src, scope: Scope, level: int, lat0: float) -> dict:
    summary = cases.area_summary(src, scope, level)
    steps = {
        "area_summary": lambda: cases.area_summary(src, scope, level),
        "area_shapes": lambda: cases.area_shapes(src, scope, level),
        "area_options": lambda: cases.area_options(src, scope),
    }
    if int(summary.accepted_count.sum()) <= MAX_POINTS:
        steps["case_points"] = lambda: maps.case_points(src, scope, "accepted")
    else:
        steps["case_hexbins"] = lambda: maps.case_hexbins(src, scope, "accepted", HEX_METRES[level], lat0)
    return steps


def trend_queries(src, scope: Scope) -> dict:
    grain = trends.auto_grain(scope)
    return {
        "period_counts": lambda: [cases.case_kpis(src, s, ("accepted_count",))
                                  for s in (scope, scope.previous_period(), scope.year_ago())],
        "trend_series": lambda: trends.trend_series(src, scope, grain, "accepted", date(2024, 11, 24)),
        "top_categories": lambda: trends.top_categories(src, scope, 5),
        "hour_weekday": lambda: trends.hour_weekday(src, scope),
        "source_mix": lambda: trends.source_mix(src, scope, grain),
        "handling_time": lambda: trends.handling_time(src, scope, "week" if grain == "day" else grain),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    src = _Source(published_path(args.db) if published_path(args.db).exists() else args.db)
    n_cases = src.cursor().execute("SELECT count(*) FROM cases").fetchone()[0]
    city = load_city()
    now = datetime(2026, 11, 23, 15, 30)
    district = src.cursor().execute("SELECT min(area_code) FROM areas WHERE level = 1").fetchone()[0]
    scopes = {
        "近30天 全市": Scope(date(2026, 10, 25), date(2026, 11, 24), Access.demo(), now),
        "本年 全市": Scope(date(2026, 1, 1), date(2026, 11, 24), Access.demo(), now),
        "本年 一个区县": Scope(date(2026, 1, 1), date(2026, 11, 24), Access.demo(), now, districts=(district,)),
    }
    print(f"database: {args.db} ({n_cases:,} cases), best of {args.repeat}")
    for name, scope in scopes.items():
        baseline, _ = _best(lambda: cases.case_kpis(src, scope), args.repeat)
        level = 1 if scope.districts is None else 2
        print(f"\n== {name}  (baseline case_kpis {baseline * 1000:.0f} ms)")
        for page, steps in (("地图", map_queries(src, scope, level, city.map_center_lat)),
                            ("趋势", trend_queries(src, scope))):
            total = 0.0
            for label, fn in steps.items():
                t, result = _best(fn, args.repeat)
                total += t
                rows = len(result) if hasattr(result, "__len__") else 1
                print(f"  {page} {label:<30} {t * 1000:7.0f} ms  {rows:>6} rows")
            print(f"  {page} {'total':<30} {total * 1000:7.0f} ms  = {total / baseline:.1f} x baseline")


if __name__ == "__main__":
    main()
