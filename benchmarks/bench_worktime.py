"""Time WorkCalendar.add and work_hours_between on 1M and 10M random timestamps.

Each figure is compared with plain numpy datetime arithmetic on the same arrays in the same run
(the floor any vectorised calendar pays). Run from the repository root:
    python benchmarks/bench_worktime.py [rows ...]
"""
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from data.worktime import WorkCalendar, limits_for, load_time_limits  # noqa: E402


def best_seconds(fn, repeat=3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(sizes):
    cal = WorkCalendar.from_config()
    limits = load_time_limits()
    codes = limits.loc[limits.category_code != "*", "category_code"].to_numpy()
    rng = np.random.default_rng(1)
    for n in sizes:
        start = np.datetime64("2024-01-01", "us") + rng.integers(0, 3 * 365 * 86_400, n) * np.timedelta64(1, "s")
        end = start + rng.integers(0, 20 * 86_400, n) * np.timedelta64(1, "s")
        start[:: 1000] = np.datetime64("NaT")
        amount = rng.integers(1, 40, n).astype(float)
        categories = rng.choice(codes, n)
        cal.add(start[:10], amount[:10], "work_hours")  # build the calendar span outside the timing

        base_add = best_seconds(lambda: start + (amount * 3_600_000_000).astype("timedelta64[us]"))
        base_diff = best_seconds(lambda: (end - start) / np.timedelta64(1, "h"))
        add_hours = best_seconds(lambda: cal.add(start, amount, "work_hours"))
        lim_amount, lim_unit = limits_for(limits, categories, "handle")
        lookup = best_seconds(lambda: limits_for(limits, categories, "handle"))
        add_mixed = best_seconds(lambda: cal.add(start, lim_amount, lim_unit))
        between = best_seconds(lambda: cal.work_hours_between(start, end))

        tracemalloc.start()
        cal.add(start, lim_amount, lim_unit)
        peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        print(f"rows={n:,}")
        print(f"  baseline numpy start + timedelta       {base_add:7.3f} s")
        print(f"  add(work_hours, one unit)              {add_hours:7.3f} s  x{add_hours / base_add:5.1f}")
        print(f"  limits_for(category, 'handle')         {lookup:7.3f} s")
        print(f"  add(mixed units from limits_for)       {add_mixed:7.3f} s  x{add_mixed / base_add:5.1f}"
              f"  (peak extra memory {peak_mib:,.0f} MiB, input arrays {start.nbytes * 3 / 2**20:,.0f} MiB)")
        print(f"  baseline numpy (end - start) / 1 h     {base_diff:7.3f} s")
        print(f"  work_hours_between                     {between:7.3f} s  x{between / base_diff:5.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000_000, 10_000_000])
