"""Publish the DuckDB snapshot to ClickHouse (a server or cluster, or chdb in-process).

The DuckDB schema (data/schema.sql) stays the single definition of every table: the ClickHouse DDL
is generated from the snapshot's own catalogue, so a column added there reaches ClickHouse with the
next load. Tables go through Parquet (written from DuckDB's Arrow batches, then ClickHouse `INSERT ... SELECT
FROM file()` for chdb, or an Arrow insert over HTTP for a server) into a staging table, the row count is
checked, and the staging table is swapped in with `EXCHANGE TABLES`: a reload is idempotent and a
failed load leaves the previous data serving.

CLI: python -m data.clickhouse_load [--ddl-only] [--cluster NAME]   (settings: docs/engines.md)
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

# DuckDB type -> ClickHouse type. Timestamps are naive local time in DuckDB; ClickHouse keeps
# them as DateTime64(6) in UTC so no time zone shifts a value on the way in or out.
_TYPES = {
    "VARCHAR": "String", "BIGINT": "Int64", "INTEGER": "Int32", "SMALLINT": "Int16", "TINYINT": "Int8",
    "UBIGINT": "UInt64", "UINTEGER": "UInt32", "USMALLINT": "UInt16", "UTINYINT": "UInt8",
    "DOUBLE": "Float64", "FLOAT": "Float32", "BOOLEAN": "Bool", "DATE": "Date32",
    "TIMESTAMP": "DateTime64(6, 'UTC')",
}

# Sort keys and partitions of the big tables: the dashboard's windows read by time, then area.
# Other tables are small reference or ledger tables: one part, no key.
_LAYOUT = {
    "cases": ("(reported_month, ifNull(district_code, ''), reported_at)", "toYYYYMM(reported_month)"),
    "case_steps": ("(toStartOfMonth(step_at), case_id, seq)", "toYYYYMM(step_at)"),
    "case_private": ("(case_id)", None),
    "case_handoffs": ("(toStartOfMonth(to_at), case_id, hop)", "toYYYYMM(to_at)"),
    "case_dispatches": ("(toStartOfMonth(dispatched_at), case_id)", "toYYYYMM(dispatched_at)"),
    "open_cases": ("(case_id)", None),
}


# Data-skipping indexes (min/max per granule): case_facts keeps a case only when its span
# [first_event_at, last_event_at] meets the window, and the live overdue count reads overdue_from_at <
# now. Neither column is in the sort key, so without these ClickHouse reads every granule of every
# partition; with them it skips the granules whose whole span lies before the window (measured in
# docs/engines.md). Columns a snapshot lacks get no index.
_SKIP_INDEXES = {
    "cases": (("first_event_at", "minmax", 1), ("last_event_at", "minmax", 1), ("overdue_from_at", "minmax", 1)),
}


@dataclass(frozen=True)
class Column:
    name: str
    duck_type: str
    nullable: bool

    @property
    def ch_type(self) -> str:
        base = _TYPES.get(self.duck_type)
        if base is None:
            raise ValueError(f"no ClickHouse type for {self.duck_type} ({self.name})")
        return f"Nullable({base})" if self.nullable else base


def tables_of(con: duckdb.DuckDBPyConnection) -> dict[str, list[Column]]:
    """Every base table of the main schema with its columns in order."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name IN (SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE') ORDER BY table_name, ordinal_position"
    ).fetchall()
    tables: dict[str, list[Column]] = {}
    for table, column, dtype, nullable in rows:
        tables.setdefault(table, []).append(Column(column, dtype, bool(nullable)))
    return tables


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad identifier {name!r}")
    return f"`{name}`"


def create_table_sql(table: str, columns: list[Column], *, name: str | None = None, cluster: str | None = None,
                     engine: str = "MergeTree", skip_indexes: bool = True) -> str:
    """CREATE TABLE for `table` (under `name` if given). `cluster`: ON CLUSTER with a replicated engine.
    `skip_indexes=False` leaves out _SKIP_INDEXES (for measuring what they gain)."""
    target = _ident(name or table)
    on_cluster = f" ON CLUSTER {_ident(cluster)}" if cluster else ""
    names = {c.name for c in columns}
    lines = [f"    {_ident(c.name)} {c.ch_type}" for c in columns]
    if skip_indexes:
        lines += [f"    INDEX {_ident(col + '_' + kind)} {_ident(col)} TYPE {kind} GRANULARITY {granularity}"
                  for col, kind, granularity in _SKIP_INDEXES.get(table, ()) if col in names]
    body = ",\n".join(lines)
    layout = _LAYOUT.get(table)
    order, partition = layout if layout else ("tuple()", None)
    if cluster and engine == "MergeTree":
        engine = "ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/" + (name or table) + "', '{replica}')"
    parts = [f"CREATE TABLE IF NOT EXISTS {target}{on_cluster} (\n{body}\n) ENGINE = {engine}"]
    if partition:
        parts.append(f"PARTITION BY {partition}")
    parts.append(f"ORDER BY {order}")
    if layout:  # a snapshot from an older writer may leave a key column nullable
        parts.append("SETTINGS allow_nullable_key = 1")
    return "\n".join(parts)


# Tables sharded across the cluster (by case, so a case's row, steps and personal data share a shard).
# Every other table is small (areas, units, reference, people stream) and kept whole on every node as a
# replicated table under its own name, so joins with it run locally on each shard.
SHARDED = ("cases", "case_steps", "case_private", "case_handoffs", "case_dispatches", "open_cases")


def distributed_sql(table: str, cluster: str, database: str, local_suffix: str = "_local") -> str:
    """The cluster-wide table over the shards' `<table>_local`."""
    return (f"CREATE TABLE IF NOT EXISTS {_ident(table)} ON CLUSTER {_ident(cluster)} AS {_ident(table + local_suffix)}\n"
            f"ENGINE = Distributed({_ident(cluster)}, {_ident(database)}, {_ident(table + local_suffix)}, "
            f"cityHash64(case_id))")


def schema_ddl(con: duckdb.DuckDBPyConnection, cluster: str | None = None, database: str = "dashboard") -> str:
    """The whole ClickHouse schema as text; with `cluster`: replicated tables, and for the SHARDED ones
    a `<table>_local` on every shard with a Distributed `<table>` over them."""
    out = []
    for table, columns in tables_of(con).items():
        if cluster and table in SHARDED:
            out.append(create_table_sql(table, columns, name=table + "_local", cluster=cluster) + ";")
            out.append(distributed_sql(table, cluster, database) + ";")
        else:
            out.append(create_table_sql(table, columns, cluster=cluster) + ";")
    return "\n\n".join(out) + "\n"


class Target:
    """Where the tables go: `command(sql)` runs DDL, `insert_parquet(table, path)` loads one file,
    `count(table)` returns its rows."""

    def command(self, sql: str) -> None: ...
    def insert_parquet(self, table: str, path: Path) -> None: ...
    def count(self, table: str) -> int: ...


class ChdbTarget(Target):
    def __init__(self, session):
        self.session = session

    def command(self, sql: str) -> None:
        self.session.query(sql)

    def insert_parquet(self, table: str, path: Path) -> None:
        # file() reads the Parquet written just before by DuckDB; the path is ours, never user text.
        self.session.query(f"INSERT INTO {_ident(table)} SELECT * FROM file('{path}', Parquet)")  # noqa: S608

    def count(self, table: str) -> int:
        return int(self.session.query(f"SELECT count() FROM {_ident(table)}", "CSV").bytes().strip())  # noqa: S608


class HttpTarget(Target):
    """A ClickHouse server or cluster through clickhouse-connect (HTTP)."""

    def __init__(self, client):
        self.client = client

    def command(self, sql: str) -> None:
        self.client.command(sql)

    def insert_parquet(self, table: str, path: Path) -> None:
        import pyarrow.parquet as pq
        self.client.insert_arrow(table, pq.read_table(path))

    def count(self, table: str) -> int:
        return int(self.client.command(f"SELECT count() FROM {_ident(table)}"))  # noqa: S608


def write_parquet(con, table: str, path: Path) -> None:
    """The table as Parquet, streamed in record batches through pyarrow. DuckDB's own COPY TO would
    need file access, which the dashboard's hardened read-only connection does not have."""
    import pyarrow.parquet as pq
    reader = con.sql(f'SELECT * FROM "{table}"').to_arrow_reader(1_000_000)  # noqa: S608 - catalogue name
    with pq.ParquetWriter(path, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)


def load(con: duckdb.DuckDBPyConnection, target: Target, *, tables: list[str] | None = None,
         workdir: Path | None = None, skip_indexes: bool = True) -> dict[str, int]:
    """Copy every table (or `tables`) of the DuckDB snapshot `con` into `target`; returns rows per
    table. Each table: Parquet → `<t>__staging` → count checked → EXCHANGE with `<t>`."""
    all_tables = tables_of(con)
    chosen = tables or list(all_tables)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="ch-load-", dir=workdir) as tmp:
        for table in chosen:
            columns = all_tables[table]
            staging = table + "__staging"
            expected = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]  # noqa: S608 - catalogue name
            path = Path(tmp) / f"{table}.parquet"
            write_parquet(con, table, path)
            target.command(create_table_sql(table, columns, skip_indexes=skip_indexes))
            target.command(f"DROP TABLE IF EXISTS {_ident(staging)}")
            target.command(create_table_sql(table, columns, name=staging, skip_indexes=skip_indexes))
            target.insert_parquet(staging, path)
            got = target.count(staging)
            if got != expected:
                raise RuntimeError(f"{table}: {got} rows loaded, {expected} in the snapshot")
            target.command(f"EXCHANGE TABLES {_ident(staging)} AND {_ident(table)}")
            target.command(f"DROP TABLE IF EXISTS {_ident(staging)}")
            counts[table] = got
    return counts


def http_client_from_env():
    """clickhouse-connect client from CLICKHOUSE_HOST/PORT/USER/PASSWORD/DATABASE/SECURE."""
    import clickhouse_connect
    return clickhouse_connect.get_client(
        host=os.environ.get("CLICKHOUSE_HOST", "localhost"),
        port=int(os.environ.get("CLICKHOUSE_PORT", "8123")),
        username=os.environ.get("CLICKHOUSE_USER", "default"),
        password=os.environ.get("CLICKHOUSE_PASSWORD", ""),
        database=os.environ.get("CLICKHOUSE_DATABASE", "default"),
        secure=os.environ.get("CLICKHOUSE_SECURE", "0") == "1",
    )


DDL_HEADER = ("-- GENERATED from data/schema.sql by `python -m data.clickhouse_load --ddl-only{}`; do not edit.\n"
              "-- tests/test_clickhouse_load.py fails when this file and the DuckDB schema drift apart.\n\n")


def main(argv: list[str] | None = None) -> int:
    from data.config import db_path, published_path
    parser = argparse.ArgumentParser(description="Load the published DuckDB snapshot into ClickHouse")
    parser.add_argument("--ddl-only", action="store_true", help="print the ClickHouse DDL and exit")
    parser.add_argument("--cluster", help="with --ddl-only: ON CLUSTER DDL with Distributed tables")
    parser.add_argument("--database", default="dashboard", help="database name in the Distributed DDL")
    args = parser.parse_args(argv)
    if args.ddl_only:   # from data/schema.sql itself: no database needed
        from data.store import apply_schema
        con = duckdb.connect()
        apply_schema(con)
        sys.stdout.write(DDL_HEADER.format(" --cluster " + args.cluster if args.cluster else "")
                         + schema_ddl(con, args.cluster, args.database))
        return 0
    con = duckdb.connect(str(published_path(db_path())), read_only=True)
    started = time.perf_counter()
    counts = load(con, HttpTarget(http_client_from_env()))
    for table, rows in counts.items():
        print(f"{table}: {rows} rows")
    print(f"loaded in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
