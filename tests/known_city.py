"""One small known database for the page tests of the filters, the map and the trends pages.

Now is pinned to 2026-11-23 10:00, so the default window (近30天) is 25 Oct – 23 Nov 2026.
In the window: 7 accepted cases, 4 in 资阳区 (430902), 3 in 赫山区 (430903); 6 events (S0101), 1
component (B0201, unit C001); 1 from the hotline. One accepted case in the previous period, two a
year earlier. Handling hours of the four closed cases: 1, 2, 3, 6.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.builders import add_case, new_db
from tests.pagetools import clear_caches, publish_test_db


def closed(con, reported, deadline, closed_at, **kw):
    add_case(con, reported_at=reported, accepted_at=reported, filed_at=reported, dispatched_at=reported,
             handled_at=closed_at, verified_at=closed_at, closed_at=closed_at, deadline_at=deadline,
             status="closed", **kw)


def build():
    con = new_db()
    # 资阳区
    closed(con, datetime(2026, 11, 2, 9), datetime(2026, 11, 4, 17), datetime(2026, 11, 3, 9),
           handle_work_hours=2.0, close_work_hours=3.0)                                     # on time
    closed(con, datetime(2026, 11, 3, 9), datetime(2026, 11, 5, 17), datetime(2026, 11, 6, 9),
           source="hotline", handle_work_hours=6.0, close_work_hours=8.0)                    # late
    add_case(con, reported_at=datetime(2026, 11, 9, 9), accepted_at=datetime(2026, 11, 9, 9), status="accepted",
             kind="component", category_code="B0201", major_code="B02", unit_code="C001")
    add_case(con, reported_at=datetime(2026, 11, 15, 9), accepted_at=datetime(2026, 11, 15, 9),
             deadline_at=datetime(2026, 11, 30, 17), status="accepted")
    # 赫山区
    closed(con, datetime(2026, 11, 4, 9), datetime(2026, 11, 6, 17), datetime(2026, 11, 5, 9), district="430903",
           handle_work_hours=1.0, close_work_hours=2.0)
    closed(con, datetime(2026, 11, 5, 9), datetime(2026, 11, 7, 17), datetime(2026, 11, 6, 9), district="430903",
           handle_work_hours=3.0, close_work_hours=4.0)
    add_case(con, reported_at=datetime(2026, 11, 10, 9), accepted_at=datetime(2026, 11, 10, 9),
             filed_at=datetime(2026, 11, 10, 9), dispatched_at=datetime(2026, 11, 10, 10),
             deadline_at=datetime(2026, 11, 12, 17), status="dispatched", district="430903")  # overdue, open
    # outside the window, and a cancelled one
    add_case(con, reported_at=datetime(2026, 10, 10, 9), accepted_at=datetime(2026, 10, 10, 9), status="accepted")
    add_case(con, reported_at=datetime(2025, 11, 5, 9), accepted_at=datetime(2025, 11, 5, 9), status="accepted",
             district="430903")
    add_case(con, reported_at=datetime(2025, 11, 6, 9), accepted_at=datetime(2025, 11, 6, 9), status="accepted",
             district="430903")
    add_case(con, reported_at=datetime(2026, 11, 11, 9), accepted_at=datetime(2026, 11, 11, 9), is_cancelled=True,
             status="cancelled")
    return con


def published(folder: Path) -> Path:
    """This city written and published as folder/known.duckdb (tests/conftest.py's session fixture
    `known_city_db` does it once: the pages only read it)."""
    db = folder / "known.duckdb"
    publish_test_db(build(), db)
    return db


def serve(db: Path, tmp_path: Path, monkeypatch):
    """For a fixture (`yield from serve(known_city_db, tmp_path, monkeypatch)`): the app pointed at the
    published database with now pinned, alert state (files beside the database by default) in this
    test's tmp_path, caches cleared before and after."""
    monkeypatch.setenv("DASHBOARD_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.setenv("DASHBOARD_TOPIC_DIR", str(tmp_path / "topics"))
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", "2026-11-23T10:00:00")
    clear_caches()
    yield
    clear_caches()
