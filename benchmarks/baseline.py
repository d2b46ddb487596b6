"""What the query benchmarks share: the bare scan each measures as its same-run baseline, the
dashboard's reader in miniature, and the best process CPU of repeated runs."""
from __future__ import annotations

import time

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
