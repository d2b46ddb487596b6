"""Measured figures of 预警研判 on a demo database (data/demo_anomalies.py plants the anomalies):

    python -m data.seed --db /tmp/demo.duckdb --today 2026-11-23
    python -m benchmarks.bench_signals /tmp/demo.duckdb [YYYY-MM-DDTHH:MM]

1. 预计办结 calibration: of the cases dispatched in the last closed quarter, the share that closed
   within the P90 learned before the quarter (should be near 90%); baseline in the same run: the
   share that closed within their official closing deadline (deadline_at), the fixed estimate.
2. 异动 false alarms on the quiet history: the detector run at 10:00 and 18:00 of each of the 56 days
   that end a week before "now" (before anything was planted), alarms per run and per street × 小类
   cell tested; baseline in the same run: a naive rule (at least twice the usual mean and >= min_count).
   Then the alarms at "now": planted ones found, others.
3. Query times (median of 3 after a warm-up) beside case_kpis of the same 30 days.

With --expected (any size; at 10M run under `flock /work/bigmem.lock`) only 预计办结's two queries, each
both ways — clocking every case in the query (*_clocked.sql, before) and from the working minutes
clocked at publish (after) — best wall and process CPU of --repeat runs, the frames checked identical,
beside a bare scan of five columns in the same run:

    python -m benchmarks.bench_signals DB [YYYY-MM-DDTHH:MM] --expected [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd

from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_wall_cpu
from data.signals_config import load_signals
from queries import anomalies, expected, handoffs, recurrence, reporters
from queries import cases as case_queries
from queries.db import connect_readonly
from queries.runner import fetch
from queries.scope import Access, Scope
from queries.worktime_sql import office_params


def scope_at(now: datetime, days: int = 30) -> Scope:
    return Scope(now.date() - timedelta(days=days - 1), now.date() + timedelta(days=1), Access.demo(), now_at=now)


def main(db: str, now_text: str | None) -> None:
    con = connect_readonly(db)
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    now = datetime.fromisoformat(now_text or meta["data_as_of"])
    config = load_signals()
    cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    print(f"{db}: {cases:,} cases, now {now:%Y-%m-%d %H:%M}")

    quarter = expected.last_closed_quarter(now.date())
    scope = scope_at(now)
    calib = expected.calibration(con, scope, quarter, config.expected_window_days, config.expected_min_cases)
    overall = calib[calib.level == "all"].iloc[0]
    q_start, q_end = (datetime.combine(d, datetime.min.time()) for d in quarter)
    official = con.execute("""
        SELECT count(*) FILTER (WHERE coalesce(closed_at, $now) <= deadline_at), count(*)
        FROM cases WHERE dispatched_at >= $a AND dispatched_at < $b AND NOT is_cancelled AND NOT is_shelved
          AND NOT is_self_handled AND deadline_at IS NOT NULL AND (closed_at IS NOT NULL OR $now > deadline_at)""",
                           {"a": q_start, "b": q_end, "now": now}).fetchone()
    print(f"\n预计办结 calibration, {expected.quarter_label(quarter)}: {int(overall.within_p90):,} of {int(overall.cases):,} "
          f"closed within the predicted P90 = {overall.rate * 100:.1f}% (target 90%); undecided {int(overall.undecided)}")
    for r in calib[calib.level != "all"].itertuples():
        print(f"  by rule {r.level:<14} {int(r.within_p90):>7,} / {int(r.cases):>7,} = {r.rate * 100:.1f}%")
    print(f"  baseline, official closing deadline: {official[0]:,} / {official[1]:,} = {official[0] / official[1] * 100:.1f}%")

    planted = json.loads(meta.get("demo_anomalies", "{}"))
    planted_cells = {(p["street_code"], p["category_code"]) for p in planted.values()}
    runs, cells, alarms, naive = 0, 0, 0, 0
    examples = []
    for days_back in range(8, 64):
        for hour in (10, 18):
            at = (now - timedelta(days=days_back)).replace(hour=hour, minute=0)
            counts = anomalies.anomaly_counts(con, scope_at(at), config.anomaly_weeks)
            found = anomalies.detect(counts, config.anomaly_p, config.anomaly_min_count)
            runs += 1
            cells += 2 * len(counts)
            alarms += len(found)
            examples += [(at, r.street_name, r.minor_name, r.span, r.observed, round(r.expected, 2)) for r in found.itertuples()]
            for span, (obs, base, _) in anomalies.SPANS.items():
                mean = counts[base] / counts["weeks"]
                naive += int(((counts[obs] >= config.anomaly_min_count) & (counts[obs] >= 2 * mean)).sum())
    print(f"\n异动 on the quiet history ({runs} runs over 56 days; p < {config.anomaly_p:g}, at least "
          f"{config.anomaly_min_count}, {config.anomaly_weeks}-week baseline):")
    print(f"  alarms: {alarms} = {alarms / runs:.3f} per run, {alarms / max(cells, 1):.2e} per street × 小类 × span tested "
          f"({cells:,} tested)")
    print(f"  baseline, naive rule (>= 2 × usual mean and >= {config.anomaly_min_count}): {naive} = {naive / runs:.2f} per run")
    for e in examples[:10]:
        print("   ", e)
    found_now = anomalies.anomalies(con, scope, config.anomaly_weeks, config.anomaly_p, config.anomaly_min_count)
    hits = {(r.street_code, r.category_code) for r in found_now.itertuples()}
    print(f"  at now: {len(found_now)} alarms; planted cells found {len(hits & planted_cells)} of {len(planted_cells)}; "
          f"other cells {len(hits - planted_cells)}")

    timings = {
        "case_kpis (baseline, 30 days)": lambda: case_queries.case_kpis(con, scope),
        "expected_stats (180-day model)": lambda: expected.expected_stats(con, scope, expected.window_end(scope), 180),
        "expected_calibration (quarter)": lambda: expected.calibration(con, scope, quarter, 180, config.expected_min_cases),
        "handoff_units (30 days)": lambda: handoffs.unit_handoffs(con, scope),
        "handoff_pairs (30 days)": lambda: handoffs.handoff_pairs(con, scope),
        "recurrence_rates by unit (30 days)": lambda: recurrence.recurrence_rates(con, scope, "unit", 30, 100),
        "recurrence_pairs (30 days)": lambda: recurrence.recurrence_pairs(con, scope, 30, 100),
        "same_issue (30 days)": lambda: reporters.same_issue(con, scope, 72, 3),
        "repeat_reporters (30 days)": lambda: reporters.repeat_reporters(con, scope, 3),
        "anomalies (now)": lambda: anomalies.anomalies(con, scope, 8, config.anomaly_p, config.anomaly_min_count),
        "rising_categories": lambda: anomalies.rising_categories(con, scope, 5),
    }
    print("\nquery times (median of 3):")
    base = None
    for name, fn in timings.items():
        s = median_seconds(fn, runs=3)
        base = base or s
        print(f"  {name:<38} {s * 1000:8.0f} ms  {s / base:5.1f}× case_kpis")


def median_seconds(fn, runs: int = 3) -> float:
    """Median wall seconds of `runs` calls of fn after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


def bench_expected(db: str, now_text: str | None, repeat: int) -> None:
    """预计办结 before (clocked per case in the query) and after (minutes clocked at publish)."""
    con = connect_readonly(db)
    source = ConnectionSource(con)
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    now = datetime.fromisoformat(now_text or meta.get("data_as_of") or meta["data_last_at"])
    cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    built = expected.clocked_at_publish(source, scope_at(now), office_params())
    day_built = expected.built_for(source, scope_at(now), expected.window_end(scope_at(now)),
                                   load_signals().expected_window_days, office_params())
    print(f"{db}: {cases:,} cases, now {now:%Y-%m-%d %H:%M}, minutes clocked at publish: {built}, "
          f"预计办结 built for this day (expected_stats_day): {day_built}")
    quarter_built = expected.calibration_built_for(
        source, scope_at(now), expected.last_closed_quarter(now.date()), load_signals().expected_window_days,
        load_signals().expected_min_cases, office_params())
    print(f"calibration built for the last closed quarter (expected_calibration_closed / _open): {quarter_built}")
    if not built:
        raise SystemExit("the snapshot has no working minutes for these office hours: republish it first")
    config = load_signals()
    quarter = expected.last_closed_quarter(now.date())
    q_start, q_end = (datetime.combine(d, datetime.min.time()) for d in quarter)
    office = office_params()
    t = datetime.combine(now.date() - timedelta(days=30), datetime.min.time())
    base_wall, base_cpu, _ = best_wall_cpu(lambda: con.execute(BASELINE_SQL, {"t": t}).fetchall(), repeat)
    print(f"baseline, bare scan of five columns: {base_wall * 1000:.0f} ms wall, {base_cpu * 1000:.0f} ms CPU "
          f"(best of {repeat})\n")
    district = con.execute("SELECT min(district_code) FROM cases").fetchone()[0]
    grants = [("city", Access.demo()), (f"district {district}", Access.for_districts((district,), district))]
    print(f"{'query':<36} {'grant':<16} {'before wall / CPU':>22} {'after wall / CPU':>22} {'before/after':>12}")
    for label, access in grants:
        scope = replace(scope_at(now), access=access)
        as_of = expected.window_end(scope)
        runs = {
            "expected_stats": (
                lambda: fetch(source, "expected_stats_clocked", scope, as_of=as_of,
                              window_days=config.expected_window_days, **office),
                lambda: fetch(source, "expected_stats", scope, as_of=as_of, window_days=config.expected_window_days)),
            "expected_calibration": tuple(
                lambda name=name, built=built: fetch(source, name, scope.unfiltered(), q_start=q_start, q_end=q_end,
                                        window_days=config.expected_window_days,
                                        min_volume=config.expected_min_cases, **office, **built)
                for name, built in (("expected_calibration_clocked", {}), ("expected_calibration", {"built": False}))),
            # the page path (probe + expected_stats_day) when the snapshot was published on `now`'s day,
            # against the query it replaces (section 6e)
            "expected_stats (day)": (
                lambda: fetch(source, "expected_stats", scope.unfiltered(), as_of=as_of,
                              window_days=config.expected_window_days),
                lambda: expected.expected_stats(source, scope.unfiltered(), as_of, config.expected_window_days)),
            # the page path (probe + expected_calibration_closed / _open judged against now) when the
            # snapshot was published in the quarter after `quarter`, against the model in the query (6e)
            "expected_calibration (quarter built)": (
                lambda: fetch(source, "expected_calibration", scope.unfiltered(), q_start=q_start, q_end=q_end,
                              window_days=config.expected_window_days, min_volume=config.expected_min_cases,
                              built=False, **office),
                lambda: expected.calibration(source, scope.unfiltered(), quarter, config.expected_window_days,
                                             config.expected_min_cases).drop(columns="rate")),
        }
        for name, (before, after) in runs.items():
            b_wall, b_cpu, b_frame = best_wall_cpu(before, repeat)
            a_wall, a_cpu, a_frame = best_wall_cpu(after, repeat)
            pd.testing.assert_frame_equal(a_frame, b_frame, check_exact=True)
            print(f"{name:<36} {label:<16} {b_wall * 1000:7.0f} / {b_cpu * 1000:5.0f} ms ({b_wall / base_wall:4.1f}×)"
                  f" {a_wall * 1000:7.0f} / {a_cpu * 1000:5.0f} ms ({a_wall / base_wall:4.1f}×) {b_wall / a_wall:10.1f}×")
    print("\n(× = wall time over the bare scan's; frames of before and after identical, checked exactly)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("now", nargs="?", help="YYYY-MM-DDTHH:MM (default: meta data_as_of)")
    parser.add_argument("--expected", action="store_true", help="only 预计办结, before and after")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.expected:
        bench_expected(args.db, args.now, args.repeat)
    else:
        main(args.db, args.now)
