"""SQL unit tests for the wall's queries: a few rows in, the exact rows out."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from queries import wall as w
from queries.scope import Access
from tests.builders import add_case, add_steps, new_db

NOW = datetime(2026, 11, 23, 15, 30)   # a Monday
YIYANG = "430902"
HESHAN = "430903"
ZIYANG_COMMUNITY = "430902001001"
HESHAN_COMMUNITY = "430903001001"


@pytest.fixture
def con():
    c = new_db()
    add_steps(c)
    yield c
    c.close()


def scopes(now=NOW, access=None):
    return w.wall_scopes(now, access or Access.demo(), league_days=30)


def accepted(con, at, **kw):
    return add_case(con, reported_at=at, accepted_at=at, **kw)


def test_windows_compare_today_with_yesterday_and_this_month_with_the_same_days_of_last_month():
    s = scopes()
    assert (s.today.start_date, s.today.end_date) == (date(2026, 11, 23), date(2026, 11, 24))
    assert (s.pace.start_date, s.pace.end_date) == (date(2026, 11, 22), date(2026, 11, 24))
    assert (s.month.start_date, s.month.end_date) == (date(2026, 11, 1), date(2026, 11, 24))
    assert (s.last_month.start_date, s.last_month.end_date) == (date(2026, 10, 1), date(2026, 10, 24))
    assert (s.league.start_date, s.league.end_date) == (date(2026, 10, 25), date(2026, 11, 24))
    # 31 March against February: capped at the end of February
    assert w.previous_month_same_days(date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert w.previous_month_same_days(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 16))


def test_day_pace_counts_today_so_far_against_yesterday_up_to_the_same_time(con):
    accepted(con, datetime(2026, 11, 23, 9, 0))
    accepted(con, datetime(2026, 11, 23, 15, 30))                 # exactly now: counts
    accepted(con, datetime(2026, 11, 23, 15, 31))                 # after now: not yet
    accepted(con, datetime(2026, 11, 22, 8, 0), filed_at=datetime(2026, 11, 22, 8, 10))
    accepted(con, datetime(2026, 11, 22, 15, 30))                 # yesterday at the same minute: counts
    accepted(con, datetime(2026, 11, 22, 16, 0))                  # yesterday later in the day: not
    accepted(con, datetime(2026, 11, 21, 10, 0))                  # the day before: outside the window
    add_case(con, reported_at=datetime(2026, 11, 23, 8), accepted_at=datetime(2026, 11, 23, 8), is_cancelled=True)
    add_case(con, reported_at=datetime(2026, 11, 20, 8), closed_at=datetime(2026, 11, 23, 11), status="closed")
    row = w.day_pace(con, scopes().pace)
    assert row.to_dict() == {"accepted_today": 2, "accepted_yesterday": 2, "filed_today": 0, "filed_yesterday": 1,
                             "closed_today": 1, "closed_yesterday": 0}


def test_hourly_trend_has_24_hours_ending_with_the_current_one_and_the_day_before(con):
    accepted(con, datetime(2026, 11, 23, 15, 10))
    accepted(con, datetime(2026, 11, 23, 15, 45))                 # after now (15:30): not counted
    accepted(con, datetime(2026, 11, 22, 16, 5))                  # first hour of the 24
    accepted(con, datetime(2026, 11, 22, 15, 50))                 # before the 24 hours: only as "day before" of 15:00
    add_case(con, reported_at=datetime(2026, 11, 23, 9), closed_at=datetime(2026, 11, 23, 10, 59), status="closed")
    trend = w.hourly(con, scopes().hours)
    assert len(trend) == 24
    assert trend.hour_at.iloc[0] == datetime(2026, 11, 22, 16) and trend.hour_at.iloc[-1] == datetime(2026, 11, 23, 15)
    by_hour = trend.set_index("hour_at")
    assert by_hour.loc[datetime(2026, 11, 23, 15)].tolist() == [1, 0, 1]
    assert by_hour.loc[datetime(2026, 11, 22, 16)].tolist() == [1, 0, 0]
    assert by_hour.loc[datetime(2026, 11, 23, 10)].tolist() == [0, 1, 0]
    assert int(trend.accepted_count.sum()) == 2


def test_hot_spots_are_cells_with_at_least_the_minimum_count_at_the_cell_centre(con):
    for i in range(5):
        add_case(con, reported_at=NOW - timedelta(hours=1 + i), lat=28.551 + i * 0.001, lon=112.351)
    for i in range(4):   # a cell with four cases could single out a person: not shown
        add_case(con, reported_at=NOW - timedelta(hours=2), lat=28.651, lon=112.451)
    add_case(con, reported_at=NOW - timedelta(hours=30), lat=28.552, lon=112.352)  # older than 24 hours
    add_case(con, reported_at=NOW - timedelta(hours=1), lat=28.552, lon=112.352, is_cancelled=True)
    spots = w.hotspots(con, scopes().today, 24, 0.05, 5)
    assert spots.round(6).values.tolist() == [[28.575, 112.375, 5]]
    assert w.hotspots(con, scopes().today, 24, 0.05, 4).case_count.tolist() == [5, 4]


def test_latest_cases_show_the_step_reached_by_now_and_nothing_personal(con):
    add_case(con, reported_at=datetime(2026, 11, 23, 15, 0), accepted_at=datetime(2026, 11, 23, 15, 10),
             filed_at=datetime(2026, 11, 23, 15, 40), description="张三 13812345678 家门口")
    add_case(con, reported_at=datetime(2026, 11, 23, 9, 0), closed_at=datetime(2026, 11, 23, 11, 30),
             status="closed", district=HESHAN)
    add_case(con, reported_at=datetime(2026, 11, 23, 14, 0), is_cancelled=True, status="cancelled")
    add_case(con, reported_at=datetime(2026, 11, 23, 15, 45))    # reported after now
    con.execute("INSERT INTO case_private (case_id, reporter_name, reporter_phone, reporter_id_no, address, is_confidential) "
                "VALUES (1, '张三', '13812345678', NULL, '某街1号', false)")
    latest = w.latest_cases(con, scopes().today, 10)
    assert latest[["district_name", "street_name", "step_label", "elapsed_minutes"]].values.tolist() == [
        ["资阳区", "汽车路街道", "受理", 30],    # filed at 15:40 is after now: still 受理
        ["资阳区", "汽车路街道", "作废", 90],
        ["赫山区", "桃花仑街道", "结案", 150],   # closed: report to close
    ]
    assert latest.category_name.unique().tolist() == ["暴露垃圾"]
    assert set(latest.columns) == {"case_no", "reported_at", "category_name", "district_name", "street_name",
                                   "step", "step_name", "step_label", "elapsed_minutes"}
    assert w.latest_cases(con, scopes().today, 2).shape[0] == 2


def people_rows(con):
    con.executemany("INSERT INTO checkins VALUES (?, ?, ?, ?, ?, ?)", [
        (1, 101, ZIYANG_COMMUNITY, datetime(2026, 11, 23, 9), date(2026, 11, 23), "service"),
        (2, 101, ZIYANG_COMMUNITY, datetime(2026, 11, 23, 14), date(2026, 11, 23), "service"),   # same person
        (3, 102, ZIYANG_COMMUNITY, datetime(2026, 11, 23, 10), date(2026, 11, 23), "report_in"),
        (4, 103, HESHAN_COMMUNITY, datetime(2026, 11, 23, 11), date(2026, 11, 23), "service"),
        (5, 104, ZIYANG_COMMUNITY, datetime(2026, 11, 23, 16), date(2026, 11, 23), "service"),   # after now
        (6, 105, ZIYANG_COMMUNITY, datetime(2026, 11, 22, 9), date(2026, 11, 22), "service"),    # yesterday
    ])
    con.executemany("INSERT INTO whistles VALUES (?, ?, ?, ?, ?, ?, ?)", [
        (1, ZIYANG_COMMUNITY, datetime(2026, 11, 23, 11, 30), "排水不畅", "基础设施", 1, None),            # open 4 h
        (2, ZIYANG_COMMUNITY, datetime(2026, 11, 22, 15, 30), "路灯不亮", "基础设施", 1, datetime(2026, 11, 23, 16)),  # solved after now: open 24 h
        (3, HESHAN_COMMUNITY, datetime(2026, 11, 20, 15, 30), "占道经营", "市容秩序", 1, datetime(2026, 11, 21)),     # solved
    ])
    con.executemany("INSERT INTO whistle_calls VALUES (?, ?, ?, ?, ?)", [
        (1, "C001", datetime(2026, 11, 23, 11, 30), None, None),                               # waiting 4 h
        (1, "D43090201", datetime(2026, 11, 23, 11, 30), datetime(2026, 11, 23, 13), 2),
        (2, "C001", datetime(2026, 11, 22, 15, 30), datetime(2026, 11, 22, 18), 3),
    ])


def test_people_strip_counts_check_ins_volunteers_and_open_whistles_up_to_now(con):
    people_rows(con)
    row = w.people_today(con, scopes().today)
    assert row.to_dict() == {"checkins_today": 4, "volunteers_on_duty": 2, "open_whistles": 2,
                             "whistle_wait_median_hours": 14.0, "whistle_wait_max_hours": 24.0,
                             "calls_waiting": 1, "call_wait_max_hours": 4.0}


def test_people_strip_follows_access_through_the_communities(con):
    people_rows(con)
    row = w.people_today(con, scopes(access=Access.for_districts((HESHAN,), "赫山区")).today)
    assert (row.checkins_today, row.volunteers_on_duty, row.open_whistles, row.calls_waiting) == (1, 1, 0, 0)


def test_top_categories_suppress_counts_below_the_minimum(con):
    for _ in range(6):
        accepted(con, datetime(2026, 11, 23, 9))
    for _ in range(2):
        accepted(con, datetime(2026, 11, 23, 9), category_code="B0201", major_code="B02", kind="component")
    top = w.top_categories(con, scopes().today, 10, 5)
    assert top.category_name.tolist() == ["暴露垃圾", "路灯"]
    assert top.case_count.tolist()[0] == 6 and top.case_count.isna().tolist() == [False, True]
    assert top.case_count_suppressed.tolist() == [False, True]


def test_district_breakdown_suppresses_small_counts_but_not_zero(con):
    for _ in range(5):
        accepted(con, datetime(2026, 11, 23, 9), district=HESHAN)
    accepted(con, datetime(2026, 11, 23, 9), district=YIYANG)
    frame = w.district_today(con, scopes().today, 5).set_index("area_code")
    assert frame.loc[HESHAN, "accepted_count"] == 5 and not frame.loc[HESHAN, "accepted_count_suppressed"]
    assert frame.loc[YIYANG, "accepted_count_suppressed"] and frame.loc[YIYANG, "overdue_open_count"] == 0
