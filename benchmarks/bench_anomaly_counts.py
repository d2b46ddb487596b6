"""异动's counts (anomaly_counts) before and after anomaly_daily (docs/performance.md 6f, session 8 round 2):
the former query reading every report of the span from the cases, against the file as it is now (the days no
week boundary cuts from anomaly_daily, the split days from the cases), per grant, frames compared exactly,
beside a bare scan of five columns of every case at the start and the end of the run (the baseline).

    python -m benchmarks.bench_anomaly_counts SNAPSHOT [--repeat 5] [--build WRITABLE_COPY]

SNAPSHOT: a published database at SCHEMA_VERSION 24 or later. --build also times the publish step
(data.store.refresh_anomaly_daily) on WRITABLE_COPY (it rebuilds the table there).
"""
from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import best_wall_cpu, open_snapshot, time_publish_step
from data.signals_config import load_signals
from queries import anomalies
from queries.runner import execute_text
from queries.scope import Access, Scope
from tests.test_anomaly_daily import FORMER_QUERY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build", type=Path, default=None)
    args = parser.parse_args()
    snap = open_snapshot(args.db, args.repeat)
    src, last, now, district = snap.source, snap.last_day, snap.now, snap.district
    cur = src.cursor()
    built = cur.execute("SELECT count(*) FROM meta WHERE key = 'anomaly_daily_built'").fetchone()[0]
    street = cur.execute("SELECT street_code FROM cases WHERE district_code = $d AND street_code IS NOT NULL "
                         "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", {"d": district}).fetchone()[0]
    rows = cur.execute("SELECT count(*) FROM anomaly_daily").fetchone()[0]
    weeks = load_signals().anomaly_weeks
    print(f"{args.db}: now {now}, {weeks} weeks of baseline, anomaly_daily {rows:,} rows "
          f"({'built' if built else 'NOT built: both sides read the cases'}); seconds, best of {args.repeat}")
    print(f"baseline: bare scan of five columns of every case {snap.baseline_wall_s:.3f} s wall, "
          f"{snap.baseline_cpu_s:.3f} s CPU")
    grants = {"全市": Access.city("全市"), f"区 {district}": Access.for_districts((district,), "区"),
              f"街道 {street}": Access.for_streets((street,), (district,), "街道")}
    print(f"{'grant':18} {'wall before':>11} {'wall after':>10} {'CPU before':>10} {'CPU after':>9} {'x (CPU)':>7} pairs")
    for gname, access in grants.items():
        scope = Scope(last - timedelta(days=29), last + timedelta(days=1), access, now_at=now)
        wb, pb, want = best_wall_cpu(lambda: execute_text(src.cursor(), FORMER_QUERY, scope, weeks=weeks).df(),
                                     args.repeat)
        wa, pa, got = best_wall_cpu(lambda: anomalies.anomaly_counts(src, scope, weeks), args.repeat)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        print(f"{gname:18} {wb:11.3f} {wa:10.3f} {pb:10.3f} {pa:9.3f} {pb / max(pa, 1e-6):7.1f} {len(got):,}")
    again = open_snapshot(args.db, args.repeat)
    print(f"baseline again: {again.baseline_wall_s:.3f} s wall, {again.baseline_cpu_s:.3f} s CPU")
    if args.build:
        from data.store import refresh_anomaly_daily
        wall, cpu, n = time_publish_step(args.build, lambda con: refresh_anomaly_daily(con, force=True),
                                         "SELECT count(*) FROM anomaly_daily")
        print(f"publish step refresh_anomaly_daily on {args.build}: {wall:.2f} s wall, {cpu:.2f} s CPU, {n:,} rows")


if __name__ == "__main__":
    main()
