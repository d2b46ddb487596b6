"""SQL tests for the people stream (queries/party.py) on a small known city.

Window: 2026-11-01 .. 2026-11-23 (exclusive), now 2026-11-23 10:00. Community A = 大码头社区 (资阳区
430902), community B = 龙洲社区 (赫山区 430903). C001 (市城管局) is paired with A, D43090301 (赫山区城管局)
with B; D43090201 is not paired.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from queries import party as q
from queries.scope import Access
from tests.builders import (COMMUNITY_A, COMMUNITY_B, add_activity, add_case, add_checkin, add_need, add_order,
                            add_pairing, add_person, add_project, add_resource, add_whistle, add_wish, new_db,
                            window_scope)

scope = window_scope


def d(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour)


def build_city(con) -> None:
    add_pairing(con, 1, "C001", COMMUNITY_A, secretary_id=1)
    add_pairing(con, 2, "D43090301", COMMUNITY_B, secretary_id=2)
    add_person(con, 1, "王小明", unit_code="C001")
    add_person(con, 2, "李雷", unit_code="D43090301", community=COMMUNITY_B)
    add_person(con, 3, "张伟", unit_code="C001")                                  # never reported in
    add_person(con, 4, "赵敏", role="party_volunteer", unit_code="C001")
    add_person(con, 5, "钱多多", role="volunteer", assigned=False)
    add_checkin(con, 1, d(10, month=10), purpose="report_in")
    add_checkin(con, 1, d(15, month=10), purpose="visit")
    add_checkin(con, 1, d(3), purpose="visit")
    add_checkin(con, 2, d(2), purpose="report_in", community=COMMUNITY_B)
    add_checkin(con, 4, d(5), purpose="report_in")
    add_checkin(con, 4, d(6))
    add_checkin(con, 5, d(6))
    add_activity(con, 1, d(6), hours=2, people=(4, 5), unit_code="C001")
    add_activity(con, 2, d(8, 14), hours=3, people=(2,), unit_code="D43090301", community=COMMUNITY_B)
    add_activity(con, 3, d(20, month=10), hours=2, people=(1,), unit_code="C001")   # before the window
    add_activity(con, 4, d(9), hours=1.5, people=(5,))                              # a community team
    add_whistle(con, 1, d(3), calls=(("C001", d(3, 11), 2), ("D43090201", d(3, 13), 1)), solved_at=d(5),
                problem_count=2)
    add_whistle(con, 2, d(10), calls=(("C001", d(10, 10), 3),), category="市容秩序")
    add_whistle(con, 3, d(12), calls=(("D43090301", None, 2),), solved_at=d(13), community=COMMUNITY_B)
    add_whistle(con, 4, d(10, month=10), calls=(("C001", d(10, 10, month=10), 2),), solved_at=d(11, month=10))
    add_wish(con, 1, d(2), 200, claimed_at=d(3), completed_at=d(10), unit_code="C001")
    add_wish(con, 2, d(4), 100, claimed_at=d(5), unit_code="D43090301", community=COMMUNITY_B)
    add_wish(con, 3, d(6), 50)
    add_wish(con, 4, d(1, month=10), 300, claimed_at=d(2, month=10), completed_at=d(5, month=10), unit_code="C001")
    add_need(con, 1, d(2), claimed_at=d(5), unit_code="C001")
    add_need(con, 2, d(3), community=COMMUNITY_B)
    add_resource(con, 1, "C001", d(2))
    add_resource(con, 2, "D43090201", d(3))                                         # unit not paired
    add_project(con, 1, "C001", d(5), need_id=1, resource_id=1)
    add_order(con, 1, 5, "C001", d(2), d(17), rectified_at=d(10))
    add_order(con, 2, 5, "D43090301", d(2), d(17), rectified_at=d(20), community=COMMUNITY_B)
    add_order(con, 3, 5, "C001", d(2), d(17))
    add_order(con, 4, 5, "C001", d(2), d(17), rectified_at=d(5), community=None)     # no community
    # cases of the paired communities: A on time and A overdue open; B closed late
    add_case(con, reported_at=d(2), filed_at=d(2), deadline_at=d(5), closed_at=d(4), status="closed")
    add_case(con, reported_at=d(3), filed_at=d(3), deadline_at=d(6), status="dispatched")
    add_case(con, district="430903", reported_at=d(3), filed_at=d(3), deadline_at=d(7), closed_at=d(8), status="closed")


@pytest.fixture
def con():
    c = new_db()
    build_city(c)
    yield c
    c.close()


def test_report_in_rate_and_checkins_per_day(con):
    trend = q.checkin_trend(con, scope(), "day")
    assert len(trend) == 22 and trend.bucket_start.min() == pd.Timestamp(2026, 11, 1)
    assert int(trend.checkin_count.sum()) == 5
    by_day = trend.set_index(trend.bucket_start.dt.day)
    assert (by_day.loc[2, "report_in_count"], by_day.loc[3, "visit_count"], by_day.loc[6, "service_count"]) == (1, 1, 2)
    last = trend.iloc[-1]
    assert (last.reported_in_count, last.assigned_count) == (3, 4)     # 王, 李, 赵 of 王, 李, 张, 赵
    assert trend.iloc[0].reported_in_count == 1                         # only 王 by the end of 1 Nov


def test_checkin_trend_by_month_starts_at_the_window(con):
    trend = q.checkin_trend(con, scope(start_date=date(2026, 10, 15)), "month")
    assert trend.bucket_start.tolist() == [pd.Timestamp(2026, 10, 15), pd.Timestamp(2026, 11, 1)]
    assert trend.checkin_count.tolist() == [1, 5]       # 王's October visit on the 15th; report-in on the 10th is before


def test_service_by_community_and_unit(con):
    comm = q.service_by_community(con, scope()).set_index("community_code")
    assert comm.loc[COMMUNITY_A, ["activity_count", "participation_count", "volunteer_count", "service_hours",
                                  "checkin_count"]].tolist() == [2, 3, 2, 5.5, 4]
    assert comm.loc[COMMUNITY_B, ["activity_count", "service_hours", "checkin_count"]].tolist() == [1, 3.0, 1]
    assert comm.community_name.tolist() == ["大码头社区", "龙洲社区"]
    units = q.service_by_unit(con, scope())
    assert units[["unit_code", "activity_count", "volunteer_count", "service_hours"]].values.tolist() == [
        ["C001", 1, 2, 4.0], ["D43090301", 1, 1, 3.0]]


def test_pairing_scorecard_puts_people_work_beside_the_paired_communities_cases(con):
    card = q.pairing_scorecard(con, scope()).set_index("unit_code")
    c = card.loc["C001"]
    assert (c.community_names, c.assigned_count, c.reported_in_count, c.checkin_count, c.activity_count,
            c.service_hours, c.wish_claimed_count, c.wish_completed_count) == ("大码头社区", 3, 2, 3, 1, 4.0, 1, 1)
    assert (c.due_count, c.due_on_time_count, c.overdue_open_count, c.on_time_rate, c.closing_rate) == (2, 1, 1, 0.5, 0.5)
    h = card.loc["D43090301"]
    assert (h.assigned_count, h.reported_in_count, h.report_in_rate, h.due_count, h.on_time_rate, h.closing_rate) == \
        (1, 1, 1.0, 1, 0.0, 1.0)
    assert "D43090201" not in card.index


def test_whistle_response_times_and_solve_rate(con):
    rows = q.whistles(con, scope())
    total = rows[rows.is_total].iloc[0]
    assert (total.whistle_count, total.problem_count, total.solved_count, total.call_count,
            total.call_reported_in_count, total.call_staffed_count) == (3, 4, 2, 4, 3, 2)
    assert total.solve_rate == pytest.approx(2 / 3)
    assert (total.report_in_median_hours, total.report_in_p90_hours) == pytest.approx((1.5, 1.9))
    assert (total.solve_median_hours, total.solve_p90_hours) == pytest.approx((36.0, 45.6))
    infra = rows[rows.category == "基础设施"].iloc[0]
    assert (infra.whistle_count, infra.problem_count, infra.solved_count) == (2, 3, 2)


def test_wish_funnel_counts_the_wishes_posted_in_the_window(con):
    w = q.wishes(con, scope())
    assert (w.posted_count, w.claimed_count, w.completed_count) == (3, 2, 1)
    assert (w.posted_value_yuan, w.claimed_value_yuan, w.completed_value_yuan) == (350, 300, 200)
    assert (w.claim_median_days, w.complete_median_days) == pytest.approx((1.0, 7.0))


def test_three_lists_count_only_resources_of_paired_units(con):
    lists = q.three_lists(con, scope())
    assert lists.to_dict() == {"need_count": 2, "need_claimed_count": 1, "resource_count": 1, "project_count": 1,
                               "project_matched_count": 1, "project_completed_count": 0}


def test_supervision_orders_without_a_community_need_city_wide_access_and_no_area_filter(con):
    total = q.supervision(con, scope()).query("is_total").iloc[0]
    assert (total.order_count, total.rectified_count, total.rectified_on_time_count, total.overdue_open_count) == (4, 3, 2, 1)
    assert total.rectification_rate == 0.75
    zy = q.supervision(con, scope(districts=("430902",))).query("is_total").iloc[0]
    assert (zy.order_count, zy.rectified_count) == (2, 1)
    limited = q.supervision(con, scope(access=Access.for_districts(("430902",), "资阳区"))).query("is_total").iloc[0]
    assert limited.order_count == 2
    rounds = q.supervision(con, scope())
    assert rounds.round_label.tolist() == ["合计", "第 5 轮"]


def test_first_secretary_visits_by_month_with_masked_names(con):
    visits = q.secretary_visits(con, scope(start_date=date(2026, 10, 1)))
    assert set(visits.secretary_name_masked) == {"王*", "李*"}
    assert "王小明" not in visits.to_string() and "李雷" not in visits.to_string()
    summary = q.secretary_summary(visits).set_index("unit_name")
    assert summary.loc["市城管局", ["2026年10月", "2026年11月", "judged_months", "missed_months"]].tolist() == [1, 1, 1, 0]
    assert summary.loc["赫山区城管局", ["missed_months", "missed_month_names"]].tolist() == [1, "2026年10月"]
    assert summary.index[0] == "赫山区城管局"                  # units that missed come first


def test_a_district_filter_or_limited_access_narrows_every_people_number(con):
    heshan = scope(districts=("430903",))
    last = q.checkin_trend(con, heshan, "day").iloc[-1]
    assert (last.reported_in_count, last.assigned_count) == (1, 1)
    assert q.service_by_community(con, heshan).community_code.tolist() == [COMMUNITY_B]
    assert q.pairing_scorecard(con, heshan).unit_code.tolist() == ["D43090301"]
    assert q.whistles(con, heshan).query("is_total").whistle_count.tolist() == [1]
    assert q.wishes(con, heshan).posted_count == 1
    assert q.three_lists(con, heshan).resource_count == 0
    nobody = scope(access=Access())
    assert q.checkin_trend(con, nobody, "day").checkin_count.sum() == 0
    assert q.pairing_scorecard(con, nobody).empty and q.secretary_visits(con, nobody).empty
    assert q.supervision(con, nobody).query("is_total").order_count.tolist() == [0]


def test_a_unit_filter_narrows_to_that_units_people_and_records(con):
    only = scope(units=("D43090301",))
    assert q.pairing_scorecard(con, only).unit_code.tolist() == ["D43090301"]
    assert q.service_by_unit(con, only).unit_code.tolist() == ["D43090301"]
    assert q.wishes(con, only).posted_count == 1
    assert q.whistles(con, only).query("is_total").whistle_count.tolist() == [1]


def test_headline_row_collects_numerators_and_denominators(con):
    sc = scope(start_date=date(2026, 10, 1))
    comm = q.service_by_community(con, sc)
    row = q.headline(q.checkin_trend(con, sc, "week"), q.whistles(con, sc), q.wishes(con, sc), q.three_lists(con, sc),
                     q.supervision(con, sc), q.secretary_summary(q.secretary_visits(con, sc)),
                     comm.service_hours.sum(), comm.activity_count.sum())
    assert (row.reported_in_count, row.assigned_count) == (3, 4)
    assert (row.whistle_solved_count, row.whistle_count) == (3, 4)
    assert (row.wish_completed_count, row.wish_claimed_count, row.wish_posted_count) == (2, 3, 4)
    assert (row.secretary_met_months, row.secretary_judged_months) == (1, 2)
    assert (row.service_hours, row.activity_count) == (10.5, 4)


def test_hours_per_volunteer_by_community_and_unit(con):
    comm = q.service_by_community(con, scope()).set_index("community_code")
    assert comm.loc[COMMUNITY_A, "hours_per_volunteer"] == 2.75          # 5.5 hours by 赵 and 钱
    units = q.service_by_unit(con, scope()).set_index("unit_code")
    assert units.loc["C001", "hours_per_volunteer"] == 2.0
