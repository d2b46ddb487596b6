"""Latency from a case being written to it appearing on the wall: median and p95 over a run.

Seeds a small demo database for today (or uses --db), starts the wall server and the live
simulator, opens /wall in headless Chromium and records when each new case number first shows in
the ticker; the simulator logs when each tick began writing and when its snapshot was published.
Run from the repository root:

    python benchmarks/wall_latency.py [--minutes 3] [--refresh 5] [--tick 10] [--cases-per-day 2000]

The arrival rate is set so that a tick brings fewer new cases than the ticker has rows (6): a case
pushed out of the list by a later one in the same tick would never be seen.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.wall_live import (RECORDER_JS, cases_per_day_for, live_database, percentile,  # noqa: E402
                                  read_ticks, start_simulator, stop_process, wall_city_config)
from tests.browser.harness import browser_page, start_server, stop_server  # noqa: E402


def measure(workdir: Path, *, minutes: float, refresh: float, tick: float, speed: float,
            cases_per_day: float, db: Path | None = None) -> dict:
    db = live_database(db or workdir / "live.duckdb")
    city = wall_city_config(workdir, refresh_seconds=refresh)
    server = start_server({"DASHBOARD_DB": str(db), "DASHBOARD_CITY": str(city)}, workdir / "server.log")
    log = workdir / "ticks.jsonl"
    log.unlink(missing_ok=True)
    simulator = None
    try:
        with browser_page() as (page, requests):
            page.goto(server.url + "/wall?embed=true", wait_until="domcontentloaded")
            page.wait_for_selector(".st-key-wall-heartbeat", state="attached", timeout=120_000)
            page.evaluate(RECORDER_JS)
            simulator = start_simulator(db, tick=tick, speed=speed, cases_per_day=cases_per_day, log=log,
                                        out=workdir / "simulator.log")
            end = time.monotonic() + minutes * 60
            while time.monotonic() < end:
                page.wait_for_timeout(1000)
            stop_process(simulator)
            page.wait_for_timeout((refresh + 2) * 1000)  # the last tick's cases reach the screen
            seen = page.evaluate("() => window.__wall.seen")
            foreign = requests.foreign_hosts()
    finally:
        if simulator is not None:
            stop_process(simulator)
        stop_server(server)
    ticks = read_ticks(log)
    from_publish, from_write, missing = [], [], []
    for t in ticks:
        for no in t["new_case_nos"]:
            if no in seen:
                from_publish.append(seen[no] / 1000 - t["published_epoch"])
                from_write.append(seen[no] / 1000 - t["started_epoch"])
            else:
                missing.append(no)
    publish = [t["publish_seconds"] for t in ticks]
    return {
        "minutes": minutes, "refresh_seconds": refresh, "tick_seconds": tick, "speed": speed,
        "ticks": len(ticks), "cases_written": len(from_publish) + len(missing), "cases_seen": len(from_publish),
        "cases_not_seen": len(missing),
        "latency_from_write_median_s": round(statistics.median(from_write), 2) if from_write else None,
        "latency_from_write_p95_s": round(percentile(from_write, 0.95), 2) if from_write else None,
        "latency_from_publish_median_s": round(statistics.median(from_publish), 2) if from_publish else None,
        "latency_from_publish_p95_s": round(percentile(from_publish, 0.95), 2) if from_publish else None,
        "latency_max_s": round(max(from_write), 2) if from_write else None,
        "publish_median_s": round(statistics.median(publish), 3) if publish else None,
        "publish_p95_s": round(percentile(publish, 0.95), 3) if publish else None,
        "foreign_hosts": sorted(foreign),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--refresh", type=float, default=5.0, help="wall refresh interval, seconds (city.toml default 5)")
    parser.add_argument("--tick", type=float, default=10.0, help="simulator tick, seconds (its default 10)")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--cases-per-tick", type=float, default=0.8,
                        help="mean new cases per tick; the daily rate is set from it for the current hour")
    parser.add_argument("--db", type=Path, default=None, help="a database to use instead of a fresh demo")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wall-latency-") as tmp:
        report = measure(Path(tmp), minutes=args.minutes, refresh=args.refresh, tick=args.tick, speed=args.speed,
                         cases_per_day=cases_per_day_for(args.cases_per_tick, args.tick, args.speed), db=args.db)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["cases_seen"] and not report["foreign_hosts"] else 1


if __name__ == "__main__":
    sys.exit(main())
