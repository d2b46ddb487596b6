"""Prints the query time of the 总览 page on a given database (e.g. 1M and 10M cases).

Runs exactly the queries the page runs for 近30天 and for the whole span, cold (first run) and warm
(best of 3), against a baseline measured in the same run: one full scan of `cases` comparing two
timestamp columns. Usage: python -m benchmarks.bench_overview DB [DB ...]
"""
from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from data.config import load_city, published_path
from dashboard import OVERVIEW_KPIS, SECOND_ROW_KPIS
from queries import cases as q
from queries.kpis import kpi_columns, registry
from queries.db import SnapshotReader
from queries.scope import Access, Scope


def page_queries(reader: SnapshotReader, scope: Scope, min_volume: int) -> None:
    """What dashboard.main runs on first view (更多指标 stays closed until someone opens it)."""
    shown = kpi_columns(KPIS[k] for k in OVERVIEW_KPIS + SECOND_ROW_KPIS)
    q.case_kpis(reader, scope, shown)
    q.case_kpis(reader, scope.previous_period(), shown)
    q.area_summary(reader, scope, 1)
    q.area_shapes(reader, scope, 1)
    q.daily_trend(reader, scope)
    q.unit_league(reader, scope, min_volume)
    q.area_options(reader, scope)


KPIS = registry(load_city())


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(paths: list[str]) -> None:
    city = load_city()
    for path in paths:
        reader = SnapshotReader(published_path(__import__("pathlib").Path(path)))
        cur = reader.cursor()
        n, last = cur.execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
        baseline = min(timed(lambda: reader.cursor().execute("SELECT count(*) FILTER (WHERE accepted_at > closed_at - INTERVAL 3 DAY) FROM cases").fetchall())
                       for _ in range(3))
        for label, days in (("近30天", 30), ("全部两年", 731)):
            scope = Scope(start_date=last - timedelta(days=days - 1), end_date=last + timedelta(days=1),
                          access=Access.demo())
            cold = timed(lambda: page_queries(reader, scope, city.league_min_volume))
            warm = min(timed(lambda: page_queries(reader, scope, city.league_min_volume)) for _ in range(3))
            print(f"{n:>12,} cases  {label:<6} page queries: cold {cold:.2f} s, warm {warm:.2f} s"
                  f"  (full-scan baseline {baseline:.3f} s, ×{warm / baseline:.1f})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["data/demo.duckdb"])
