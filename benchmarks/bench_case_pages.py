"""Time the 案件 and 党建·志愿 queries on a database, against the headline KPI query in the same run.

    python -m data.seed --cases 1000000 --db /tmp/big.duckdb --today 2026-11-23
    python -m benchmarks.bench_case_pages /tmp/big.duckdb

Prints the median of 5 runs per query (after one warm-up) and its ratio to case_kpis (the overview's
query), so figures from different machines compare by ratio.
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import date, datetime

from queries import case_records, party
from queries import cases as case_queries
from queries.db import connect_readonly
from queries.scope import Access, Scope


def median_seconds(fn, runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(db: str) -> None:
    con = connect_readonly(db)
    month = Scope(date(2026, 10, 25), date(2026, 11, 24), Access.demo(), now_at=datetime(2026, 11, 23, 15, 30))
    year = Scope(date(2025, 11, 24), date(2026, 11, 24), Access.demo(), now_at=datetime(2026, 11, 23, 15, 30))
    cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    some_case = con.execute("SELECT case_id FROM cases WHERE dispatch_count > 1 ORDER BY case_id DESC LIMIT 1").fetchone()[0]
    runs = {
        "case_kpis (baseline, 30 days)": lambda: case_queries.case_kpis(con, month),
        "case_list 30 days, newest first": lambda: case_records.case_list(con, month, "in_reported", "", "reported_at", True, 1, 50),
        "case_list 1 year, page 100 by unit": lambda: case_records.case_list(con, year, "in_reported", "", "unit_code", False, 100, 50),
        "case_list 1 year, keyword search": lambda: case_records.case_list(con, year, "in_reported", "垃圾", "reported_at", True, 1, 50),
        "case_list overdue open set": lambda: case_records.case_list(con, year, "is_overdue_open", "", "deadline_at", False, 1, 50),
        "case_detail": lambda: case_records.case_detail(con, year, some_case),
        "case_timeline": lambda: case_records.case_timeline(con, year, some_case),
        "party scorecard (30 days)": lambda: party.pairing_scorecard(con, month),
        "party check-in trend (1 year, weeks)": lambda: party.checkin_trend(con, year, "week"),
        "party secretary visits (1 year)": lambda: party.secretary_visits(con, year),
    }
    print(f"{db}: {cases:,} cases")
    base = None
    for name, fn in runs.items():
        seconds = median_seconds(fn)
        base = base or seconds
        print(f"  {name:<40}{seconds * 1000:>9.1f} ms{seconds / base:>8.2f}x")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/demo.duckdb")
