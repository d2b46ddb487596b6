"""How much memory the writers' DuckDB may hold at publish, and where it spills the rest.

A publish builds tables from every case (kpi_daily, case_durations: a sort of ~270M rows at 100M cases)
and copies the snapshot; DuckDB's default memory_limit is 80 % of RAM, and at 99.8M cases a publish
peaked at 20.4 GB RSS on a 24 GB machine (docs/performance.md "100M cases"). On a server that also runs
the dashboard, that starves the readers. DASHBOARD_WRITER_MEMORY_MB caps DuckDB's buffer for every
connection of the publish path (the writer's, and the snapshot copy's that strips personal data); sorts,
joins and aggregates then spill to DASHBOARD_WRITER_TEMP_DIR (default: DuckDB's `<database>.tmp` beside
the writers' file). Unset: DuckDB's own default, as before. Python's own objects are outside the cap.
"""
from __future__ import annotations

import os

import duckdb

MIN_MB = 256   # below this even a small city's publish fails (the reader's floor is 64: it only reads)


def writer_memory_settings() -> dict[str, str]:
    """The DuckDB settings the environment asks of the publish path: memory_limit and temp_directory,
    each only when set. A malformed or too small limit raises ValueError (before anything is written)."""
    out: dict[str, str] = {}
    raw = os.environ.get("DASHBOARD_WRITER_MEMORY_MB", "").strip()
    if raw:
        try:
            mb = int(raw)
        except ValueError:
            raise ValueError(f"DASHBOARD_WRITER_MEMORY_MB 应为整数（MB），收到 {raw!r}") from None
        if mb < MIN_MB:
            raise ValueError(f"DASHBOARD_WRITER_MEMORY_MB 至少为 {MIN_MB}，收到 {raw!r}")
        out["memory_limit"] = f"{mb}MB"
    temp_dir = os.environ.get("DASHBOARD_WRITER_TEMP_DIR", "").strip()
    if temp_dir:
        out["temp_directory"] = temp_dir
    return out


def bound_writer_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Applies writer_memory_settings() to an open read-write connection."""
    settings = writer_memory_settings()
    if "memory_limit" in settings:
        con.execute("SET memory_limit = $value", {"value": settings["memory_limit"]})
    if "temp_directory" in settings:
        con.execute("SET temp_directory = $value", {"value": settings["temp_directory"]})
