"""预计办结 on hand-built closures: exact medians and P90s, the thin-volume fallback, the date text
of an open case, and the calibration of the last closed quarter."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from data.worktime import WorkCalendar
from queries.expected import (Estimator, calibration, expected_stats, expected_text, last_closed_quarter,
                              predict)
from tests.builders import add_calendar, add_cases, new_db, refresh_read_columns, window_scope

AS_OF = datetime(2026, 11, 23)
MON = datetime(2026, 11, 2, 9, 0)    # Monday; office 08:30–12:00, 14:00–17:30 (7 working hours a day)


@pytest.fixture
def con():
    con = new_db()
    add_calendar(con)
    return con


def closure(dispatched_at: datetime, closed_at: datetime, **kw) -> dict:
    return dict(reported_at=dispatched_at - timedelta(hours=1), dispatched_at=dispatched_at, closed_at=closed_at,
                status="closed", **kw)


def stats(con, **kw):
    frame = expected_stats(con, window_scope(), AS_OF, kw.pop("window_days", 180))
    key = {"unit_category": "unit_code", "unit": "unit_code", "category": "category_code", "major": "major_code"}
    return {(r.level, getattr(r, key[r.level])): (r.cases, r.hours_median, r.hours_p90) for r in frame.itertuples()}


def test_one_closure_gives_its_own_working_hours_as_median_and_p90(con):
    add_cases(con, [closure(MON, MON.replace(hour=15))])     # 09:00 → 15:00 = 3 + 1 working hours
    got = stats(con)
    assert got[("unit_category", "D43090201")] == (1, 4.0, 4.0)
    assert got[("category", "S0101")] == (1, 4.0, 4.0)
    assert got[("major", "S01")] == (1, 4.0, 4.0)


def test_median_and_p90_over_working_hours_exclude_cancelled_shelved_self_handled_and_pauses(con):
    hours = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]   # working hours; a day holds 7, so 8..10 run into Tuesday
    cal = WorkCalendar()
    add_cases(con, [closure(MON, cal.add_one(MON, h, "work_hours")) for h in hours] + [
        closure(MON, MON + timedelta(days=3), is_cancelled=True),
        closure(MON, MON + timedelta(days=3), is_shelved=True),
        closure(MON, MON + timedelta(days=3), is_self_handled=True),
        # a 2-hour approved pause: 4 hours on the clock count as 2
        closure(MON, cal.add_one(MON, 4, "work_hours"), is_deferred=True, deferred_hours=2.0),
    ])
    n, median, p90 = stats(con)[("category", "S0101")]
    assert n == 11
    values = sorted(hours + [2])
    assert median == pytest.approx(pd.Series(values).quantile(0.5))
    assert p90 == pytest.approx(pd.Series(values).quantile(0.9))


def test_closures_count_only_inside_the_trailing_window(con):
    add_cases(con, [closure(MON, MON.replace(hour=10)),                                   # 1 h, in
                    closure(datetime(2026, 5, 11, 9), datetime(2026, 5, 11, 11)),         # 2 h, 196 days before: out
                    closure(datetime(2026, 11, 23, 9), datetime(2026, 11, 23, 9, 30))])   # at as_of: out
    assert stats(con)[("category", "S0101")] == (1, 1.0, 1.0)
    assert stats(con, window_days=210)[("category", "S0101")] == (2, 1.5, pytest.approx(1.9))


def test_thin_unit_falls_back_to_the_category_then_to_the_major_class(con):
    many = [closure(MON, MON.replace(hour=10), unit_code="C001") for _ in range(3)]   # C001: 3 × 1 h
    few = [closure(MON, MON.replace(hour=11), unit_code="D43090201")]                  # D..01: 1 × 2 h
    add_cases(con, many + few)
    est = Estimator(expected_stats(con, window_scope(), AS_OF, 180), min_cases=3)
    own = est.estimate("C001", "S0101", "S01")
    assert (own.level, own.cases, own.median_hours) == ("unit_category", 3, 1.0)
    thin = est.estimate("D43090201", "S0101", "S01")
    assert (thin.level, thin.cases, thin.median_hours) == ("category", 4, 1.0)
    other_category = est.estimate("D43090201", "S0102", "S01")     # no closures of that 小类 at all
    assert (other_category.level, other_category.cases) == ("major", 4)
    assert Estimator(expected_stats(con, window_scope(), AS_OF, 180), min_cases=5).estimate("C001", "S0101", "S01") is None


def test_open_case_gets_the_expected_and_p90_dates_in_working_time(con):
    add_cases(con, [closure(MON, WorkCalendar().add_one(MON, h, "work_hours")) for h in (7, 7, 7, 7, 21)])
    est = Estimator(expected_stats(con, window_scope(), AS_OF, 180), min_cases=5)
    # dispatched Friday 20 Nov 17:00: median 7 h = 0.5 h on Friday + 6.5 h → Mon 23 Nov 17:00; P90 (7,7,7,7,21 → 15.4 h) → Wed 25 Nov
    rows = pd.DataFrame([{"unit_code": "D43090201", "category_code": "S0101", "major_code": "S01",
                          "dispatched_at": datetime(2026, 11, 20, 17, 0), "deferred_hours": 0.0,
                          "closed_at": None, "status": "dispatched"},
                         {"unit_code": "D43090201", "category_code": "S0101", "major_code": "S01",
                          "dispatched_at": datetime(2026, 11, 20, 17, 0), "deferred_hours": 0.0,
                          "closed_at": datetime(2026, 11, 21), "status": "closed"}])
    out = predict(rows, est, WorkCalendar())
    assert out.expected_at[0] == pd.Timestamp(2026, 11, 23, 17, 0)
    assert out.expected_zh[0] == "预计 11月23日 前后办结，90% 在 11月25日 前"
    assert out.expected_rule_zh[0] == "依据本单位该小类近期 5 件结案"
    assert pd.isna(out.expected_zh[1]) and pd.isna(out.expected_at[1])


def test_expected_text_names_both_dates():
    assert expected_text(datetime(2026, 11, 12, 10), datetime(2026, 11, 15, 9)) == "预计 11月12日 前后办结，90% 在 11月15日 前"


def test_last_closed_quarter_before_a_date():
    assert last_closed_quarter(date(2026, 11, 23)) == (date(2026, 7, 1), date(2026, 10, 1))
    assert last_closed_quarter(date(2026, 2, 1)) == (date(2025, 10, 1), date(2026, 1, 1))
    assert last_closed_quarter(date(2026, 10, 1)) == (date(2026, 7, 1), date(2026, 10, 1))


def test_calibration_counts_quarter_cases_within_the_p90_learned_before_the_quarter(con):
    before = datetime(2026, 6, 1, 9)     # Monday: history 10 closures of 1..10 working hours → P90 9.1 h
    cal = WorkCalendar()
    history = [closure(before, cal.add_one(before, h, "work_hours")) for h in range(1, 11)]
    in_q = datetime(2026, 7, 6, 9)       # Monday
    quarter = [closure(in_q, cal.add_one(in_q, h, "work_hours")) for h in (2, 9, 9.5, 30)]
    open_late = dict(reported_at=in_q, dispatched_at=in_q, status="dispatched")   # open since July: late
    add_cases(con, history + quarter + [open_late])
    got = calibration(con, window_scope(), (date(2026, 7, 1), date(2026, 10, 1)), 180, 5).set_index("level")
    assert got.loc["all", ["cases", "within_p90", "undecided"]].tolist() == [5, 2, 0]
    assert got.loc["all", "rate"] == pytest.approx(0.4)


def test_a_day_missing_from_the_calendar_leaves_the_duration_unknown_not_zero(con):
    add_cases(con, [closure(MON, MON.replace(hour=15)), closure(MON + timedelta(days=1), MON.replace(day=3, hour=10))])
    con.execute("DELETE FROM calendar WHERE cal_date = DATE '2026-11-02'")
    refresh_read_columns(con)      # as every publish does after a write: the minutes follow the calendar
    assert stats(con)[("category", "S0101")] == (1, 1.0, 1.0)     # only Tuesday's 09:00 → 10:00


def test_the_cache_key_without_window_and_minute_gives_the_same_figures(con):
    """ui.cache keys expected_stats on the selection without its window and minute (queries/clock_keys.py
    WINDOW_FREE: the as-of day is an argument): what is computed on that key is the selection's own."""
    from dataclasses import replace

    from queries import clock_keys
    from queries.scope import Access

    cal = WorkCalendar()
    add_cases(con, [closure(MON + timedelta(days=d), cal.add_one(MON + timedelta(days=d), 3 + d, "work_hours"),
                            district=district) for d in range(5) for district in ("430902", "430903")])
    for scope in (window_scope(), replace(window_scope(), start_date=date(2025, 1, 1), end_date=date(2025, 2, 1),
                                          now_at=datetime(2026, 11, 23, 16, 59)),
                  window_scope(access=Access.for_districts(("430903",), "赫山区"))):
        key = clock_keys.key_scope("expected_stats", scope)
        assert key.start_date != scope.start_date and key.now_at != scope.now_at and key.access == scope.access
        direct = expected_stats(con, scope, AS_OF, 180)
        assert len(direct) > 0
        pd.testing.assert_frame_equal(expected_stats(con, key, AS_OF, 180), direct)
