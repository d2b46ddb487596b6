"""重复发生 on hand-built cases: same grid or within the distance, inside the days after a closure,
across the window's edge, and the flag on a case."""
from __future__ import annotations

from datetime import datetime

import pytest

from queries.recurrence import recurrence_flag, recurrence_pairs, recurrence_rates
from tests.builders import add_cases, new_db, window_scope

LAT, LON = 28.55, 112.35
M = 1 / 111000.0   # one metre of latitude in degrees


@pytest.fixture
def con():
    return new_db()


def case(reported_at, closed_at=None, *, dlat_m=0.0, **kw):
    return dict(reported_at=reported_at, closed_at=closed_at, lat=LAT + dlat_m * M, lon=LON,
                **({"status": "closed" if closed_at else "dispatched"} | kw))


def other_grid(**kw):
    """A case in the other district's grid (different grid code), at the given offset."""
    return dict(district="430903", **kw)


def test_same_category_in_the_same_grid_within_the_days_after_closing_is_a_recurrence(con):
    first, again = add_cases(con, [case(datetime(2026, 11, 2, 9), datetime(2026, 11, 3, 9), dlat_m=5000),
                                   case(datetime(2026, 11, 10, 9))])
    pairs = recurrence_pairs(con, window_scope(), 30, 100)
    assert pairs[["case_id", "first_case_id", "same_grid", "days_after"]].values.tolist() == [[again, first, True, 7.0]]
    rates = recurrence_rates(con, window_scope(), "category", 30, 100)
    assert rates[["group_code", "closed_cases", "recurred_cases"]].values.tolist() == [["S0101", 1, 1]]


def test_nearby_counts_across_grids_only_within_the_distance(con):
    first = add_cases(con, [case(datetime(2026, 11, 2, 9), datetime(2026, 11, 3, 9))])[0]
    near, far = add_cases(con, [other_grid(**case(datetime(2026, 11, 5, 9), dlat_m=90)),
                                other_grid(**case(datetime(2026, 11, 5, 10), dlat_m=130))])
    pairs = recurrence_pairs(con, window_scope(), 30, 100)
    assert pairs[["case_id", "first_case_id", "same_grid", "distance_m"]].values.tolist() == [[near, first, False, 90.0]]
    assert recurrence_pairs(con, window_scope(), 30, 150).case_id.tolist() == [far, near]


def test_a_report_before_the_closure_after_the_days_or_of_another_category_is_not_a_recurrence(con):
    add_cases(con, [case(datetime(2026, 11, 2, 9), datetime(2026, 11, 6, 9)),
                    case(datetime(2026, 11, 4, 9)),                               # reported while still open
                    case(datetime(2026, 11, 20, 9), category_code="B0201", major_code="B02", kind="component")])
    add_cases(con, [case(datetime(2026, 10, 1, 9), datetime(2026, 10, 2, 9), dlat_m=20000),
                    case(datetime(2026, 11, 2, 9, 1), dlat_m=20000)])            # 31 days after: out
    assert recurrence_pairs(con, window_scope(), 30, 100).empty
    assert recurrence_pairs(con, window_scope(), 31, 100).case_id.size == 1


def test_recurrence_across_the_window_edge_counts_on_both_sides(con):
    # closed before the window, repeated inside: listed (the later case is in the window) but the closure
    # is not in the rate's denominator; closed inside, repeated after the window's end: counted in the rate.
    before, inside = add_cases(con, [case(datetime(2026, 10, 20, 9), datetime(2026, 10, 28, 9), dlat_m=3000),
                                     case(datetime(2026, 11, 2, 9), dlat_m=3000)])
    closes_late = add_cases(con, [other_grid(**case(datetime(2026, 11, 20, 9), datetime(2026, 11, 21, 9)))])[0]
    after = add_cases(con, [other_grid(**case(datetime(2026, 11, 25, 9)))])[0]
    scope = window_scope(now_at=datetime(2026, 12, 1, 10))
    assert recurrence_pairs(con, scope, 30, 100)[["case_id", "first_case_id"]].values.tolist() == [[inside, before]]
    rates = recurrence_rates(con, scope, "unit", 30, 100)
    assert rates[["group_code", "closed_cases", "recurred_cases"]].values.tolist() == [["D43090301", 1, 1]]
    # as of 23 Nov the repeat of 25 Nov had not happened yet
    early = recurrence_rates(con, window_scope(), "unit", 30, 100)
    assert early[["closed_cases", "recurred_cases"]].values.tolist() == [[1, 0]]
    assert after != closes_late


def test_only_one_case_gives_no_pairs_and_a_zero_rate(con):
    add_cases(con, [case(datetime(2026, 11, 2, 9), datetime(2026, 11, 3, 9))])
    assert recurrence_pairs(con, window_scope(), 30, 100).empty
    rates = recurrence_rates(con, window_scope(), "district", 30, 100)
    assert rates[["group_code", "closed_cases", "recurred_cases", "recurrence_rate"]].values.tolist() == [["430902", 1, 0, 0.0]]


def test_cancelled_cases_never_count(con):
    add_cases(con, [case(datetime(2026, 11, 2, 9), datetime(2026, 11, 3, 9)),
                    case(datetime(2026, 11, 5, 9), is_cancelled=True, status="cancelled")])
    assert recurrence_pairs(con, window_scope(), 30, 100).empty


def test_the_flag_counts_reports_here_in_the_days_up_to_the_case(con):
    ids = add_cases(con, [case(datetime(2026, 10, 1, 9), datetime(2026, 10, 2, 9)),    # 40 days before: out
                          case(datetime(2026, 11, 1, 9), datetime(2026, 11, 2, 9)),
                          case(datetime(2026, 11, 9, 9), dlat_m=50),
                          other_grid(**case(datetime(2026, 11, 10, 9), dlat_m=4000))])  # elsewhere
    assert recurrence_flag(con, window_scope(), ids[2], 30, 100) == "此处 30 天内第 2 次"
    assert recurrence_flag(con, window_scope(), ids[1], 30, 100) is None
    assert recurrence_flag(con, window_scope(), ids[3], 30, 100) is None
