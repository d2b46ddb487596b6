"""Statutory holidays of a year that has no published schedule, from 《全国年节及纪念日放假办法》.

The State Council publishes each year's schedule (with its 调休 make-up working days) in the
autumn before; chinesecalendar carries the published years and the operator's override file adds
new ones. For any other year the days off that the law itself fixes are still known, and a
calendar that counted 元旦 as a working day would put every deadline of that week a day early.
What the law does not fix is 调休 (which weekend days become working days, which bridge days are
given off): those stay unknown, and the calendar keeps warning about the year.

The rule in force (国务院令第795号, effective 2025-01-01; 13 days):
  元旦 1 (1月1日) · 春节 4 (农历除夕、正月初一至初三) · 清明节 1 (清明节气当日) · 劳动节 2 (5月1日、2日)
  端午节 1 (农历五月初五) · 中秋节 1 (农历八月十五) · 国庆节 3 (10月1日至3日)
Earlier versions are kept for old data: 2008-2024 (春节 初一至初三, 劳动节 1 天) and 2000-2007
(no 清明/端午/中秋; 劳动节 3 天). A holiday that falls on a Saturday or Sunday is made up on the
following working weekdays (the law's 补假 rule: "适逢星期六、星期日，应当在工作日补假").
Lunar dates and the 清明 solar term come from borax (pinned; pure Python, 1900-2100).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from borax.calendars.lunardate import LunarDate, TermUtils

RULE_NAME = "《全国年节及纪念日放假办法》"


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> dt.date:
    return TermUtils.nth_term_day(year, term_name="清明")


def _run(first: dt.date, days: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(days)]


def festival_days(year: int) -> dict[str, list[dt.date]]:
    """Festival name -> its statutory days off in `year` (before any 补假), under the version in force."""
    spring_first = _lunar(year, 1, 1)
    if year >= 2025:
        spring, labour = _run(spring_first - dt.timedelta(days=1), 4), 2
    else:
        spring, labour = _run(spring_first, 3), (1 if year >= 2008 else 3)
    days = {"元旦": [dt.date(year, 1, 1)], "春节": spring}
    if year >= 2008:
        days["清明节"] = [_qingming(year)]
    days["劳动节"] = _run(dt.date(year, 5, 1), labour)
    if year >= 2008:
        days["端午节"] = [_lunar(year, 5, 5)]
        days["中秋节"] = [_lunar(year, 8, 15)]
    days["国庆节"] = _run(dt.date(year, 10, 1), 3)
    return days


@lru_cache(maxsize=64)
def statutory_days_off(year: int) -> dict[dt.date, str]:
    """Every day off the law fixes for `year`: date -> holiday name (补假 days say so).

    Only days inside `year` are returned (春节's 除夕 of a late-January new year is in that year)."""
    off: dict[dt.date, str] = {}
    for name, days in festival_days(year).items():
        for day in days:
            off.setdefault(day, name)
    for name, days in festival_days(year).items():
        owed = sum(1 for d in days if d.weekday() >= 5)
        day = max(days)
        while owed:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and day not in off:
                off[day] = f"{name}补假"
                owed -= 1
    return {day: name for day, name in sorted(off.items()) if day.year == year}
