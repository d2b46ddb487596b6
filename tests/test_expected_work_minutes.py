"""预计办结 from the working minutes clocked at publish (cases.dispatch_work_minutes / close_work_minutes)
gives exactly what clocking every case in the query gave (expected_stats_clocked.sql,
expected_calibration_clocked.sql, kept as the fallback and the oracle): the same frames, doubles
compared exactly, for random as-of days, windows, quarters, grants and filters on random cases (outside
office hours, weekends and holidays, dates outside the calendar, closures before dispatch, pauses longer
than the time taken, open cases, every exclusion); a case whose minutes are dropped or moved is caught;
other office hours than the snapshot's take the clocked path."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from data.store import refresh_case_work_minutes
from queries import expected
from queries.runner import fetch
from queries.scope import Access, Scope
from queries.worktime_sql import office_params
from tests.builders import add_calendar, add_cases, fetched_names, new_db

pytestmark = pytest.mark.slow    # ~35 s: a few hundred queries on both paths

UNITS = ["C001", "D43090201", "D43090301"]
CATEGORIES = [("S0101", "S01"), ("B0201", "B02")]


@pytest.fixture(scope="module")
def city():
    """900 cases reported Apr 2025 – Dec 2026; the calendar starts 2025-06-01, so early dates are unknown."""
    rng = random.Random(5113)
    con = new_db()
    add_calendar(con, date(2025, 6, 1), date(2026, 12, 31))
    cases = []
    for case_id in range(1, 901):
        reported = datetime(2025, 4, 1) + timedelta(minutes=rng.randrange(60 * 24 * 625))
        category, major = rng.choice(CATEGORIES)
        case = {"case_id": case_id, "district": rng.choice(["430902", "430903"]), "reported_at": reported,
                "unit_code": rng.choice(UNITS), "category_code": category, "major_code": major,
                "source": rng.choice(["grid", "hotline"]), "status": "reported",
                "is_cancelled": rng.random() < 0.05, "is_shelved": rng.random() < 0.05,
                "is_self_handled": rng.random() < 0.05,
                "deferred_hours": rng.choice([0.0] * 6 + [0.5, 2.25, 7.0, 40.0])}
        if rng.random() < 0.92:
            case["dispatched_at"] = reported + timedelta(minutes=rng.randrange(60 * 24 * 3))
            case["status"] = "dispatched"
            if rng.random() < 0.75:
                minutes = rng.randrange(60 * 24 * 25) if rng.random() < 0.95 else -rng.randrange(1, 180)
                case["closed_at"] = case["dispatched_at"] + timedelta(minutes=minutes)
                case["status"] = "closed"
        cases.append(case)
    add_cases(con, cases)
    unknown, early_close, open_ = con.execute(
        "SELECT count(*) FILTER (WHERE dispatched_at IS NOT NULL AND dispatch_work_minutes IS NULL), "
        "count(*) FILTER (WHERE closed_at < dispatched_at), count(*) FILTER (WHERE closed_at IS NULL) FROM cases"
    ).fetchone()
    assert unknown > 20 and early_close > 5 and open_ > 100    # the data exercises every rule
    return con


def scopes(n: int, seed: int) -> list[Scope]:
    rng = random.Random(seed)
    grants = [Access.demo(), Access.city("全市"), Access.for_districts(("430902",), "资阳区"),
              Access.for_streets(("430903001",), ("430903",), "桃花仑街道"),
              Access.for_units(("D43090201",), "资阳区城管局"), Access.for_units(("C001", "D43090301"), "两单位")]
    filters = [{}, {"districts": ("430903",)}, {"units": ("D43090301", "C001")}, {"sources": ("hotline",)},
               {"categories": ("S0101",)}, {"majors": ("B02",)}, {"units": ()}]
    out = []
    for _ in range(n):
        now = datetime(2025, 9, 1) + timedelta(minutes=rng.randrange(60 * 24 * 490))   # to 2027-01: past the calendar
        out.append(Scope(now.date() - timedelta(days=30), now.date(), access=rng.choice(grants), now_at=now,
                         **rng.choice(filters)))
    return out


def stats_cases(seed: int, n: int = 40) -> list[tuple[Scope, datetime, int]]:
    rng = random.Random(seed)
    return [(s, datetime.combine(s.now_at.date(), datetime.min.time()), rng.choice([30, 90, 180, 365]))
            for s in scopes(n, seed)]


def calibration_cases(seed: int, n: int = 40) -> list[tuple[Scope, dict]]:
    rng = random.Random(seed)
    out = []
    for s in scopes(n, seed):
        start = date(2025, 7, 1) + timedelta(days=rng.randrange(480))
        out.append((s, {"q_start": datetime.combine(start, datetime.min.time()),
                        "q_end": datetime.combine(start + timedelta(days=rng.choice([30, 91, 92, 120])),
                                                  datetime.min.time()),
                        "window_days": rng.choice([90, 180]), "min_volume": rng.randint(1, 6)}))
    return out


def both(con, new: str, old: str, scope: Scope, **params) -> tuple[pd.DataFrame, pd.DataFrame]:
    office = office_params()
    new_params = params if new == "expected_stats" else params | office | {"built": False}
    return fetch(con, new, scope, **new_params), fetch(con, old, scope, **params, **office)


def mismatches(con, stats_list, calibration_list) -> int:
    bad = 0
    for scope, as_of, window_days in stats_list:
        got, want = both(con, "expected_stats", "expected_stats_clocked", scope, as_of=as_of, window_days=window_days)
        bad += not got.equals(want) or not (got.dtypes == want.dtypes).all()
    for scope, params in calibration_list:
        got, want = both(con, "expected_calibration", "expected_calibration_clocked", scope, **params)
        bad += not got.equals(want) or not (got.dtypes == want.dtypes).all()
    return bad


def test_minutes_at_publish_give_the_clocked_frames_exactly(city):
    stats_list, calibration_list = stats_cases(11, 50), calibration_cases(12, 50)
    for scope, as_of, window_days in stats_list:
        got, want = both(city, "expected_stats", "expected_stats_clocked", scope, as_of=as_of, window_days=window_days)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    for scope, params in calibration_list:
        got, want = both(city, "expected_calibration", "expected_calibration_clocked", scope, **params)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    # The comparisons are not vacuous: many groups, open cases both late and undecided.
    rows = sum(len(both(city, "expected_stats", "expected_stats_clocked", s, as_of=a, window_days=w)[0])
               for s, a, w in stats_list)
    calib = pd.concat([fetch(city, "expected_calibration", s, **p, **office_params(), built=False)
                       for s, p in calibration_list])
    assert rows > 300 and calib["cases"].sum() > 500 and calib["undecided"].sum() > 5


@pytest.mark.parametrize("change", ["dropped", "moved"])
def test_a_case_whose_minutes_are_dropped_or_moved_is_caught(city, change):
    victims = city.execute(
        "SELECT case_id, unit_code, category_code, closed_at FROM cases WHERE closed_at >= dispatched_at "
        "AND close_work_minutes IS NOT NULL AND dispatch_work_minutes IS NOT NULL AND closed_at >= TIMESTAMP '2026-01-01' "
        "AND NOT is_cancelled AND NOT is_shelved AND NOT is_self_handled ORDER BY case_id LIMIT 3").fetchall()
    # Random selections, plus for each victim its own unit and 小类 over the one day it closed.
    stats_list = stats_cases(21, 15) + [
        (Scope(closed.date(), closed.date() + timedelta(days=1), access=Access.demo(), now_at=closed,
               units=(unit,), categories=(category,)),
         datetime.combine(closed.date() + timedelta(days=1), datetime.min.time()), 1)
        for _c, unit, category, closed in victims]
    calibration_list = calibration_cases(22, 15)
    assert mismatches(city, stats_list, calibration_list) == 0
    column = "close_work_minutes" if change == "moved" else "dispatch_work_minutes"
    for victim, *_ in victims:
        before = city.execute(f"SELECT {column} FROM cases WHERE case_id = $c", {"c": victim}).fetchone()[0]  # noqa: S608 - test
        value = None if change == "dropped" else before + 1       # one working minute later
        city.execute(f"UPDATE cases SET {column} = $v WHERE case_id = $c", {"v": value, "c": victim})  # noqa: S608 - test
        try:
            assert mismatches(city, stats_list, calibration_list) > 0, victim
        finally:
            city.execute(f"UPDATE cases SET {column} = $v WHERE case_id = $c", {"v": before, "c": victim})  # noqa: S608 - test
    assert mismatches(city, stats_list, calibration_list) == 0


def test_the_page_path_reads_the_minutes_only_under_the_office_hours_they_were_clocked_with(city, monkeypatch):
    scope, as_of, window_days = stats_cases(31, 1)[0]
    names = fetched_names(monkeypatch, expected)
    quarter = (date(2026, 7, 1), date(2026, 10, 1))
    stats = expected.expected_stats(city, scope, as_of, window_days)
    calib = expected.calibration(city, scope, quarter, 180, 3)
    assert names == ["work_minutes_office", "expected_stats", "work_minutes_office", "expected_calibration"]
    # Other office hours (city.toml changed after the publish): each case is clocked in the query again.
    other = office_params((("09:00", "12:00"), ("13:30", "18:00")))
    monkeypatch.setattr(expected, "office_params", lambda: other)
    names.clear()
    shifted = expected.expected_stats(city, scope, as_of, window_days)
    expected.calibration(city, scope, quarter, 180, 3)
    assert names == ["work_minutes_office", "expected_stats_clocked", "work_minutes_office",
                     "expected_calibration_clocked"]
    assert not shifted.equals(stats)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(expected.calibration(city, scope, quarter, 180, 3), calib, check_exact=True)


def test_a_publish_keeps_the_minutes_in_step_with_the_calendar_and_the_office_hours(city):
    query = "SELECT list((dispatch_work_minutes, close_work_minutes) ORDER BY case_id) FROM cases"
    before = city.execute(query).fetchone()[0]
    refresh_case_work_minutes(city)
    assert city.execute(query).fetchone()[0] == before
    city.execute("UPDATE calendar SET is_workday = NOT is_workday WHERE cal_date = DATE '2025-06-02'")
    try:
        refresh_case_work_minutes(city)
        shifted = city.execute(query).fetchone()[0]
        assert shifted != before
        stats_list, calibration_list = stats_cases(41, 15), calibration_cases(42, 15)
        assert mismatches(city, stats_list, calibration_list) == 0
    finally:
        city.execute("UPDATE calendar SET is_workday = NOT is_workday WHERE cal_date = DATE '2025-06-02'")
        refresh_case_work_minutes(city)
    assert city.execute(query).fetchone()[0] == before
    assert city.execute("SELECT value FROM meta WHERE key = 'work_minutes_office'").fetchone()[0] == "510-720,840-1050"
