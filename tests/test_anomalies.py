"""异动 and 高频 on hand-built reports: exact counts and baselines per street × 小类, the Poisson
threshold, and the month-on-month rise."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from queries.anomalies import anomaly_counts, detect, poisson_upper_tail, rising_categories
from tests.builders import add_cases, new_db, window_scope

NOW = datetime(2026, 11, 23, 10, 0)      # Monday 10:00 (window_scope's now)


@pytest.fixture
def con():
    return new_db()


def at(*offsets_hours, **kw):
    return [dict(reported_at=NOW - timedelta(hours=h), **kw) for h in offsets_hours]


def row(con, weeks=4):
    frame = anomaly_counts(con, window_scope(), weeks).set_index(["street_code", "category_code"])
    return frame


def test_counts_today_and_the_last_seven_days_against_the_same_spans_of_earlier_weeks(con):
    week = 7 * 24
    add_cases(con, at(1, 9.5)                       # today 09:00 and 00:30: today
              + at(11)                              # Sunday 23:00: last 7 days, not today
              + at(week + 1, week + 5)              # a week ago, Monday 09:00 and 05:00: baseline of today
              + at(week + 11)                       # a week ago Sunday: week baseline only
              + at(week - 1)                        # a week ago Monday 11:00: after the hour now, so last 7 days
              + at(4 * week + 2)                    # four weeks ago Monday 08:00: baseline (weeks=4)
              + at(5 * week + 2)                    # five weeks ago: outside a 4-week baseline
              + at(1, is_cancelled=True, status="cancelled"))
    got = row(con).loc[("430902001", "S0101")]
    assert got[["today_count", "today_baseline_sum", "week_count", "week_baseline_sum"]].tolist() == [2, 3, 4, 4]


def test_a_burst_far_above_the_baseline_alarms_and_an_ordinary_day_does_not(con):
    week = 7 * 24
    add_cases(con, at(*[0.5 + i * 0.2 for i in range(8)])                                  # 8 today
              + at(*[week * k + 1 for k in range(1, 5)]))                                  # 1 on each earlier Monday
    add_cases(con, at(*[0.5 + i for i in range(3)], district="430903")                     # 3 today ...
              + at(*[week * k + 1 + i for k in range(1, 5) for i in range(3)], district="430903"))  # ... as usual
    alarms = detect(anomaly_counts(con, window_scope(), 4), 0.001, 5)
    # the same 8 reports are also the whole of the last 7 days, against 1 a week before
    assert alarms[["street_code", "span", "observed"]].values.tolist() == [["430902001", "today", 8],
                                                                           ["430902001", "week", 8]]
    assert alarms.expected[0] == pytest.approx((4 + 0.5) / 4)
    assert alarms.p_value[0] == pytest.approx(poisson_upper_tail(8, 1.125))


def test_no_alarm_below_the_minimum_count_even_from_nothing(con):
    add_cases(con, at(1, 2, 3, 4))
    assert detect(anomaly_counts(con, window_scope(), 8), 0.001, 5).empty
    assert len(detect(anomaly_counts(con, window_scope(), 8), 0.001, 4)) == 2    # today and the 7 days


def test_poisson_tail_matches_known_values():
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(1, 1.0) == pytest.approx(0.6321205588)
    assert poisson_upper_tail(10, 5.0) == pytest.approx(0.0318280573)
    assert poisson_upper_tail(40, 2.0) == pytest.approx(2.2e-35, rel=0.1)


def test_rising_categories_compare_the_last_complete_month_with_the_one_before(con):
    oct_, sep = datetime(2026, 10, 15, 9), datetime(2026, 9, 15, 9)
    lamp = dict(category_code="B0201", major_code="B02", kind="component")
    add_cases(con, [dict(reported_at=oct_)] * 6 + [dict(reported_at=sep)] * 2
              + [dict(reported_at=oct_, **lamp)] * 2 + [dict(reported_at=sep, **lamp)] * 3
              + [dict(reported_at=datetime(2026, 11, 2, 9))] * 9)          # this month: not compared
    got = rising_categories(con, window_scope(), 4)
    assert got[["category_code", "last_month_count", "month_before_count", "increase"]].values.tolist() == \
        [["S0101", 6, 2, 4]]
    assert got.change_rate[0] == 2.0
