"""Median and P90 of working hours by rank (queries/kpi_daily.ranked_quantiles, tables case_durations and
case_duration_days built with kpi_daily): the very doubles of kpi_durations.sql over random windows
(running and ended, 1 day to two years), groupings, grants and district filters, with repeated and
missing hours, even and odd counts and groups of 0, 1 and 2 timed cases; the interpolation against
DuckDB's quantile_cont on random lists; a case left out of the table makes a result differ; which
selections the rank path answers."""
from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from data.config import load_city
from queries import kpi_daily
from queries.kpis import apply_rules
from queries.runner import compose, fetch, parameters
from queries.scope import Access
from tests.builders import add_cases, new_db, window_scope

D = datetime
DISTRICTS = ("430902", "430903")


def scope(**kw):
    return apply_rules(window_scope(**kw), load_city())


def build(con, **rules) -> None:
    kpi_daily.build(con, replace(scope(), **rules), date(2026, 12, 1))


def ranked(con, sc, by) -> pd.DataFrame:
    return kpi_daily.duration_quantiles(con, sc, by, kpi_daily.DURATION_COLUMNS, ranked=True)


def from_cases(con, sc, by) -> pd.DataFrame:
    return kpi_daily.duration_quantiles(con, sc, by, kpi_daily.DURATION_COLUMNS, ranked=False)


def random_city(con, rng, cases: int = 1500) -> None:
    start = D(2025, 1, 1, 8)
    rows = []
    for _ in range(cases):
        reported = start + timedelta(minutes=int(rng.integers(0, 700 * 24 * 60)))
        dispatched = reported + timedelta(hours=float(rng.uniform(0, 30)))
        handled = dispatched + timedelta(hours=float(rng.uniform(0, 200)))
        closed = handled + timedelta(hours=float(rng.uniform(0, 100)))
        rows.append(dict(
            reported_at=reported, filed_at=reported, district=str(rng.choice(DISTRICTS)),
            dispatched_at=dispatched if rng.random() < 0.9 else None,
            handled_at=handled if rng.random() < 0.85 else None, closed_at=closed if rng.random() < 0.8 else None,
            # many repeats (hours rounded to a few values) and unknown hours
            handle_work_hours=None if rng.random() < 0.05 else float(rng.choice([1.5, 2.25, 8.0, 8.0, round(rng.uniform(0, 90), 3)])),
            close_work_hours=None if rng.random() < 0.05 else float(rng.choice([24.0, round(rng.uniform(0, 300), 3)])),
            is_cancelled=bool(rng.random() < 0.05), unit_code=str(rng.choice(["C001", "D43090201", "D43090301"]))))
    add_cases(con, rows)


def random_selection(rng) -> tuple:
    end = date(2025, 1, 1) + timedelta(days=int(rng.integers(1, 720)))
    begin = end - timedelta(days=int(rng.choice([1, 1, 3, 7, 30, 92, 365, 730])))
    # running (now inside the window) or ended (now days after it)
    now = datetime.combine(end - timedelta(days=int(rng.integers(-30, 2))), datetime.min.time()) + timedelta(hours=15)
    grant = rng.choice(["city", "district", "both"])
    access = {"city": Access.city("t"), "district": Access.for_districts(("430903",), "t"),
              "both": Access.for_districts(DISTRICTS, "t")}[str(grant)]
    kw = dict(start_date=begin, end_date=end, now_at=now, access=access)
    if rng.random() < 0.3:
        kw["districts"] = (str(rng.choice(DISTRICTS)),)
    return scope(**kw), str(rng.choice(["all", "district"]))


@pytest.fixture(scope="module")
def city():
    con = new_db()
    random_city(con, np.random.default_rng(64))
    yield con
    con.close()


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.sort_values("group_code", ignore_index=True),
                                  want.sort_values("group_code", ignore_index=True), check_exact=True)


@pytest.mark.slow
def test_identical_to_kpi_durations_over_random_selections(city):
    rng = np.random.default_rng(7)
    for rules in ({}, {"exclude_cancelled": False}):
        build(city, **rules)
        sizes = set()
        for _ in range(40):
            sc, by = random_selection(rng)
            sc = replace(sc, **rules)
            assert kpi_daily.ranks_apply(sc, by)
            want = from_cases(city, sc, by)
            assert_same(ranked(city, sc, by), want)
            sizes.add(len(want))
        assert 0 in sizes and max(sizes) >= 1


def test_groups_of_one_and_two_cases_even_and_odd_counts_and_none():
    con = new_db()
    try:
        handled = dict(reported_at=D(2026, 11, 2, 9), filed_at=D(2026, 11, 2, 9), dispatched_at=D(2026, 11, 2, 9))
        add_cases(con, [handled | dict(handled_at=D(2026, 11, 3, 9), handle_work_hours=1.1),        # day 3: one case
                        handled | dict(handled_at=D(2026, 11, 4, 9), handle_work_hours=0.3),        # day 4: two
                        handled | dict(handled_at=D(2026, 11, 4, 10), handle_work_hours=0.7, district="430903"),
                        handled | dict(handled_at=D(2026, 11, 5, 9), handle_work_hours=2.0),
                        handled | dict(handled_at=D(2026, 11, 5, 9), handle_work_hours=2.0),        # repeated
                        handled | dict(handled_at=D(2026, 11, 5, 9), handle_work_hours=None),
                        handled | dict(closed_at=D(2026, 11, 6, 9), close_work_hours=5.0)])
        build(con)
        for begin, end in ((3, 4), (4, 5), (3, 5), (3, 6), (4, 6), (3, 7), (6, 7), (8, 9)):
            for by in ("all", "district"):
                sc = scope(start_date=date(2026, 11, begin), end_date=date(2026, 11, end))
                assert_same(ranked(con, sc, by), from_cases(con, sc, by))
        one = ranked(con, scope(start_date=date(2026, 11, 3), end_date=date(2026, 11, 4)), "all")
        assert one[["handle_hours_median", "handle_hours_p90"]].values.tolist() == [[1.1, 1.1]]
        assert ranked(con, scope(start_date=date(2026, 11, 8), end_date=date(2026, 11, 9)), "all").empty
    finally:
        con.close()


def test_interpolation_is_duckdbs_on_random_lists():
    con = duckdb.connect()
    rnd = random.Random(17)
    for _ in range(1500):
        n = rnd.choice([1, 2, 3, rnd.randint(1, 50), rnd.randint(1, 3000)])
        values = [round(rnd.uniform(0, 300), rnd.choice([0, 1, 3, 12])) * rnd.choice([1.0, 1 / 3]) for _ in range(n)]
        want = con.execute("SELECT quantile_cont(v, [0.5, 0.9]) FROM (SELECT unnest($v::DOUBLE[]) AS v)",
                           {"v": values}).fetchone()[0]
        s = sorted(values)
        for q, w in zip(kpi_daily.QUANTILES, want):
            rn = (n - 1) * q
            assert kpi_daily._interpolate(s[math.floor(rn)], s[math.ceil(rn)], rn) == w
    con.close()


def test_a_case_left_out_of_the_table_changes_a_result(city):
    build(city)
    con = city
    con.execute("DELETE FROM case_durations WHERE rowid = (SELECT min(rowid) FROM case_durations "
                "WHERE measure = 'handle' AND day BETWEEN '2025-03-01' AND '2025-06-01')")
    per_day = compose("kpi_duration_days_build").rstrip().removesuffix(";")
    con.execute("DELETE FROM case_duration_days")
    params = scope(access=Access.city("t")).params()
    con.execute("INSERT INTO case_duration_days BY NAME " + per_day,
                {k: v for k, v in params.items() if k in parameters(per_day)})
    differ = 0
    for days in (30, 60, 92, 200):
        for by in ("all", "district"):
            sc = scope(start_date=date(2025, 3, 1), end_date=date(2025, 3, 1) + timedelta(days=days), access=Access.city("t"))
            got, want = ranked(con, sc, by), from_cases(con, sc, by)
            differ += not got.sort_values("group_code", ignore_index=True).equals(want.sort_values("group_code", ignore_index=True))
    build(city)
    assert differ > 0


def test_which_selections_take_the_rank_path(monkeypatch):
    long = dict(start_date=date(2024, 12, 1), end_date=date(2026, 12, 1))
    assert kpi_daily.ranks_apply(scope(**long), "all")
    assert kpi_daily.ranks_apply(scope(**long, access=Access.for_districts(("430903",), "t"), districts=("430903",)), "district")
    # groupings, grants and filters case_duration_days does not hold: kpi_durations.sql
    assert not kpi_daily.ranks_apply(scope(**long), "unit")
    assert not kpi_daily.ranks_apply(scope(**long), "street")
    assert not kpi_daily.ranks_apply(scope(**long, access=Access.for_units(("C001",), "t")), "all")
    assert not kpi_daily.ranks_apply(scope(**long, access=Access.for_streets(("430903001",), ("430903",), "t")), "all")
    assert not kpi_daily.ranks_apply(scope(**long, streets=("430903001",)), "all")
    assert not kpi_daily.ranks_apply(scope(**long, categories=("S0101",)), "all")
    assert not kpi_daily.ranks_apply(scope(**long, access=Access()), "all")
    # without the caller's word that the tables were built, never
    calls = []
    monkeypatch.setattr(kpi_daily, "ranked_quantiles", lambda *a: calls.append(a))
    con = new_db()
    try:
        kpi_daily.duration_quantiles(con, scope(**long), "all", kpi_daily.DURATION_COLUMNS)
    finally:
        con.close()
    assert calls == []


def test_bucket_counts_never_show_more_than_the_grant_sees(city):
    """scoped_case_duration_days holds district codes only: a street or unit grant, a street, unit or
    other filter must see nothing there (the rank path declines them), a district grant its districts."""
    build(city)
    window = dict(start_date=date(2020, 1, 1), end_date=date(2030, 1, 1))

    def counted(**kw) -> int:
        return int(fetch(city, "kpi_duration_counts", scope(**window, **kw), by="all", grain="day", measure="handle",
                         day_from=window["start_date"], day_to=window["end_date"])["case_count"].sum())

    def in_table(where: str) -> int:
        return city.execute("SELECT count(*) FROM case_durations WHERE measure = 'handle' AND " + where).fetchone()[0]

    assert counted(access=Access.city("t")) == in_table("true") > 0
    assert counted(access=Access.for_districts(("430903",), "t")) == in_table("district_code = '430903'") > 0
    assert counted(access=Access.city("t"), districts=("430902",)) == in_table("district_code = '430902'") > 0
    for kw in (dict(access=Access.for_streets(("430903001",), ("430903",), "t")),
               dict(access=Access.for_units(("D43090301",), "t")), dict(access=Access()),
               dict(access=Access.city("t"), streets=("430903001",)), dict(access=Access.city("t"), units=("C001",)),
               dict(access=Access.city("t"), categories=("S0101",)), dict(access=Access.city("t"), sources=("grid",))):
        assert counted(**kw) == 0, kw
