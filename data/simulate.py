"""Live feed for the demo database: python -m data.simulate [--speed S] [--tick SECONDS] [--minutes M]

Every tick (default 10 s) the simulator takes the writer lock, writes the new cases reported since
the last tick and moves open cases a step forward, then publishes a snapshot for the dashboard
(data.store.writer: lock → write → CHECKPOINT → new versioned file → symlink swap → prune). The
dashboard never waits for it: it reads the published snapshot and reopens it when it changes.

New cases come from the demo generator (data.demo_cases.build_cases with explicit report times),
at the rate the database already has (its mean over the last 28 days) and the demo's hour-of-day
rhythm; case numbers continue each category's daily sequence (data/sql/insert_cases.sql).
Open cases (seeded or new) move report → accept → file → dispatch → handle → verify → close: the
command centre's steps happen during its hours (07:00–22:00) with the demo's median minutes, the
units handle within office working time (data/worktime.py) at a share of the category's time limit
that depends on how well the unit did so far. Each step is a memoryless chance per tick, so the
simulator keeps no state and can stop and start at any time. Step deadlines follow the working-time
calendar from the moment each step's clock starts; the step history (case_steps) is rebuilt for the
cases that moved (data/sql/insert_case_steps.sql).

Timestamps are always the real time of the tick: --speed multiplies how much happens per tick
(arrivals and step chances), so the wall shows a busier city without a clock running ahead of it.
"""
from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data import areas as area_builder
from data.config import PROJECT_ROOT, db_path, load_city, published_path
from data.deadlines import DeadlinePolicy, case_deadlines
from data.demo_cases import (CENTRE_CLOSE_MINUTE, CENTRE_OPEN_MINUTE, CENTRE_STEP_MINUTES, HANDLE_SHARE_SIGMA,
                             HOUR_WEIGHTS, build_cases, handle_share_median, handler_table)
from data.seed import insert_cases
from data.store import WriterBusy, writer
from data.worktime import WorkCalendar, limits_for

SQL_DIR = PROJECT_ROOT / "data" / "sql"
OPEN_STATUSES = ("reported", "accepted", "filed", "dispatched", "handled", "verified")
# status -> (next status, the clock it runs on). "filed" goes to dispatch, or straight to handled for
# cases the grid worker handles on the spot (is_self_handled).
NEXT_STEP = {"reported": "accept", "accepted": "file", "filed": "dispatch", "dispatched": "handle",
             "handled": "verify", "verified": "close"}
WEEKEND_FACTOR = 0.72   # the demo's weekly rhythm (data/demo_cases.py daily_counts)
NOT_FILED_PER_10000 = 200  # 不予立案: 2% of accepted cases (data/demo_cases.py)
CATCH_UP_HOURS = 24.0   # on start, cases arriving since the last one in the database (at most this far back)


def lognormal_mean(median: float, sigma: float) -> float:
    return median * float(np.exp(sigma * sigma / 2))


def centre_minutes_between(start: datetime, end: datetime) -> float:
    """Minutes of [start, end) inside the command centre's daily hours (07:00-22:00)."""
    total = 0.0
    day = datetime.combine(start.date(), datetime.min.time())
    while day < end:
        open_at = day + timedelta(minutes=CENTRE_OPEN_MINUTE)
        close_at = day + timedelta(minutes=CENTRE_CLOSE_MINUTE)
        lo, hi = max(start, open_at), min(end, close_at)
        if hi > lo:
            total += (hi - lo).total_seconds() / 60
        day += timedelta(days=1)
    return total


@dataclass
class Reference:
    """What the simulator reads once: reference tables, grids with points, units with a quality."""

    categories: pd.DataFrame
    limits: pd.DataFrame
    units: pd.DataFrame
    grids: pd.DataFrame
    grid_points: dict
    cases_per_day: float
    handlers: dict


def load_reference(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, now_at: datetime,
                   cases_per_day: float | None) -> Reference:
    categories = con.execute("SELECT * FROM categories").df()
    limits = con.execute("SELECT category_code, step, amount, unit FROM time_limits").df()
    areas = con.execute("SELECT * FROM areas").df()
    # A unit's quality (0..1) drives its handling speed: its on-time closing rate over the last 180 days.
    units = con.execute("""
        SELECT u.unit_code, u.name, u.kind, u.peer_group, u.district_code,
               coalesce(avg(CASE WHEN c.closed_at <= c.deadline_at THEN 1.0 ELSE 0.0 END), 0.8) AS quality
        FROM units u
        LEFT JOIN cases c ON c.unit_code = u.unit_code AND c.deadline_at >= $since AND c.deadline_at < $now
                         AND NOT c.is_cancelled AND NOT c.is_shelved
        GROUP BY ALL ORDER BY u.unit_code""", {"since": now_at - timedelta(days=180), "now": now_at}).df()
    if cases_per_day is None:
        recent = con.execute("SELECT count(*) FROM cases WHERE reported_at >= $since AND reported_at < $until",
                             {"since": now_at - timedelta(days=28), "until": now_at}).fetchall()[0][0]
        cases_per_day = max(recent / 28.0, 1.0)
    # New cases are placed in grids with a polygon (an imported grid may have none yet).
    grids = areas[(areas.level == 4) & areas.geojson.notna()].reset_index(drop=True)
    points = area_builder.sample_points(areas, level=4, points_per_area=16, rng=rng)
    handlers = handler_table(units, sorted(categories.major_code.unique()),
                             sorted(areas.loc[areas.level == 1, "area_code"]))
    return Reference(categories, limits, units, grids, points, float(cases_per_day), handlers)


def arrivals(ref: Reference, start: datetime, end: datetime, speed: float, rng: np.random.Generator) -> np.ndarray:
    """Report times of the cases arriving in (start, end]: Poisson, hour by hour, with the demo's
    hour-of-day and weekday rhythm."""
    weights = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
    times = []
    lo = start
    while lo < end:
        hi = min(end, lo.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        per_minute = ref.cases_per_day * weights[lo.hour] / 60 * (WEEKEND_FACTOR if lo.weekday() >= 5 else 1.0)
        seconds = (hi - lo).total_seconds()
        k = int(rng.poisson(per_minute * seconds / 60 * speed))
        offsets = np.ceil(rng.uniform(0, seconds, k)).astype("timedelta64[s]")
        times.append(np.datetime64(lo, "s") + offsets)
        lo = hi
    if not times:
        return np.array([], dtype="datetime64[m]")
    return np.sort(np.concatenate(times).astype("datetime64[m]"))


def write_new_cases(con: duckdb.DuckDBPyConnection, ref: Reference, cal: WorkCalendar, reported: np.ndarray,
                    now_at: datetime, rng: np.random.Generator) -> list[str]:
    """Generates and inserts cases reported at `reported`; returns their case numbers."""
    if len(reported) == 0:
        return []
    first_id = int(con.execute("SELECT coalesce(max(case_id), 0) + 1 FROM cases").fetchall()[0][0])
    batch = build_cases(n_cases=len(reported), start=now_at.date(), today=now_at.date(), now=now_at, cal=cal,
                        categories=ref.categories, limits=ref.limits, units=ref.units, grids=ref.grids,
                        grid_points=ref.grid_points, rng=rng, first_case_id=first_id, origin="simulate",
                        reported_at=reported, policy=DeadlinePolicy.from_city(load_city()))
    insert_cases(con, batch)
    rows = con.execute("SELECT case_no FROM cases WHERE case_id >= $first ORDER BY case_id", {"first": first_id})
    return [r[0] for r in rows.fetchall()]


def advance_open_cases(con: duckdb.DuckDBPyConnection, ref: Reference, cal: WorkCalendar, start: datetime,
                       end: datetime, speed: float, rng: np.random.Generator) -> int:
    """Moves open cases one step on with the chance that the step's timing gives this tick; returns
    how many moved. A step happens at `end` (the tick's time)."""
    cases = con.execute(
        "SELECT * EXCLUDE (description) FROM cases WHERE status IN ('reported', 'accepted', 'filed', 'dispatched', "
        "'handled', 'verified') AND reported_at <= $end ORDER BY case_id", {"end": end}).df()
    if cases.empty:
        return 0
    n = len(cases)
    status = cases.status.to_numpy()
    self_handled = cases.is_self_handled.to_numpy(bool)
    step = np.array([NEXT_STEP[s] for s in status], dtype=object)
    step = np.where((step == "dispatch") & self_handled, "self_handle", step)

    # Mean time of the next step, and how much of its clock ran during this tick.
    centre_elapsed = centre_minutes_between(start, end) * speed
    office_hours = float(cal.work_hours_between(np.array([start], "datetime64[us]"),
                                                np.array([end], "datetime64[us]"))[0]) * speed
    natural_hours = (end - start).total_seconds() / 3600 * speed
    mean = np.array([lognormal_mean(*CENTRE_STEP_MINUTES[s]) if s != "handle" else np.nan for s in step])
    elapsed = np.full(n, centre_elapsed)
    handle = step == "handle"
    if handle.any():
        amount, unit = limits_for(ref.limits, cases.category_code.to_numpy(), "handle")
        quality = cases.unit_code.map(ref.units.set_index("unit_code").quality).fillna(0.8).to_numpy(float)
        limit_work_hours = np.where(unit == "work_days", amount * cal.workday_hours, amount)
        share = handle_share_median(quality) * np.exp(HANDLE_SHARE_SIGMA ** 2 / 2)
        mean = np.where(handle, share * limit_work_hours, mean)
        elapsed = np.where(handle, np.where(unit == "natural_hours", natural_hours, office_hours), elapsed)
    moves = rng.random(n) < 1 - np.exp(-elapsed / np.maximum(mean, 1e-9))
    if not moves.any():
        return 0
    moved = cases[moves].copy()
    m_step = step[moves]
    t = pd.Timestamp(end).floor("min")

    def at(name: str) -> np.ndarray:
        return m_step == name

    def set_where(mask: np.ndarray, column: str, value) -> None:
        moved.loc[mask, column] = value

    set_where(at("accept"), "accepted_at", t)
    set_where(at("accept"), "status", "accepted")
    # Filing: a case generated as shelved is parked (挂账); about 2% are refused (不予立案), as in the
    # demo, chosen by case id so a case's fate does not depend on the tick; the rest are filed.
    filing = at("file")
    shelved = filing & moved.is_shelved.to_numpy(bool)
    refused = filing & ~shelved & (moved.case_id.to_numpy(np.int64) * 2654435761 % 10_000 < NOT_FILED_PER_10000)
    set_where(filing & ~refused, "filed_at", t)
    set_where(filing & ~refused & ~shelved, "status", "filed")
    set_where(shelved, "status", "shelved")
    set_where(refused, "status", "not_filed")
    dispatching = at("dispatch")
    if dispatching.any():
        rows = moved[dispatching]
        # The unit: one of the handlers of the major class in the district (data/demo_cases.py), the
        # same one for a case every time (by case id).
        candidates = [ref.handlers.get((m, d), np.array([0])) for m, d in zip(rows.major_code, rows.district_code)]
        picks = [str(ref.units.unit_code.iloc[int(c[int(i) % len(c)])]) for c, i in zip(candidates, rows.case_id)]
        set_where(dispatching, "unit_code", picks)
        set_where(dispatching, "dispatched_at", t)
        set_where(dispatching, "dispatch_count", 1)
        set_where(dispatching, "status", "dispatched")
    handled = at("handle") | at("self_handle")
    set_where(handled, "handled_at", t)
    set_where(handled, "status", "handled")
    set_where(at("verify"), "verified_at", t)
    set_where(at("verify"), "status", "verified")
    set_where(at("close"), "closed_at", t)
    set_where(at("close"), "status", "closed")
    moved["updated_at"] = t

    def ts(column: str) -> np.ndarray:
        return pd.to_datetime(moved[column]).to_numpy("datetime64[us]")

    # Deadlines of the steps whose clocks started now; earlier ones stay as they were.
    fresh = case_deadlines(cal, ref.limits, DeadlinePolicy.from_city(load_city()), category=moved.category_code.to_numpy(),
                           reported=ts("reported_at"), accepted=ts("accepted_at"), filed=ts("filed_at"),
                           dispatched=ts("dispatched_at"), handled=ts("handled_at"),
                           deferred_hours=moved.deferred_hours.to_numpy(float),
                           is_extended=moved.is_extended.to_numpy(bool))
    started = {"file_deadline_at": at("accept"), "dispatch_deadline_at": filing & ~refused & ~shelved,
               "deadline_at": filing & ~refused & ~shelved, "handle_deadline_at": dispatching,
               "verify_deadline_at": handled}
    for column, mask in started.items():
        moved.loc[mask, column] = pd.to_datetime(fresh[column][mask])
    moved.loc[at("handle"), "handle_work_hours"] = np.round(
        cal.work_hours_between(ts("dispatched_at"), ts("handled_at"))[at("handle")]
        - moved.deferred_hours.to_numpy(float)[at("handle")], 3)
    moved.loc[at("close"), "close_work_hours"] = np.round(
        cal.work_hours_between(ts("reported_at"), ts("closed_at"))[at("close")], 3)

    con.register("changes", moved)
    try:
        con.execute((SQL_DIR / "simulate_update_cases.sql").read_text(encoding="utf-8"))
        con.execute((SQL_DIR / "simulate_steps_source.sql").read_text(encoding="utf-8"))
        con.execute("DELETE FROM case_steps WHERE case_id IN (SELECT case_id FROM changes)")
        con.execute((SQL_DIR / "insert_case_steps.sql").read_text(encoding="utf-8"))
        con.execute("DROP TABLE new_cases")
    finally:
        con.unregister("changes")
    return int(moves.sum())


@dataclass
class TickResult:
    tick: int
    started_at: str
    published_at: str
    new_case_nos: list[str]
    advanced: int
    write_seconds: float
    publish_seconds: float
    started_epoch: float      # time.time() when the tick began writing
    published_epoch: float    # time.time() when its snapshot became visible to readers


class Simulator:
    """One live feed over `db`; `tick()` writes and publishes once."""

    def __init__(self, db: Path, *, speed: float = 1.0, seed: int | None = None,
                 cases_per_day: float | None = None, clock=datetime.now, grace_seconds: float = 30.0,
                 catch_up_hours: float = CATCH_UP_HOURS):
        self.db = Path(db)
        self.catch_up_hours = catch_up_hours
        self.grace_seconds = grace_seconds
        self.speed = speed
        self.rng = np.random.default_rng(seed)
        self.cal = WorkCalendar.from_config()
        self.clock = clock
        self.cases_per_day = cases_per_day
        self.ref: Reference | None = None
        self.last_at: datetime | None = None
        self.ticks = 0

    def tick(self, *, wait_seconds: float = 30.0) -> TickResult:
        started = self.clock()
        started_epoch = time.time()
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        # Old snapshot versions go after grace_seconds: readers reopen within a refresh or two, and a
        # reader that lost the race keeps its last good connection (queries/db.py SnapshotReader).
        with writer(self.db, wait_seconds=wait_seconds, keep=2, grace_seconds=self.grace_seconds) as con:
            now_at = self.clock()
            if self.ref is None:
                self.ref = load_reference(con, self.rng, now_at, self.cases_per_day)
            if self.last_at is None:  # catch up with the time the feed was off, so today's curve has no gap
                last = con.execute("SELECT max(reported_at) FROM cases").fetchall()[0][0]
                earliest = now_at - timedelta(hours=self.catch_up_hours)
                self.last_at = min(now_at, max(last, earliest)) if last else now_at
            start = self.last_at
            new_nos = write_new_cases(con, self.ref, self.cal, arrivals(self.ref, start, now_at, self.speed, self.rng),
                                      now_at, self.rng)
            moved = advance_open_cases(con, self.ref, self.cal, start, now_at, self.speed, self.rng)
            self.last_at = now_at
            timings["write"] = time.perf_counter() - t0
        # writer() published on leaving the block: the rest of the time is CHECKPOINT + copy + swap.
        self.ticks += 1
        return TickResult(self.ticks, started.isoformat(timespec="seconds"),
                          datetime.now().isoformat(timespec="milliseconds"), new_nos, moved,
                          round(timings["write"], 3), round(time.perf_counter() - t0 - timings["write"], 3),
                          round(started_epoch, 3), round(time.time(), 3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="示例数据库的实时数据模拟：持续写入新案件并推进在办案件的环节")
    parser.add_argument("--db", type=Path, default=None, help="数据库路径（默认 $DASHBOARD_DB 或 data/demo.duckdb）")
    parser.add_argument("--tick", type=float, default=10.0, help="每隔多少秒写入并发布一次（默认 10）")
    parser.add_argument("--speed", type=float, default=1.0, help="加速倍数：每次写入的新案件与环节推进按此倍数增加（默认 1）")
    parser.add_argument("--minutes", type=float, default=None, help="运行多少分钟后停止（默认一直运行）")
    parser.add_argument("--cases-per-day", type=float, default=None, help="每天新案件数（默认取数据库近28天的日均）")
    parser.add_argument("--catch-up-hours", type=float, default=CATCH_UP_HOURS,
                        help="启动时补写最近一件案件之后、至多这么多小时内的新案件（默认 24；0 表示不补写）")
    parser.add_argument("--seed", type=int, default=None, help="随机种子（默认每次不同）")
    parser.add_argument("--log", type=Path, default=None, help="把每次写入记录为 JSON 行写入该文件")
    args = parser.parse_args(argv)
    if args.tick < 1 or args.speed <= 0:
        parser.error("--tick 至少 1 秒，--speed 必须大于 0")
    db = args.db or db_path()
    if not published_path(db).exists():
        print(f"找不到数据库 {db}：请先运行 python -m data.seed --db {db}", file=sys.stderr)
        return 2

    stop = {"now": False}

    def request_stop(*_):
        stop["now"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    sim = Simulator(db, speed=args.speed, seed=args.seed, cases_per_day=args.cases_per_day,
                    grace_seconds=max(30.0, 3 * args.tick), catch_up_hours=args.catch_up_hours)
    log = open(args.log, "a", encoding="utf-8") if args.log else None
    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    publish_s, write_s, new_total, moved_total = [], [], 0, 0
    print(f"实时模拟：{db}，每 {args.tick:g} 秒写入一次，加速 {args.speed:g} 倍；Ctrl+C 停止", flush=True)
    next_at = time.monotonic()
    while not stop["now"] and (deadline is None or time.monotonic() < deadline):
        try:
            result = sim.tick(wait_seconds=args.tick)
        except WriterBusy as exc:
            print(f"跳过一次写入：{exc}", flush=True)
        else:
            publish_s.append(result.publish_seconds)
            write_s.append(result.write_seconds)
            new_total += len(result.new_case_nos)
            moved_total += result.advanced
            if log:
                log.write(json.dumps(result.__dict__, ensure_ascii=False) + "\n")
                log.flush()
            print(f"{result.published_at}  新案件 {len(result.new_case_nos):>3}  推进环节 {result.advanced:>4}  "
                  f"写入 {result.write_seconds:.2f}s  发布 {result.publish_seconds:.2f}s", flush=True)
        next_at += args.tick
        while not stop["now"] and time.monotonic() < next_at:
            time.sleep(min(0.2, max(0.0, next_at - time.monotonic())))
        if time.monotonic() > next_at + args.tick:  # fell behind (slow disk): do not try to catch up
            next_at = time.monotonic()
    if log:
        log.close()
    if publish_s:
        p95 = sorted(publish_s)[max(0, int(round(0.95 * len(publish_s))) - 1)]
        print(f"共 {len(publish_s)} 次写入：新案件 {new_total}，推进环节 {moved_total}；"
              f"写入中位 {statistics.median(write_s):.3f}s，发布中位 {statistics.median(publish_s):.3f}s，"
              f"发布 P95 {p95:.3f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
