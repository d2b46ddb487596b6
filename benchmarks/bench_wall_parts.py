"""指挥大屏's parts that session 8 changed, before and after, on one published snapshot, frames compared:

    python -m benchmarks.bench_wall_parts SNAPSHOT.duckdb [--repeat 5]

- today by district: area_summary with every AREA_SUMMARY_COLUMNS count (before) against the wall's two
  (queries/wall.py TODAY_COLUMNS; the live count comes from the minute's shared overdue entry in both, so it
  is left out of both here);
- the league's districts (30 days): every count against LEAGUE_COLUMNS;
- today's pace and the 24-hour trend: wall_day_pace + wall_hourly against wall_day_hours;
- the map and the trend figure: built and serialised on every run (before) against once per
  (scope, snapshot, minute) for every screen (after: a store lookup, not timed here).
City-wide, now = the data's last day 16:00; wall and process CPU seconds, best of --repeat; beside the bare
scan of five columns of every case (benchmarks/baseline.py), measured in the same run.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from benchmarks.baseline import best_wall_cpu, open_snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from charts.wall import fit_view, hourly_trend, simplify_shapes, wall_map
    from data.config import load_city, load_wall
    from queries import cases, wall
    from queries.scope import Access
    from ui.figures import SerialisedDeck

    snap = open_snapshot(args.snapshot, args.repeat)
    src, city, config = snap.source, load_city(), load_wall()
    s = wall.wall_scopes(snap.now, Access.city("bench"), league_days=config.league_days,
                         exclude_shelved=city.exclude_shelved_from_filed, exclude_deferred=city.exclude_deferred_from_due)
    n = src.cursor().execute("SELECT count(*) FROM cases").fetchone()[0]
    print(f"{args.snapshot}: {n:,} cases; now {snap.now}; best of {args.repeat}, wall / CPU seconds")
    print(f"baseline: bare scan of five columns of every case {snap.baseline_wall_s:.3f} / {snap.baseline_cpu_s:.3f} s")

    def both_ways(label: str, before, after, same) -> float:
        bw, bc, b = best_wall_cpu(before, args.repeat)
        aw, ac, a = best_wall_cpu(after, args.repeat)
        same(a, b)
        print(f"{label:<34} before {bw:6.3f} / {bc:6.3f}   after {aw:6.3f} / {ac:6.3f}   after/before {aw / bw:4.2f} (wall)")
        return bw - aw

    def subset(a, b):
        pd.testing.assert_frame_equal(a, b[list(a.columns)], check_exact=True)

    saved = both_ways("today by district",
                      lambda: cases.area_summary(src, s.today, 1, live=False),
                      lambda: cases.area_summary(src, s.today, 1, wall.TODAY_COLUMNS, live=False), subset)
    saved += both_ways("the league's districts (30 days)",
                       lambda: cases.area_summary(src, s.league, 1, live=False),
                       lambda: cases.area_summary(src, s.league, 1, wall.LEAGUE_COLUMNS, live=False), subset)

    def day_same(a, b):
        pd.testing.assert_series_equal(wall.pace_of(a), b[0], check_exact=True)
        pd.testing.assert_frame_equal(wall.hourly_of(a), b[1], check_exact=True)

    saved += both_ways("pace + 24-hour trend",
                       lambda: (wall.day_pace(src, s.pace), wall.hourly(src, s.hours)),
                       lambda: wall.day_hours(src, s.hours), day_same)

    ref = s.today   # polygons as the wall simplifies them (ui/wall.py)
    districts_shapes = simplify_shapes(cases.area_shapes(src, ref, 1), 0.004)
    streets = simplify_shapes(cases.area_shapes(src, ref, 2), 0.004)
    districts = wall.district_today(src, s.today, config.min_cell_count).merge(
        districts_shapes[["area_code", "geojson"]], on="area_code", how="left")
    spots = wall.hotspots(src, s.today, config.hotspot_hours, config.hotspot_cell_degrees, config.min_cell_count)
    hourly = wall.hourly(src, s.hours)
    view = fit_view(districts_shapes, 1000, 500)
    fw, fc, _ = best_wall_cpu(lambda: (SerialisedDeck(wall_map(districts, streets, spots, view=view,
                                                                 min_count=config.min_cell_count)),
                                       hourly_trend(hourly).to_json()), args.repeat)
    print(f"{'map + trend figures, built':<34} {fw:6.3f} / {fc:6.3f} per screen and refresh before; once per "
          f"(scope, snapshot, minute) after")
    print(f"queries above, saved per cold view: {saved:.3f} s wall")


if __name__ == "__main__":
    main()
