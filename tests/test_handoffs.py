"""推诿 (hand-offs between units) on hand-built case histories: exact counts, pairs and delays."""
from __future__ import annotations

from datetime import datetime

import pytest

from queries.handoffs import handoff_pairs, unit_handoffs
from tests.builders import add_calendar, add_case, add_step, new_db, window_scope

A, B, C = "C001", "D43090201", "D43090301"


@pytest.fixture
def con():
    con = new_db()
    add_calendar(con)
    return con


def chain(con, units: list[tuple[str, datetime]], *, handled_at: datetime | None = None, **kw) -> int:
    """A case dispatched to each (unit, time) in turn, then handled by the last one."""
    case_id = add_case(con, reported_at=datetime(2026, 11, 2, 8, 0), dispatched_at=units[0][1],
                       unit_code=units[-1][0], status="dispatched", dispatch_count=len(units), **kw)
    seq = 1
    for unit, at in units:
        add_step(con, case_id, seq, "dispatch", at, unit_code=unit)
        seq += 1
    if handled_at:
        add_step(con, case_id, seq, "handle", handled_at, unit_code=units[-1][0])
    return case_id


def by_unit(con, **kw):
    return unit_handoffs(con, window_scope(**kw)).set_index("unit_code")


def test_one_case_passed_on_once_counts_for_both_units_with_its_working_hours(con):
    # Monday 09:00 to A, Monday 15:00 to B: 3 h morning + 1 h afternoon = 4 working hours.
    chain(con, [(A, datetime(2026, 11, 2, 9, 0)), (B, datetime(2026, 11, 2, 15, 0))],
          handled_at=datetime(2026, 11, 3, 10, 0))
    units = by_unit(con)
    assert units.loc[A, ["dispatched_cases", "passed_on_cases", "received_cases", "returned_cases"]].tolist() == [1, 1, 0, 0]
    assert units.loc[B, ["dispatched_cases", "passed_on_cases", "received_cases", "returned_cases"]].tolist() == [1, 0, 1, 0]
    assert units.loc[A, "delay_hours_median"] == pytest.approx(4.0)
    assert units.loc[A, "handoff_rate"] == 1.0 and units.loc[B, "handoff_rate"] == 0.0


def test_a_case_sent_back_to_the_first_unit_counts_as_returned_and_the_pair_both_ways(con):
    chain(con, [(A, datetime(2026, 11, 2, 9, 0)), (B, datetime(2026, 11, 2, 10, 0)),
                (A, datetime(2026, 11, 2, 11, 0))])
    units = by_unit(con)
    assert units.loc[A, ["passed_on_cases", "received_cases", "returned_cases"]].tolist() == [1, 1, 1]
    assert units.loc[B, ["passed_on_cases", "received_cases", "returned_cases"]].tolist() == [1, 1, 0]
    pairs = handoff_pairs(con, window_scope())
    assert pairs[["unit_a", "unit_b", "handoffs", "a_to_b", "b_to_a", "cases", "returned_cases"]].values.tolist() == \
        [[A, B, 2, 1, 1, 1, 1]]


def test_a_dispatch_after_the_first_handling_is_rework_not_a_handoff(con):
    case_id = chain(con, [(A, datetime(2026, 11, 2, 9, 0))], handled_at=datetime(2026, 11, 2, 10, 0))
    add_step(con, case_id, 9, "dispatch", datetime(2026, 11, 2, 11, 0), unit_code=C)
    units = by_unit(con)
    assert units["passed_on_cases"].sum() == 0 and units["received_cases"].sum() == 0
    assert handoff_pairs(con, window_scope()).empty


def test_a_repeated_dispatch_to_the_same_unit_is_not_a_handoff(con):
    chain(con, [(A, datetime(2026, 11, 2, 9, 0)), (A, datetime(2026, 11, 2, 9, 30)), (C, datetime(2026, 11, 2, 10, 0))])
    pairs = handoff_pairs(con, window_scope())
    assert pairs[["unit_a", "unit_b", "handoffs"]].values.tolist() == [[A, C, 1]]
    # the hand-off added the time since the last dispatch to A (30 minutes), not since the first
    assert by_unit(con).loc[A, "delay_hours_median"] == pytest.approx(0.5)


def test_handoffs_count_by_their_own_time_in_the_half_open_window(con):
    chain(con, [(A, datetime(2026, 10, 30, 9, 0)), (B, datetime(2026, 11, 2, 9, 0))])   # in: the hand-off is in Nov
    chain(con, [(A, datetime(2026, 11, 22, 9, 0)), (C, datetime(2026, 11, 23, 9, 0))])  # out: at the exclusive end
    pairs = handoff_pairs(con, window_scope())
    assert pairs[["unit_a", "unit_b", "handoffs"]].values.tolist() == [[A, B, 1]]
    units = by_unit(con)
    assert units.loc[A, "dispatched_cases"] == 1        # only the 22 Nov dispatch is in the window
    assert units.loc[A, "passed_on_cases"] == 1
    # across a weekend: Fri 30 Oct 09:00 → Mon 2 Nov 09:00 = 6.5 h on Friday + 0.5 h on Monday
    assert units.loc[A, "delay_hours_median"] == pytest.approx(7.0)


def test_a_unit_outside_the_district_access_never_sees_the_other_districts_handoffs(con):
    from queries.scope import Access

    chain(con, [(A, datetime(2026, 11, 2, 9, 0)), (B, datetime(2026, 11, 2, 10, 0))], district="430903")
    scope = window_scope(access=Access.for_districts(("430902",), "资阳区"))
    assert unit_handoffs(con, scope).empty and handoff_pairs(con, scope).empty
