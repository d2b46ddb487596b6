"""What the query benchmarks share: the bare scan each measures as its same-run baseline, the
dashboard's reader in miniature, the best wall and process CPU of repeated runs, and the timing of one
publish step on a writable copy."""
from __future__ import annotations

import time
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
