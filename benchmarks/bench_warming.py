"""What warming the cache after a publish could save the first official, measured on a real server.

    python -m benchmarks.bench_warming --db /tmp/demo.duckdb [--pages 总览,趋势,排行榜] [--query range=last30]

The server runs on the real clock (no DASHBOARD_NOW; the database's last day should be today). For
each page and selection, server CPU (/proc) of:
  1. the first view on a fresh cache (every query and figure computed): what the first official pays;
  2. the same view rerun (everything cached);
  3. the same view after the minute has changed: every key that moves with the clock misses (the
     running window, the live overdue count), every clock-free key hits (ended windows: the 环比 and
     同比 windows of a running one, option lists, polygons; queries/clock_keys.py).
(1) − (3) is the most a warmer of ended windows could save that official; warming it costs about
(1) − (3) of CPU per (page, selection) per publish. The figures go with the publish interval of the
feed (data.simulate publishes every 10 s by default) in docs/performance.md.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import datetime
from pathlib import Path

from benchmarks.bench_rerun_cpu import PAGES, Session, cpu_seconds, server


async def _view(url: str, pid: int, page: str, query: str) -> float:
    import websockets

    async with websockets.connect(url, subprotocols=["streamlit"], max_size=2 ** 28, open_timeout=120,
                                  ping_interval=None) as ws:
        s = Session(ws)
        before = cpu_seconds(pid)
        await s.rerun(page, query)
        return cpu_seconds(pid) - before


def _wait_next_minute() -> None:
    now = datetime.now()
    time.sleep(60.5 - now.second - now.microsecond / 1e6)


def main() -> None:
    from data.config import PROJECT_ROOT

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pages", default="总览,趋势,排行榜")
    parser.add_argument("--query", default="range=last30")
    args = parser.parse_args()
    env = {"DASHBOARD_DB": str(args.db), "DASHBOARD_NOW": ""}
    print(f"database {args.db}, real clock, selection ?{args.query}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<8} | first view, fresh cache | rerun, all cached | next minute (ended windows cached)")
    with server(PROJECT_ROOT / "dashboard.py", env, PROJECT_ROOT) as (url, proc):
        asyncio.run(_view(url, proc.pid, "imports", ""))   # first start: imports, demo check (another page)
        for label in args.pages.split(","):
            page = PAGES[label]
            if datetime.now().second > 45:
                _wait_next_minute()      # all three readings of (1) and (2) inside one minute
            cold = asyncio.run(_view(url, proc.pid, page, args.query))
            cached = asyncio.run(_view(url, proc.pid, page, args.query))
            _wait_next_minute()
            minute = asyncio.run(_view(url, proc.pid, page, args.query))
            print(f"{label:<8} | {cold * 1000:16.0f} ms | {cached * 1000:12.0f} ms | {minute * 1000:12.0f} ms "
                  f"(warming could save {max(0.0, cold - minute) * 1000:.0f} ms, {max(0.0, cold - minute) / cold:.0%})",
                  flush=True)


if __name__ == "__main__":
    main()
