"""The page table of issue 13: each page run as the page runs it (Streamlit AppTest through the entry
script, the menu's way), cold with every cache cleared, then rerun with its queries cached.

    python -m benchmarks.bench_page_table /tmp/h13-1m.duckdb /tmp/h13-10m.duckdb [--pages 总览,地图] [--repeat 2]

Prints per database and page: server time cold for 近30天 and for two years (wall seconds; the
script, every query and every figure built; AppTest's scan of installed packages for custom
components, which a server does once at start, is done once per process: benchmarks/apptest.py; each
page is run once for 今天 before the table, so its modules are imported and the process's per-snapshot
facts known, as on a server that has shown the page before, and every cache is cleared before its cold
run), and the CPU seconds of a rerun with every query cached (process CPU: Python plus any DuckDB work left).
With --alerts-ticked the city's 预警 are evaluated before each cold run, outside the clock, as a server's
alert ticker does at the start of each minute (ui/alert_ticker.py); without it each cold page evaluates them.
Baseline, measured in the same run on the same database: a bare DuckDB scan of five raw columns of every case (what no case-level query can beat).
The machine is shared: compare ratios to the baseline, not absolute seconds across runs.
"""
from __future__ import annotations

import argparse
import os
import time
from datetime import timedelta
from pathlib import Path

from benchmarks import apptest
from benchmarks.baseline import BASELINE_SQL

PAGES = {
    "总览": "dashboard.py", "地图": "pages/map.py", "趋势": "pages/trends.py", "排行榜": "pages/league.py",
    "案件": "pages/cases.py", "党建·志愿": "pages/party.py", "口径说明": "pages/definitions.py",
    "指挥大屏": "pages/wall.py",
}


PER_RUN_DISCOVERY = False   # --per-run-discovery: each page pays AppTest's component scan (figures before session 8)


def _run(page: str, params: dict[str, str]):
    return apptest.app(page, params, timeout=600, per_run_discovery=PER_RUN_DISCOVERY)


def _timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def ticked(cache) -> None:
    """What a server's alert ticker has done by the time a view arrives: this minute's city-wide evaluation."""
    from ui.alert_ticker import AlertTicker

    ticker = AlertTicker()
    ticker.hand(cache.results(), cache.reader())
    ticker.tick()


def baseline(db: Path, repeat: int) -> tuple[int, float, object]:
    from queries.db import connect_readonly
    from data.config import published_path

    con = connect_readonly(published_path(db))
    n, last = con.execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
    best = min(_timed(lambda: con.execute(BASELINE_SQL, {"t": last - timedelta(days=29)}).fetchall())[0]
               for _ in range(repeat))
    con.close()
    return n, best, last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dbs", nargs="+", type=Path, help="writers' database files (their published snapshot is read)")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--repeat", type=int, default=2, help="cached reruns per page (best is shown)")
    parser.add_argument("--per-run-discovery", action="store_true",
                        help="scan installed packages for components on every page's cold run, as AppTest does per "
                             "new object (a server scans once at start; the page table did per page before session 8)")
    parser.add_argument("--alerts-ticked", action="store_true",
                        help="before each cold run, evaluate the city's 预警 as a server's alert ticker does at the "
                             "start of each minute (ui/alert_ticker.py), outside the clock: the cold view a server "
                             "serves; without it every cold page evaluates them itself, as before session 9")
    parser.add_argument("--no-page-warmup", action="store_true",
                        help="cold figures include each page's first run in the process (its imports), as the "
                             "table did before session 8 for every page but 总览")
    args = parser.parse_args()
    global PER_RUN_DISCOVERY
    PER_RUN_DISCOVERY = args.per_run_discovery
    import streamlit as st

    from ui import cache

    for db in args.dbs:
        os.environ["DASHBOARD_DB"] = str(db)
        n, base, last = baseline(db, 3)
        os.environ["DASHBOARD_NOW"] = f"{last}T16:00:00"
        two_years = {"range": "custom", "start": str(last - timedelta(days=730)), "end": str(last)}
        ranges = {"近30天": {"range": "last30"}, "两年": two_years}
        print(f"\n{db} — {n:,} cases; now pinned to {last} 16:00; baseline (bare scan of 5 columns) {base:.3f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        if not PER_RUN_DISCOVERY:
            scan, _ = _timed(apptest._discovered)   # a server's start-up, once per process: not a page's cost
            print(f"component scan of installed packages (a server does it once at start): {scan:.2f} s")
        # imports and first-use set-up are not a page's cost: a server pays them on the first view of each page
        for page in ["dashboard.py"] if args.no_page_warmup else [PAGES[label] for label in args.pages.split(",")]:
            _run(page, {} if page == "pages/wall.py" else {"range": "today"}).run()
        print(f"{'page':<8} {'range':<6} {'cold s':>7} {'×base':>6} {'cached rerun CPU s':>19} {'wall s':>7}")
        for label in args.pages.split(","):
            page = PAGES[label]
            for range_label, params in ranges.items():
                if page == "pages/wall.py" and range_label != "近30天":
                    continue            # the wall has no range: it shows today
                st.cache_data.clear()
                cache.results().clear()   # query results, figures and derived tables of every earlier run
                if args.alerts_ticked:
                    ticked(cache)
                at = _run(page, params)
                cold, _ = _timed(at.run)
                if at.exception:
                    print(f"{label:<8} {range_label:<6} exception: {at.exception[0].message[:80]}")
                    continue
                reruns = [_timed(at.run) for _ in range(args.repeat)]
                wall, cpu = min(reruns, key=lambda r: r[1])
                print(f"{label:<8} {range_label:<6} {cold:7.2f} {cold / base:6.1f} {cpu:19.3f} {wall:7.3f}")


if __name__ == "__main__":
    main()
