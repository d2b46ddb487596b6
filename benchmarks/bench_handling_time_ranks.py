"""趋势's 处置时长 (queries/trends.handling_time) by rank (case_durations' 'handle_closed' / 'close', kpi_daily's
closed counts, built at publish) against handling_time.sql, on a published snapshot, read-only:

    python -m benchmarks.bench_handling_time_ranks /tmp/x-10m.published.duckdb [--repeat 3]

For 近30天 (by day), 92 days (by week) and 两年 (by month) ending at the data's last day (now = that day
16:00), the whole city, one district filtered and a district grant, prints the wall and process CPU seconds
(best of --repeat) of the frame 趋势 asks (one measure: 派遣→处置, then 上报→结案) both ways (handling_time
takes the rank path for every window the tables answer), with a bare scan of five columns of every
case measured in the same run as the baseline; the frames are compared exactly (it stops if they differ). Also the rows of case_durations per measure."""
from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pandas as pd

from benchmarks.baseline import best_wall_cpu, open_snapshot
from data.config import load_city
from queries import trends
from queries.kpis import apply_rules
from queries.scope import Access, Scope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    snap = open_snapshot(args.db, args.repeat)
    src, cur, last, district, now = snap.source, snap.source.cursor(), snap.last_day, snap.district, snap.now
    bw, bc = snap.baseline_wall_s, snap.baseline_cpu_s
    sizes = cur.execute("SELECT measure, count(*) FROM case_durations GROUP BY 1 ORDER BY 1").fetchall()
    city = load_city()
    print(f"{args.db}: case_durations {', '.join(f'{m} {n:,}' for m, n in sizes)} rows; now {now}; district {district}")
    print(f"baseline (bare scan of 5 columns of every case): {bw:.3f} s wall / {bc:.3f} s CPU")
    print(f"{'window':<6} {'selection':<16} {'measure':<7} {'handling_time.sql wall / CPU':>30} {'by rank wall / CPU':>26}  CPU ratio")
    end = last + timedelta(days=1)
    windows = {"近30天": (end - timedelta(days=30), "day"), "92天": (end - timedelta(days=92), "week"),
               "两年": (end - timedelta(days=731), "month")}
    selections = {"city": {}, "district filter": {"districts": (district,)},
                  "district grant": {"access": Access.for_districts((district,), "benchmark")}}
    for label, (start, grain) in windows.items():
        for who, kw in selections.items():
            filters = {k: v for k, v in kw.items() if k != "access"}
            scope = apply_rules(Scope(start, end, kw.get("access", Access.city("benchmark")), now, **filters), city)
            assert trends.handling_by_rank(src, scope), (label, who)
            for measure in trends.HANDLING_MEASURES:
                with mock.patch.object(trends, "handling_by_rank", return_value=False):
                    cw, cc, want = best_wall_cpu(lambda: trends.handling_time(src, scope, grain, measure), args.repeat)
                rw, rc, got = best_wall_cpu(lambda: trends.ranked_handling_time(src, scope, grain, measure),
                                            args.repeat)
                pd.testing.assert_frame_equal(got, want, check_exact=True)
                print(f"{label:<6} {who:<16} {measure:<7} {cw:8.3f} / {cc:.3f} s ({cc / bc:4.1f}×) "
                      f"{rw:8.3f} / {rc:.3f} s ({rc / bc:4.1f}×)  {cc / rc:5.1f}")


if __name__ == "__main__":
    main()
