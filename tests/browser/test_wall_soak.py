"""A short soak of the wall (benchmarks/soak_wall.py) in CI: headless Chromium watches /wall for a
few minutes while the simulator writes, with a Streamlit restart half-way. WALL_SOAK_MINUTES sets
the length (default 2.5); the README documents a multi-hour run of the same script."""
from __future__ import annotations

import os
import shutil
from dataclasses import asdict

import duckdb
import pytest

from benchmarks.soak_wall import run
from data.store import publish

pytestmark = pytest.mark.soak


def test_wall_survives_a_live_feed_and_a_server_restart_without_missed_refreshes_or_growing_memory(demo_db, tmp_path):
    db = tmp_path / "soak.duckdb"
    shutil.copyfile(demo_db, db)          # the simulator writes to its own copy
    con = duckdb.connect(str(db))
    try:
        publish(con, db)
    finally:
        con.close()
    minutes = float(os.environ.get("WALL_SOAK_MINUTES", "2.5"))
    report = run(tmp_path / "soak", minutes=minutes, refresh=5, tick=10, speed=30, restart_at=0.5, db=db,
                 samples_csv=tmp_path / "samples.csv")
    print(asdict(report))
    assert report.passed, report.reasons
    assert report.recovered and report.refreshes_missed == 0
    assert report.refreshes_done >= report.refreshes_expected * 0.8
    assert report.simulator_ticks > 0
