"""Memory after many distinct selections: the process's result cache (ui/result_cache.py) with a
byte budget, filled by the queries 总览 runs for 1,000 distinct selections.

    python -m benchmarks.bench_cache_memory /tmp/demo.duckdb --selections 1000 --budget-mb 32

Prints RSS of this process, bytes and entries held, and evictions after every quarter. Baseline in
the same run: RSS after the first selection (the database and the code loaded). The server holds
one such cache per process; DASHBOARD_CACHE_MB sets its budget.
"""
from __future__ import annotations

import argparse
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.bench_load import RssSampler, selections
from data.config import published_path
from queries import cases as q
from queries.kpis import apply_rules
from queries.db import SnapshotReader
from queries.scope import Access, Scope
from data.config import load_city
from ui.filters import preset_window
from ui.result_cache import ResultCache


def scope_of(query: str, day, now: datetime) -> Scope:
    params = dict(p.split("=", 1) for p in query.split("&"))
    start, end = preset_window(params["range"], day)
    return Scope(start, end, Access.demo(), now, districts=(params["district"],) if "district" in params else None,
                 streets=(params["street"],) if "street" in params else None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--selections", type=int, default=1000)
    parser.add_argument("--budget-mb", type=int, default=32)
    args = parser.parse_args()
    path = published_path(args.db)
    queries = selections(path)      # before the reader opens the file with its own configuration
    reader = SnapshotReader(path)
    day = reader.cursor().execute("SELECT max(reported_date) FROM cases").fetchone()[0]
    city = load_city()
    cache = ResultCache(args.budget_mb * 2 ** 20, ttl_seconds=3600)
    mark = max(1, args.selections // 4)
    t0 = time.perf_counter()
    for i in range(args.selections):
        # distinct selections: the query strings, each at another minute once they run out
        now = datetime.combine(day, datetime.min.time()) + timedelta(hours=9, minutes=i // len(queries))
        scope = apply_rules(scope_of(queries[i % len(queries)], day, now), city)
        level = 2 if scope.districts else 1
        for name, fn in (("kpis", lambda: q.case_kpis(reader, scope)),
                         ("areas", lambda: q.area_summary(reader, scope, level)),
                         ("daily", lambda: q.daily_trend(reader, scope)),
                         ("league", lambda: q.unit_league(reader, scope, city.league_min_volume))):
            cache.get((name, scope), fn)
        if i == 0:
            print(f"{args.db}: budget {args.budget_mb} MB; RSS after the first selection (baseline) "
                  f"{RssSampler.rss_mb(__import__('os').getpid()):.0f} MB")
        if (i + 1) % mark == 0:
            print(f"  after {i + 1:>5} selections: RSS {RssSampler.rss_mb(__import__('os').getpid()):6.0f} MB, "
                  f"cache {cache.total_bytes / 2 ** 20:6.1f} MB in {len(cache)} entries, {cache.evictions} evicted, "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
