"""Working-time calendar: hand-computed deadlines on the 2026 national schedule.

Office periods in every test: 08:30-12:00 and 14:00-17:30 (3.5 h + 3.5 h = one 7 h working day).
"""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.worktime import REPO_ROOT, WorkCalendar, load_time_limits, limits_for

D = dt.datetime


@pytest.fixture
def cal():
    return WorkCalendar.from_config(REPO_ROOT / "data/reference/city.toml")


def due(cal, start, amount, unit="work_hours", deferred_hours=0.0):
    """Vectorised and scalar answers must agree; return the scalar one."""
    vec = cal.add(np.array([start], "datetime64[us]"), amount, unit, deferred_hours)[0]
    one = cal.add_one(start, amount, unit, deferred_hours)
    assert vec == np.datetime64(one, "us")
    return one


def test_config_reads_the_two_office_periods_of_seven_hours(cal):
    assert cal.periods == (("08:30", "12:00"), ("14:00", "17:30"))
    assert cal.workday_hours == 7.0


def test_four_working_hours_from_friday_afternoon_are_due_monday_late_morning(cal):
    # Fri 16:30-17:30 = 1 h; Mon 08:30 + 3 h = 11:30.
    assert due(cal, D(2026, 11, 20, 16, 30), 4) == D(2026, 11, 23, 11, 30)


def test_a_case_reported_the_evening_before_national_day_is_due_on_the_first_working_day_after(cal):
    # chinesecalendar 2026: Mid-Autumn is a separate break, Fri 25 - Sun 27 Sep; National Day is
    # Thu 1 - Wed 7 Oct, with make-up working days Sun 20 Sep and Sat 10 Oct. Wed 30 Sep 20:00 is
    # after office hours, so the clock starts Thu 8 Oct 08:30.
    # 4 working hours = 08:30-12:00 (3.5 h) + 14:00-14:30 (0.5 h) -> 14:30, not 12:00:
    # 12:00 is the deadline of a 3.5-hour limit, which lands on the end of the morning and stays there.
    assert not any(cal.is_workday(dt.date(2026, 10, d)) for d in range(1, 8))
    assert due(cal, D(2026, 9, 30, 20), 4) == D(2026, 10, 8, 14, 30)
    assert due(cal, D(2026, 9, 30, 20), 3.5) == D(2026, 10, 8, 12, 0)


def test_a_tiaoxiu_saturday_is_a_working_day_that_counts(cal):
    # Sat 10 Oct 2026 is a National Day make-up working day (chinesecalendar), Sun 11 Oct is not.
    assert dt.date(2026, 10, 10).weekday() == 5
    assert cal.is_workday(dt.date(2026, 10, 10))
    assert not cal.is_workday(dt.date(2026, 10, 11))
    row = cal.calendar_frame(dt.date(2026, 10, 10), dt.date(2026, 10, 10)).iloc[0]
    assert (row.is_workday, row.holiday_name, row.source) == (True, "国庆节调休", "chinesecalendar")
    # Fri 9 Oct 16:30-17:30 = 1 h; Sat 10 Oct 08:30 + 3 h = 11:30 (not Monday).
    assert due(cal, D(2026, 10, 9, 16, 30), 4) == D(2026, 10, 10, 11, 30)


def test_five_working_days_across_the_2026_spring_festival(cal):
    # Holiday Sun 15 - Mon 23 Feb; make-up working days Sat 14 and Sat 28 Feb.
    # 5 x 7 = 35 h from Fri 13 Feb 10:00: Fri 5.5 h, Sat 14 7 h (12.5), Tue 24 (19.5),
    # Wed 25 (26.5), Thu 26 (33.5), Fri 27 08:30 + 1.5 h = 10:00.
    assert due(cal, D(2026, 2, 13, 10), 5, "work_days") == D(2026, 2, 27, 10, 0)


def test_deferred_hours_extend_a_deadline_by_working_time(cal):
    # Mon 23 Nov 09:00, 4 h limit: due 15:00 the same day (3 h morning + 1 h afternoon).
    assert due(cal, D(2026, 11, 23, 9), 4) == D(2026, 11, 23, 15, 0)
    # Paused 7 working hours -> 11 h: Mon 6.5 h, Tue 08:30-12:00 (10 h), 14:00 + 1 h = 15:00.
    assert due(cal, D(2026, 11, 23, 9), 4, deferred_hours=7) == D(2026, 11, 24, 15, 0)


def test_a_clock_started_in_the_lunch_break_starts_at_14_00(cal):
    assert due(cal, D(2026, 11, 23, 12, 30), 1) == D(2026, 11, 23, 15, 0)


def test_a_clock_started_on_a_holiday_starts_on_the_next_working_day(cal):
    # Fri 1 May 2026 is Labour Day; the break runs to Tue 5 May; Wed 6 May 08:30 + 2 h.
    assert due(cal, D(2026, 5, 1, 10), 2) == D(2026, 5, 6, 10, 30)


def test_a_deadline_exactly_at_the_end_of_the_afternoon_stays_at_17_30(cal):
    # Mon 10:30-12:00 = 1.5 h, 14:00-17:30 = 3.5 h -> exactly 5 h at 17:30.
    assert due(cal, D(2026, 11, 23, 10, 30), 5) == D(2026, 11, 23, 17, 30)
    assert due(cal, D(2026, 11, 23, 8, 30), 1, "work_days") == D(2026, 11, 23, 17, 30)


def test_a_zero_limit_outside_office_hours_is_due_when_the_office_opens(cal):
    assert due(cal, D(2026, 11, 21, 10), 0) == D(2026, 11, 23, 8, 30)
    assert due(cal, D(2026, 11, 23, 10), 0) == D(2026, 11, 23, 10, 0)


def test_natural_hours_ignore_the_calendar(cal):
    # Fri 22:00 + 4 clock hours = Sat 02:00, a weekend night.
    assert due(cal, D(2026, 11, 20, 22), 4, "natural_hours") == D(2026, 11, 21, 2, 0)
    # Deferred hours are working hours even on a clock-hour limit: Mon 08:30 + 1 h.
    assert due(cal, D(2026, 11, 20, 22), 4, "natural_hours", 1) == D(2026, 11, 23, 9, 30)


def test_mixed_units_per_row_and_nat_propagate_through_add(cal):
    starts = np.array(["2026-11-20T16:30", "NaT", "2026-11-20T22:00", "2026-02-13T10:00"], "datetime64[us]")
    got = cal.add(starts, [4, 4, 4, np.nan], np.array(["work_hours", "work_days", "natural_hours", "work_days"]))
    assert got.tolist()[0] == D(2026, 11, 23, 11, 30)
    assert got.tolist()[2] == D(2026, 11, 21, 2, 0)
    assert np.isnat(got[1]) and np.isnat(got[3])
    assert cal.add_one(None, 4, "work_hours") is None


def test_nanosecond_input_keeps_its_resolution(cal):
    got = cal.add(pd.Series(pd.to_datetime(["2026-11-20 16:30"])).astype("datetime64[ns]"), 4, "work_hours")
    assert got.dtype == np.dtype("datetime64[ns]") and got[0] == np.datetime64("2026-11-23T11:30")


def test_tz_aware_timestamps_are_rejected_instead_of_shifted_to_utc(cal):
    aware = pd.Series(pd.to_datetime(["2026-11-20 16:30"])).dt.tz_localize("Asia/Shanghai")
    with pytest.raises(TypeError):
        cal.add(aware, 4, "work_hours")


def test_unknown_unit_and_negative_amount_are_rejected(cal):
    with pytest.raises(ValueError):
        cal.add(np.array(["2026-11-20T16:30"], "datetime64[us]"), 4, "calendar_days")
    with pytest.raises(ValueError):
        cal.add(np.array(["2026-11-20T16:30"], "datetime64[us]"), -1, "work_hours")


def test_work_hours_between_skip_the_weekend_and_the_lunch_break(cal):
    a = np.array(["2026-11-20T11:00", "2026-11-23T11:00", "2026-11-23T15:00", "NaT"], "datetime64[us]")
    b = np.array(["2026-11-23T15:00", "2026-11-23T14:30", "2026-11-23T09:00", "2026-11-23T09:00"], "datetime64[us]")
    # Fri 11-12 + 14-17:30 = 4.5 h, Mon 08:30-12 + 14-15 = 4.5 h -> 9 h; lunch: 1 h + 0.5 h;
    # b before a -> 0; NaT -> NaN.
    got = cal.work_hours_between(a, b)
    assert got[:3].tolist() == [9.0, 1.5, 0.0] and np.isnan(got[3])
    assert cal.work_hours_one(D(2026, 11, 20, 11), D(2026, 11, 23, 15)) == 9.0
    assert np.isnan(cal.work_hours_one(None, D(2026, 11, 23, 15)))


def test_a_date_in_2027_takes_the_statutory_holidays_and_is_reported_missing():
    cal = WorkCalendar()
    cal.add(np.array(["2026-06-01T09:00"], "datetime64[us]"), 4, "work_hours")  # span reaches 2027, unused
    assert cal.missing_years == () and cal.warning_text() is None
    assert not cal.is_workday(dt.date(2027, 10, 1))  # 国庆节 by the law, though no 2027 schedule is published
    assert not cal.is_workday(dt.date(2027, 10, 2))
    assert cal.is_workday(dt.date(2027, 10, 8))      # a plain Friday
    assert cal.missing_years == (2027,)
    assert cal.warning_text() == "日历缺少 2027 年国务院放假安排：法定节假日已按《全国年节及纪念日放假办法》推算，调休上班日未知"
    assert cal.calendar_frame(dt.date(2027, 10, 1), dt.date(2027, 10, 1)).source[0] == "statutory_fallback"


def test_new_years_day_2027_is_a_day_off_so_a_deadline_across_it_moves_to_monday():
    cal = WorkCalendar()
    # Thu 31 Dec 2026 16:30 + 4 h: 1 h that evening, Fri 1 Jan 2027 (元旦) off, then Mon 4 Jan 08:30 + 3 h.
    assert due(cal, D(2026, 12, 31, 16, 30), 4) == D(2027, 1, 4, 11, 30)
    assert cal.missing_years == (2027,)


def test_override_rows_for_2027_decide_those_days_and_lift_the_fallback_for_that_year(tmp_path):
    csv = tmp_path / "overrides.csv"
    csv.write_text("# operator file\ncal_date,is_workday,holiday_name\n"
                   "2027-10-01,0,国庆节\n2027-10-09,1,国庆节调休\n", encoding="utf-8")
    cal = WorkCalendar.from_config(REPO_ROOT / "data/reference/city.toml", overrides_path=csv)
    assert not cal.is_workday(dt.date(2027, 10, 1))  # a Friday made a day off
    assert cal.is_workday(dt.date(2027, 10, 9))      # a Saturday made a working day
    assert cal.is_workday(dt.date(2027, 10, 4))      # the operator's schedule wins over the law's 补假
    frame = cal.calendar_frame(dt.date(2027, 10, 1), dt.date(2027, 10, 11))
    assert set(frame.source) == {"override"}
    assert frame.set_index("cal_date").holiday_name[dt.date(2027, 10, 1)] == "国庆节"
    # Thu 30 Sep 2027 20:00 + 4 h: Fri 1 Oct is off, Sat-Sun follow the weekday rule,
    # so the clock starts Mon 4 Oct 08:30: 3.5 h + 0.5 h -> 14:30.
    assert due(cal, D(2027, 9, 30, 20), 4) == D(2027, 10, 4, 14, 30)
    assert cal.missing_years == ()
    cal.is_workday(dt.date(2028, 3, 1))
    assert cal.missing_years == (2028,)
    assert cal.warning_text() == "日历缺少 2028 年国务院放假安排：法定节假日已按《全国年节及纪念日放假办法》推算，调休上班日未知"


def test_several_missing_years_are_named_as_ranges():
    cal = WorkCalendar()
    for year in (2003, 2027, 2028, 2029):
        cal.is_workday(dt.date(year, 3, 3))
    assert cal.warning_text() == "日历缺少 2003、2027–2029 年国务院放假安排：法定节假日已按《全国年节及纪念日放假办法》推算，调休上班日未知"


def test_calendar_frame_has_the_columns_of_the_calendar_table(cal):
    frame = cal.calendar_frame(dt.date(2026, 2, 13), dt.date(2026, 2, 16))
    assert list(frame.columns) == ["cal_date", "is_workday", "holiday_name", "source"]
    assert frame.cal_date.tolist()[0] == dt.date(2026, 2, 13) and frame.is_workday.dtype == bool
    assert frame.is_workday.tolist() == [True, True, False, False]
    assert frame.holiday_name.tolist() == [None, "春节调休", "春节", "春节"]


def test_time_limits_use_the_category_row_or_else_the_star_default():
    limits = load_time_limits(REPO_ROOT / "data/reference/time_limits.csv")
    amount, unit = limits_for(limits, np.array(["S0101", "S0302", "S0402", "ZZ999"]), "handle")
    assert amount.tolist() == [4.0, 20.0, 2.0, 1.0]
    assert unit.tolist() == ["work_hours", "work_days", "natural_hours", "work_days"]
    amount, unit = limits_for(limits, ["S0101"], "verify")
    assert (amount.tolist(), unit.tolist()) == ([2.0], ["work_hours"])
    amount, _ = limits_for(limits, pd.Series(["S0101", None], dtype="str"), "handle")
    assert amount.tolist() == [4.0, 1.0]  # a missing code takes the '*' default too
    with pytest.raises(KeyError):
        limits_for(limits, ["S0101"], "no_such_step")


def test_vectorised_results_equal_the_scalar_walk_on_random_timestamps():
    rng = np.random.default_rng(20261001)
    cal = WorkCalendar(overrides=[("2027-02-05", 0, "春节")])
    n = 3000
    start = np.datetime64("2025-12-01T00:00", "us") + rng.integers(0, 400 * 24 * 60, n) * np.timedelta64(1, "m")
    # A third of the starts sit exactly on a period boundary, where off-by-one errors live.
    edges = np.array([510, 720, 840, 1050], "timedelta64[m]")
    on_edge = rng.random(n) < 1 / 3
    start[on_edge] = start[on_edge].astype("datetime64[D]") + rng.choice(edges, on_edge.sum())
    amount = rng.integers(0, 80, n) / 2  # half hours: deadlines often land exactly on period ends
    unit = rng.choice(["work_hours", "work_days", "natural_hours"], n)
    deferred = np.where(rng.random(n) < 0.2, rng.integers(1, 20, n) / 4, 0.0)
    got = cal.add(start, amount, unit, deferred)
    want = [cal.add_one(s, a, u, d) for s, a, u, d in zip(start.tolist(), amount, unit, deferred)]
    assert got.tolist() == want
    end = start + rng.integers(-2 * 24 * 60, 30 * 24 * 60, n) * np.timedelta64(1, "m")
    hours = cal.work_hours_between(start, end)
    assert hours.tolist() == [cal.work_hours_one(a, b) for a, b in zip(start.tolist(), end.tolist())]


def test_a_limit_longer_than_the_padded_calendar_span_grows_it():
    cal = WorkCalendar()
    # 600 working days from Mon 5 Jan 2026 run to 2028; both paths must agree, and the
    # weekend-fallback years the deadline crossed are reported.
    got = due(cal, D(2026, 1, 5, 8, 30), 600, "work_days")
    assert got.year == 2028
    assert cal.missing_years == (2027, 2028)


def test_an_override_file_with_a_date_twice_or_a_bad_flag_is_rejected(tmp_path):
    with pytest.raises(ValueError):
        WorkCalendar(overrides=[("2027-10-01", 0, None), ("2027-10-01", 1, None)])
    bad = tmp_path / "overrides.csv"
    bad.write_text("cal_date,is_workday,holiday_name\n2027-10-01,yes,国庆节\n", encoding="utf-8")
    with pytest.raises(ValueError):
        WorkCalendar.from_config(REPO_ROOT / "data/reference/city.toml", overrides_path=bad)


def test_the_warning_for_a_data_span_names_only_the_years_nobody_covers(tmp_path):
    csv = tmp_path / "overrides.csv"
    csv.write_text("cal_date,is_workday,holiday_name\n2027-10-01,0,国庆节\n", encoding="utf-8")
    cal = WorkCalendar.from_config(REPO_ROOT / "data/reference/city.toml", overrides_path=csv)
    assert cal.uncovered_years(range(2025, 2030)) == (2028, 2029)
    assert cal.warning_text(range(2025, 2030)) == "日历缺少 2028–2029 年国务院放假安排：法定节假日已按《全国年节及纪念日放假办法》推算，调休上班日未知"
    assert cal.warning_text([2025, 2026, 2027]) is None
    assert cal.missing_years == ()  # asking about a span records nothing
