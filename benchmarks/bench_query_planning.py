"""What the scope prefix costs per query: each query run with the whole of _scoped.sql prepended
(before round 2 of issue 13) and with only the relations it reads (queries.runner.compose now),
against a bare scan of five columns in the same run.

    python -m benchmarks.bench_query_planning /tmp/h13-1m.published.duckdb [more databases]

DuckDB binds every relation of a WITH, used or not, so the whole prefix was a fixed planning cost on
every query, small or large. And DuckDB parses a text on every execute: the runner now parses each
composed text once per process (runner.parsed). Columns: the whole prefix, parsed per run (before
round 2); only the relations read, parsed per run (before round 3); the same, parsed once (now).
Prints the best of 5 per query (30 days; a short window is where the fixed cost shows), in process
CPU seconds, and the ratio to the baseline's CPU.
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta

from benchmarks.bench_case_pages import BASELINE_SQL
from queries import case_records, cases, party, trends
from queries import runner
from queries.db import connect_readonly
from queries.scope import Access, Scope


def best_cpu_seconds(fn, runs: int = 5) -> float:
    """Least process CPU (all DuckDB threads) of `runs` calls after a warm-up: on a shared machine,
    CPU time moves less with other jobs than wall time."""
    fn()
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def whole_prefix(name: str) -> str:
    """compose() as it was: the whole prefix, every relation — less the calibration model's, which
    came later and read the quarter's own parameters (DuckDB binds every relation of a WITH)."""
    kept = [text for n, text in runner.split_ctes(runner.load_sql("_scoped").rstrip())
            if "$q_start" not in runner.compose_text(f"SELECT * FROM {n}")]  # noqa: S608 - relation names
    prefix = "WITH " + ",\n".join(kept)
    body = runner.load_sql(name)
    match = runner._LEADING_WITH.match(body)
    return prefix + ",\n" + body[match.end():] if match else prefix + "\n" + body


def main(db: str) -> None:
    con = connect_readonly(db)
    n, last = con.execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
    end = last + timedelta(days=1)
    now = datetime.combine(last, datetime.min.time()).replace(hour=16)
    month = Scope(end - timedelta(days=30), end, Access.demo(), now_at=now)
    base = best_cpu_seconds(lambda: con.execute(BASELINE_SQL, {"t": now - timedelta(days=29)}).fetchall(), 5)
    print(f"{db}: {n:,} cases; baseline (bare scan of five columns): {base * 1000:.1f} ms CPU")
    views = {
        "kpi_counts (总览 cards)": lambda: cases.case_kpis(con, month),
        "overdue_counts": lambda: cases.overdue_counts(con, month, "all"),
        "area_options (filters)": lambda: cases.area_options(con, month),
        "trend_series": lambda: trends.trend_series(con, month, "day", "accepted"),
        "case_count (案件)": lambda: case_records.case_count(con, month, "in_reported", ""),
        "party_wishes": lambda: party.wishes(con, month),
    }
    print(f"  {'query':<28}{'whole prefix':>16}{'':>8}{'only what it reads':>20}{'':>8}"
          f"{'same, parsed once':>27}{'':>8}")
    execute = runner.execute

    def text_each_run(cur, sql, params):
        return cur.execute(sql, params)

    for name, fn in views.items():
        original = runner.compose
        try:
            runner.compose, runner.execute = whole_prefix, text_each_run
            runner.compose_columns.cache_clear()
            before = best_cpu_seconds(fn, 5)
        finally:
            runner.compose, runner.execute = original, execute
            runner.compose_columns.cache_clear()
        try:
            runner.execute = text_each_run
            text = best_cpu_seconds(fn, 5)
        finally:
            runner.execute = execute
        after = best_cpu_seconds(fn, 5)
        print(f"  {name:<28}{before * 1000:>13.1f} ms{before / base:>7.1f}x{text * 1000:>17.1f} ms{text / base:>7.1f}x"
              f"{after * 1000:>24.1f} ms{after / base:>7.1f}x")


if __name__ == "__main__":
    for path in sys.argv[1:] or ["data/demo.duckdb"]:
        main(path)
