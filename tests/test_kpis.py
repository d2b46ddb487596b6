"""Every KPI formula of the registry against a few hand-made cases: exact counts, edges, configuration."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import pytest

from data.config import load_city
from queries import cases as q
from queries.kpis import (SET_LABELS, apply_rules, case_sets, definitions_frame, format_value, kpi_columns, kpi_value,
                          kpi_values, registry, shown_value)
from queries.runner import execute_text
from queries.scope import Access, Scope
from tests.builders import add_case, add_cases, new_db

CITY = load_city()
KPIS = registry(CITY)
NOW = datetime(2026, 11, 23, 10, 0)
D = datetime


def scope(**kw) -> Scope:
    base = dict(start_date=date(2026, 11, 1), end_date=date(2026, 11, 24), access=Access.demo(), now_at=NOW)
    return Scope(**(base | kw))


@pytest.fixture
def con():
    c = new_db()
    yield c
    c.close()


def row(con, **kw) -> pd.Series:
    return q.case_kpis(con, scope(**kw))


def value(con, key, **kw):
    return kpi_value(row(con, **kw), KPIS[key])


def closed(reported, deadline, closed_at, **kw) -> dict:
    """A dispatched case closed at closed_at, due at deadline."""
    return dict(reported_at=reported, accepted_at=reported, filed_at=reported, dispatched_at=reported,
                handled_at=closed_at, verified_at=closed_at, closed_at=closed_at, deadline_at=deadline,
                status="closed", dispatch_count=1) | kw


def test_every_kpi_reads_existing_columns_and_every_case_set_is_a_case_facts_flag(con):
    columns = set(q.kpi_counts(con, scope(), "all").columns)
    for k in KPIS.values():
        assert {c for c in (k.numerator, k.denominator, k.basis, k.p90) if c} <= columns, k.key
        assert k.numerator_set in SET_LABELS and (k.denominator_set is None or k.denominator_set in SET_LABELS)
    facts = execute_text(con, "SELECT * FROM case_facts LIMIT 0", scope())
    flags = {d[0] for d in facts.description}
    assert set(SET_LABELS) <= flags
    assert set(case_sets(CITY)) == set(SET_LABELS)  # every set is behind some KPI, and only those are allowed


def test_zero_denominators_show_a_dash_for_every_rate_and_duration(con):
    empty = row(con)
    for k in KPIS.values():
        if k.fmt in ("rate", "hours"):
            assert kpi_value(empty, k) is None, k.key
            assert format_value(kpi_value(empty, k), k.fmt) == "—"
        else:
            assert format_value(kpi_value(empty, k), k.fmt) == "0"
    table = definitions_frame(KPIS, empty)
    assert table.set_index("指标").loc["结案率", "当前值"] == "—"
    assert table.set_index("指标").loc["处置时长", "当前值"] == "中位 — · P90 —"


def test_closing_at_the_deadline_is_on_time_and_a_case_without_deadline_is_never_due(con):
    add_cases(con, [
        closed(D(2026, 11, 2, 9), D(2026, 11, 4, 17), D(2026, 11, 4, 17)),      # exactly at the deadline
        closed(D(2026, 11, 2, 9), D(2026, 11, 4, 17), D(2026, 11, 4, 17, 1)),   # a minute late
        closed(D(2026, 11, 2, 9), None, D(2026, 11, 4, 17)),                    # no closing deadline
    ])
    r = row(con)
    assert (r.due_count, r.due_closed_count, r.due_on_time_count, r.closed_count) == (2, 2, 1, 3)
    assert format_value(kpi_value(r, KPIS["on_time_rate"]), "rate") == "50.00%"
    assert format_value(kpi_value(r, KPIS["closing_rate"]), "rate") == "100.00%"


def test_a_case_due_later_today_is_not_due_yet(con):
    add_cases(con, [
        dict(reported_at=D(2026, 11, 23, 8), filed_at=D(2026, 11, 23, 8), deadline_at=D(2026, 11, 23, 9, 59)),
        dict(reported_at=D(2026, 11, 23, 8), filed_at=D(2026, 11, 23, 8), deadline_at=D(2026, 11, 23, 10, 0)),
        dict(reported_at=D(2026, 11, 23, 8), filed_at=D(2026, 11, 23, 8), deadline_at=D(2026, 11, 23, 15, 0)),
    ])
    r = row(con)
    assert r.due_count == 1 and r.overdue_open_count == 1


def test_deferred_cases_leave_the_denominator_only_when_configured_and_stay_counted(con):
    add_cases(con, [
        closed(D(2026, 11, 2, 9), D(2026, 11, 5, 9), D(2026, 11, 4, 9)),
        closed(D(2026, 11, 2, 9), D(2026, 11, 5, 9), D(2026, 11, 6, 9), is_deferred=True),
    ])
    default = row(con)
    assert (default.due_count, default.due_deferred_count, default.due_closed_count) == (1, 1, 1)
    kept = row(con, exclude_deferred=False)
    assert (kept.due_count, kept.due_deferred_count, kept.due_closed_count, kept.due_on_time_count) == (2, 1, 2, 1)


def test_shelved_and_cancelled_cases_follow_the_configuration(con):
    add_cases(con, [
        dict(reported_at=D(2026, 11, 2, 9), accepted_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9),
             deadline_at=D(2026, 11, 5, 9), is_shelved=True, status="shelved"),
        dict(reported_at=D(2026, 11, 2, 9), accepted_at=D(2026, 11, 2, 9), is_cancelled=True, status="cancelled"),
    ])
    default = row(con)
    assert (default.accepted_count, default.filed_count, default.due_count) == (1, 0, 0)
    assert default.overdue_open_count == 0  # neither a parked nor a cancelled case is overdue
    assert row(con, exclude_shelved=False).filed_count == 1
    assert row(con, exclude_shelved_due=False).due_count == 1
    assert row(con, exclude_cancelled=False).accepted_count == 2


def test_disposal_counts_cases_filed_in_the_period_and_dispatched_by_its_end(con):
    add_cases(con, [
        dict(reported_at=D(2026, 10, 31, 20), filed_at=D(2026, 10, 31, 21), dispatched_at=D(2026, 11, 1, 8),
             status="dispatched"),
        closed(D(2026, 10, 30, 9), D(2026, 11, 2, 9), D(2026, 10, 31, 9)),
    ])
    october = row(con, start_date=date(2026, 10, 1), end_date=date(2026, 11, 1))
    assert (october.disposal_den, october.disposal_num) == (1, 1)  # the one dispatched in November waits
    assert format_value(kpi_value(october, KPIS["disposal_rate"]), "rate") == "100.00%"


def test_on_time_disposal_judges_the_first_reply_against_the_handling_deadline(con):
    deadline = D(2026, 11, 10, 12)
    base = dict(reported_at=D(2026, 11, 9, 9), filed_at=D(2026, 11, 9, 9), dispatched_at=D(2026, 11, 9, 10),
                handle_deadline_at=deadline)
    add_cases(con, [
        base | dict(handled_at=D(2026, 11, 10, 11)),
        base | dict(handled_at=deadline),
        base | dict(handled_at=D(2026, 11, 10, 14)),
        base,                                                        # never handled: late
        base | dict(handled_at=D(2026, 11, 10, 9), is_deferred=True),  # 缓办: out by configuration
        base | dict(dispatched_at=None, handled_at=D(2026, 11, 9, 9, 30), is_self_handled=True),  # never dispatched
    ])
    r = row(con)
    assert (r.handled_on_time_count, r.handle_due_count) == (2, 4)
    assert row(con, exclude_deferred=False).handle_due_count == 5


def test_rework_extension_and_first_time_right_rates(con):
    due, done = D(2026, 11, 10, 17), D(2026, 11, 9, 9)
    add_cases(con, [
        closed(D(2026, 11, 2, 9), due, done),
        closed(D(2026, 11, 2, 9), due, done, rework_count=1),
        closed(D(2026, 11, 2, 9), due, done, dispatch_count=2),            # bounced to another unit
        closed(D(2026, 11, 2, 9), due, done, is_extended=True),
        dict(reported_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9), dispatched_at=D(2026, 11, 2, 9),
             deadline_at=due, rework_count=1, status="dispatched"),          # open, already reworked once
    ])
    assert format_value(value(con, "rework_rate"), "rate") == "40.00%"       # 2 / 5 due
    assert format_value(value(con, "extension_rate"), "rate") == "20.00%"    # 1 / 5
    assert format_value(value(con, "first_time_rate"), "rate") == "50.00%"   # 2 of the 4 closed


def test_satisfaction_counts_answered_callbacks_with_the_configured_threshold(con):
    base = closed(D(2026, 11, 2, 9), D(2026, 11, 5, 9), D(2026, 11, 3, 9))
    add_cases(con, [
        base | dict(callback_at=D(2026, 11, 4, 9), satisfaction=5),
        base | dict(callback_at=D(2026, 11, 4, 9), satisfaction=4),
        base | dict(callback_at=D(2026, 11, 4, 9), satisfaction=3),
        base | dict(callback_at=None, satisfaction=None),            # not answered
        base | dict(callback_at=D(2026, 10, 30, 9), satisfaction=1),  # answered before the window
    ])
    r = row(con)
    assert (r.satisfied_count, r.callback_count) == (2, 3)
    assert row(con, satisfied_min=5).satisfied_count == 1


def test_public_report_rate_uses_the_configured_public_sources(con):
    add_cases(con, [dict(reported_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9), source=s)
                    for s in ("hotline", "app", "grid", "video")])
    assert format_value(value(con, "public_report_rate"), "rate") == "50.00%"
    assert format_value(value(con, "public_report_rate", public_sources=("hotline",)), "rate") == "25.00%"


def test_step_measures_of_acceptance_filing_dispatch_and_verification(con):
    t = D(2026, 11, 2, 9)
    add_cases(con, [
        dict(reported_at=t, accepted_at=t, accept_deadline_at=t, filed_at=t, file_deadline_at=D(2026, 11, 2, 8),
             dispatched_at=t, dispatch_deadline_at=D(2026, 11, 2, 10), dispatch_count=1,
             verified_at=t, verify_deadline_at=D(2026, 11, 2, 8)),
        dict(reported_at=t, accepted_at=t, accept_deadline_at=D(2026, 11, 2, 8), filed_at=t,
             file_deadline_at=t, dispatched_at=t, dispatch_deadline_at=None, dispatch_count=2,
             verified_at=t, verify_deadline_at=t),
    ])
    r = row(con)
    assert (r.accepted_on_time_count, r.accepted_count) == (1, 2)
    assert (r.filed_on_time_count, r.filed_count) == (1, 2)
    assert (r.dispatched_on_time_count, r.dispatched_accurate_count, r.dispatched_count) == (1, 1, 2)
    assert (r.verified_on_time_count, r.verified_count) == (1, 2)
    for key in ("on_time_accept_rate", "on_time_filing_rate", "on_time_dispatch_rate", "dispatch_accuracy_rate",
                "on_time_verify_rate"):
        assert format_value(kpi_value(r, KPIS[key]), "rate") == "50.00%", key


def test_handling_time_is_the_median_and_p90_of_working_hours_never_the_mean(con):
    base = dict(reported_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9), dispatched_at=D(2026, 11, 2, 9),
                handled_at=D(2026, 11, 3, 9))
    add_cases(con, [base | dict(handle_work_hours=h) for h in (1.0, 2.0, 3.0, 4.0, 10.0)] + [
        base | dict(dispatched_at=None, is_self_handled=True, handle_work_hours=None),  # self-handled: no clock
        base | dict(handled_at=D(2026, 10, 20, 9), handle_work_hours=100.0),          # handled before the window
    ])
    r = row(con)
    assert r.handled_count == 5
    assert r.handle_hours_median == 3.0
    assert r.handle_hours_p90 == pytest.approx(7.6)   # 4 + 0.6 × (10 − 4), linear interpolation
    assert format_value(value(con, "handle_hours"), "hours") == "3.0 工作时"


def test_overdue_open_is_live_whatever_the_window(con):
    add_cases(con, [
        dict(reported_at=D(2026, 9, 1, 9), filed_at=D(2026, 9, 1, 9), deadline_at=D(2026, 9, 3, 9), status="filed"),
        closed(D(2026, 9, 1, 9), D(2026, 9, 3, 9), D(2026, 9, 10, 9)),
        dict(reported_at=D(2026, 9, 1, 9), deadline_at=D(2026, 9, 3, 9), status="not_filed"),
    ])
    assert row(con).overdue_open_count == 1
    assert row(con, start_date=date(2025, 1, 1), end_date=date(2025, 2, 1)).overdue_open_count == 1


def test_counts_by_unit_and_by_area_add_up_to_the_whole_and_carry_names(con):
    due, done = D(2026, 11, 10, 17), D(2026, 11, 9, 9)
    add_cases(con, [closed(D(2026, 11, 2, 9), due, done),
                    closed(D(2026, 11, 2, 9), due, done, district="430903"),
                    closed(D(2026, 11, 2, 9), due, done, district="430903", unit_code="C001")])
    units = q.unit_kpis(con, scope()).set_index("group_code")
    assert units.due_count.to_dict() == {"C001": 1, "D43090201": 1, "D43090301": 1}
    assert units.loc["C001", ["name", "peer_group"]].tolist() == ["市城管局", "市直部门"]
    districts = q.area_kpis(con, scope(), 1).set_index("group_code")
    assert districts.due_count.to_dict() == {"430902": 1, "430903": 2}
    assert districts.loc["430903", "name"] == "赫山区"
    grids = q.area_kpis(con, scope(), 4)
    assert grids.due_count.sum() == row(con).due_count == 3
    with pytest.raises(ValueError):
        q.kpi_counts(con, scope(), "unit_code; DROP TABLE cases")


def test_a_few_kpis_fetched_alone_equal_the_same_kpis_of_the_whole_row(con):
    due, done = D(2026, 11, 10, 17), D(2026, 11, 12, 9)
    add_cases(con, [closed(D(2026, 11, 2, 9), due, done), closed(D(2026, 11, 3, 9), due, D(2026, 11, 4, 9)),
                    closed(D(2026, 11, 2, 9), due, done, district="430903", unit_code="C001"),
                    dict(reported_at=D(2026, 11, 1, 9), accepted_at=D(2026, 11, 1, 9), filed_at=D(2026, 11, 1, 10),
                         deadline_at=D(2026, 11, 3, 9), status="filed")])
    for keys in (["accepted"], ["on_time_rate", "overdue_open"], ["handle_hours", "satisfaction_rate"], list(KPIS)):
        columns = kpi_columns(KPIS[k] for k in keys)
        for by in ("all", "unit", "district"):
            narrow, whole = q.kpi_counts(con, scope(), by, columns), q.kpi_counts(con, scope(), by)
            assert list(narrow.columns) == list(q.GROUP_COLUMNS) + [c for c in columns if c not in q.GROUP_COLUMNS]
            pd.testing.assert_frame_equal(narrow, whole[narrow.columns])
    assert kpi_columns([KPIS["on_time_rate"], KPIS["closing_rate"]]) == ("due_on_time_count", "due_count",
                                                                          "due_closed_count")
    assert q.case_kpis(con, scope(), ("overdue_open_count",)).overdue_open_count == 1
    with pytest.raises(ValueError):
        q.kpi_counts(con, scope(), "all", ('accepted_count" FROM cases; --',))


def test_the_vectorised_values_equal_the_row_values():
    frame = pd.DataFrame({"due_closed_count": [911, 0, 3], "due_count": [972, 0, 4]})
    got = kpi_values(frame, KPIS["closing_rate"]).tolist()
    assert got[0] == 911 / 972 and got[1] != got[1] and got[2] == 0.75
    assert [kpi_value(r, KPIS["closing_rate"]) for _, r in frame.iterrows()] == [911 / 972, None, 0.75]


def test_the_city_rules_go_into_the_scope_and_change_the_exclusion_texts():
    city = replace(CITY, exclude_deferred_from_due=False, satisfied_min_score=5, public_sources=("hotline",))
    s = apply_rules(scope(), city)
    assert (s.exclude_deferred, s.satisfied_min, s.public_sources) == (False, 5, ("hotline",))
    assert "含缓办案件" in registry(city)["closing_rate"].exclusions
    assert "扣除缓办案件" in KPIS["closing_rate"].exclusions
    assert "不低于 5 分" in registry(city)["satisfaction_rate"].exclusions


def test_data_years_span_timestamps_and_deadlines(con):
    assert q.data_years(con, scope()) == ()
    add_case(con, reported_at=D(2025, 12, 30, 9), deadline_at=D(2027, 1, 4, 9))
    assert q.data_years(con, scope()) == (2025, 2026, 2027)


def test_hour_figures_keep_a_tenth_below_a_thousand_hours_and_whole_hours_above():
    assert format_value(999.94, "clock_hours") == "999.9 小时"
    assert format_value(10_010.5, "clock_hours") == "10,010 小时"      # banker's rounding of .5, as Python formats
    assert format_value(10_010.6, "clock_hours") == "10,011 小时"
    assert format_value(1_234.56, "hours") == "1,235 工作时"
    assert format_value(12.34, "hours") == "12.3 工作时"
    # league tables rank on the figure as shown
    assert shown_value(10_010.6, "clock_hours") == 10_011
    assert shown_value(12.34, "hours") == 12.3
