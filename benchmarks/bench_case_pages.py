"""Time the 案件 and 党建·志愿 queries on a database, against a bare scan of five columns in the same run.

    python -m benchmarks.bench_case_pages /tmp/h13-1m.published.duckdb [/tmp/h13-10m.published.duckdb ...]
    python -m benchmarks.bench_case_pages DB --only "keyword"     # only the rows whose name holds the text

Prints the least process CPU of 3 runs per query (after one warm-up) and its ratio to the bare scan, so figures
from different runs on a shared machine compare by ratio. For the case list, "before" is the single
query it replaced (whole rows sorted, the total as count(*) OVER (), kept below as the reference the
tests compare the new path with) and "after" is the page as the dashboard now runs it on a first view:
the count (case_count.sql, cached apart from the page), the ids (case_list.sql) and the rows
(case_rows.sql); for a keyword search the ids and the count from one query (case_search.sql), then the rows.
"""
from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta

import pandas as pd

from benchmarks.baseline import BASELINE_SQL
from queries import case_records, party, trends
from queries.db import connect_readonly
from queries.runner import execute_text
from queries.scope import Access, Scope


# The case list as one query, before the late materialisation (round 2 of issue 13). Kept verbatim:
# tests/test_case_list_topn.py checks that the new path gives the same page and total.
SINGLE_QUERY_CASE_LIST = """
WITH flagged AS (
    SELECT *, (reported_at >= (SELECT start_at FROM win) AND reported_at < (SELECT end_at FROM win)) AS in_reported
    FROM case_facts
    WHERE $set <> 'is_overdue_open'
    UNION ALL BY NAME
    SELECT * FROM overdue_open_cases
    WHERE $set = 'is_overdue_open'
),
page AS (
    SELECT f.case_id, f.case_no, f.category_code, f.district_code, f.street_code, f.community_code, f.unit_code,
           f.source, f.status, f.reported_at, f.deadline_at, f.closed_at, f.is_overdue_open,
           f.major_code, f.dispatched_at, f.deferred_hours,
           count(*) OVER () AS total_count
    FROM flagged f
    WHERE COLUMNS(lambda c: c = $set)
      AND ($no_pattern IS NULL OR f.case_no ILIKE $no_pattern ESCAPE '\\'
           OR ($text_pattern IS NOT NULL AND f.description ILIKE $text_pattern ESCAPE '\\'))
    ORDER BY CASE WHEN $descending THEN COLUMNS(lambda c: c = $sort) END DESC NULLS LAST,
             COLUMNS(lambda c: c = $sort) ASC NULLS LAST,
             f.case_id DESC
    LIMIT $limit OFFSET $offset
),
named AS (
    SELECT p.*, cat.major_name, cat.minor_name,
           d.name AS district_name, s.name AS street_name, cm.name AS community_name,
           u.name AS unit_name, coalesce(src.name_zh, p.source) AS source_name
    FROM page p
    LEFT JOIN ref_categories cat ON cat.category_code = p.category_code
    LEFT JOIN scoped_areas d ON d.area_code = p.district_code
    LEFT JOIN scoped_areas s ON s.area_code = p.street_code
    LEFT JOIN scoped_areas cm ON cm.area_code = p.community_code
    LEFT JOIN scoped_units u ON u.unit_code = p.unit_code
    LEFT JOIN ref_sources src ON src.source_code = p.source
)
SELECT case_id, case_no, major_name, minor_name, district_name, street_name, community_name, unit_name,
       source_name, status, reported_at, deadline_at, closed_at, is_overdue_open,
       (closed_at IS NOT NULL AND deadline_at IS NOT NULL AND closed_at > deadline_at) AS is_closed_late,
       unit_code, category_code, major_code, dispatched_at, deferred_hours,
       total_count
FROM named
ORDER BY CASE WHEN $descending THEN COLUMNS(lambda c: c = $sort) END DESC NULLS LAST,
         COLUMNS(lambda c: c = $sort) ASC NULLS LAST,
         case_id DESC
"""


# 趋势's handling time before the list quantile (two quantile_cont per column: two sorts).
SEPARATE_QUANTILES_HANDLING_TIME = """
SELECT CASE WHEN grouping(date_trunc($grain, closed_at)) = 0 THEN date_trunc($grain, closed_at)::DATE END AS bucket_start,
       grouping(date_trunc($grain, closed_at)) = 1 AS is_total,
       count(*) AS closed_count,
       count(handle_work_hours) AS handle_timed_count,
       quantile_cont(handle_work_hours, 0.5) AS handle_median_hours,
       quantile_cont(handle_work_hours, 0.9) AS handle_p90_hours,
       count(close_work_hours) AS close_timed_count,
       quantile_cont(close_work_hours, 0.5) AS close_median_hours,
       quantile_cont(close_work_hours, 0.9) AS close_p90_hours
FROM case_facts
WHERE in_closed
GROUP BY GROUPING SETS ((date_trunc($grain, closed_at)), ())
ORDER BY is_total, bucket_start
"""


def separate_quantiles_handling_time(con, scope: Scope, grain: str) -> pd.DataFrame:
    return execute_text(con, SEPARATE_QUANTILES_HANDLING_TIME, scope, grain=grain).df()


def single_query_page(con, scope: Scope, set_flag: str, query: str, sort: str, descending: bool, page: int,
                      page_size: int) -> tuple[pd.DataFrame, int | None]:
    """(rows, total) of the replaced single query; total None when the page is empty."""
    no_pattern, text_pattern = case_records.search_patterns(query)
    frame = execute_text(con, SINGLE_QUERY_CASE_LIST.strip(), scope, **dict(
        set=set_flag, no_pattern=no_pattern, text_pattern=text_pattern, sort=sort, descending=descending,
        limit=page_size, offset=(page - 1) * page_size)).df()
    total = int(frame.total_count.iloc[0]) if len(frame) else None
    return frame.drop(columns="total_count"), total


def best_seconds(fn, runs: int = 3) -> float:
    """Least process CPU seconds (DuckDB's threads included) of `runs` calls after a warm-up: on the
    shared machine CPU time moves far less with other jobs than wall time (which is what a quiet
    server's latency follows, divided among its cores)."""
    fn()
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def lists(con, scope: Scope, label: str) -> dict:
    """Before/after pairs of the case list for `scope`: (before, after) callables per view."""
    views = {
        "newest first, page 1": ("in_reported", "", "reported_at", True, 1, 50),
        "by unit, page 100": ("in_reported", "", "unit_code", False, 100, 50),
        "keyword search": ("in_reported", "垃圾", "reported_at", True, 1, 50),
        "keyword search with letters (ILIKE)": ("in_reported", "s01", "reported_at", True, 1, 50),
        "应结案 (in_due) by deadline": ("in_due", "", "deadline_at", False, 1, 50),
        "超期未结 (is_overdue_open)": ("is_overdue_open", "", "deadline_at", False, 1, 50),
    }
    out = {}
    for name, (flag, query, sort, desc, page, size) in views.items():
        out[f"case list {label}, {name}"] = (
            lambda a=(flag, query, sort, desc, page, size): single_query_page(con, scope, *a),
            lambda a=(flag, query, sort, desc, page, size): case_records.case_list(con, scope, *a))
    return out


def main(db: str, only: str = "") -> None:
    con = connect_readonly(db)
    cases, last = con.execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
    end = last + timedelta(days=1)
    now = datetime.combine(last, datetime.min.time()).replace(hour=16)
    month = Scope(end - timedelta(days=30), end, Access.demo(), now_at=now)
    two_years = Scope(end - timedelta(days=730), end, Access.demo(), now_at=now)
    some_case = con.execute("SELECT case_id FROM cases WHERE dispatch_count > 1 ORDER BY case_id DESC LIMIT 1").fetchone()[0]
    base = best_seconds(lambda: con.execute(BASELINE_SQL, {"t": now - timedelta(days=29)}).fetchall())
    print(f"{db}: {cases:,} cases; baseline (bare scan of five columns): {base * 1000:.1f} ms CPU")
    print(f"  {'query':<58}{'before':>10}{'':>8}{'after':>10}{'':>8}")
    pairs = lists(con, month, "30 days") | lists(con, two_years, "two years")
    for label, scope, grain in (("30 days, weeks", month, "week"), ("two years, months", two_years, "month")):
        pairs[f"趋势 handling time {label}"] = (lambda s=scope, g=grain: separate_quantiles_handling_time(con, s, g),
                                            lambda s=scope, g=grain: trends.handling_time(con, s, g))
    for name, (before, after) in pairs.items():
        if only not in name:
            continue
        b, a = best_seconds(before), best_seconds(after)
        print(f"  {name:<58}{b * 1000:>8.1f} ms{b / base:>6.1f}x{a * 1000:>8.1f} ms{a / base:>6.1f}x")
    singles = {
        "case_detail": lambda: case_records.case_detail(con, two_years, some_case),
        "case_timeline": lambda: case_records.case_timeline(con, two_years, some_case),
        "party scorecard (30 days)": lambda: party.pairing_scorecard(con, month),
        "party check-in trend (two years, weeks)": lambda: party.checkin_trend(con, two_years, "week"),
        "party secretary visits (two years)": lambda: party.secretary_visits(con, two_years),
    }
    for name, fn in singles.items():
        if only not in name:
            continue
        s = best_seconds(fn)
        print(f"  {name:<58}{'':>18}{s * 1000:>8.1f} ms{s / base:>6.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="*", default=["data/demo.duckdb"])
    parser.add_argument("--only", default="", help="only the rows whose name holds this text")
    args = parser.parse_args()
    for path in args.db:
        main(path, args.only)
