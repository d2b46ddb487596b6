"""What the query benchmarks share: the bare scan each measures as its same-run baseline, the
dashboard's reader in miniature, the best wall and process CPU of repeated runs, and the timing of one
publish step on a writable copy."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

# Five raw columns of every case, no flag evaluated: what no case-level query can beat.
BASELINE_SQL = ("SELECT count(*) FILTER (WHERE accepted_at >= $t), count(*) FILTER (WHERE closed_at >= $t), "
                "count(DISTINCT district_code), max(deadline_at), count(*) FILTER (WHERE is_cancelled) FROM cases")


class ConnectionSource:
    """A CursorSource (queries.runner) over one connection: a cursor per query, as the reader gives."""

    def __init__(self, con):
        self.con = con

    def cursor(self):
        return self.con.cursor()


def best_cpu(fn, repeat: int) -> tuple[float, object]:
    """(least process CPU seconds of `repeat` calls of fn, the last call's result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t)
    return best, result


def best_wall_cpu(fn, repeat: int) -> tuple[float, float, object]:
    """(least wall seconds, least process CPU seconds, the last result) of `repeat` calls of fn."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, result


def time_publish_step(path: Path, refresh, rows_sql: str) -> tuple[float, float, int]:
    """(wall seconds, process CPU seconds, the count rows_sql gives after) of one publish step:
    refresh(con) on the writable database at `path` (schema applied first), checkpoint included."""
    import duckdb

    from data.store import apply_schema
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
        wall, cpu = time.perf_counter(), time.process_time()
        refresh(con)
        con.execute("CHECKPOINT")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return wall, cpu, con.execute(rows_sql).fetchone()[0]
    finally:
        con.close()


@dataclass(frozen=True)
class SnapshotUnderTest:
    """A published snapshot opened as the reader opens it, with what a query benchmark sets up first."""
    source: ConnectionSource
    last_day: date            # the data's last day of reports
    now: datetime             # that day at 16:00, the benchmarks' pinned clock
    district: str             # the district with the most cases
    baseline_wall_s: float    # the bare scan (BASELINE_SQL), best of `repeat`
    baseline_cpu_s: float


def open_snapshot(path: Path, repeat: int) -> SnapshotUnderTest:
    from queries.db import connect_readonly

    source = ConnectionSource(connect_readonly(path))
    cur = source.cursor()
    last = cur.execute("SELECT max(reported_date) FROM cases").fetchone()[0]
    district = cur.execute("SELECT district_code FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    now = datetime.combine(last, datetime.min.time()) + timedelta(hours=16)
    wall, cpu, _ = best_wall_cpu(lambda: source.cursor().execute(BASELINE_SQL, {"t": now - timedelta(days=30)}).fetchall(),
                                 repeat)
    return SnapshotUnderTest(source, last, now, district, wall, cpu)


def print_open_cases_header(path: Path, snap: SnapshotUnderTest, repeat: int) -> None:
    """The first two lines of the open-case benchmarks: the snapshot's cases, open cases and clock, then
    the bare-scan baseline of the same run."""
    cases, opened = snap.source.cursor().execute(
        "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM open_cases)").fetchone()
    print(f"{path}: {cases:,} cases, {opened:,} open; now {snap.now}; seconds, best of {repeat}")
    print(f"baseline: bare scan of five columns of every case {snap.baseline_wall_s:.3f} s wall, "
          f"{snap.baseline_cpu_s:.3f} s CPU")
