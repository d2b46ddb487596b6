"""Rows per second of the importer on a generated CSV in the generic Chinese export layout.

The baseline, measured in the same run on the same file, is plain `pandas.read_csv(dtype=str)`:
reading the text and nothing else (no validation, no database). The importer does that and also
decodes strictly, cleans, validates every field, converts coordinates, resolves areas, units and
categories, computes working-time deadlines, writes cases, steps and private data in one
transaction and publishes a snapshot. Run from the repository root:
    python benchmarks/bench_ingest.py [rows]          (default 1,000,000)
"""
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from data.ingest import import_file  # noqa: E402
from data.ingest.sample import build_frame, write  # noqa: E402


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        path = write(build_frame(rows, seed=1), tmp / "export.csv")
        print(f"generated {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB, in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        baseline_s = time.perf_counter() - t0
        assert len(frame) == rows
        del frame

        marks: list[tuple[str, float]] = []

        def progress(message: str) -> None:
            marks.append((message, time.perf_counter()))

        t0 = time.perf_counter()
        result = import_file(path, db=tmp / "city.duckdb", progress=progress)
        end = time.perf_counter()
        import_s = end - t0
        assert result.ok and result.counts["inserted"] == rows, result
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"pandas.read_csv(dtype=str) baseline: {baseline_s:6.1f} s  {rows / baseline_s:>10,.0f} rows/s")
    print(f"python -m data.ingest (full import): {import_s:6.1f} s  {rows / import_s:>10,.0f} rows/s  "
          f"({import_s / baseline_s:.1f}× the baseline's time)")
    print(f"peak resident memory of this process: {peak_mb:,.0f} MB")
    # Progress messages: 读取 (start), 格式 (file read and parsed), 写入数据库 (rows staged), then the end.
    times = [t for _, t in marks[:3]] + [end]
    names = ["read and parse", "validate and stage", "one transaction + publish"]
    print("stages: " + ", ".join(f"{n} {b - a:.1f} s" for n, a, b in zip(names, times, times[1:])))

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
