"""The live feed simulator on a small known database: new cases continue the case numbers, open
cases move on the centre's hours and the units' working time with deadlines from the calendar,
the step history follows, and publishing keeps the disk bounded."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from data.config import published_path
from data.simulate import Simulator, centre_minutes_between
from data.worktime import load_time_limits
from tests.builders import add_case, new_db


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "live.duckdb"
    con = new_db(path)
    limits = load_time_limits()
    con.executemany("INSERT INTO time_limits VALUES (?, ?, ?, ?)", limits.values.tolist())
    con.close()
    return path


def read(db, sql: str, params=None):
    con = duckdb.connect(str(published_path(db)), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def test_centre_minutes_count_only_07_to_22():
    assert centre_minutes_between(datetime(2026, 11, 23, 6, 0), datetime(2026, 11, 23, 8, 0)) == 60
    assert centre_minutes_between(datetime(2026, 11, 23, 21, 30), datetime(2026, 11, 24, 7, 30)) == 60
    assert centre_minutes_between(datetime(2026, 11, 23, 23, 0), datetime(2026, 11, 23, 23, 30)) == 0


def test_new_cases_continue_the_case_number_sequence_and_are_published(db):
    con = duckdb.connect(str(db))
    add_case(con, reported_at=datetime(2026, 11, 23, 9, 0), case_no="S01012026112300001")
    con.close()
    sim = Simulator(db, seed=7, cases_per_day=600, clock=Clock(datetime(2026, 11, 23, 10, 0)))
    result = sim.tick()
    assert len(result.new_case_nos) > 10
    rows = read(db, "SELECT case_no, category_code, reported_at, origin FROM cases WHERE origin = 'simulate' "
                    "ORDER BY case_id")
    assert [r[0] for r in rows] == result.new_case_nos
    assert all(datetime(2026, 11, 23, 9, 0) <= r[2] <= datetime(2026, 11, 23, 10, 0) for r in rows)  # minutes
    sequences = sorted(int(no[-5:]) for no, cat, *_ in rows if cat == "S0101")
    assert sequences == list(range(2, 2 + len(sequences)))      # 00001 was taken
    assert read(db, "SELECT count(DISTINCT case_no) = count(*) FROM cases")[0][0]
    # every new case has its report step; reporter details exist only for hotline, app and media cases
    assert read(db, "SELECT count(*) FROM case_steps s JOIN cases c USING (case_id) "
                    "WHERE c.origin = 'simulate' AND s.step = 'report'")[0][0] == len(rows)
    assert read(db, "SELECT count(*) FROM case_private p JOIN cases c USING (case_id) "
                    "WHERE c.source NOT IN ('hotline', 'app', 'media', 'supervision')")[0][0] == 0
    assert read(db, "SELECT value FROM meta WHERE key = 'last_write_at'")[0][0] != "2026-11-23T09:00:00"


def test_open_cases_move_on_the_centre_hours_and_units_handle_only_in_office_hours(db):
    con = duckdb.connect(str(db))
    # Fixed ids: the simulator refuses to file ~2% of cases chosen by case id (case 1 is filed).
    reported = add_case(con, case_id=1, reported_at=datetime(2026, 11, 22, 9, 50), status="reported")   # a Sunday
    dispatched = add_case(con, case_id=2, reported_at=datetime(2026, 11, 20, 9, 0),
                          accepted_at=datetime(2026, 11, 20, 9, 10), filed_at=datetime(2026, 11, 20, 9, 20),
                          dispatched_at=datetime(2026, 11, 20, 9, 30), deadline_at=datetime(2026, 11, 23, 17),
                          status="dispatched", dispatch_count=1)
    closed = add_case(con, case_id=3, reported_at=datetime(2026, 11, 20, 8), closed_at=datetime(2026, 11, 20, 12),
                      status="closed")
    con.close()
    clock = Clock(datetime(2026, 11, 22, 10, 0))
    # A huge speed makes every due step certain; a negligible arrival rate keeps new cases out.
    sim = Simulator(db, speed=1e9, seed=1, cases_per_day=1e-12, clock=clock)
    assert sim.tick().advanced == 1
    state = dict((r[0], r[1:]) for r in read(db, "SELECT case_id, status, accepted_at, file_deadline_at FROM cases"))
    assert state[reported] == ("accepted", datetime(2026, 11, 22, 10, 0), datetime(2026, 11, 23, 9, 30))
    assert state[dispatched][0] == "dispatched"                  # Sunday: no unit works

    clock.at = datetime(2026, 11, 23, 10, 0)                     # Monday morning
    assert sim.tick().advanced == 2
    rows = {r[0]: r[1:] for r in read(db, "SELECT case_id, status, filed_at, dispatch_deadline_at, deadline_at, "
                                          "handled_at, handle_work_hours, verify_deadline_at FROM cases")}
    # filed now: dispatch 1 work hour, then handle 4 + verify 2 + close 1 work hours (S0101) → Tue 11:00
    assert rows[reported][:4] == ("filed", datetime(2026, 11, 23, 10, 0), datetime(2026, 11, 23, 11, 0),
                                  datetime(2026, 11, 24, 11, 0))
    # handled now: Fri 09:30-12:00 and 14:00-17:30 plus Mon 08:30-10:00 = 7.5 working hours
    assert rows[dispatched][0] == "handled"
    assert rows[dispatched][4:] == (datetime(2026, 11, 23, 10, 0), 7.5, datetime(2026, 11, 23, 12, 0))
    assert rows[closed][0] == "closed"
    steps = read(db, "SELECT case_id, list(step ORDER BY seq) FROM case_steps GROUP BY case_id ORDER BY case_id")
    assert dict(steps)[reported] == ["report", "accept", "file"]
    assert dict(steps)[dispatched] == ["report", "accept", "file", "dispatch", "handle"]


def test_nothing_moves_at_night_when_the_centre_is_closed(db):
    con = duckdb.connect(str(db))
    add_case(con, reported_at=datetime(2026, 11, 23, 22, 40), status="reported")
    con.close()
    sim = Simulator(db, speed=1e9, seed=1, cases_per_day=1e-12, clock=Clock(datetime(2026, 11, 23, 23, 30)))
    assert sim.tick().advanced == 0


def test_publishing_every_tick_keeps_only_a_few_snapshot_versions(db):
    con = duckdb.connect(str(db))
    add_case(con, reported_at=datetime(2026, 11, 23, 9, 0))
    con.close()
    clock = Clock(datetime(2026, 11, 23, 10, 0))
    sim = Simulator(db, seed=3, cases_per_day=100, clock=clock, grace_seconds=0)
    for minute in range(8):
        clock.at = datetime(2026, 11, 23, 10, minute)
        sim.tick()
    versions = list(published_path(db).with_suffix(".d").glob("*.duckdb"))
    assert 1 <= len(versions) <= 2
    assert published_path(db).resolve() in [v.resolve() for v in versions]
