"""Helpers for the importer tests: the shared fixtures, fresh databases, table snapshots."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.ingest import import_file
from data.ingest.sample import build_frame, write

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"
NYC = FIXTURES / "nyc311_snapshot_2013-10-31_199rows.csv"
# Importer tests judge plausibility against a fixed moment (the sample data end on 2026-10-31).
NOW = datetime(2026, 11, 23, 15, 30)


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"shared fixture {name} not found at {FIXTURES} (CI keeps ../shared beside the repository)")
    return path


def run(source, db: Path, **kw):
    kw.setdefault("now", NOW)
    kw.setdefault("landing_dir", db.parent / "landing")
    return import_file(source, db=db, **kw)


def sample_csv(path: Path, rows: int, *, seed: int = 7, encoding: str = "utf-8", **kw) -> tuple[Path, pd.DataFrame]:
    frame = build_frame(rows, seed=seed, **kw)
    return write(frame, path, encoding=encoding), frame


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    frame = frame[[c for c in frame.columns if not c.startswith("truth_")]]
    return frame.to_csv(index=False).encode(encoding)


def query(db: Path, sql: str, params: dict | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).df()
    finally:
        con.close()


def case_table(db: Path) -> pd.DataFrame:
    """Every case with its steps and private data, keyed by (origin, case_no): the surrogate
    case_id is an allocation detail and is left out."""
    cases = query(db, "SELECT * EXCLUDE (case_id) FROM cases ORDER BY origin, case_no")
    steps = query(db, """
        SELECT c.origin, c.case_no, s.* EXCLUDE (case_id) FROM case_steps s JOIN cases c USING (case_id)
        ORDER BY c.origin, c.case_no, s.seq""")
    private = query(db, """
        SELECT c.origin, c.case_no, p.* EXCLUDE (case_id) FROM case_private p JOIN cases c USING (case_id)
        ORDER BY c.origin, c.case_no""")
    return cases, steps, private


def reference_tables(db: Path) -> dict[str, pd.DataFrame]:
    keys = {"areas": "area_code", "units": "unit_code", "categories": "category_code", "sources": "source_code"}
    return {t: query(db, f"SELECT * FROM {t} ORDER BY {k}") for t, k in keys.items()}  # noqa: S608 - test


def data_snapshot(db: Path) -> dict[str, pd.DataFrame]:
    """Every data table except the import ledger tables, for before/after comparisons."""
    tables = ["cases", "case_steps", "case_private", "areas", "units", "categories", "sources", "import_records",
              "import_rejects", "import_flags", "area_levels", "steps", "time_limits"]
    return {t: query(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}  # noqa: S608 - test


def assert_snapshots_equal(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)
