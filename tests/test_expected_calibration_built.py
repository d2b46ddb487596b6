"""预计办结's calibration built at publish (expected_calibration_closed / _open, data.store.
refresh_expected_calibration) gives expected_calibration.sql's frame exactly: the built path ($built true:
closed counts per level from the table, open cases judged against now) against the model computed in the
query ($built false) and the clock-per-case oracle (expected_calibration_clocked.sql) — values, dtypes,
order — over random publish days (so quarters), windows, minimum closures, grants and view instants on
the random city of test_expected_work_minutes; one closed or one open case dropped from the tables is
caught; the page path reads the tables only for the quarter, window, minimum and office hours they were
built with and for a city or one-district grant without filters, else the query."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

import data.signals_config
from data.store import refresh_expected_calibration
from queries import expected
from queries.runner import fetch
from queries.scope import Access, Scope
from queries.worktime_sql import office_params
from tests.builders import fetched_names
from tests.test_expected_work_minutes import city  # noqa: F401 - the module's random city (fixture)

pytestmark = pytest.mark.slow    # ~15 s: a few hundred queries

DISTRICTS = ("430902", "430903")
GRANTS = [Access.city("全市"), Access.demo()] + [Access.for_districts((d,), d) for d in DISTRICTS]


def build(con, monkeypatch, day: date, window_days: int, min_cases: int) -> tuple[date, date]:
    signals = data.signals_config.SignalsConfig(expected_window_days=window_days, expected_min_cases=min_cases)
    monkeypatch.setattr(data.signals_config, "load_signals", lambda *a: signals)
    publish_at = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    refresh_expected_calibration(con, force=True, now_at=publish_at)
    return expected.last_closed_quarter(day)


def view(access: Access, now: datetime) -> Scope:
    return Scope(now.date() - timedelta(days=30), now.date(), access=access, now_at=now)


def frames(con, scope: Scope, quarter, window_days: int, min_cases: int) -> list[pd.DataFrame]:
    """The built path, the model in the query, the clocked oracle."""
    params = expected._quarter_params(quarter, window_days, min_cases) | office_params()
    return [fetch(con, "expected_calibration", scope, built=True, **params),
            fetch(con, "expected_calibration", scope, built=False, **params),
            fetch(con, "expected_calibration_clocked", scope, **params)]


def same(got: pd.DataFrame, want: pd.DataFrame) -> bool:
    return got.equals(want) and list(got.columns) == list(want.columns) and (got.dtypes == want.dtypes).all()


def instants(rng: random.Random, quarter, n: int) -> list[datetime]:
    """View times from the quarter's start to past the calendar's end (2026-12-31), to the minute."""
    start = datetime.combine(quarter[0], datetime.min.time())
    return [start + timedelta(minutes=rng.randrange(int((datetime(2027, 1, 10) - start).total_seconds() // 60)))
            for _ in range(n)]


def test_the_built_path_gives_the_query_frame_exactly(city, monkeypatch):  # noqa: F811
    rng = random.Random(1562)
    compared = judged_open = 0
    for _ in range(10):
        day = date(2025, 8, 1) + timedelta(days=rng.randrange(520))
        window_days, min_cases = rng.choice([30, 90, 180]), rng.randint(1, 6)
        quarter = build(city, monkeypatch, day, window_days, min_cases)
        for access in GRANTS:
            for now in instants(rng, quarter, 4):
                got, model, oracle = frames(city, view(access, now), quarter, window_days, min_cases)
                pd.testing.assert_frame_equal(got, model, check_exact=True)
                assert same(got, model) and same(got, oracle), (day, window_days, min_cases, access, now)
                compared += 1
                judged_open += int(got.undecided.iloc[0]) > 0
    assert compared == 160 and judged_open > 5             # open cases are judged, not only closed ones
    open_rows = city.execute("SELECT count(*) FROM expected_calibration_open").fetchone()[0]
    assert open_rows > 0


def drop_one(con, table: str) -> None:
    """One case fewer in `table` for the city's rows: an open case's row deleted, or a closed count cut by one."""
    if table == "expected_calibration_open":
        con.execute("DELETE FROM expected_calibration_open WHERE rowid = (SELECT min(rowid) FROM "
                    "expected_calibration_open WHERE grant_key = '*')")
    else:
        con.execute("UPDATE expected_calibration_closed SET cases = cases - 1 WHERE rowid = (SELECT min(rowid) FROM "
                    "expected_calibration_closed WHERE grant_key = '*')")


@pytest.mark.parametrize("table", ["expected_calibration_closed", "expected_calibration_open"])
def test_one_closed_or_open_case_dropped_from_the_tables_is_caught(city, monkeypatch, table):  # noqa: F811
    day, window_days, min_cases = date(2026, 5, 20), 90, 3      # quarter 2026-01-01 .. 2026-04-01
    quarter = build(city, monkeypatch, day, window_days, min_cases)
    now = datetime(2026, 4, 2, 10, 30)          # a workday: every open case of the quarter is judged
    scope = view(Access.city("全市"), now)
    got, model, _ = frames(city, scope, quarter, window_days, min_cases)
    assert same(got, model) and int(got.cases.iloc[0]) > 0 and int(got.undecided.iloc[0]) > 0
    drop_one(city, table)
    got, model, _ = frames(city, scope, quarter, window_days, min_cases)
    assert not same(got, model)
    # A district's rows are untouched.
    district = view(Access.for_districts((DISTRICTS[0],), "资阳区"), now)
    assert same(*frames(city, district, quarter, window_days, min_cases)[:2])


def test_the_page_path_reads_the_tables_only_for_what_they_were_built_with(city, monkeypatch):  # noqa: F811
    day, window_days, min_cases = date(2026, 8, 10), 180, 4        # quarter 2026-04-01 .. 2026-07-01
    quarter = build(city, monkeypatch, day, window_days, min_cases)
    names = fetched_names(monkeypatch, expected)
    now = datetime(2026, 8, 12, 15, 7)
    for access in GRANTS:
        scope = view(access, now)
        names.clear()
        got = expected.calibration(city, scope, quarter, window_days, min_cases)
        assert names == ["expected_calibration_build", "expected_calibration"]
        want = frames(city, scope, quarter, window_days, min_cases)[2]
        want["rate"] = want["within_p90"] / want["cases"].where(want["cases"] > 0)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    city_scope = view(Access.city("全市"), now)
    other_quarter = (date(2026, 7, 1), date(2026, 10, 1))
    fallbacks = [
        (city_scope, other_quarter, window_days, min_cases),                       # another quarter
        (city_scope, quarter, 90, min_cases),                                      # another window
        (city_scope, quarter, window_days, min_cases + 1),                         # another minimum
        (replace(city_scope, districts=("430903",)), quarter, window_days, min_cases),   # a filter
        (replace(city_scope, sources=("hotline",)), quarter, window_days, min_cases),
        (view(Access.for_districts(DISTRICTS, "两区"), now), quarter, window_days, min_cases),
        (view(Access.for_streets(("430903001",), ("430903",), "街道"), now), quarter, window_days, min_cases),
        (view(Access.for_units(("D43090201",), "单位"), now), quarter, window_days, min_cases),
    ]
    for scope, q, days, least in fallbacks:
        names.clear()
        got = expected.calibration(city, scope, q, days, least)
        assert names[-1] == "expected_calibration" and names[-2] == "work_minutes_office", (scope, q, days, least)
        want = fetch(city, "expected_calibration_clocked", scope,
                     **expected._quarter_params(q, days, least), **office_params())
        assert same(got.drop(columns="rate"), want)
        # Nor do the tables give those grants or filters any rows (the SQL enforces the same rule).
        if q == quarter and days == window_days and least == min_cases:
            built = fetch(city, "expected_calibration", scope, built=True,
                          **expected._quarter_params(q, days, least), **office_params())
            assert built.level.tolist() == ["all"] and int(built[["cases", "undecided"]].sum().sum()) == 0
    # Other office hours than the build's (city.toml changed after the publish): the clocked query.
    other = office_params((("09:00", "12:00"), ("13:30", "18:00")))
    monkeypatch.setattr(expected, "office_params", lambda: other)
    names.clear()
    expected.calibration(city, city_scope, quarter, window_days, min_cases)
    assert names == ["expected_calibration_build", "work_minutes_office", "expected_calibration_clocked"]


def test_a_small_city_builds_nothing_and_every_view_runs_the_query(city, monkeypatch):  # noqa: F811
    build(city, monkeypatch, date(2026, 3, 10), 180, 3)
    assert city.execute("SELECT count(*) FROM expected_calibration_closed").fetchone()[0] > 0
    refresh_expected_calibration(city, now_at=datetime(2026, 3, 10, 9))     # 900 cases: under the threshold
    assert city.execute("SELECT count(*) FROM expected_calibration_closed").fetchone()[0] == 0
    assert city.execute("SELECT count(*) FROM expected_calibration_open").fetchone()[0] == 0
    assert city.execute("SELECT count(*) FROM meta WHERE key LIKE 'expected_calibration%'").fetchone()[0] == 0
    names = fetched_names(monkeypatch, expected)
    expected.calibration(city, view(Access.city("全市"), datetime(2026, 3, 10, 9)),
                         (date(2025, 10, 1), date(2026, 1, 1)), 180, 3)
    assert names == ["expected_calibration_build", "work_minutes_office", "expected_calibration"]
