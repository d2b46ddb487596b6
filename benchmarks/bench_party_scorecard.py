"""党建·志愿's pairing scorecard with its due counts read from the cases (before session 8) and from
community_due_daily plus the cases not settled at publish (now: queries/community_due_daily.py), on a
published snapshot whose tables were built today (SCHEMA_VERSION 21 or later).

    python -m benchmarks.bench_party_scorecard SNAPSHOT.duckdb [--repeat 3] [--now 2026-12-07T16:00:00]

Windows 近30天 and 两年 ending on now's day, the whole city and the district with most cases. For each,
process CPU seconds (best of --repeat) and the wall of the best run for both paths, beside a bare scan of
five columns of every case measured in the same run (read the ratios: the machine is shared). The
frames are compared exactly; it stops if they differ, or if the table cannot answer (built another day).
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_cpu
from queries import community_due_daily, party
from queries.db import connect_readonly
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Access, Scope


def best(fn, repeat: int) -> tuple[float, float, pd.DataFrame]:
    """(least CPU, wall of that run, frame) of `repeat` calls of fn."""
    out = (float("inf"), 0.0, None)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        frame = fn()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if cpu < out[0]:
            out = (cpu, wall, frame)
    return out


def main() -> None:
    from data.config import load_city

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--now", default="2026-12-07T16:00:00", help="the clock (the publish day: the table's day)")
    args = parser.parse_args()
    now_at = datetime.fromisoformat(args.now)
    src = ConnectionSource(connect_readonly(args.db))
    cur = src.cursor()
    district = cur.execute("SELECT district_code FROM cases WHERE district_code IS NOT NULL "
                           "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    rows = cur.execute("SELECT count(*) FROM community_due_daily").fetchone()[0]
    base_sql = {"t": date(now_at.year, 1, 1)}
    base, _ = best_cpu(lambda: src.cursor().execute(BASELINE_SQL, base_sql).fetchall(), args.repeat)
    print(f"{args.db}: now {now_at}, community_due_daily {rows:,} rows; CPU s best of {args.repeat} (wall of that run)")
    print(f"baseline: bare scan of five columns of every case {base:.3f} s CPU")
    print(f"{'window':8} {'selection':10} {'cases CPU':>9} {'(wall)':>7} {'table CPU':>9} {'(wall)':>7} "
          f"{'cases/base':>10} {'table/base':>10}")
    rules = apply_rules(Scope(now_at.date(), now_at.date()), load_city())
    end = now_at.date() + timedelta(days=1)
    for label, days in (("近30天", 30), ("两年", 730)):
        for who, access in (("city", Access.city("全市")), (district, Access.for_districts((district,), "区县"))):
            scope = replace(rules, start_date=end - timedelta(days=days), end_date=end, access=access, now_at=now_at)
            if community_due_daily.settled_before(src, scope) is None:
                raise SystemExit(f"community_due_daily cannot answer {label} {who}: built for another day or rules")
            cases = best(lambda s=scope: fetch(src, "party_pairing_scorecard", s, from_community_due_daily=False),
                         args.repeat)
            table = best(lambda s=scope: party.pairing_scorecard(src, s), args.repeat)
            pd.testing.assert_frame_equal(table[2], cases[2], check_exact=True)
            print(f"{label:8} {who:10} {cases[0]:9.3f} {cases[1]:7.3f} {table[0]:9.3f} {table[1]:7.3f} "
                  f"{cases[0] / base:10.1f} {table[0] / base:10.1f}")
    again, _ = best_cpu(lambda: src.cursor().execute(BASELINE_SQL, base_sql).fetchall(), args.repeat)
    print(f"baseline again: {again:.3f} s CPU")


if __name__ == "__main__":
    main()
