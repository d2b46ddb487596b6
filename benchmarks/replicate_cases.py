"""Builds a bigger city from a measured one for scale runs: every case of SOURCE copied TIMES times
with new case ids and numbers, the same areas, units, categories and times (so a window holds TIMES×
the cases it held). Only `cases` is replicated: case_steps, case_private and the people stream keep
the source's rows (they belong to the original case ids), so queries over steps or reporters see the
source's volume. Used for the 100M-case figures (docs/engines.md, docs/performance.md).

Copy k of case c gets case_id = c + k × 10^(digits of max case_id) and case_no = case_no || '~k' (k = 0
is the original). Each copy is appended as a block of its own in the source's row order, so a window
reads TIMES× the row groups it read at the source's size, as it would in a city TIMES× as big (an
interleaved, sorted layout measured the same per row and took hours to write on this machine). Then
the writers' own publish (data.store.publish) brings the schema up to date, refreshes derived
columns and writes the readers' snapshot beside it. Memory-heavy: run under `flock /work/bigmem.lock`.

Usage: python -m benchmarks.replicate_cases SOURCE.duckdb TARGET.duckdb [--times 10] [--memory 6GB]
"""
from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import duckdb

from data.store import apply_schema, publish

INSERT_COPY = """
INSERT INTO cases
SELECT * REPLACE (case_id + $k * $stride AS case_id, case_no || '~' || $k::VARCHAR AS case_no)
FROM cases
WHERE case_id < $stride
"""


def replicate(source: Path, target: Path, times: int, memory: str) -> None:
    started = time.perf_counter()
    if target.exists():
        raise SystemExit(f"{target} exists: remove it first")
    shutil.copyfile(source, target)
    con = duckdb.connect(str(target), config={"memory_limit": memory, "threads": 2,
                                              "temp_directory": str(target) + ".tmp"})
    con.execute("SET enable_progress_bar = false")
    apply_schema(con)
    n0, ids0, max_id = con.execute("SELECT count(*), count(DISTINCT case_id), max(case_id) FROM cases").fetchone()
    if ids0 != n0:
        raise SystemExit(f"{source}: case ids are not unique ({ids0:,} ids for {n0:,} rows)")
    stride = 10 ** len(str(max_id))
    for k in range(1, times):
        con.execute(INSERT_COPY, {"stride": stride, "k": k})
        con.execute("CHECKPOINT")
        print(f"  copy {k}: {time.perf_counter() - started:.0f} s", flush=True)
    # Unique by construction (copy k adds k × stride to ids below stride); the counts per copy are checked.
    per_copy = con.execute("SELECT count(*) FROM cases GROUP BY case_id // $stride ORDER BY case_id // $stride",
                           {"stride": stride}).fetchall()
    n1 = sum(n for (n,) in per_copy)
    if [n for (n,) in per_copy] != [n0] * times:
        raise SystemExit(f"replication gave {[n for (n,) in per_copy]} rows per copy; expected {n0:,} each")
    print(f"{n0:,} → {n1:,} cases in {time.perf_counter() - started:.0f} s; publishing", flush=True)
    snapshot = publish(con, target)
    con.close()
    print(f"published {snapshot} ({snapshot.stat().st_size / 2**30:.1f} GiB; writer's file "
          f"{target.stat().st_size / 2**30:.1f} GiB) in {time.perf_counter() - started:.0f} s in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--memory", default="6GB", help="DuckDB memory_limit (spills to TARGET.tmp beyond it)")
    args = parser.parse_args()
    replicate(args.source, args.target, args.times, args.memory)


if __name__ == "__main__":
    main()
