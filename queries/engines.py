"""The engine seam: the same query files on DuckDB (default), chdb (ClickHouse in-process) or a
ClickHouse server/cluster, chosen by DASHBOARD_ENGINE (duckdb | chdb | clickhouse).

A ClickHouse source looks to queries.runner exactly like the DuckDB `SnapshotReader`: `cursor()`
gives an object with `execute(sql, params).df()`, and `version` changes when the data does. The
cursor translates the DuckDB text it is given (queries.clickhouse_sql), so the one _scoped.sql
predicate is what ClickHouse applies too. Results come back with DuckDB's pandas types (naive
timestamps, int64 counts) so pages and charts cannot tell the engines apart.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd

ENGINES = ("duckdb", "chdb", "clickhouse")


def _dialect():
    """queries.clickhouse_sql, imported only when a ClickHouse engine is used: it needs sqlglot, which
    is in requirements-clickhouse.txt, not in the default install (DuckDB needs no translation)."""
    from queries import clickhouse_sql
    return clickhouse_sql


def engine_name() -> str:
    name = os.environ.get("DASHBOARD_ENGINE", "duckdb").strip().lower() or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"DASHBOARD_ENGINE 只能是 {' / '.join(ENGINES)}，当前为 {name!r}")
    return name


def like_duckdb(frame: pd.DataFrame) -> pd.DataFrame:
    """ClickHouse result types → what DuckDB's .df() gives: naive microsecond timestamps, signed ints."""
    for col in frame.columns:
        dtype = frame[col].dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            frame[col] = frame[col].dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
        elif pd.api.types.is_datetime64_dtype(dtype):
            frame[col] = frame[col].astype("datetime64[us]")
        elif pd.api.types.is_unsigned_integer_dtype(dtype):
            frame[col] = frame[col].astype("Int64" if isinstance(dtype, pd.api.extensions.ExtensionDtype) else "int64")
    return frame


def _python(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def _settings_clause(extra: dict | None = None) -> str:
    settings = {**_dialect().QUERY_SETTINGS, **(extra or {})}
    return " SETTINGS " + ", ".join(f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in settings.items())


class ClickHouseCursor:
    """DuckDB-cursor look-alike over a function (ClickHouse SQL, params) -> DataFrame."""

    def __init__(self, run, schema: tuple = ()):
        self._run = run
        self._schema = schema
        self._frame: pd.DataFrame | None = None

    def execute(self, sql: str, params: dict | None = None) -> "ClickHouseCursor":
        text, bound = _dialect().translate(sql.strip().rstrip(";"), dict(params or {}), self._schema)
        self._frame = like_duckdb(self._run(text, bound))
        return self

    def df(self) -> pd.DataFrame:
        return self._frame

    def fetchall(self) -> list[tuple]:
        """Rows as DuckDB's fetchall gives them: Python scalars, None for NULL."""
        return [tuple(_python(v) for v in row) for row in self._frame.itertuples(index=False, name=None)]

    def fetchone(self):
        rows = self.fetchall()
        return rows[0] if rows else None

    def close(self) -> None:
        self._frame = None


class ChdbSource:
    """chdb session holding a loaded copy of a DuckDB database (data.clickhouse_load)."""

    def __init__(self, workdir: Path | str | None = None):
        from chdb import session
        self._tmp = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="chdb-")
            workdir = self._tmp.name
        self.session = session.Session(str(workdir))
        self._lock = threading.Lock()   # one chdb connection; queries run one at a time
        self.loaded_version = "none"
        self.schema: tuple = ()

    def load_from(self, con: duckdb.DuckDBPyConnection, version: str = "loaded", *,
                  tables: list[str] | None = None, skip_indexes: bool = True) -> dict[str, int]:
        from data.clickhouse_load import ChdbTarget, load, tables_of
        with self._lock:
            counts = load(con, ChdbTarget(self.session), tables=tables, skip_indexes=skip_indexes)
            self.schema = tuple((t, tuple(c.name for c in cols)) for t, cols in tables_of(con).items())
            self.loaded_version = version
        return counts

    def run(self, text: str, bound: dict, extra_settings: dict | None = None) -> pd.DataFrame:
        with self._lock:
            return self.session.query(text + _settings_clause(extra_settings), "DataFrame",
                                      params={k: _dialect().param_text(v) for k, v in bound.items()})

    @property
    def version(self) -> str:
        return self.loaded_version

    def cursor(self) -> ClickHouseCursor:
        return ClickHouseCursor(self.run, self.schema)

    def pin(self) -> Pinned:
        return Pinned(self.loaded_version, self)

    def close(self) -> None:
        self.session.close()
        if self._tmp is not None:
            self._tmp.cleanup()


class Pinned:
    """A reader's current version, with the `version` / `cursor()` of queries.db.Snapshot. ClickHouse
    keeps one copy of the data: a pin names the version its reads were keyed on, but a reload
    replaces the tables under it (EXCHANGE TABLES is atomic per table, see docs/engines.md)."""

    __slots__ = ("version", "_source")

    def __init__(self, version: str, source):
        self.version = version
        self._source = source

    def cursor(self) -> ClickHouseCursor:
        return self._source.cursor()

    def __repr__(self) -> str:
        return f"Pinned({self.version!r})"


class ChdbSnapshotReader:
    """DASHBOARD_ENGINE=chdb: serves the published DuckDB snapshot from chdb. The snapshot is loaded
    into the process's chdb session at start and again whenever a writer publishes a new one (the
    version follows the snapshot's, so caches key on it exactly as with DuckDB)."""

    def __init__(self, path: Path | str):
        from queries.db import SnapshotReader
        self._snapshot = SnapshotReader(path)
        self._source: ChdbSource | None = None
        self._lock = threading.Lock()

    @property
    def last_error(self) -> str | None:
        return self._snapshot.last_error

    def _current(self) -> ChdbSource:
        snap = self._snapshot.pin()
        with self._lock:
            if self._source is None:
                self._source = ChdbSource()
            if self._source.loaded_version != snap.version and snap.version != "none":
                # Read through the snapshot's own hardened connection (a second, differently
                # configured DuckDB connection to the same file is refused within one process).
                cur = snap.cursor()
                try:
                    self._source.load_from(cur, snap.version)
                finally:
                    cur.close()
            if self._source.loaded_version == "none":
                raise FileNotFoundError(f"数据库不存在或无法打开：{self._snapshot.path}")
            return self._source

    @property
    def version(self) -> str:
        return self._snapshot.version

    def pin(self) -> Pinned:
        source = self._current()
        return Pinned(source.loaded_version, source)

    def cursor(self) -> ClickHouseCursor:
        return self._current().cursor()


class ClickHouseServerReader:
    """DASHBOARD_ENGINE=clickhouse: a ClickHouse server or cluster over HTTP (clickhouse-connect),
    one client per thread. The version is the last load's stamp in `meta`, re-read every few seconds."""

    VERSION_TTL_SECONDS = 5.0

    def __init__(self):
        self._local = threading.local()
        self._version = ("none", 0.0)
        self._tables: tuple | None = None
        self.last_error: str | None = None

    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            from data.clickhouse_load import http_client_from_env
            client = self._local.client = http_client_from_env()
        return client

    def run(self, text: str, bound: dict) -> pd.DataFrame:
        settings = _dialect().QUERY_SETTINGS
        frame = self._client().query_df(text, parameters=bound, settings=settings)
        if len(frame.columns) == 0:
            # An empty result in ClickHouse's Native format carries no column names or types, so
            # clickhouse-connect returns a frame without columns (its issue #118), and pages that read
            # `frame.case_id` fail. Arrow output keeps the schema of an empty result: ask again in it.
            frame = self._client().query_arrow(text, parameters=bound, settings=settings).to_pandas()
        return frame

    @property
    def version(self) -> str:
        value, at = self._version
        if time.monotonic() - at > self.VERSION_TTL_SECONDS:
            row = self._client().query("SELECT toString(max(updated_at)), toString(count()) FROM meta").result_rows
            value = "-".join(row[0]) if row else "none"
            self._version = (value, time.monotonic())
        return value

    def _schema(self) -> tuple:
        if self._tables is None:
            rows = self._client().query(
                "SELECT table, groupArray(name) FROM (SELECT table, name FROM system.columns "
                "WHERE database = currentDatabase() ORDER BY table, position) GROUP BY table").result_rows
            self._tables = tuple((t, tuple(cols)) for t, cols in rows)
        return self._tables

    def cursor(self) -> ClickHouseCursor:
        return ClickHouseCursor(self.run, self._schema())

    def pin(self) -> Pinned:
        return Pinned(self.version, self)


def open_reader(path: Path | str):
    """The dashboard's data source for the configured engine."""
    name = engine_name()
    if name == "chdb":
        return ChdbSnapshotReader(path)
    if name == "clickhouse":
        return ClickHouseServerReader()
    from queries.db import SnapshotReader
    return SnapshotReader(path)
