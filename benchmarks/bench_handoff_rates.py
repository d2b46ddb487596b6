"""The unit league's 推诿率 before (handoff_units, every column) and after (handoff_rates: dispatched and
passed-on cases only), on a published snapshot.

    python -m benchmarks.bench_handoff_rates SNAPSHOT.duckdb [--repeat 3]

For 近30天 and 两年 ending at the data's last day (now = that day 16:00), for the whole city, the
district with most cases and one unit's grant: wall and process CPU seconds (best of --repeat) of each,
beside a bare scan of five columns of every case measured in the same run (the baseline: read the
ratios, the machine is shared). The league's columns of the two frames are compared exactly; it stops
if they differ.
"""
from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import BASELINE_SQL, best_wall_cpu, open_snapshot
from queries.handoffs import unit_handoff_rates, unit_handoffs
from queries.scope import Access, Scope

COLUMNS = ["unit_code", "dispatched_cases", "passed_on_cases", "handoff_rate"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    snap = open_snapshot(args.db, args.repeat)
    src, last = snap.source, snap.last_day
    unit = src.cursor().execute("SELECT unit_code FROM case_dispatches GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    print(f"{args.db}: windows end {last}, now {snap.now}; best of {args.repeat}, wall / CPU seconds")
    print(f"baseline: bare scan of five columns of every case {snap.baseline_wall_s:.3f} / {snap.baseline_cpu_s:.3f} s")
    windows = {"近30天": last - timedelta(days=29), "两年": last - timedelta(days=730)}
    grants = {"全市": Access.city("全市"), f"区 {snap.district}": Access.for_districts((snap.district,), "区"),
              f"单位 {unit}": Access.for_units((unit,), "单位")}
    print(f"{'window':8} {'grant':16} {'handoff_units':>15} {'handoff_rates':>15} {'before/base':>11} "
          f"{'after/base':>10} {'before/after':>12}")
    for wname, start in windows.items():
        for gname, access in grants.items():
            scope = Scope(start, last + timedelta(days=1), access, now_at=snap.now)
            bw, bc, before = best_wall_cpu(lambda: unit_handoffs(src, scope), args.repeat)
            aw, ac, after = best_wall_cpu(lambda: unit_handoff_rates(src, scope), args.repeat)
            pd.testing.assert_frame_equal(after, before[COLUMNS], check_exact=True)
            print(f"{wname:8} {gname:16} {bw:6.3f} / {bc:6.3f} {aw:6.3f} / {ac:6.3f} {bw / snap.baseline_wall_s:11.1f} "
                  f"{aw / snap.baseline_wall_s:10.1f} {bw / aw:12.1f}  (wall)")
    again, again_cpu, _ = best_wall_cpu(
        lambda: src.cursor().execute(BASELINE_SQL, {"t": snap.now - timedelta(days=30)}).fetchall(), args.repeat)
    print(f"frames equal in every row; baseline again {again:.3f} / {again_cpu:.3f} s")


if __name__ == "__main__":
    main()
