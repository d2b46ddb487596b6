"""推诿 queries (handoff_units, handoff_pairs) before and after case_handoffs, on a published snapshot.

    python -m benchmarks.bench_handoffs SNAPSHOT.duckdb [--repeat 3] [--build WRITABLE_COPY.duckdb]

For 近30天 and 两年 ending at the data's last day, for the whole city and the district with most cases:
process CPU seconds (best of --repeat) of each query with scoped_handoffs as it was before (window
functions over every dispatch step of every scoped case: tests/handoffs_reference.py) and as it is
(case_handoffs, built at publish, with the case's codes for access and filters), and "joined": the
built tables joined to scoped_cases as SCHEMA_VERSION 8–9 read them, beside a bare scan of five columns of every
case measured in the same run (the baseline: read the ratios, the machine is shared). The two
frames are compared for every row; it stops if they differ.
--build: also time the publish step (data.store.refresh_case_handoffs) on a copy you may write.
CPU, not wall time.
"""
from __future__ import annotations

import argparse
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_cpu, time_publish_step
from queries.db import connect_readonly
from queries.handoffs import handoff_pairs, unit_handoffs
from queries.scope import Access, Scope
from tests.handoffs_reference import joined_scoped_handoffs, original_scoped_handoffs

QUERIES = {"handoff_units": lambda src, s: unit_handoffs(src, s),
           "handoff_pairs": lambda src, s: handoff_pairs(src, s)}


def build(path: Path) -> None:
    from data.store import refresh_case_handoffs
    wall, cpu_s, rows = time_publish_step(path, refresh_case_handoffs, "SELECT count(*) FROM case_handoffs")
    print(f"{path}: case_handoffs and case_dispatches built in {wall:.1f} s wall / {cpu_s:.1f} s CPU, {rows:,} hand-offs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", type=Path, default=None, help="a writable copy to time the publish step on")
    args = parser.parse_args()
    if args.build:
        build(args.build)
    src = ConnectionSource(connect_readonly(args.db))
    cur = src.cursor()
    cases, handoffs = cur.execute("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_handoffs)").fetchone()
    last = cur.execute("SELECT max(reported_date) FROM cases").fetchone()[0]
    district = cur.execute("SELECT district_code FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    now = datetime.combine(last, datetime.min.time()) + timedelta(hours=16)
    print(f"{args.db}: {cases:,} cases, {handoffs:,} hand-offs; windows end {last}; CPU s, best of {args.repeat}")
    base, _ = best_cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": datetime(last.year, 1, 1)}).fetchall(), args.repeat)
    print(f"baseline: bare scan of five columns of every case {base:.3f} s")
    windows = {"近30天": (last - timedelta(days=29), last + timedelta(days=1)),
               "两年": (last - timedelta(days=730), last + timedelta(days=1))}
    grants = {"全市": Access.city("全市"), f"区 {district}": Access.for_districts((district,), "区")}
    print(f"{'window':8} {'grant':14} {'query':14} {'before':>8} {'joined':>8} {'after':>8} {'before/base':>11} "
          f"{'joined/base':>11} {'after/base':>10} {'joined/after':>12}")
    for wname, (start, end) in windows.items():
        for gname, access in grants.items():
            scope = Scope(start, end, access, now_at=now)
            for qname, run in QUERIES.items():
                with original_scoped_handoffs():
                    before, old = best_cpu(lambda: run(src, scope), args.repeat)
                with joined_scoped_handoffs():
                    joined, via_join = best_cpu(lambda: run(src, scope), args.repeat)
                after, new = best_cpu(lambda: run(src, scope), args.repeat)
                pd.testing.assert_frame_equal(new, old, check_exact=True)
                pd.testing.assert_frame_equal(via_join, old, check_exact=True)
                print(f"{wname:8} {gname:14} {qname:14} {before:8.3f} {joined:8.3f} {after:8.3f} {before / base:11.1f} "
                      f"{joined / base:11.1f} {after / base:10.1f} {joined / after:12.1f}")
    print(f"baseline again: {best_cpu(lambda: src.cursor().execute(BASELINE_SQL, {'t': date(last.year, 1, 1)}).fetchall(), args.repeat)[0]:.3f} s")


if __name__ == "__main__":
    main()
