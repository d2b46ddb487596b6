"""Where one cold page run spends its query time: every `queries.runner.fetch` of one page, run as the page
runs it (Streamlit AppTest through the entry script) in a fresh process, timed per query name.

    python -m benchmarks.profile_page WRITERS.duckdb dashboard.py|pages/x.py last30|2y [--now 2026-12-07T16:00:00]

WRITERS.duckdb is the writers' file (the dashboard reads its published snapshot beside it; an older
schema is republished on open). `2y` is two years ending on the clock's day; anything else is passed as
the `range` URL parameter (last30, month, ...). Prints the page's wall time (it includes the fresh
process's start-up: DuckDB's default connection, first composition of each query name — read it as an upper
bound, bench_page_table gives the page table; AppTest's component scan, which a server does once at start, is
done before the clock starts: benchmarks/apptest.py) and, per query name, the calls, wall and process
CPU seconds, dearest first. The calls are the page's own, so a query asked twice shows n=2.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import time
from collections import defaultdict
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def range_params(range_arg: str, now_iso: str) -> dict[str, str]:
    """The URL parameters of `range_arg`: 2y = the two years ending on `now_iso`'s day."""
    if range_arg != "2y":
        return {"range": range_arg}
    end = now_iso[:10]
    return {"range": "custom", "start": str(int(end[:4]) - 2) + end[4:], "end": end}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("page", help="dashboard.py or pages/<name>.py")
    parser.add_argument("range", help="2y, or a range parameter such as last30")
    parser.add_argument("--now", default="2026-12-07T16:00:00", help="DASHBOARD_NOW (the pinned clock)")
    args = parser.parse_args()
    os.environ["DASHBOARD_DB"] = str(args.db)
    os.environ["DASHBOARD_NOW"] = args.now

    import queries
    from queries import runner

    real_fetch = runner.fetch
    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])

    def timed_fetch(source, name, scope, **kw):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return real_fetch(source, name, scope, **kw)
        finally:
            entry = stats[name]
            entry[0] += 1
            entry[1] += time.perf_counter() - wall
            entry[2] += time.process_time() - cpu

    # every query module imported `fetch` by name: patch each module's reference
    for info in pkgutil.iter_modules(queries.__path__):
        module = importlib.import_module("queries." + info.name)
        if getattr(module, "fetch", None) is real_fetch:
            module.fetch = timed_fetch

    from benchmarks import apptest

    app = apptest.app(args.page, range_params(args.range, args.now))
    apptest._discovered()   # once per process, as a server's start does: not the page's cost
    started = time.perf_counter()
    app.run()
    print(f"page wall {time.perf_counter() - started:.2f} s; exceptions: {[e.message[:100] for e in app.exception]}")
    for name, (calls, wall, cpu) in sorted(stats.items(), key=lambda kv: -kv[1][1]):
        print(f"{name:28s} n={int(calls):2d} wall {wall:7.3f} cpu {cpu:7.3f}")


if __name__ == "__main__":
    main()
