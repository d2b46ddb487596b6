"""The fixed cost every page pays, and 案件's default list, before and after session 7, in one process.

    python -m benchmarks.bench_fixed_costs /tmp/h13-10m.published.duckdb [--repeat 5]

(the PUBLISHED snapshot, read-only). Prints, each with the bare scan of five columns (benchmarks/baseline.py)
measured in the same run:
  compose   — a query name's first composition in a process: the prefix split per name (before) against
              split once (queries/runner._prefix_relations), mean over every query file;
  probes    — the five build probes (kpi_daily_rules, ...) asked per call (before: a connection, as a
              page asked them) against asked on a pinned Snapshot (queries/snapshot_facts: one query per
              version), mean per call after the first;
  case list — the default list of 案件 (in_reported, newest first, page 1 of 50) and its count, for 近30天
              and 两年, city and the largest district: case_list.sql / case_count.sql with $set =
              'in_reported' (before) against case_list_reported.sql / case_count_reported.sql (after),
              best wall of `repeat`; the ids and totals are checked equal.
"""
from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from benchmarks.baseline import best_wall_cpu, open_snapshot


def _compose_ms() -> tuple[float, float]:
    """(mean ms per query name splitting the prefix each time, mean ms with the split kept)."""
    from queries import runner

    names = sorted(p.stem for p in runner.SQL_DIR.glob("*.sql") if not p.stem.startswith("_"))
    prefix = runner.load_sql("_scoped").rstrip()
    before = []
    for name in names:
        runner._prefix_relations.cache_clear()
        t = time.perf_counter()
        runner._prefix_relations(prefix)
        runner.compose_text(runner.load_sql(name))
        before.append(time.perf_counter() - t)
    runner._prefix_relations(prefix)
    after = []
    for name in names:
        t = time.perf_counter()
        runner.compose_text(runner.load_sql(name))
        after.append(time.perf_counter() - t)
    return statistics.mean(before) * 1000, statistics.mean(after) * 1000


def _probes_ms(con, scope, repeat: int) -> tuple[float, float]:
    """(mean ms per probe call asked every time, mean ms per call on a pinned Snapshot after its first)."""
    from queries import snapshot_facts
    from queries.db import Snapshot
    from queries.runner import fetch

    pinned = Snapshot("bench", con)
    snapshot_facts.clear()
    for name in snapshot_facts.PROBES:
        snapshot_facts.row(pinned, name, scope)
    per_call, kept = [], []
    for _ in range(repeat):
        for name in sorted(snapshot_facts.PROBES):
            t = time.perf_counter()
            fetch(con, name, scope)
            per_call.append(time.perf_counter() - t)
            t = time.perf_counter()
            snapshot_facts.row(pinned, name, scope)
            kept.append(time.perf_counter() - t)
    return statistics.mean(per_call) * 1000, statistics.mean(kept) * 1000


def main() -> None:
    from data.config import load_city
    from queries.kpis import apply_rules
    from queries.runner import fetch
    from queries.scope import Access, Scope

    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path, help="a published snapshot (read-only)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    snap = open_snapshot(args.db, args.repeat)
    src = snap.source
    print(f"{args.db}: baseline (bare scan of 5 columns) {snap.baseline_wall_s * 1000:.1f} ms wall; "
          f"now pinned to {snap.now}")
    end = snap.last_day + timedelta(days=1)
    rules = apply_rules(Scope(end, end), load_city())
    before, after = _compose_ms()
    print(f"compose, first time per query name in a process: {before:.2f} -> {after:.2f} ms (mean per name)")
    city = replace(rules, start_date=end - timedelta(days=30), end_date=end, now_at=snap.now, access=Access.city("全市"))
    before, after = _probes_ms(src.con, city, args.repeat)
    print(f"build probe, per call: {before:.2f} -> {after:.3f} ms (总览 asked 5 per first view, 地图 and 案件 1)")
    print(f"{'案件 default list':<28} {'before ms':>10} {'after ms':>10} {'×base after':>12}  same")
    page = {"sort": "reported_at", "descending": True, "limit": 50, "offset": 0}
    for grant, access in (("city", Access.city("全市")), ("district", Access.for_districts((snap.district,), "区县"))):
        for label, days in (("近30天", 30), ("两年", 731)):
            scope = replace(rules, start_date=end - timedelta(days=days), end_date=end, now_at=snap.now, access=access)
            runs = {
                "list": (lambda: fetch(src, "case_list", scope, set="in_reported", **page),
                         lambda: fetch(src, "case_list_reported", scope, **page)),
                "count": (lambda: fetch(src, "case_count", scope, set="in_reported"),
                          lambda: fetch(src, "case_count_reported", scope)),
            }
            for what, (old, new) in runs.items():
                w_old, _, r_old = best_wall_cpu(old, args.repeat)
                w_new, _, r_new = best_wall_cpu(new, args.repeat)
                same = r_old.reset_index(drop=True).equals(r_new.reset_index(drop=True))
                print(f"{grant + ' ' + label + ' ' + what:<28} {w_old * 1000:10.1f} {w_new * 1000:10.1f} "
                      f"{w_new / snap.baseline_wall_s:12.2f}  {same}")


if __name__ == "__main__":
    main()
