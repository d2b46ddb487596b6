"""The live overdue counts of one selection and minute: one overdue_counts query per grouping (as 总览 and
指挥大屏 asked them: all, district, unit) against one overdue_counts_sets query of the three, sliced
(queries.cases.overdue_slice), on a published snapshot.

    python -m benchmarks.bench_live_counts SNAPSHOT.duckdb [--repeat 5]

For the whole city and the district with most cases, `now` = 16:00 of the data's last day: wall and process
CPU seconds (best of --repeat) beside a bare scan of five columns of every case in the same run (the
baseline: read the ratios, the machine is shared). The frames are compared; it stops if they differ.
"""
from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import best_wall_cpu, open_snapshot, print_open_cases_header
from queries.cases import SETS_GROUPINGS, overdue_count_sets, overdue_counts, overdue_slice
from queries.scope import Access, Scope



def slices(sets: pd.DataFrame, groupings: tuple[str, ...]) -> list[pd.DataFrame]:
    return [overdue_slice(sets, by) for by in groupings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    snap = open_snapshot(args.db, args.repeat)
    src, last, now, district = snap.source, snap.last_day, snap.now, snap.district
    print_open_cases_header(args.db, snap, args.repeat)
    base_wall = snap.baseline_wall_s
    print(f"{'grant':10} {'groupings':22} {'wall per grouping':>17} {'wall one query':>14} {'CPU before':>10} "
          f"{'CPU after':>9} {'after/base':>10} {'x':>5}")
    grants = {"全市": Access.city("全市"), f"区 {district}": Access.for_districts((district,), "区")}
    for gname, access in grants.items():
        scope = Scope(last - timedelta(days=29), last + timedelta(days=1), access, now_at=now).live()
        for label, groupings in (("all, district, unit", SETS_GROUPINGS),):
            wb, pb, before = best_wall_cpu(lambda: [overdue_counts(src, scope, by) for by in groupings], args.repeat)
            wa, pa, after = best_wall_cpu(lambda: slices(overdue_count_sets(src, scope), groupings), args.repeat)
            for got, want in zip(after, before, strict=True):
                pd.testing.assert_frame_equal(got, want, check_exact=True)
            print(f"{gname:10} {label:22} {wb:17.3f} {wa:14.3f} {pb:10.3f} {pa:9.3f} {wa / base_wall:10.2f} "
                  f"{wb / wa:5.1f}")
    again = open_snapshot(args.db, args.repeat)
    print(f"baseline again: {again.baseline_wall_s:.3f} s wall, {again.baseline_cpu_s:.3f} s CPU")


if __name__ == "__main__":
    main()
