"""DuckDB against chdb (ClickHouse in-process) on the 总览 page's queries, in one run, on one database.

Loads the published DuckDB snapshot into chdb (timed, rows checked), then runs exactly the queries
the 总览 page runs (benchmarks/bench_overview.page_queries) for 近30天 and for the whole span on each
engine: cold (first run) and warm (best of 3). Also prints chdb's compressed bytes per case, the
figure docs/engines.md sizes a cluster with. Memory-heavy: run under `flock /work/bigmem.lock`.
Usage: python -m benchmarks.bench_engines DB [DB ...]   (a writer's database, whose snapshot is read, or a snapshot)
"""
from __future__ import annotations

import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.bench_overview import page_queries, timed
from data.config import load_city, published_path
from queries.db import SnapshotReader
from queries.engines import ChdbSource
from queries.scope import Access, Scope


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main(paths: list[str]) -> None:
    city = load_city()
    for path in paths:
        snapshot = published_path(Path(path)) if published_path(Path(path)).exists() else Path(path)
        duck = SnapshotReader(snapshot)
        cur = duck.cursor()
        n, last = cur.execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
        print(f"{n:>12,} cases in {snapshot} (peak RSS so far {_rss_gib():.1f} GiB)")
        ch = ChdbSource()
        started = time.perf_counter()
        counts = ch.load_from(duck.cursor())
        print(f"  chdb load from the snapshot (Parquet, counts checked): {time.perf_counter() - started:.1f} s, "
              f"{counts['cases']:,} cases; peak RSS {_rss_gib():.1f} GiB")
        size = ch.cursor().execute(
            "SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE active AND table = 'cases' "
            "AND database = currentDatabase()").fetchone()[0]
        print(f"  chdb cases table on disk: {size / 2**20:,.0f} MiB = {size / n:.0f} bytes per case")
        for label, days in (("近30天", 30), ("全部两年", 731)):
            scope = Scope(start_date=last - timedelta(days=days - 1), end_date=last + timedelta(days=1),
                          access=Access.demo())
            for engine, source in (("duckdb", duck), ("chdb", ch)):
                cold = timed(lambda: page_queries(source, scope, city.league_min_volume))
                warm = min(timed(lambda: page_queries(source, scope, city.league_min_volume)) for _ in range(3))
                print(f"  {label:<6} {engine:<6} 总览 queries: cold {cold:6.2f} s, warm {warm:6.2f} s")
        print(f"  peak RSS {_rss_gib():.1f} GiB")
        ch.close()


if __name__ == "__main__":
    main(sys.argv[1:] or ["data/demo.duckdb"])
