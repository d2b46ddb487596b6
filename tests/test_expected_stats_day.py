"""预计办结's figures built at publish (expected_stats_day, data.store.refresh_expected_stats_day) are the
query's (expected_stats.sql) exactly: the same frame, doubles and dtypes, for the whole city and every
district, for random publish days and windows on random cases; the comparison catches one closure dropped
and a table built for another day; the page path reads the table only for the publish day, the window and
the office hours it was built with and for a city or one-district grant without filters, else the query."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

import data.signals_config
from data.store import refresh_expected_stats_day
from queries import expected
from queries.runner import fetch
from queries.scope import Access, Scope
from queries.worktime_sql import office_params
from tests.builders import fetched_names
from tests.test_expected_work_minutes import city  # noqa: F401 - the module's random city (fixture)

pytestmark = pytest.mark.slow    # ~20 s: a few hundred queries

DISTRICTS = ("430902", "430903")
GRANTS = [("*", Access.city("全市")), ("*", Access.demo())] + \
         [(d, Access.for_districts((d,), d)) for d in DISTRICTS]


def build(con, monkeypatch, day: date, window_days: int) -> None:
    signals = data.signals_config.SignalsConfig(expected_window_days=window_days)
    monkeypatch.setattr(data.signals_config, "load_signals", lambda *a: signals)
    refresh_expected_stats_day(con, force=True, now_at=datetime.combine(day, datetime.min.time()) + timedelta(hours=9))


def unfiltered(access: Access, day: date) -> Scope:
    return Scope(day - timedelta(days=30), day, access=access, now_at=datetime.combine(day, datetime.min.time()))


def table_and_query(con, access: Access, day: date, window_days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    scope = unfiltered(access, day)
    as_of = datetime.combine(day, datetime.min.time())
    return (fetch(con, "expected_stats_day", scope),
            fetch(con, "expected_stats", scope, as_of=as_of, window_days=window_days))


def same(got: pd.DataFrame, want: pd.DataFrame) -> bool:
    return got.equals(want) and list(got.columns) == list(want.columns) and (got.dtypes == want.dtypes).all()


def builds(seed: int, n: int) -> list[tuple[date, int]]:
    rng = random.Random(seed)
    return [(date(2025, 8, 1) + timedelta(days=rng.randrange(520)), rng.choice([30, 90, 180, 365])) for _ in range(n)]


def test_the_table_holds_the_query_frames_for_the_city_and_every_district(city, monkeypatch):  # noqa: F811
    rows = 0
    for day, window_days in builds(7, 12):
        build(city, monkeypatch, day, window_days)
        for _key, access in GRANTS:
            got, want = table_and_query(city, access, day, window_days)
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            assert same(got, want)
            rows += len(got)
        # A district's rows are its own: not the city's, not the other district's.
        city_rows, _ = table_and_query(city, Access.city("全市"), day, window_days)
        one, _ = table_and_query(city, Access.for_districts((DISTRICTS[0],), "资阳区"), day, window_days)
        assert len(city_rows) == 0 or not same(one, city_rows)
    assert rows > 300        # not vacuous


def test_one_closure_dropped_or_a_build_for_another_day_is_caught(city, monkeypatch):  # noqa: F811
    day, window_days = date(2026, 6, 15), 90
    build(city, monkeypatch, day, window_days)
    assert all(same(*table_and_query(city, access, day, window_days)) for _k, access in GRANTS)
    victim, district = city.execute(
        "SELECT case_id, district_code FROM cases WHERE closed_at >= dispatched_at AND closed_at < $day "
        "AND closed_at >= $day - INTERVAL 90 DAY AND close_work_minutes IS NOT NULL "
        "AND dispatch_work_minutes IS NOT NULL AND NOT is_cancelled AND NOT is_shelved AND NOT is_self_handled "
        "ORDER BY case_id LIMIT 1", {"day": datetime.combine(day, datetime.min.time())}).fetchone()
    before = city.execute("SELECT close_work_minutes FROM cases WHERE case_id = $c", {"c": victim}).fetchone()[0]
    city.execute("UPDATE cases SET close_work_minutes = NULL WHERE case_id = $c", {"c": victim})
    try:
        for access in (Access.city("全市"), Access.for_districts((district,), district)):
            assert not same(*table_and_query(city, access, day, window_days))
    finally:
        city.execute("UPDATE cases SET close_work_minutes = $v WHERE case_id = $c", {"v": before, "c": victim})
    assert all(same(*table_and_query(city, access, day, window_days)) for _k, access in GRANTS)
    # The table of this day against the query of the next: a day's closures move the figures.
    later = day + timedelta(days=1)
    got = fetch(city, "expected_stats_day", unfiltered(Access.city("全市"), later))
    want = fetch(city, "expected_stats", unfiltered(Access.city("全市"), later),
                 as_of=datetime.combine(later, datetime.min.time()), window_days=window_days)
    assert not same(got, want)


def test_the_page_path_reads_the_table_only_for_what_it_was_built_with(city, monkeypatch):  # noqa: F811
    day, window_days = date(2026, 3, 10), 180
    build(city, monkeypatch, day, window_days)
    names = fetched_names(monkeypatch, expected)
    as_of = datetime.combine(day, datetime.min.time())
    for _key, access in GRANTS:
        scope = unfiltered(access, day)
        names.clear()
        got = expected.expected_stats(city, scope, as_of, window_days)
        assert names == ["expected_stats_day_build", "expected_stats_day"]
        pd.testing.assert_frame_equal(
            got, fetch(city, "expected_stats", scope, as_of=as_of, window_days=window_days), check_exact=True)
    city_scope = unfiltered(Access.city("全市"), day)
    fallbacks = [
        (city_scope, as_of + timedelta(days=1), window_days),                  # the day after the publish day
        (city_scope, as_of - timedelta(days=1), window_days),
        (city_scope, as_of + timedelta(hours=9), window_days),                 # not the start of a day
        (city_scope, as_of, 90),                                              # another window
        (replace(city_scope, districts=("430903",)), as_of, window_days),    # a filter
        (replace(city_scope, sources=("hotline",)), as_of, window_days),
        (unfiltered(Access.for_districts(DISTRICTS, "两区"), day), as_of, window_days),
        (unfiltered(Access.for_streets(("430903001",), ("430903",), "街道"), day), as_of, window_days),
        (unfiltered(Access.for_units(("D43090201",), "单位"), day), as_of, window_days),
    ]
    for scope, at, days in fallbacks:
        names.clear()
        got = expected.expected_stats(city, scope, at, days)
        assert "expected_stats_day" not in names and names[-1] == "expected_stats", (scope, at, days, names)
        pd.testing.assert_frame_equal(got, fetch(city, "expected_stats", scope, as_of=at, window_days=days),
                                      check_exact=True)
        # Nor does the relation give those grants or filters any rows (the SQL enforces the same rule).
        if at == as_of and days == window_days:
            assert fetch(city, "expected_stats_day", scope).empty
    # Other office hours than the build's (city.toml changed after the publish): the clocked query.
    other = office_params((("09:00", "12:00"), ("13:30", "18:00")))
    monkeypatch.setattr(expected, "office_params", lambda: other)
    names.clear()
    expected.expected_stats(city, city_scope, as_of, window_days)
    assert names == ["expected_stats_day_build", "work_minutes_office", "expected_stats_clocked"]


def test_a_small_city_builds_nothing_and_every_view_runs_the_query(city, monkeypatch):  # noqa: F811
    build(city, monkeypatch, date(2026, 3, 10), 180)
    assert city.execute("SELECT count(*) FROM expected_stats_day").fetchone()[0] > 0
    refresh_expected_stats_day(city, now_at=datetime(2026, 3, 10, 9))     # 900 cases: under the threshold
    assert city.execute("SELECT count(*) FROM expected_stats_day").fetchone()[0] == 0
    assert city.execute("SELECT count(*) FROM meta WHERE key LIKE 'expected_stats_day%'").fetchone()[0] == 0
    names = fetched_names(monkeypatch, expected)
    expected.expected_stats(city, unfiltered(Access.city("全市"), date(2026, 3, 10)), datetime(2026, 3, 10), 180)
    assert names == ["expected_stats_day_build", "work_minutes_office", "expected_stats"]
