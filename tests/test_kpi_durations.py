"""kpi_durations.sql: median and P90 of handling hours (in_handled) and closing hours (in_closed) per
group, the values kpi_counts.sql gives, without its counts (the pre-aggregated path of
queries/kpi_daily.py reads durations from here). A few cases with known hours and exact results, then
random windows, groupings, filters and KPI rules on a small city compared with kpi_counts.sql, value
for value (same doubles, same NULLs, same groups)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from data.config import load_city
from queries import kpi_daily
from queries.kpis import apply_rules
from queries.runner import fetch
from tests.builders import add_cases, new_db, window_scope

D = datetime


@pytest.fixture()
def con():
    c = new_db()
    yield c
    c.close()


def scope(**kw):
    return apply_rules(window_scope(**kw), load_city())


def durations(con, by="all", **kw) -> pd.DataFrame:
    return kpi_daily.duration_quantiles(con, scope(**kw), by, kpi_daily.DURATION_COLUMNS)


def from_kpi_counts(con, by="all", **kw) -> pd.DataFrame:
    frame = fetch(con, "kpi_counts", scope(**kw), columns=("group_code",) + kpi_daily.DURATION_COLUMNS, by=by)
    return frame.dropna(how="all", subset=list(kpi_daily.DURATION_COLUMNS)).reset_index(drop=True)


def _known_cases(con) -> None:
    handled = dict(reported_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9), dispatched_at=D(2026, 11, 2, 9),
                   handled_at=D(2026, 11, 3, 9))
    add_cases(con, [handled | dict(handle_work_hours=h) for h in (1.0, 2.0, 3.0, 4.0, 10.0)] + [
        handled | dict(dispatched_at=None, is_self_handled=True, handle_work_hours=2.5),   # not dispatched: no clock
        handled | dict(handled_at=D(2026, 10, 20, 9), handle_work_hours=100.0),           # handled before the window
        handled | dict(handle_work_hours=None),                                            # duration unknown
        handled | dict(is_cancelled=True, handle_work_hours=50.0),                         # cancelled (city excludes)
        handled | dict(district="430903", handle_work_hours=6.5),
    ])
    closed = dict(reported_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9), closed_at=D(2026, 11, 5, 9))
    add_cases(con, [closed | dict(close_work_hours=h) for h in (8.0, 16.0)] + [
        closed | dict(close_work_hours=None),                                               # closed, not timed
        closed | dict(closed_at=D(2026, 11, 23, 9), close_work_hours=1.0),                  # closed after the window
        closed | dict(district="430903", close_work_hours=5.0),
    ])


def test_median_and_p90_of_the_timed_cases_in_the_window_exactly(con):
    _known_cases(con)
    got = durations(con)
    assert got.to_dict("records") == [{
        "group_code": "all",
        "handle_hours_median": 3.5,                          # 1 2 3 4 6.5 10: (3 + 4) / 2
        "handle_hours_p90": 6.5 + (4.5 - 4.0) * (10.0 - 6.5),   # rank 4.5 of 0..5, linear
        "close_hours_median": 8.0,                           # 5 8 16
        "close_hours_p90": 8.0 + (1.8 - 1.0) * (16.0 - 8.0),    # rank 1.8 of 0..2
    }]
    pd.testing.assert_frame_equal(got, from_kpi_counts(con), check_dtype=False)


def test_per_group_a_group_without_timed_cases_has_no_row_and_rules_apply(con):
    _known_cases(con)
    by_district = durations(con, "district").set_index("group_code")
    assert by_district.loc["430903"].tolist() == [6.5, 6.5, 5.0, 5.0]
    assert by_district.loc["430902", "handle_hours_median"] == 3.0      # 1 2 3 4 10
    # Cancelled cases counted when the rules say so: 50 h joins the handled set.
    with_cancelled = kpi_daily.duration_quantiles(con, replace(scope(), exclude_cancelled=False), "all",
                                                  ("handle_hours_median",))
    assert with_cancelled.to_dict("records") == [{"group_code": "all", "handle_hours_median": 4.0}]
    # Only the columns asked for; none timed in the window: no row.
    assert list(kpi_daily.duration_quantiles(con, scope(), "all", ("close_hours_p90",)).columns) == [
        "group_code", "close_hours_p90"]
    empty = kpi_daily.duration_quantiles(con, scope(start_date=date(2025, 1, 1), end_date=date(2025, 2, 1)), "all",
                                         kpi_daily.DURATION_COLUMNS)
    assert empty.empty


@pytest.mark.slow
def test_identical_to_kpi_counts_over_random_windows_groupings_filters_and_rules(con):
    rng = np.random.default_rng(13)
    start = D(2026, 1, 1, 8)
    rows = []
    for _ in range(600):
        reported = start + timedelta(minutes=int(rng.integers(0, 330 * 24 * 60)))
        dispatched = reported + timedelta(hours=float(rng.uniform(0, 30)))
        handled = dispatched + timedelta(hours=float(rng.uniform(0, 200)))
        closed = handled + timedelta(hours=float(rng.uniform(0, 100)))
        rows.append(dict(
            reported_at=reported, filed_at=reported, district=str(rng.choice(["430902", "430903"])),
            dispatched_at=dispatched if rng.random() < 0.9 else None,
            handled_at=handled if rng.random() < 0.85 else None, closed_at=closed if rng.random() < 0.8 else None,
            # repeated values (as working hours rounded to 0.001 repeat) and unknown ones
            handle_work_hours=None if rng.random() < 0.05 else float(rng.choice([1.5, 2.25, 8.0, round(rng.uniform(0, 90), 3)])),
            close_work_hours=None if rng.random() < 0.05 else round(float(rng.uniform(0, 300)), 3),
            is_cancelled=bool(rng.random() < 0.05), unit_code=str(rng.choice(["C001", "D43090201", "D43090301"]))))
    add_cases(con, rows)
    compared = 0
    for _ in range(60):
        end = date(2026, 1, 1) + timedelta(days=int(rng.integers(1, 360)))
        begin = end - timedelta(days=int(rng.choice([1, 7, 30, 92, 365])))
        now = datetime.combine(end - timedelta(days=int(rng.integers(-5, 20))), datetime.min.time()) + timedelta(hours=15)
        by = str(rng.choice(["all", "unit", "district", "street", "community", "grid"]))
        kw = dict(start_date=begin, end_date=end, now_at=now)
        if rng.random() < 0.3:
            kw["districts"] = ("430903",)
        if rng.random() < 0.3:
            kw["exclude_cancelled"] = False
        base = scope(**{k: v for k, v in kw.items() if k != "exclude_cancelled"})
        sc = replace(base, exclude_cancelled=kw.get("exclude_cancelled", base.exclude_cancelled))
        got = kpi_daily.duration_quantiles(con, sc, by, kpi_daily.DURATION_COLUMNS)
        want = fetch(con, "kpi_counts", sc, columns=("group_code",) + kpi_daily.DURATION_COLUMNS, by=by)
        want = want.dropna(how="all", subset=list(kpi_daily.DURATION_COLUMNS)).reset_index(drop=True)
        pd.testing.assert_frame_equal(got.sort_values("group_code", ignore_index=True), want, check_dtype=False,
                                      check_exact=True)
        compared += len(want)
    assert compared > 100
