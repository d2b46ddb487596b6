"""预警 (the alert strip of 总览 and 指挥大屏) before and after session 8, on a published snapshot.

    python -m benchmarks.bench_alerts SNAPSHOT.duckdb [--repeat 5]

For the whole city and the district with most cases, `now` = 16:00 of the data's last day, the alert rules of
city.toml: wall and process CPU seconds (best of --repeat) of
  alert_cases    the open cases the 超期 / 临期 rules name: each case clocked in the query (alert_cases_clocked.sql,
                 before) against the working minutes open_cases holds since SCHEMA_VERSION 22 (alert_cases.sql);
  case_alerts    the same with the rule's Python (row by row before: tests/alerts_reference.py);
  detect         异动's judgement of anomaly_counts' rows (every pair before, those with min_count reports after);
  evaluate       every rule, as ui/alerts.py asks it (city_evaluation once a minute per process city-wide, on its
                 alert ticker's thread; per selection for other grants; the wall every 5 minutes),
beside a bare scan of five columns of every case at the start and the end of the run (the baseline: read the
ratios, the machine is shared). Frames are compared: it stops if before and after differ.
"""
from __future__ import annotations

import argparse
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import best_wall_cpu, open_snapshot, print_open_cases_header
from data.alerts_config import load_alerts
from data.config import load_city
from data.signals_config import load_signals
from queries import alerts, anomalies
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Access, Scope
from queries.worktime_sql import office_params
from tests import alerts_reference


@contextmanager
def before():
    """The alert rules as they were before session 8: every open case clocked in the query, the rules'
    Python row by row (tests/alerts_reference.py)."""
    saved = alerts.minutes_at_publish, alerts.case_alerts, anomalies.detect
    alerts.minutes_at_publish = lambda *a: False
    alerts.case_alerts, anomalies.detect = alerts_reference.case_alerts, alerts_reference.detect
    try:
        yield
    finally:
        alerts.minutes_at_publish, alerts.case_alerts, anomalies.detect = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    snap = open_snapshot(args.db, args.repeat)
    src, last, now, district = snap.source, snap.last_day, snap.now, snap.district
    print_open_cases_header(args.db, snap, args.repeat)
    config, signals, office = load_alerts(), load_signals(), office_params()
    grants = {"全市": Access.city("全市"), f"区 {district}": Access.for_districts((district,), "区")}
    print(f"{'grant':10} {'step':14} {'wall before':>11} {'wall after':>10} {'CPU before':>10} {'CPU after':>9} "
          f"{'after/base':>10} {'x (CPU)':>7}")
    for gname, access in grants.items():
        scope = apply_rules(Scope(last - timedelta(days=30), last + timedelta(days=1), access, now_at=now), load_city())
        counts = anomalies.anomaly_counts(src, scope, signals.anomaly_weeks)
        steps = {
            "alert_cases": lambda: alerts.alert_cases(src, scope, config),
            "case_alerts": lambda: alerts.case_alerts(src, scope, config),
            "detect": lambda: anomalies.detect(counts, signals.anomaly_p, signals.anomaly_min_count),
            "evaluate": lambda: alerts.evaluate(src, scope, config, signals),
        }
        for step, fn in steps.items():
            runs = {}
            for side, ctx in (("before", before), ("after", nullcontext)):
                with ctx():
                    runs[side] = best_wall_cpu(lambda: fn(), args.repeat)
            pd.testing.assert_frame_equal(runs["after"][2], runs["before"][2], check_exact=True)
            (wb, pb, _), (wa, pa, _) = runs["before"], runs["after"]
            print(f"{gname:10} {step:14} {wb:11.3f} {wa:10.3f} {pb:10.3f} {pa:9.3f} "
                  f"{wa / snap.baseline_wall_s:10.2f} {pb / max(pa, 1e-6):7.1f}")
        rows = fetch(src, "alert_cases", scope, near_share=config.near_deadline_share, limit=config.max_case_alerts,
                     **office)
        print(f"{gname:10} ({len(rows):,} case alerts, {len(counts):,} street × 小类 pairs)")
    again = open_snapshot(args.db, args.repeat)
    print(f"baseline again: {again.baseline_wall_s:.3f} s wall, {again.baseline_cpu_s:.3f} s CPU")


if __name__ == "__main__":
    main()
