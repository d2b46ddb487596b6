"""Consistency under a live feed: swaps, snapshot open failures and torn reads while the simulator
publishes and reader threads hammer the dashboard's read path (security.md rule 15).

    python -m benchmarks.live_consistency --minutes 30 --speed 20 [--tick 10] [--readers 4]

The simulator (python -m data.simulate) runs as a subprocess against a demo database of today.
In this process, as in the dashboard's server process:
- pinned renders (the product): `with cache.pinned():` a fingerprint of the data, the wall's whole
  refresh (ui.wall.fetch_wall_data, 14 cached reads), a page's KPI reads, the fingerprint again.
  A render is torn when the two fingerprints differ.
- baseline renders, in the same run: the same reads with every read resolving the version on its
  own (what ui.cache.get did before pinning). Their torn share shows the check can see tears.
- a second SnapshotReader on the same path (a second reader in one process; DuckDB shares one
  instance per path, which made the second open fail before).
Fingerprint: (meta.last_write_at, number of cases); the simulator stamps last_write_at on every tick.
A pinned render also compares the wall's cached meta and version with it.
Figures printed at the end; exit status 1 when a pinned render tore or a snapshot failed to open.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FINGERPRINT = ("SELECT (SELECT value FROM meta WHERE key = 'last_write_at'), (SELECT count(*) FROM cases)")


@dataclass
class Tally:
    renders: int = 0
    torn: int = 0
    errors: int = 0
    open_errors: int = 0
    notices: int = 0                      # renders that would have shown "数据库暂时无法打开"
    versions: set[str] = field(default_factory=set)
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *, torn: bool = False, error: BaseException | None = None, notice: bool = False,
            version: str | None = None) -> None:
        with self.lock:
            self.renders += 1
            self.torn += torn
            self.notices += notice
            if version:
                self.versions.add(version)
            if error is not None:
                self.errors += 1
                text = f"{type(error).__name__}: {error}"
                self.open_errors += "Cannot change configuration" in text or "无法打开" in text
                if len(self.samples) < 5:
                    self.samples.append(text[:200])


def _fingerprint(source) -> tuple:
    cur = source.cursor()
    try:
        return tuple(cur.execute(FINGERPRINT).fetchone())
    finally:
        cur.close()


def _page_reads(source_get, city, config, kpis) -> None:
    """A page's worth of reads besides the wall: headline KPIs of this month and the last."""
    from datetime import datetime

    from queries.kpis import kpi_columns
    from queries.wall import wall_scopes
    from ui.wall import wall_access

    scopes = wall_scopes(datetime.now(), wall_access(), league_days=config.league_days)
    shown = kpi_columns([kpis["accepted"], kpis["disposal_rate"], kpis["on_time_rate"]])
    source_get("case_kpis", scopes.month, shown)
    source_get("case_kpis", scopes.last_month, shown)


def pinned_render(city, config, kpis, tally: Tally) -> None:
    from ui import cache
    from ui.wall import fetch_wall_data

    try:
        with cache.pinned() as snap:
            before = _fingerprint(cache.snapshot())
            wall = fetch_wall_data(city, config, _now())
            _page_reads(cache.get, city, config, kpis)
            after = _fingerprint(cache.snapshot())
            stamps = {before[0], after[0], wall.meta.get("last_write_at"), cache.meta().get("last_write_at")}
            notice = bool(cache.reader().last_error and "无法打开" in cache.reader().last_error)
        torn = before != after or len(stamps) != 1 or wall.version != snap.version
        tally.add(torn=torn, notice=notice, version=snap.version)
    except Exception as exc:   # noqa: BLE001 - counted and printed
        tally.add(error=exc)


def baseline_render(city, config, kpis, tally: Tally) -> None:
    """Every read looks up the version on its own (pre-pinning ui.cache.get)."""
    from ui import cache
    from ui.cache import QUERIES

    def unpinned_get(name, scope, *args):
        return QUERIES[name](cache.reader().pin(), scope, *args)

    try:
        before = _fingerprint(cache.reader().pin())
        _page_reads(unpinned_get, city, config, kpis)
        _wall_reads_unpinned(unpinned_get, config)
        after = _fingerprint(cache.reader().pin())
        tally.add(torn=before != after)
    except Exception as exc:   # noqa: BLE001
        tally.add(error=exc)


def _wall_reads_unpinned(get, config) -> None:
    from queries.wall import wall_scopes
    from ui.wall import wall_access

    scopes = wall_scopes(_now(), wall_access(), league_days=config.league_days)
    get("wall_day_hours", scopes.hours)   # the wall's pace and 24-hour trend, as fetch_wall_data reads them
    get("wall_districts", scopes.today, config.min_cell_count)
    get("wall_categories", scopes.today, 10, config.min_cell_count)


def second_reader_loop(path: Path, stop: threading.Event, tally: Tally) -> None:
    from queries.db import SnapshotReader

    reader = SnapshotReader(path)
    while not stop.is_set():
        try:
            snap = reader.pin()
            _fingerprint(snap)
            tally.add(notice=bool(reader.last_error and "无法打开" in reader.last_error), version=snap.version)
        except Exception as exc:   # noqa: BLE001
            tally.add(error=exc)
        time.sleep(0.01)
    tally.open_errors += reader.open_failures
    if reader.last_exception:
        tally.samples.append(reader.last_exception[:300])


def _now():
    from datetime import datetime
    return datetime.now().replace(microsecond=0)


def _progress(log: Path, pinned: Tally, baseline: Tally, second: Tally) -> dict:
    """The run's counts so far: publishes are the simulator's complete tick lines."""
    publishes = log.read_text(encoding="utf-8").count("\n") if log.exists() else 0
    with pinned.lock, second.lock:
        versions = len(pinned.versions | second.versions)
    return {"publishes": publishes, "versions_seen": versions, "pinned_renders": pinned.renders,
            "baseline_renders": baseline.renders, "baseline_torn": baseline.torn,
            "second_reader_reads": second.renders}


def run(*, minutes: float, speed: float, tick: float, readers: int, db: Path | None, cases: int,
        out=print, enough: Callable[[dict], bool] | None = None, work: Path | None = None) -> dict:
    """`minutes` is the run's length; with `enough`, the run ends as soon as enough(counts so far)
    holds (counts as _progress gives them) and `minutes` is only its bound. `work` holds the fresh
    database, the simulator's tick log and output (default: a new temporary directory, kept)."""
    from benchmarks.wall_live import live_database, read_ticks, start_simulator, stop_process

    work = work or Path(tempfile.mkdtemp(prefix="h12b-live-" if db is None else "live-"))
    db = db or live_database(work / "live.duckdb", cases=cases)
    os.environ["DASHBOARD_DB"] = str(db)
    os.environ.pop("DASHBOARD_NOW", None)
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    from data.config import load_city, load_wall, published_path
    from queries.kpis import registry
    from ui import cache

    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    city, config = load_city(), load_wall()
    kpis = registry(city)
    log = work / "ticks.jsonl"
    sim = start_simulator(db, tick=tick, speed=speed, cases_per_day=None, log=log, out=work / "simulate.out",
                          catch_up_hours=0)
    pinned, baseline, second = Tally(), Tally(), Tally()
    stop = threading.Event()

    def loop(render, tally):
        while not stop.is_set():
            render(city, config, kpis, tally)

    threads = [threading.Thread(target=loop, args=(pinned_render, pinned)) for _ in range(readers)]
    threads.append(threading.Thread(target=loop, args=(baseline_render, baseline)))
    threads.append(threading.Thread(target=second_reader_loop, args=(published_path(db), stop, second)))
    started = time.monotonic()
    for t in threads:
        t.start()
    deadline = started + minutes * 60
    try:
        while time.monotonic() < deadline and sim.poll() is None:
            time.sleep(1)
            if enough is not None and enough(_progress(log, pinned, baseline, second)):
                break
    finally:
        stop.set()
        for t in threads:
            t.join()
        stop_process(sim)
    ticks = read_ticks(log)
    failures = cache.reader().open_failures + second.open_errors + pinned.open_errors + baseline.open_errors
    figures = {
        "minutes": round((time.monotonic() - started) / 60, 1), "speed": speed, "tick_seconds": tick,
        "publishes": len(ticks), "new_cases": sum(len(t["new_case_nos"]) for t in ticks),
        "versions_seen": len(pinned.versions | second.versions),
        "pinned_renders": pinned.renders, "pinned_torn": pinned.torn, "pinned_errors": pinned.errors,
        "baseline_renders": baseline.renders, "baseline_torn": baseline.torn,
        "second_reader_reads": second.renders, "second_reader_errors": second.errors,
        "open_failures": failures, "open_failure_notices": pinned.notices + second.notices,
    }
    out(f"live feed {figures['minutes']} min, simulator --speed {speed:g} --tick {tick:g}: "
        f"{figures['publishes']} publishes, {figures['new_cases']} new cases, {figures['versions_seen']} versions read")
    out(f"pinned renders (wall refresh + page KPIs, {readers} threads): {pinned.renders}, torn {pinned.torn}, "
        f"errors {pinned.errors}")
    out(f"baseline renders (each read resolves its own version): {baseline.renders}, torn {baseline.torn} "
        f"({100 * baseline.torn / max(1, baseline.renders):.1f}%)")
    out(f"second reader on the same path: {second.renders} reads, errors {second.errors}")
    out(f"snapshot open failures: {failures}; renders showing 数据库暂时无法打开: {figures['open_failure_notices']}")
    if cache.reader().last_exception:
        out(f"  last open failure: {cache.reader().last_exception[:300]}")
    for sample in pinned.samples + second.samples + baseline.samples:
        out(f"  error sample: {sample}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--speed", type=float, default=20)
    parser.add_argument("--tick", type=float, default=10, help="the simulator's seconds between publishes")
    parser.add_argument("--readers", type=int, default=4, help="threads doing pinned renders")
    parser.add_argument("--db", type=Path, default=None, help="an existing database (default: a fresh demo)")
    parser.add_argument("--cases", type=int, default=20_000, help="cases in the fresh demo database")
    args = parser.parse_args(argv)
    figures = run(minutes=args.minutes, speed=args.speed, tick=args.tick, readers=args.readers, db=args.db,
                  cases=args.cases)
    return 1 if figures["pinned_torn"] or figures["open_failures"] or figures["pinned_errors"] \
        or figures["second_reader_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
