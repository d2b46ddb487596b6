"""Median and P90 of working hours by rank (queries/kpi_daily.ranked_quantiles: case_durations and
case_duration_days, built at publish) against the case-level query (kpi_durations.sql), on a published
snapshot, read-only:

    python -m benchmarks.bench_duration_ranks /tmp/x-10m.published.duckdb [--repeat 3]

For 近30天, 92 days, 去年 and 两年 ending at the data's last day (now = that day 16:00), and for the whole
city, the city by district, one district filtered and a district grant, prints the wall and process CPU
seconds (best of --repeat) of one measure (处置时长, then 结案时长) both ways, with a bare scan of five
columns of every case measured in the same run as the baseline; the two frames are compared exactly
(it stops if they differ). Also the rows of both tables."""
from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import best_wall_cpu, open_snapshot
from data.config import load_city
from queries import kpi_daily
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Access, Scope


def windows(last: date) -> dict[str, tuple[date, date]]:
    return {"近30天": (last - timedelta(days=29), last + timedelta(days=1)),
            "92天": (last - timedelta(days=91), last + timedelta(days=1)),
            "去年": (date(last.year - 1, 1, 1), date(last.year, 1, 1)),
            "两年": (last - timedelta(days=730), last + timedelta(days=1))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    snap = open_snapshot(args.db, args.repeat)
    src, cur, last, district, now = snap.source, snap.source.cursor(), snap.last_day, snap.district, snap.now
    bw, bc = snap.baseline_wall_s, snap.baseline_cpu_s
    sizes = [cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - constant table names
             for t in ("case_durations", "case_duration_days")]
    city = load_city()
    print(f"{args.db}: case_durations {sizes[0]:,} rows, case_duration_days {sizes[1]:,} rows; now {now}; "
          f"district {district}")
    print(f"baseline (bare scan of 5 columns of every case): {bw:.3f} s wall / {bc:.3f} s CPU")
    print(f"{'window':<6} {'selection':<18} {'measure':<7} {'kpi_durations.sql wall / CPU':>30} {'by rank wall / CPU':>26}  CPU ratio")
    selections = {"city": ({}, "all"), "city by district": ({}, "district"),
                  "district filter": ({"districts": (district,)}, "all"),
                  "district grant": ({"access": Access.for_districts((district,), "benchmark")}, "all")}
    for label, (start, end) in windows(last).items():
        for who, (kw, by) in selections.items():
            filters = {k: v for k, v in kw.items() if k != "access"}
            scope = apply_rules(Scope(start, end, kw.get("access", Access.city("benchmark")), now, **filters), city)
            assert kpi_daily.ranks_apply(scope, by), (label, who)
            for measure in kpi_daily.DURATION_MEASURES:
                cw, cc, want = best_wall_cpu(lambda: fetch(src, "kpi_durations", scope, by=by, measure=measure),
                                             args.repeat)
                rw, rc, got = best_wall_cpu(lambda: kpi_daily.ranked_quantiles(src, scope, by, measure), args.repeat)
                pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=True)
                print(f"{label:<6} {who:<18} {measure:<7} {cw:8.3f} / {cc:.3f} s ({cc / bc:4.1f}×) "
                      f"{rw:8.3f} / {rc:.3f} s ({rc / bc:4.1f}×)  {cc / rc:5.1f}")


if __name__ == "__main__":
    main()
