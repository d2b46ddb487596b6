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
    """Read-only, no file access, no extensions, configuration locked (security.md rule 5)."""
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


class SnapshotReader:
    """Opens the published snapshot and reopens it when a writer publishes a new one.

    `version` changes with every publish; cached results are keyed on it so new data is seen.
    If the file is briefly missing or unreadable, the last good connection keeps serving.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stat_key: tuple[str, int] | None = None
        self.last_error: str | None = None

    def _current_stat_key(self) -> tuple[str, int] | None:
        """(resolved file, mtime): writers publish every version under a new file name."""
        try:
            real = os.path.realpath(self.path)
            return (real, os.stat(real).st_mtime_ns)
        except OSError:
            return None

    def refresh(self) -> None:
        key = self._current_stat_key()
        with self._lock:
            if key is None:
                self.last_error = "数据库文件暂时不可用，显示的是最近一次成功读取的数据"
                return
            if key == self._stat_key and self._con is not None:
                return
            try:
                con = connect_readonly(key[0])
            except duckdb.Error as exc:
                self.last_error = f"数据库暂时无法打开（{type(exc).__name__}），显示的是最近一次成功读取的数据"
                return
            # The old connection is not closed here: other threads may still be reading from it;
            # it is released when the last cursor on it is gone.
            self._con, self._stat_key, self.last_error = con, key, None

    @property
    def version(self) -> str:
        self.refresh()
        return "none" if self._stat_key is None else f"{os.path.basename(self._stat_key[0])}-{self._stat_key[1]}"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        self.refresh()
        with self._lock:
            if self._con is None:
                raise FileNotFoundError(f"数据库不存在或无法打开：{self.path}")
            return self._con.cursor()
