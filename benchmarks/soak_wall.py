"""Soak test of the wall: headless Chromium watches /wall while the simulator writes, for a while.

Reports, over time: the Streamlit server's resident memory and open files, the browser's JS heap
(after a forced garbage collection) and DOM size, the refreshes done and missed, the database and
snapshot sizes; restarts the Streamlit server part-way and reports whether the page recovered by
itself. Pass: no missed refresh cycle outside the restart, no memory growth after warm-up beyond a
margin, recovery without a reload. Run from the repository root:

    python benchmarks/soak_wall.py --minutes 3              # what CI runs (tests/browser/test_wall_soak.py)
    python benchmarks/soak_wall.py --minutes 240 --refresh 5 --tick 10 --db /path/to/copy.duckdb

The report is printed as JSON; --samples writes every sample as CSV.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.wall_live import (RECORDER_JS, cases_per_day_for, live_database, read_ticks,  # noqa: E402
                                  start_simulator, stop_process, wall_city_config)
from tests.browser.harness import browser_page, free_port, start_server, stop_server  # noqa: E402

REGION_KEYS = ["wall-panel-kpis", "wall-panel-map", "wall-panel-people", "wall-panel-side", "wall-panel-ticker",
               "wall-panel-trend"]


@dataclass
class Sample:
    t_s: float                 # seconds since the start of the soak
    server_rss_mb: float
    server_open_files: int
    js_heap_mb: float
    dom_nodes: int             # Chromium's count of live nodes: in the document or still referenced
    dom_elements: int          # elements in the document now
    refreshes: int             # heartbeat changes seen so far
    db_mb: float
    snapshots_mb: float


@dataclass
class SoakReport:
    minutes: float
    refresh_seconds: float
    refreshes_done: int = 0
    refreshes_expected: int = 0
    refreshes_missed: int = 0
    longest_gap_s: float = 0.0
    longest_gaps: list[tuple[float, float]] = field(default_factory=list)   # (at s, gap s), outside the restart
    restart_at_s: float | None = None
    recovered: bool | None = None
    recovery_s: float | None = None
    server_rss_mb_after_warmup: tuple[float, float] = (0.0, 0.0)   # (first quarter median, last quarter median)
    js_heap_mb_after_warmup: tuple[float, float] = (0.0, 0.0)
    dom_nodes_after_warmup: tuple[int, int] = (0, 0)
    dom_elements_after_warmup: tuple[int, int] = (0, 0)
    # elements per data-testid whose count changed from the first sample after warm-up to the last
    dom_changes: dict[str, tuple[int, int]] = field(default_factory=dict)
    db_mb: tuple[float, float] = (0.0, 0.0)
    snapshots_mb_max: float = 0.0
    simulator_ticks: int = 0
    simulator_new_cases: int = 0
    errors_on_page: int = 0
    foreign_hosts: list[str] = field(default_factory=list)
    passed: bool = False
    reasons: list[str] = field(default_factory=list)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_files(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.glob("*") if p.is_file()) / 2**20
    return path.stat().st_size / 2**20 if path.exists() else 0.0


# Elements in the document, and how many carry each data-testid (to tell which part grew).
DOM_CENSUS_JS = """() => {
  const all = document.querySelectorAll('*');
  const byTestid = {};
  for (const e of all) {
    const t = e.getAttribute('data-testid');
    if (t) { byTestid[t] = (byTestid[t] || 0) + 1; }
  }
  return {elements: all.length, byTestid};
}"""


def census_changes(first: dict[str, int], last: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {k: (first.get(k, 0), last.get(k, 0)) for k in sorted(set(first) | set(last))
            if first.get(k, 0) != last.get(k, 0)}


def quarters(values: list[float]) -> tuple[float, float]:
    """Median of the first and of the last quarter of the values."""
    if not values:
        return (float("nan"), float("nan"))
    q = max(1, len(values) // 4)
    return (round(statistics.median(values[:q]), 1), round(statistics.median(values[-q:]), 1))


def run(workdir: Path, *, minutes: float, refresh: float = 5.0, tick: float = 10.0, speed: float = 30.0,
        restart_at: float | None = 0.5, sample_seconds: float = 10.0, warmup: float = 0.25,
        db: Path | None = None, samples_csv: Path | None = None) -> SoakReport:
    """Soaks the wall for `minutes`; restarts the server at `restart_at` × the run (None: never)."""
    from data.config import published_path

    workdir.mkdir(parents=True, exist_ok=True)
    db = live_database(db or workdir / "live.duckdb")
    city = wall_city_config(workdir, refresh_seconds=refresh)
    env = {"DASHBOARD_DB": str(db), "DASHBOARD_CITY": str(city)}
    port = free_port()
    server = start_server(env, workdir / "server.log", port=port)
    log = workdir / "ticks.jsonl"
    log.unlink(missing_ok=True)
    # About one new case per tick: at this hour for short runs, on average over the day for long ones.
    rate = cases_per_day_for(1.0, tick, speed, this_hour=minutes <= 60)
    simulator = start_simulator(db, tick=tick, speed=speed, cases_per_day=rate, log=log, out=workdir / "simulator.log")
    report = SoakReport(minutes=minutes, refresh_seconds=refresh)
    samples: list[Sample] = []
    censuses: list[tuple[float, dict[str, int]]] = []
    csv_file = open(samples_csv, "w", newline="") if samples_csv else None   # written as it goes: watch a long run
    csv_out = csv.DictWriter(csv_file, fieldnames=[f.name for f in fields(Sample)]) if csv_file else None
    if csv_out:
        csv_out.writeheader()
    restart_window: tuple[float, float] | None = None
    try:
        with browser_page() as (page, requests):
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.goto(server.url + "/wall?embed=true", wait_until="domcontentloaded")
            page.wait_for_selector(".st-key-wall-heartbeat", state="attached", timeout=120_000)
            page.evaluate(RECORDER_JS)
            t0 = time.monotonic()
            start_epoch = time.time()
            end = t0 + minutes * 60
            restart_due = t0 + minutes * 60 * restart_at if restart_at is not None else None
            next_sample = t0
            while time.monotonic() < end:
                now = time.monotonic()
                if restart_due is not None and now >= restart_due:
                    restart_due = None
                    report.restart_at_s = round(now - t0, 1)
                    stop_server(server)
                    page.wait_for_timeout(3000)               # the wall loses its server for a few seconds
                    server = start_server(env, workdir / "server-restarted.log", port=port)
                    runs_before = len(page.evaluate("() => window.__wall.runs"))
                    recovered_by = time.monotonic() + 90
                    while time.monotonic() < recovered_by:
                        runs = page.evaluate("() => window.__wall.runs")
                        regions = page.evaluate(
                            "(keys) => keys.every(k => document.querySelector('.st-key-' + k))", REGION_KEYS)
                        if len(runs) > runs_before and runs[-1][0] <= 3 and regions:  # a new session drew it
                            break
                        page.wait_for_timeout(250)
                    report.recovered = time.monotonic() < recovered_by
                    report.recovery_s = round(time.monotonic() - t0 - report.restart_at_s, 1)
                    restart_window = (report.restart_at_s, report.restart_at_s + report.recovery_s + refresh)
                    continue
                if now >= next_sample:
                    cdp.send("HeapProfiler.collectGarbage")
                    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                    census = page.evaluate(DOM_CENSUS_JS)
                    sample = Sample(
                        t_s=round(now - t0, 1), server_rss_mb=round(rss_mb(server.process.pid), 1),
                        server_open_files=open_files(server.process.pid),
                        js_heap_mb=round(metrics.get("JSHeapUsedSize", 0) / 2**20, 1),
                        dom_nodes=int(metrics.get("Nodes", 0)), dom_elements=census["elements"],
                        refreshes=len(page.evaluate("() => window.__wall.runs")),
                        db_mb=round(size_mb(db), 1), snapshots_mb=round(size_mb(published_path(db).with_suffix(".d")), 1))
                    samples.append(sample)
                    censuses.append((sample.t_s, census["byTestid"]))
                    if csv_out:
                        csv_out.writerow(asdict(sample))
                        csv_file.flush()
                    next_sample += sample_seconds
                page.wait_for_timeout(500)
            runs = page.evaluate("() => window.__wall.runs")
            report.errors_on_page = page.locator('[data-testid="stException"]').count() + \
                page.get_by_text("Traceback").count()
            report.foreign_hosts = sorted(requests.foreign_hosts())
    finally:
        stop_process(simulator)
        stop_server(server)
        if csv_file:
            csv_file.close()

    # Refreshes: gaps between heartbeats, measured in the browser; the restart window is excused.
    times = [(r[1] / 1000 - start_epoch) for r in runs if r[1] / 1000 >= start_epoch]
    gaps = [(a, b - a) for a, b in zip(times, times[1:])]
    # a gap overlapping the restart (from the server going away to the page drawn again) is excused
    counted = [(a, g) for a, g in gaps
               if not (restart_window and a < restart_window[1] and a + g > restart_window[0])]
    report.refreshes_done = len(times)
    excused = (restart_window[1] - restart_window[0]) if restart_window else 0
    report.refreshes_expected = int((minutes * 60 - excused) / refresh)
    report.refreshes_missed = sum(max(0, round(g / refresh) - 1) for _, g in counted if g > 1.75 * refresh)
    report.longest_gap_s = round(max((g for _, g in counted), default=0.0), 1)
    report.longest_gaps = [(round(a, 1), round(g, 1)) for a, g in sorted(counted, key=lambda x: -x[1])[:5]]

    after = [s for s in samples if s.t_s >= warmup * minutes * 60]
    report.server_rss_mb_after_warmup = quarters([s.server_rss_mb for s in after])
    report.js_heap_mb_after_warmup = quarters([s.js_heap_mb for s in after])
    report.dom_nodes_after_warmup = tuple(int(v) for v in quarters([s.dom_nodes for s in after]))
    report.dom_elements_after_warmup = tuple(int(v) for v in quarters([s.dom_elements for s in after]))
    counted_censuses = [c for t, c in censuses if t >= warmup * minutes * 60]
    if counted_censuses:
        report.dom_changes = census_changes(counted_censuses[0], counted_censuses[-1])
    report.db_mb = (samples[0].db_mb, samples[-1].db_mb) if samples else (0.0, 0.0)
    report.snapshots_mb_max = max((s.snapshots_mb for s in samples), default=0.0)
    ticks = read_ticks(log)
    report.simulator_ticks = len(ticks)
    report.simulator_new_cases = sum(len(t["new_case_nos"]) for t in ticks)

    # Pass criteria. Memory: the last quarter after warm-up may not exceed the first by more than
    # 15% (+25 MB) on the server, 25% (+8 MB) in the JS heap, 10% in DOM nodes.
    reasons = []
    if report.refreshes_missed:
        reasons.append(f"{report.refreshes_missed} refresh cycles missed (longest gap {report.longest_gap_s} s)")
    (r0, r1), (h0, h1) = report.server_rss_mb_after_warmup, report.js_heap_mb_after_warmup
    if r1 > r0 * 1.15 + 25:
        reasons.append(f"server memory grew from {r0} to {r1} MB after warm-up")
    if h1 > h0 * 1.25 + 8:
        reasons.append(f"JS heap grew from {h0} to {h1} MB after warm-up")
    n0, n1 = report.dom_nodes_after_warmup
    if n1 > n0 * 1.10 + 200:
        e0, e1 = report.dom_elements_after_warmup
        reasons.append(f"DOM grew from {n0} to {n1} nodes after warm-up ({e0} to {e1} elements in the page; "
                       f"changed test ids: {report.dom_changes})")
    if restart_at is not None and not report.recovered:
        reasons.append("the page did not recover by itself after the server restart")
    if report.errors_on_page:
        reasons.append("an error was shown on the wall")
    if report.foreign_hosts:
        reasons.append(f"requests to other hosts: {report.foreign_hosts}")
    if report.simulator_ticks < max(1, int(minutes * 60 / tick) // 2):
        reasons.append(f"the simulator wrote only {report.simulator_ticks} ticks")
    report.reasons, report.passed = reasons, not reasons
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--refresh", type=float, default=5.0, help="wall refresh interval, seconds")
    parser.add_argument("--tick", type=float, default=10.0, help="simulator tick, seconds")
    parser.add_argument("--speed", type=float, default=30.0, help="simulator speed-up (busier city, same clock)")
    parser.add_argument("--restart-at", type=float, default=0.5,
                        help="restart the Streamlit server at this fraction of the run (negative: never)")
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--db", type=Path, default=None, help="use (and write to) this database instead of a fresh demo")
    parser.add_argument("--samples", type=Path, default=None, help="write every sample to this CSV file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wall-soak-") as tmp:
        report = run(Path(tmp), minutes=args.minutes, refresh=args.refresh, tick=args.tick, speed=args.speed,
                     restart_at=None if args.restart_at < 0 else args.restart_at,
                     sample_seconds=args.sample_seconds, db=args.db, samples_csv=args.samples)
    print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
