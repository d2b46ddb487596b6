"""DuckDB against chdb (ClickHouse in-process) on the 总览 page's queries, in one run, on one database.

Loads the published DuckDB snapshot into chdb (timed, rows checked), then runs exactly the queries
the 总览 page runs (benchmarks/bench_overview.page_queries) for 近30天 and for the whole span on each
engine: cold (first run) and warm (best of 3). Also prints chdb's compressed bytes per case, the
figure docs/engines.md sizes a cluster with. Memory-heavy: run under `flock /work/bigmem.lock`.

Only the tables the 总览 page reads are loaded (not case_steps or case_private: 75M steps at 10M cases
would triple the load for nothing this page reads); --all-tables loads everything. --compare-indexes
also times the chdb copy with its data-skipping indexes (data.clickhouse_load._SKIP_INDEXES) switched
off (`use_skip_indexes = 0`), so what they gain is measured in the same run on the same parts.
Usage: python -m benchmarks.bench_engines DB [DB ...] [--compare-indexes] [--all-tables] [--spans 30,731] [--repeats 3]
(DB: a writer's database, whose snapshot is read, or a snapshot)
"""
from __future__ import annotations

import argparse
import resource
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.bench_overview import page_queries, timed
from data.config import load_city, published_path
from queries.db import SnapshotReader
from queries.engines import ChdbSource, ClickHouseCursor
from queries.scope import Access, Scope

NOT_READ_BY_OVERVIEW = ("case_steps", "case_private")


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


class WithSettings:
    """A chdb source whose queries run with extra ClickHouse settings (one chdb session per process)."""

    def __init__(self, source: ChdbSource, settings: dict):
        self.source, self.settings = source, settings

    @property
    def version(self) -> str:
        return self.source.version + repr(self.settings)

    def cursor(self) -> ClickHouseCursor:
        return ClickHouseCursor(lambda text, bound: self.source.run(text, bound, self.settings), self.source.schema)


def _load(ch: ChdbSource, duck: SnapshotReader, *, all_tables: bool, skip_indexes: bool, label: str) -> ChdbSource:
    from data.clickhouse_load import tables_of
    cur = duck.cursor()
    tables = None if all_tables else [t for t in tables_of(cur) if t not in NOT_READ_BY_OVERVIEW]
    ch.session.query("DROP TABLE IF EXISTS cases")   # the previous database's: free its disk first
    started = time.perf_counter()
    counts = ch.load_from(duck.cursor(), tables=tables, skip_indexes=skip_indexes)
    print(f"  chdb {label}: load (Parquet, counts checked) {time.perf_counter() - started:.1f} s, "
          f"{counts['cases']:,} cases, {len(counts)} tables; peak RSS {_rss_gib():.1f} GiB", flush=True)
    return ch


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="DuckDB against chdb on the 总览 queries")
    parser.add_argument("paths", nargs="*", default=["data/demo.duckdb"])
    parser.add_argument("--compare-indexes", action="store_true", help="also a chdb copy without skip indexes")
    parser.add_argument("--all-tables", action="store_true", help="load every table, not only the page's")
    parser.add_argument("--spans", default="30,731", help="window lengths in days (近30天, 全部两年)")
    parser.add_argument("--repeats", type=int, default=3, help="warm runs (the best is printed)")
    args = parser.parse_args(argv)
    city = load_city()
    spans = [int(d) for d in args.spans.split(",")]
    ch = ChdbSource()   # chdb allows one session per process: each database is loaded into it in turn
    for path in args.paths:
        snapshot = published_path(Path(path)) if published_path(Path(path)).exists() else Path(path)
        duck = SnapshotReader(snapshot)
        cur = duck.cursor()
        n, last = cur.execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
        print(f"{n:>12,} cases in {snapshot} (peak RSS so far {_rss_gib():.1f} GiB)", flush=True)
        engines = [("duckdb", duck), ("chdb", _load(ch, duck, all_tables=args.all_tables, skip_indexes=True,
                                                     label="with skip indexes"))]
        if args.compare_indexes:
            engines.append(("chdb-noidx", WithSettings(engines[1][1], {"use_skip_indexes": 0})))
        size = engines[1][1].cursor().execute(
            "SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE active AND table = 'cases' "
            "AND database = currentDatabase()").fetchone()[0]
        print(f"  chdb cases table on disk: {size / 2**20:,.0f} MiB = {size / n:.0f} bytes per case", flush=True)
        for days in spans:
            label = "近30天" if days == 30 else f"{days} 天"
            scope = Scope(start_date=last - timedelta(days=days - 1), end_date=last + timedelta(days=1),
                          access=Access.demo())
            for engine, source in engines:
                cold = timed(lambda: page_queries(source, scope, city.league_min_volume))
                warm = min(timed(lambda: page_queries(source, scope, city.league_min_volume)) for _ in range(args.repeats))
                print(f"  {label:<6} {engine:<10} 总览 queries: cold {cold:6.2f} s, warm {warm:6.2f} s", flush=True)
        print(f"  peak RSS {_rss_gib():.1f} GiB", flush=True)
    ch.close()


if __name__ == "__main__":
    main()
