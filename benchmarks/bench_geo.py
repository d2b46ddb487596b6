"""Prints the cost of coordinate conversion and of building the synthetic areas.

Baseline: plain numpy trigonometry over the same points, measured in the same run, so the ratio
says how much the conversion costs beyond touching the data. Run: python -m benchmarks.bench_geo
"""
from __future__ import annotations

import time

import numpy as np

from data import areas, geo
from data.config import load_city


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(1)
    for n in (100_000, 1_000_000):
        lat = rng.uniform(18, 53, n)
        lon = rng.uniform(73, 135, n)
        base = best_of(lambda: (np.sin(np.radians(lat)) * np.cos(np.radians(lon))).sum())
        gcj = best_of(lambda: geo.gcj02_to_wgs84(lat, lon))
        bd = best_of(lambda: geo.bd09_to_wgs84(lat, lon))
        print(f"{n:>9,} points  baseline {base:.3f} s  gcj02→wgs84 {gcj:.3f} s (×{gcj / base:.0f})"
              f"  bd09→wgs84 {bd:.3f} s (×{bd / base:.0f})")
    city = load_city()
    build = best_of(lambda: areas.build_areas(city.boundaries_path, list(city.level_names), list(city.urban_core), 3), 2)
    print(f"build_areas (4 levels, ~2,700 areas): {build:.2f} s")


if __name__ == "__main__":
    main()
