"""kill -9 in the middle of a large import: the database stays exactly as before, the ledger says
the import is incomplete, the dashboard's snapshot keeps serving, and running it again completes it.
kill -9 after the commit, before the manifest line and the publish: the next start writes the line
from the ledger and publishes, and the landing folder rebuilds the same database."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd

from data.config import published_path
from data.ingest import ledger
from data.ingest.__main__ import main as ingest_main
from data.ingest.load import PAUSE_ENV
from data.ingest.run import PAUSE_AFTER_COMMIT_ENV, rebuild, recover
from data.ingest.sample import build_frame, write
from queries.db import connect_readonly
from tests.ingest_support import ROOT, assert_snapshots_equal, case_table, data_snapshot, query, run

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


def _published_count(db) -> int:
    reader = connect_readonly(published_path(db))
    try:
        return reader.execute("SELECT count(*) FROM cases").fetchall()[0][0]
    finally:
        reader.close()


def _import_killed_after_commit(path, db) -> None:
    env = os.environ | {PAUSE_AFTER_COMMIT_ENV: "120", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "data.ingest", str(path), "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(proc, "已提交", timeout_s=120)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def test_a_kill_after_commit_loses_no_manifest_line_and_the_next_start_publishes_it(tmp_path):
    db, landing = tmp_path / "city.duckdb", tmp_path / "landing"
    assert run(write(build_frame(800, seed=5), tmp_path / "first.csv"), db).ok
    second = write(build_frame(1_200, seed=6), tmp_path / "second.csv")
    _import_killed_after_commit(second, db)

    # The window the kill hit: committed (ledger complete, rows in), not yet listed nor published.
    ledger_rows = query(db, "SELECT batch_id, file_name, status FROM import_ledger ORDER BY batch_id")
    assert ledger_rows.values.tolist() == [[1, "first.csv", "complete"], [2, "second.csv", "complete"]]
    assert [e["file_name"] for e in ledger.read_manifest(landing)] == ["first.csv"]
    committed = query(db, "SELECT count(*) AS n FROM cases").n[0]
    assert committed > 800 and _published_count(db) == 800

    # The next start (dashboard or importer) repairs both.
    recovered = recover(db)
    assert (recovered.manifest_lines_added, recovered.published) == (1, True)
    assert [e["file_name"] for e in ledger.read_manifest(landing)] == ["first.csv", "second.csv"]
    assert _published_count(db) == committed
    assert recover(db) == type(recovered)()        # a second start has nothing to do

    rebuilt = tmp_path / "rebuilt.duckdb"
    assert all(r.ok for r in rebuild(rebuilt, landing))
    for got, want in zip(case_table(rebuilt), case_table(db)):
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_the_importer_cli_repairs_a_killed_commit_before_its_own_import(tmp_path, capsys):
    db, landing = tmp_path / "city.duckdb", tmp_path / "landing"
    assert run(write(build_frame(500, seed=5), tmp_path / "first.csv"), db).ok
    _import_killed_after_commit(write(build_frame(700, seed=6), tmp_path / "second.csv"), db)
    third = write(build_frame(300, seed=8), tmp_path / "third.csv")
    assert ingest_main([str(third), "--db", str(db)]) == 0
    assert "补记 1 条" in capsys.readouterr().err
    assert [e["file_name"] for e in ledger.read_manifest(landing)] == ["first.csv", "second.csv", "third.csv"]
    assert _published_count(db) == query(db, "SELECT count(*) AS n FROM cases").n[0]
