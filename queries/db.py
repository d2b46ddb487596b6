"""The dashboard's side of the database: hardened read-only connections to the published snapshot.

One `SnapshotReader` per process (held by ui.cache); every query takes a fresh `cursor()`, because
threads sharing one connection were measured to receive each other's rows.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb


def connect_readonly(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Read-only, no file access, no extensions, configuration locked (security.md rule 5).

    DuckDB keeps one database instance per path inside a process: a second connect to a path that
    is still open returns a connection to that same instance, whose configuration the first open
    already locked, and `SET` on it fails (`Cannot change configuration option ...`). That instance
    is hardened already, so it is checked, not set again: opening one snapshot twice in a process
    (two readers, a reader and a test, a reader racing its own refresh) is safe. The check and the
    SET happen under one process-wide lock, or two threads opening a new version at once could both
    see it unlocked and the second SET fail.
    """
    with _OPEN_LOCK:
        return _connect_hardened(path)


_OPEN_LOCK = threading.Lock()


def _connect_hardened(path: Path | str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        | reader_memory_config(),
    )
    if _setting(con, "lock_configuration"):
        if _setting(con, "enable_external_access"):   # locked open by someone else: refuse it
            con.close()
            raise duckdb.InvalidInputException(f"{path} is open in this process without hardening")
        return con
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def reader_memory_config() -> dict[str, str]:
    """DuckDB's memory_limit for the reader: DASHBOARD_DUCKDB_MEMORY_MB if set, else DuckDB's own default
    (80 % of RAM; the buffer then keeps up to the snapshot's size of blocks it read, plus what queries
    hold). A limit bounds the process (10M cases, 总览+趋势+排行榜+案件: 2.8 GB RSS without, 1.35 GB with
    1024) but quantiles and window functions cannot spill: below ~1 GB at 10M cases 趋势's handling
    time fails with Out of Memory (docs/performance.md section 7). Unset by default for that reason."""
    raw = os.environ.get("DASHBOARD_DUCKDB_MEMORY_MB", "").strip()
    if not raw:
        return {}
    mb = int(raw)
    if mb < 64:
        raise ValueError(f"DASHBOARD_DUCKDB_MEMORY_MB must be at least 64, got {raw!r}")
    return {"memory_limit": f"{mb}MB"}


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    value = con.execute("SELECT current_setting($name)", {"name": name}).fetchone()[0]
    return value is True or str(value).lower() == "true"


class Snapshot:
    """One published version, pinned: every cursor reads that version, whatever is published later.
    A page render (or a wall refresh) takes one and reads everything from it (security.md rule 15).
    Holding it keeps the version's connection, hence its file, alive; drop it at the end of the run."""

    __slots__ = ("version", "_con")

    def __init__(self, version: str, con: duckdb.DuckDBPyConnection | None):
        self.version = version
        self._con = con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise FileNotFoundError("数据库不存在或无法打开")
        return self._con.cursor()

    def __repr__(self) -> str:
        return f"Snapshot({self.version!r})"


class SnapshotReader:
    """Opens the published snapshot and reopens it when a writer publishes a new one.

    `pin()` gives the current version as a `Snapshot`; `version` and `cursor()` are shorthands that
    each look again (two calls may see two versions: pin once per render instead).
    If the file is briefly missing or unreadable, the last good connection keeps serving.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stat_key: tuple[str, int] | None = None
        self.last_error: str | None = None
        self.open_failures = 0     # new versions that could not be opened (kept serving the last good one)
        self.last_exception: str | None = None   # for the server log and benchmarks; never shown

    def _current_stat_key(self) -> tuple[str, int] | None:
        """(resolved file, mtime): writers publish every version under a new file name."""
        try:
            real = os.path.realpath(self.path)
            return (real, os.stat(real).st_mtime_ns)
        except OSError:
            return None

    def refresh(self) -> None:
        # The stat happens under the lock: a key read before another thread moved on to a newer
        # version must never be acted on afterwards (it would reopen, or go back to, an old file).
        with self._lock:
            key = self._current_stat_key()
            if key is None:
                self.last_error = "数据库文件暂时不可用，显示的是最近一次成功读取的数据"
                return
            if key == self._stat_key and self._con is not None:
                return
            try:
                con = connect_readonly(key[0])
            except duckdb.Error as exc:
                self.open_failures += 1
                self.last_exception = f"{type(exc).__name__}: {exc}"
                self.last_error = f"数据库暂时无法打开（{type(exc).__name__}），显示的是最近一次成功读取的数据"
                return
            # The old connection is not closed here: pinned snapshots and other threads may still be
            # reading from it; it is released when the last reference to it is gone.
            self._con, self._stat_key, self.last_error = con, key, None

    def pin(self) -> Snapshot:
        """The current published version, for reading many things from one version."""
        self.refresh()
        with self._lock:
            key, con = self._stat_key, self._con
        version = "none" if key is None else f"{os.path.basename(key[0])}-{key[1]}"
        return Snapshot(version, con)

    @property
    def version(self) -> str:
        return self.pin().version

    def cursor(self) -> duckdb.DuckDBPyConnection:
        snap = self.pin()
        if snap._con is None:
            raise FileNotFoundError(f"数据库不存在或无法打开：{self.path}")
        return snap.cursor()
