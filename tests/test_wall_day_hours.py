"""The wall's day in one query (queries/sql/wall_day_hours.sql): its pace and hourly parts equal
wall_day_pace.sql's and wall_hourly.sql's frames exactly over random selections — now at any minute of the
day (midnight and the first hour included) on days with and without data, city / district / street / unit
grants, district and kind filters — and one accepted, filed or closed case missing makes them differ."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest

from data.config import load_city
from queries import wall
from queries.kpis import apply_rules
from queries.scope import Access, Scope
from tests.builders import rows_removed, seeded_copy
from tests.random_selections import CityCodes, grant, pick

TODAY = date(2026, 11, 23)
SELECTIONS = 40

pytestmark = pytest.mark.slow   # a seeded city of 1,500 cases: ~15 s


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    con = seeded_copy(tmp_path_factory.mktemp("wall_day_hours"), n_cases=1500, seed=85, today=TODAY)
    yield con
    con.close()


def scopes(now_at: datetime, access: Access, **filters) -> wall.WallScopes:
    rules = apply_rules(Scope(TODAY, TODAY), load_city())
    got = wall.wall_scopes(now_at, access, league_days=30, exclude_shelved=rules.exclude_shelved,
                           exclude_deferred=rules.exclude_deferred)
    return replace(got, pace=replace(got.pace, **filters), hours=replace(got.hours, **filters))


def both(con, s: wall.WallScopes) -> tuple[tuple[pd.Series, pd.DataFrame], tuple[pd.Series, pd.DataFrame]]:
    """((pace, hourly) from the one query, (pace, hourly) from the two files)."""
    day = wall.day_hours(con, s.hours)
    return (wall.pace_of(day), wall.hourly_of(day)), (wall.day_pace(con, s.pace), wall.hourly(con, s.hours))


def _selections(con, n: int, seed: int):
    rng = np.random.default_rng(seed)
    codes = CityCodes.of(con)
    for _ in range(n):
        day = TODAY - timedelta(days=int(rng.choice([0, 0, 1, 2, int(rng.integers(3, 200)), -3])))
        moment = time(int(rng.choice([0, 0, int(rng.integers(0, 24))])), int(rng.choice([0, 1, int(rng.integers(0, 60))])))
        access = grant(rng, str(rng.choice(["city", "city", "district", "street", "unit"])), codes)
        filters = {}
        if rng.random() < 0.2:
            filters["districts"] = pick(rng, codes.districts, 1)
        if rng.random() < 0.1:
            filters["kinds"] = ("event",)
        yield scopes(datetime.combine(day, moment), access, **filters)


def test_one_query_gives_the_pace_and_the_hourly_trend_of_the_two_files(city):
    nonzero = 0
    for s in _selections(city, SELECTIONS, seed=5):
        (pace, hourly), (want_pace, want_hourly) = both(city, s)
        pd.testing.assert_series_equal(pace, want_pace, check_exact=True, obj=str(s.hours))
        pd.testing.assert_frame_equal(hourly, want_hourly, check_exact=True, obj=str(s.hours))
        nonzero += bool(pace.sum() + hourly[list(wall.HOURLY_COLUMNS[1:])].to_numpy().sum())
    assert nonzero >= SELECTIONS // 4, nonzero


@pytest.mark.parametrize("step", ["accepted_at", "filed_at", "closed_at"])
def test_one_case_missing_makes_the_comparison_fail(city, step):
    s = scopes(datetime.combine(TODAY, time(15, 30)), Access.city("市级"))
    _, (want_pace, want_hourly) = both(city, s)
    # a case of yesterday before 15:30 (the pace's 较昨日同时 and the trend's hours) with this step
    case_id = city.execute(f"SELECT min(case_id) FROM cases WHERE {step} >= $s AND {step} < $e "  # noqa: S608 - test constant
                           "AND NOT is_cancelled AND NOT is_shelved",
                           {"s": datetime.combine(TODAY - timedelta(days=1), time(16)),
                            "e": datetime.combine(TODAY, time(15))}).fetchone()[0]
    assert case_id is not None
    with rows_removed(city, "cases", "case_id = $c", {"c": case_id}):
        (pace, hourly), _ = both(city, s)
    differs = not pace.equals(want_pace) or not hourly.equals(want_hourly)
    assert differs, step
