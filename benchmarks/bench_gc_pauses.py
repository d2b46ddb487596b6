"""Python's own full collections inside cold page views, with the heap's imports frozen (ui/heap.py) and
without, alternating in one process.

    python -m benchmarks.bench_gc_pauses WRITERS.duckdb [--views 12] [--rounds 2] [--page dashboard.py]

Each view is the page run as the page runs it (AppTest through the entry script, component scan once per
process: benchmarks/apptest.py), cold: result store and st.cache_data cleared, a new selection (district
× range, drawn in a fixed order). Prints per round the views' wall (median, total) and the collector's
pauses inside them (gc.callbacks: count and seconds per generation). "unfrozen" undoes the freeze and
keeps setup_page from doing it again; "frozen" lets setup_page freeze at the round's first view, as a
server's first page run does. Baseline in the same run: the bare scan of five columns (benchmarks/baseline.py).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

from benchmarks import apptest
from benchmarks.bench_page_table import baseline

RANGES = ("last30", "week", "month", "quarter", "year")


class Pauses:
    """Seconds and count of the collector's pauses per generation while `active`."""

    def __init__(self):
        self.active, self.started = False, 0.0
        self.seconds, self.counts = [0.0, 0.0, 0.0], [0, 0, 0]

    def __call__(self, phase: str, info: dict) -> None:
        if not self.active:
            return
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self.started
            self.counts[info["generation"]] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--views", type=int, default=12, help="cold views per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each kind, alternating")
    parser.add_argument("--page", default="dashboard.py")
    args = parser.parse_args()
    os.environ["DASHBOARD_DB"] = str(args.db)
    n, base, last = baseline(args.db, 3)
    os.environ["DASHBOARD_NOW"] = f"{last}T16:00:00"
    import streamlit as st

    from ui import cache, heap

    apptest._discovered()
    pauses = Pauses()
    gc.callbacks.append(pauses)
    heap._frozen = True                       # the warm-up's imports: not frozen until a "frozen" round
    apptest.app(args.page, {"range": "today"}).run()
    with cache.pinned():
        districts = [None, *sorted(cache.known_codes().districts)[:3]]
    print(f"{args.db} — {n:,} cases; baseline (bare scan of 5 columns) {base:.3f} s; load average "
          f"{os.getloadavg()[0]:.1f}; heap objects tracked {len(gc.get_objects()):,}")
    print(f"{'round':<10} {'views':>5} {'median s':>9} {'total s':>8} {'gc pauses (gen0/1/2 count)':>28} "
          f"{'gc s (gen0/1/2)':>24}")
    for r in range(args.rounds * 2):
        frozen = r % 2 == 1
        gc.unfreeze()
        heap._frozen = not frozen             # frozen: setup_page freezes at this round's first view
        pauses.seconds, pauses.counts = [0.0, 0.0, 0.0], [0, 0, 0]
        walls = []
        for v in range(args.views):
            params = {"range": RANGES[v % len(RANGES)]}
            district = districts[(v // len(RANGES)) % len(districts)]
            if district:
                params["district"] = district
            st.cache_data.clear()
            cache.results().clear()
            at = apptest.app(args.page, params)
            pauses.active = True
            started = time.perf_counter()
            at.run()
            walls.append(time.perf_counter() - started)
            pauses.active = False
            if at.exception:
                raise SystemExit(f"exception: {at.exception[0].message[:200]}")
        label = "frozen" if frozen else "unfrozen"
        print(f"{label:<10} {len(walls):>5} {statistics.median(walls):9.3f} {sum(walls):8.2f} "
              f"{'/'.join(map(str, pauses.counts)):>28} {'/'.join(f'{s:.3f}' for s in pauses.seconds):>24}")


if __name__ == "__main__":
    main()
