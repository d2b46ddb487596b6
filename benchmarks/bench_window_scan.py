"""How much of the case table a window's KPI query reads, and what the live overdue count costs.

    python -m benchmarks.bench_window_scan /tmp/h13-10m.duckdb

For 近30天 and two years ending on the data's last day: row groups scanned (EXPLAIN ANALYZE) and
the process CPU seconds (best of 3) of the window's six 总览 cards (queries.cases.kpi_counts with
live=False) and of the live overdue count (overdue_counts.sql), against a bare scan of five columns
of every case in the same run. CPU, not wall time: the machine is shared.
"""
from __future__ import annotations

import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.baseline import BASELINE_SQL
from data.config import load_city, published_path
from queries import cases as q
from queries.db import connect_readonly
from queries.kpis import kpi_columns, registry
from queries.runner import compose_columns
from queries.scope import Access, Scope

CARDS = ("accepted", "filed", "closed", "disposal_rate", "on_time_rate", "overdue_open")


class _Source:
    def __init__(self, path: Path):
        self.con = connect_readonly(path)

    def cursor(self):
        return self.con.cursor()


def cpu(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main(db: str) -> None:
    src = _Source(published_path(Path(db)))
    last = src.cursor().execute("SELECT max(reported_date) FROM cases").fetchone()[0]
    now = datetime.combine(last, datetime.min.time()) + timedelta(hours=16)
    columns = kpi_columns(registry(load_city())[k] for k in CARDS)
    base = cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": now - timedelta(days=30)}).fetchall())
    print(f"{db}: baseline (bare scan of 5 columns) {base:.3f} s CPU")
    for label, days in (("近30天", 30), ("两年", 731)):
        scope = Scope(last - timedelta(days=days - 1), last + timedelta(days=1), Access.demo(), now)
        window_cols = tuple(c for c in ("group_code",) + columns if c != q.LIVE_COLUMN)
        plan = src.cursor().execute("EXPLAIN ANALYZE " + compose_columns("kpi_counts", window_cols),
                                    scope.params() | {"by": "all"}).fetchall()[0][1]
        groups = re.findall(r"Row Groups Scanned: (\d+ / \d+)", plan)
        window = cpu(lambda: q.kpi_counts(src, scope, "all", columns, live=False))
        live = cpu(lambda: q.overdue_counts(src, scope, "all"))
        print(f"  {label}: row groups {', '.join(groups)}; window cards {window:.3f} s CPU ({window / base:.1f}× "
              f"baseline); live overdue count {live:.3f} s CPU ({live / base:.1f}×)")


if __name__ == "__main__":
    main(sys.argv[1])
