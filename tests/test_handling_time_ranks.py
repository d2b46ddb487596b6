"""趋势's 处置时长 by rank (queries/trends.handling_time through kpi_daily.ranked_quantiles by 'period' and 'all',
case_durations' 'handle_closed' and 'close', kpi_daily's closed counts): the very frame of handling_time.sql
(values, dtypes, order) over random windows (running, ended, ending today, before the data), every grain,
city and district grants, district filters, both measures and both together, buckets of 0, 1 and 2 timed
cases; the tables built without one case make a frame differ; which selections take the path."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from data.store import set_meta
from queries import kpi_daily, trends
from queries.scope import Access
from tests.builders import add_cases, new_db, rows_removed
from tests.test_kpi_duration_ranks import DISTRICTS, D, random_city, scope

MEASURES = (None, "handle", "close")


def build(con, **rules) -> None:
    key, _ = kpi_daily.build(con, replace(scope(), **rules), date(2026, 12, 1))
    set_meta(con, "kpi_daily_rules", key)


def from_cases(con, sc, grain, measure) -> pd.DataFrame:
    with mock.patch.object(trends, "handling_by_rank", return_value=False):
        return trends.handling_time(con, sc, grain, measure)


def assert_same_as_cases(con, sc, grain, measure) -> pd.DataFrame:
    assert trends.handling_by_rank(con, sc), sc
    want = from_cases(con, sc, grain, measure)
    pd.testing.assert_frame_equal(trends.ranked_handling_time(con, sc, grain, measure), want, check_exact=True,
                                  obj=f"{grain} {measure} {sc}")
    return want


def random_selection(rng, rules: dict):
    kind = str(rng.choice(["running", "ended", "ends_today", "before_data"]))
    now_day = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 740)))
    if kind == "before_data":
        now_day = date(2024, 12, 1) + timedelta(days=int(rng.integers(0, 25)))
    now = datetime.combine(now_day, time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
    end = {"running": now_day + timedelta(days=int(rng.integers(1, 8))), "ends_today": now_day,
           "ended": now_day - timedelta(days=int(rng.integers(1, 200))), "before_data": now_day + timedelta(days=1)}[kind]
    begin = end - timedelta(days=int(rng.choice([1, 1, 2, 3, 7, 30, 92, 365, 730])))
    grant = str(rng.choice(["city", "district", "both"]))
    access = {"city": Access.city("t"), "district": Access.for_districts(("430903",), "t"),
              "both": Access.for_districts(DISTRICTS, "t")}[grant]
    kw = dict(start_date=begin, end_date=end, now_at=now, access=access)
    if rng.random() < 0.3:
        kw["districts"] = (str(rng.choice(DISTRICTS)),)
    return replace(scope(**kw), **rules)


@pytest.fixture(scope="module")
def city():
    con = new_db()
    random_city(con, np.random.default_rng(65), cases=1200)
    yield con
    con.close()


@pytest.mark.slow
def test_identical_to_handling_time_sql_over_random_selections(city):
    rng = np.random.default_rng(11)
    for rules in ({}, {"exclude_cancelled": False}):
        build(city, **rules)
        rows, timed = set(), set()
        for _ in range(10):
            sc = random_selection(rng, rules)
            for grain in trends.GRAINS:
                want = assert_same_as_cases(city, sc, grain, str(rng.choice(["handle", "close"])))
                rows.add(len(want))
                timed |= set(want.iloc[:, 3])
            assert_same_as_cases(city, sc, str(rng.choice(list(trends.GRAINS))), None)
        assert 1 in rows and max(rows) > 20       # the total alone (no closed case), and many buckets
        assert {0, 1, 2} <= timed


def test_buckets_of_none_one_and_two_timed_cases():
    con = new_db()
    try:
        base = dict(reported_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9), dispatched_at=D(2026, 11, 2, 9),
                    handled_at=D(2026, 11, 2, 12))
        add_cases(con, [base | dict(closed_at=D(2026, 11, 3, 9), handle_work_hours=1.1, close_work_hours=3.0),
                        base | dict(closed_at=D(2026, 11, 4, 9), handle_work_hours=0.3, close_work_hours=None),
                        base | dict(closed_at=D(2026, 11, 4, 10), handle_work_hours=0.7, close_work_hours=2.5,
                                    district="430903"),
                        base | dict(closed_at=D(2026, 11, 5, 9), handle_work_hours=None, close_work_hours=None),
                        base | dict(closed_at=D(2026, 11, 12, 9), handle_work_hours=2.0, close_work_hours=2.0),
                        base | dict(closed_at=D(2026, 11, 12, 9), handle_work_hours=2.0, close_work_hours=7.0),
                        base | dict(handle_work_hours=4.0)])                           # handled, not closed
        build(con)
        for begin, end in ((3, 4), (4, 5), (3, 6), (1, 30), (20, 21)):
            for grain, measure in zip(trends.GRAINS, MEASURES):
                assert_same_as_cases(con, scope(start_date=date(2026, 11, begin), end_date=date(2026, 11, end)),
                                     grain, measure)
        days = trends.ranked_handling_time(con, scope(start_date=date(2026, 11, 1), end_date=date(2026, 11, 30)), "day",
                                    "handle")
        assert days["closed_count"].tolist() == [1, 2, 1, 2, 6]
        assert days["handle_timed_count"].tolist() == [1, 2, 0, 2, 5]
        assert days["handle_median_hours"].tolist()[:2] == [1.1, 0.5] and pd.isna(days["handle_median_hours"][2])
        none = trends.ranked_handling_time(con, scope(start_date=date(2026, 11, 20), end_date=date(2026, 11, 21)), "week",
                                    "close")
        assert none["is_total"].tolist() == [True] and none["closed_count"].tolist() == [0]
    finally:
        con.close()


def test_tables_built_without_one_case_change_a_frame(city):
    victim = city.execute("SELECT case_id FROM cases WHERE closed_at BETWEEN '2025-04-01' AND '2025-05-01' "
                          "AND handle_work_hours IS NOT NULL AND NOT is_cancelled ORDER BY case_id LIMIT 1").fetchone()[0]
    with rows_removed(city, "cases", "case_id = $id", {"id": victim}):
        build(city)
    sc = scope(start_date=date(2025, 3, 1), end_date=date(2025, 6, 1), access=Access.city("t"))
    differ = 0
    for grain in trends.GRAINS:
        for measure in ("handle", "close"):
            differ += not trends.ranked_handling_time(city, sc, grain, measure).equals(from_cases(city, sc, grain, measure))
    build(city)
    assert differ >= 3


def test_which_selections_take_the_rank_path(city):
    build(city)
    long = dict(start_date=date(2024, 12, 1), end_date=date(2026, 12, 1))
    assert trends.handling_by_rank(city, scope(**long, access=Access.city("t")))
    assert trends.handling_by_rank(city, scope(**long, access=Access.for_districts(("430903",), "t"),
                                               districts=("430903",)))
    for kw in (dict(access=Access.for_streets(("430903001",), ("430903",), "t")),
               dict(access=Access.for_units(("C001",), "t")), dict(access=Access()),
               dict(access=Access.city("t"), streets=("430903001",)), dict(access=Access.city("t"), units=("C001",)),
               dict(access=Access.city("t"), categories=("S0101",)), dict(access=Access.city("t"), sources=("grid",))):
        assert not trends.handling_by_rank(city, scope(**long, **kw)), kw
    # other KPI rules than the tables were built with
    assert not trends.handling_by_rank(city, replace(scope(**long, access=Access.city("t")), exclude_cancelled=False))
    # handling_time takes it for every window the tables answer (近30天 included); a street grant: the cases
    taken = []
    with mock.patch.object(trends, "ranked_handling_time", side_effect=lambda *a: taken.append(a[1].days)):
        for days in (1, 30, 59, 60, 730):
            trends.handling_time(city, scope(start_date=date(2025, 1, 1), end_date=date(2025, 1, 1) + timedelta(days=days),
                                             access=Access.city("t")), "week", "handle")
        trends.handling_time(city, scope(start_date=date(2025, 1, 1), end_date=date(2025, 1, 31),
                                         access=Access.for_streets(("430903001",), ("430903",), "t")), "day", "handle")
    assert taken == [1, 30, 59, 60, 730]
    empty = new_db()   # no kpi_daily built (a city below the threshold)
    try:
        assert not trends.handling_by_rank(empty, scope(**long, access=Access.city("t")))
    finally:
        empty.close()


def running_30_days(rng):
    """近30天 as 趋势 asks it: 30 days ending with today, now inside today (the window's last days not settled),
    the city, a district grant or a district filter."""
    now_day = date(2025, 2, 1) + timedelta(days=int(rng.integers(0, 680)))
    now = datetime.combine(now_day, time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
    end = now_day + timedelta(days=1)
    kw = dict(start_date=end - timedelta(days=30), end_date=end, now_at=now,
              access=Access.for_districts(("430903",), "t") if rng.random() < 0.3 else Access.city("t"))
    if rng.random() < 0.3:
        kw["districts"] = (str(rng.choice(DISTRICTS)),)
    return scope(**kw)


def test_running_30_day_windows_by_day_through_handling_time(city):
    """The routing as the page calls it (handling_time, by day, 30 running days) answers from the rank tables
    and returns handling_time.sql's frame exactly; the tables built without one closed case of such a window
    make its frames differ."""
    build(city)
    rng = np.random.default_rng(86)
    selections = [running_30_days(rng) for _ in range(12)]
    rows = []
    for i, sc in enumerate(selections):
        measure = MEASURES[i % 3]
        with mock.patch.object(trends, "ranked_handling_time", wraps=trends.ranked_handling_time) as ranked:
            got = trends.handling_time(city, sc, "day", measure)
        assert ranked.called, sc
        want = from_cases(city, sc, "day", measure)
        rows.append(len(want))
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=str(sc))
    assert sum(r > 20 for r in rows) >= 8          # days with closed cases and the total (a filter outside the grant: 1)
    first = selections[0]
    sc = scope(start_date=first.start_date, end_date=first.end_date, now_at=first.now_at, access=Access.city("t"))
    victim = city.execute("SELECT case_id FROM cases WHERE closed_at >= $s AND closed_at < $e AND NOT is_cancelled "
                          "AND dispatched_at IS NOT NULL AND handle_work_hours IS NOT NULL ORDER BY case_id LIMIT 1",
                          {"s": sc.start_date, "e": sc.end_date}).fetchone()[0]
    with rows_removed(city, "cases", "case_id = $id", {"id": victim}):
        build(city)
    try:
        differ = sum(not trends.handling_time(city, sc, "day", m).equals(from_cases(city, sc, "day", m))
                     for m in MEASURES)
    finally:
        build(city)
    assert differ == 3


def test_window_counts_from_the_periods_equal_the_window_query(city):
    """kpi_daily.window_counts (the 'all' bucket counts summed from the 'period' ones) is kpi_duration_counts.sql
    by 'all', exactly, for every grain (weeks and months cut by the window's ends included)."""
    build(city)
    rng = np.random.default_rng(87)
    for _ in range(15):
        sc = random_selection(rng, {})
        for grain in trends.GRAINS:
            for measure in trends.RANKED_HANDLING.values():
                want = kpi_daily.duration_counts(city, sc, "all", measure, grain)
                got = kpi_daily.window_counts(kpi_daily.duration_counts(city, sc, "period", measure, grain))
                pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{grain} {measure} {sc}")
