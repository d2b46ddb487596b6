"""The alert strip's open cases (alert_cases), the live overdue count (overdue_counts) and the wall's
newest cases (wall_latest_cases) before and after open_cases, on a published snapshot.

    python -m benchmarks.bench_open_cases SNAPSHOT.duckdb [--repeat 5] [--build WRITABLE_COPY.duckdb]

For the whole city and the district with most cases, `now` = 16:00 of the data's last day: wall and
process CPU seconds (best of --repeat each) of each query as it was (every scoped case judged:
tests/open_cases_reference.py; the wall's top-N joined with win, kept below) and as it is (open_cases,
built at publish, through scoped_open_cases; the top-N against $now), beside a bare scan of five
columns of every case in the same run (the baseline: read the ratios, the machine is shared). A cold
page run is profiled apart (docs/performance.md 6f). The frames are compared; it stops if they differ.
总览 runs alert_cases twice (the city-wide alert state and the user's scope) and overdue_counts three
times (all, district, unit): the "总览 sum" line adds them up. --build: also time the publish step
(data.store.refresh_open_cases) on a copy you may write.
"""
from __future__ import annotations

import argparse
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import best_wall_cpu, open_snapshot, print_open_cases_header, time_publish_step
from queries import runner
from queries.runner import fetch
from queries.scope import Access, Scope
from queries.worktime_sql import office_params
from tests.open_cases_reference import original_open_case_queries

# wall_latest_cases.sql before the top-N compared reported_at with $now (a join with win: every row group read).
WALL_LATEST_BEFORE = """WITH latest AS (
    SELECT c.case_id, c.case_no, c.reported_at, c.category_code, c.district_code, c.street_code,
           CASE WHEN c.is_cancelled THEN 'cancel'
                WHEN c.closed_at <= w.now_at THEN 'close'
                WHEN c.is_shelved AND c.filed_at <= w.now_at THEN 'shelve'
                WHEN c.status = 'not_filed' AND c.accepted_at <= w.now_at THEN 'not_filed'
                WHEN c.verified_at <= w.now_at THEN 'verify'
                WHEN c.handled_at <= w.now_at THEN 'handle'
                WHEN c.dispatched_at <= w.now_at THEN 'dispatch'
                WHEN c.filed_at <= w.now_at THEN 'file'
                WHEN c.accepted_at <= w.now_at THEN 'accept'
                ELSE 'report' END AS step,
           date_diff('minute', c.reported_at,
                     CASE WHEN c.closed_at <= w.now_at THEN c.closed_at ELSE w.now_at END) AS elapsed_minutes
    FROM scoped_cases c, win w
    WHERE c.reported_at <= w.now_at
    ORDER BY c.reported_at DESC, c.case_id DESC
    LIMIT $limit
)
SELECT l.case_no, l.reported_at, cat.minor_name AS category_name, d.name AS district_name,
       s.name AS street_name, l.step, st.name_zh AS step_name, l.elapsed_minutes
FROM latest l
LEFT JOIN ref_categories cat ON cat.category_code = l.category_code
LEFT JOIN scoped_areas d ON d.area_code = l.district_code
LEFT JOIN scoped_areas s ON s.area_code = l.street_code
LEFT JOIN ref_steps st ON st.step = l.step
ORDER BY l.reported_at DESC, l.case_id DESC;
"""


@contextmanager
def before():
    """The original alert_cases / overdue_counts (tests/open_cases_reference.py) and wall_latest_cases."""
    with original_open_case_queries():
        load = runner.load_sql
        runner.load_sql = lambda name: WALL_LATEST_BEFORE if name == "wall_latest_cases" else load(name)
        runner.compose.cache_clear()
        try:
            yield
        finally:
            runner.load_sql = load
            runner.compose.cache_clear()


def build(path: Path) -> None:
    from data.store import refresh_open_cases
    wall, cpu_s, rows = time_publish_step(path, refresh_open_cases, "SELECT count(*) FROM open_cases")
    print(f"{path}: open_cases built in {wall:.2f} s wall / {cpu_s:.2f} s CPU, {rows:,} open cases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build", type=Path, default=None, help="a writable copy to time the publish step on")
    args = parser.parse_args()
    if args.build:
        build(args.build)
    snap = open_snapshot(args.db, args.repeat)
    src, last, now, district = snap.source, snap.last_day, snap.now, snap.district
    print_open_cases_header(args.db, snap, args.repeat)
    base_wall = snap.baseline_wall_s
    office = office_params()
    queries = [("alert_cases", 2, {"near_share": 0.8, "limit": 3000, **office}),
               ("overdue_counts", 1, {"by": "all"}), ("overdue_counts", 1, {"by": "district"}),
               ("overdue_counts", 1, {"by": "unit"}), ("wall_latest_cases", 0, {"limit": 20})]
    grants = {"全市": Access.city("全市"), f"区 {district}": Access.for_districts((district,), "区")}
    print(f"{'grant':10} {'query':24} {'wall before':>11} {'wall after':>10} {'CPU before':>10} {'CPU after':>9} "
          f"{'after/base':>10} {'x':>6}")
    for gname, access in grants.items():
        scope = Scope(last - timedelta(days=29), last + timedelta(days=1), access, now_at=now)
        sums = {"before": 0.0, "after": 0.0}
        for name, on_overview, params in queries:
            runs = {}
            for side, ctx in (("before", before), ("after", nullcontext)):
                with ctx():
                    runs[side] = best_wall_cpu(lambda: fetch(src, name, scope, **params), args.repeat)
                sums[side] += on_overview * runs[side][0]
            pd.testing.assert_frame_equal(runs["after"][2], runs["before"][2], check_exact=True)
            label = name + ("" if "by" not in params else f" by {params['by']}")
            (wb, pb, _), (wa, pa, _) = runs["before"], runs["after"]
            print(f"{gname:10} {label:24} {wb:11.3f} {wa:10.3f} {pb:10.3f} {pa:9.3f} {wa / base_wall:10.2f} {wb / wa:6.1f}")
        print(f"{gname:10} {'总览 sum (2 + 3 calls)':22} {sums['before']:11.3f} {sums['after']:10.3f}")
    again = open_snapshot(args.db, args.repeat)
    print(f"baseline again: {again.baseline_wall_s:.3f} s wall, {again.baseline_cpu_s:.3f} s CPU")


if __name__ == "__main__":
    main()
