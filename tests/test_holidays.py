"""Statutory holidays for a year without a published schedule (《全国年节及纪念日放假办法》)."""
from __future__ import annotations

import datetime as dt

from chinese_calendar import constants as cc

from data.holidays import festival_days, statutory_days_off

d = dt.date


def test_2027_has_the_thirteen_statutory_days_of_the_2025_rule_on_their_lunar_dates():
    days = festival_days(2027)
    assert days["元旦"] == [d(2027, 1, 1)]
    assert days["春节"] == [d(2027, 2, 5), d(2027, 2, 6), d(2027, 2, 7), d(2027, 2, 8)]  # 除夕 + 初一..初三
    assert days["清明节"] == [d(2027, 4, 5)]
    assert days["劳动节"] == [d(2027, 5, 1), d(2027, 5, 2)]
    assert days["端午节"] == [d(2027, 6, 9)]
    assert days["中秋节"] == [d(2027, 9, 15)]
    assert days["国庆节"] == [d(2027, 10, 1), d(2027, 10, 2), d(2027, 10, 3)]
    assert sum(len(v) for v in days.values()) == 13


def test_a_holiday_on_a_weekend_is_made_up_on_the_following_weekdays():
    off = statutory_days_off(2027)
    # 劳动节 2027 falls on Sat-Sun: Mon 3 and Tue 4 May are 补假
    assert off[d(2027, 5, 3)] == "劳动节补假" and off[d(2027, 5, 4)] == "劳动节补假"
    assert d(2027, 5, 5) not in off


def test_the_statutory_days_agree_with_every_published_schedule_2008_to_2026():
    # Published schedules only add to the law (bridge days, 调休): every statutory weekday must be off.
    misses = [(day, name) for year in range(2008, 2027) for day, name in statutory_days_off(year).items()
              if day.weekday() < 5 and "补假" not in name and day not in cc.holidays]
    assert misses == []


def test_before_2025_the_spring_festival_had_three_days_and_labour_day_one():
    days = festival_days(2024)
    assert days["春节"] == [d(2024, 2, 10), d(2024, 2, 11), d(2024, 2, 12)]
    assert days["劳动节"] == [d(2024, 5, 1)]
