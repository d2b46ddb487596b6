"""kill -9 in the middle of a large import: the database stays exactly as before, the ledger says
the import is incomplete, the dashboard's snapshot keeps serving, and running it again completes it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd

from data.config import published_path
from data.ingest.load import PAUSE_ENV
from data.ingest.sample import build_frame, write
from queries.db import connect_readonly
from tests.ingest_support import ROOT, assert_snapshots_equal, data_snapshot, query, run

ROWS = 50_000


def _wait_for(proc: subprocess.Popen, text: str, timeout_s: float) -> list[str]:
    seen, deadline = [], time.monotonic() + timeout_s
    os.set_blocking(proc.stderr.fileno(), False)
    buffer = b""
    while time.monotonic() < deadline:
        chunk = proc.stderr.read() or b""
        buffer += chunk
        seen = buffer.decode("utf-8", errors="replace").splitlines()
        if any(text in line for line in seen):
            return seen
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"importer never printed {text!r}; it printed: {seen}")


def test_a_killed_import_changes_nothing_and_running_it_again_completes_it(tmp_path):
    db = tmp_path / "city.duckdb"
    first = run(write(build_frame(1_000, seed=5), tmp_path / "first.csv"), db)
    assert first.ok
    before = data_snapshot(db)
    big = write(build_frame(ROWS, seed=6), tmp_path / "big.csv")   # overlaps the first file's keys

    env = os.environ | {PAUSE_ENV: "120", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "data.ingest", str(big), "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        lines = _wait_for(proc, "事务中暂停", timeout_s=120)
        assert any("写入数据库" in line for line in lines)
        # Mid-import, inside the transaction: the dashboard's snapshot still serves the old data.
        reader = connect_readonly(published_path(db))
        try:
            assert reader.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 1_000
        finally:
            reader.close()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    assert_snapshots_equal(before, data_snapshot(db))
    ledger = query(db, "SELECT batch_id, file_name, status FROM import_ledger ORDER BY batch_id")
    assert ledger.values.tolist() == [[1, "first.csv", "complete"], [2, "big.csv", "started"]]

    again = run(big, db)
    assert again.ok and again.batch_id == 2
    c = again.counts
    assert c["rows_read"] == ROWS and c["inserted"] + c["updated"] + c["stale"] + c["unchanged"] == ROWS
    assert c["inserted"] == ROWS - 1_000
    ledger = query(db, "SELECT batch_id, status, rows_read FROM import_ledger ORDER BY batch_id")
    assert ledger.values.tolist() == [[1, "complete", 1_000], [2, "complete", ROWS]]
    assert query(db, "SELECT count(*) AS n FROM cases").n[0] == ROWS
    assert pd.Series(query(db, "SELECT case_no FROM cases").case_no).is_unique
