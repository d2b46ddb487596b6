"""How long the KPI queries take on a demo database, against a plain scan of the same window.

    python -m benchmarks.bench_kpis [--db PATH] [--repeat N]

Prints wall times (best of N) of kpi_counts for the whole selection, per unit and per grid, for a
month and a year ending at the data's last day, and the ratio to a baseline in the same run: one
`count(*) FILTER` per flag-free window predicate over the raw table (what any KPI costs at least).
The league adds pandas ranking and scoring on top; it is timed separately.
"""
from __future__ import annotations

import argparse
import time
from datetime import date, datetime, timedelta

import duckdb

from data.config import db_path, load_city, published_path
from queries import cases as q
from queries.kpis import apply_rules, registry
from queries.league import league_table
from queries.scope import Access, Scope
from queries.scores import load_scores


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = args.db or published_path(db_path())
    con = duckdb.connect(str(path), read_only=True)
    n_cases, last = con.execute("SELECT count(*), max(reported_at) FROM cases").fetchone()
    city = load_city()
    kpis = registry(city)
    config = load_scores(city.scores_path, kpis)
    end = last.date() + timedelta(days=1)
    print(f"database {path}: {n_cases:,} cases, last report {last:%Y-%m-%d %H:%M}")
    for label, days in (("month", 30), ("year", 365)):
        scope = apply_rules(Scope(end - timedelta(days=days), end, Access.demo(), now_at=last), city)
        params = {"s": datetime.combine(scope.start_date, datetime.min.time()),
                  "e": datetime.combine(scope.end_date, datetime.min.time())}
        baseline = best_of(args.repeat, lambda: con.execute(
            "SELECT count(*) FILTER (WHERE accepted_at >= $s AND accepted_at < $e), "
            "count(*) FILTER (WHERE deadline_at >= $s AND deadline_at < $e), "
            "count(*) FILTER (WHERE closed_at >= $s AND closed_at < $e) FROM cases", params).fetchall())
        print(f"\n{label} window ({scope.start_date} .. {scope.end_date}); baseline scan {baseline * 1000:.1f} ms")
        for by in ("all", "unit", "grid"):
            t = best_of(args.repeat, lambda: q.kpi_counts(con, scope, by))
            print(f"  kpi_counts by {by:<5} {t * 1000:7.1f} ms  ({t / baseline:4.1f}x baseline)")
        units, previous = q.unit_kpis(con, scope), q.unit_kpis(con, scope.previous_period())
        t = best_of(args.repeat, lambda: league_table(units, previous, "score.department", kpis, config,
                                                      city.league_min_volume))
        print(f"  unit league ranking + scores (pandas) {t * 1000:.1f} ms for {len(units)} units")


if __name__ == "__main__":
    main()
