"""指挥大屏's district panels ask area_summary for the counts they show only (queries/wall.py TODAY_COLUMNS,
LEAGUE_COLUMNS): the frame equals the full area_summary's rows and columns exactly, over random selections —
levels 1 and 2, running and ended windows (today, the league's 30 days on the publish day and after it, others),
city / district / street / unit grants, district filters, random subsets of the columns. The wall's districts
as ui/wall.py reads them (the live count from the selection's one overdue entry of the minute,
clock_keys.compute_live, then suppressed) equal district_today's former frame. One case or one kpi_daily count
missing makes the comparison fail.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest

from data.config import load_city
from queries import clock_keys, wall
from queries.cases import AREA_SUMMARY_COLUMNS, area_summary, overdue_count_sets, overdue_slice
from queries.kpis import apply_rules
from queries.scope import Access, Scope
from tests.builders import publish_kpi_daily, rows_removed, seeded_copy
from tests.random_selections import CityCodes, grant, pick

TODAY = date(2026, 11, 23)
SELECTIONS = 40
MIN_COUNT = 3

pytestmark = pytest.mark.slow   # a seeded city of 1,500 cases with kpi_daily built: ~20 s


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    con = seeded_copy(tmp_path_factory.mktemp("wall_districts"), n_cases=1500, seed=83, today=TODAY)
    con.execute("UPDATE cases SET district_code = NULL, street_code = NULL WHERE case_id % 89 = 5")
    assert publish_kpi_daily(con, apply_rules(Scope(TODAY, TODAY), load_city()), TODAY) > 0
    yield con
    con.close()


def rules() -> Scope:
    return apply_rules(Scope(TODAY, TODAY), load_city())


def old_district_today(con, scope: Scope) -> pd.DataFrame:
    """district_today as it was before session 8: every area_summary column, then suppressed."""
    return wall.suppress_small(area_summary(con, scope, 1), ["accepted_count", "overdue_open_count"], MIN_COUNT)


def wall_districts(con, scope: Scope) -> pd.DataFrame:
    """What ui/wall.py reads: cache.get('area_summary', today, 1, TODAY_COLUMNS) (compute_live, the live count
    from overdue_count_sets sliced as ui/cache._overdue does), suppressed."""
    frame = clock_keys.compute_live(
        "area_summary", (1, wall.TODAY_COLUMNS),
        lambda live: area_summary(con, scope, 1, wall.TODAY_COLUMNS, live=live),
        lambda by: overdue_slice(overdue_count_sets(con, scope.live()), by))
    return wall.suppress_districts(frame, MIN_COUNT)


def _selections(con, n: int, seed: int):
    rng = np.random.default_rng(seed)
    codes = CityCodes.of(con)
    for _ in range(n):
        now_day = TODAY + timedelta(days=int(rng.choice([0, 0, 0, 1, -int(rng.integers(1, 60))])))
        now_at = datetime.combine(now_day, time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
        kind = str(rng.choice(["today", "league", "league", "other"]))
        end = now_day + timedelta(days=1)
        if kind == "other":
            end = now_day + timedelta(days=int(rng.integers(-90, 5)))
        days = {"today": 1, "league": 30}.get(kind) or int(rng.choice([1, 7, 30, 92]))
        access = grant(rng, str(rng.choice(["city", "city", "district", "street", "unit"])), codes)
        filters = {"districts": pick(rng, codes.districts, int(rng.integers(1, 3)))} if rng.random() < 0.2 else {}
        columns = tuple(rng.choice(AREA_SUMMARY_COLUMNS, size=int(rng.integers(1, 4)), replace=False))
        if rng.random() < 0.5:
            columns = wall.TODAY_COLUMNS if kind == "today" else wall.LEAGUE_COLUMNS
        yield (replace(rules(), start_date=end - timedelta(days=days), end_date=end, access=access, now_at=now_at,
                       **filters), int(rng.choice([1, 1, 2])), columns)


def test_area_summary_of_some_columns_equals_the_full_frame_over_random_selections(city):
    nonzero = 0
    for scope, level, columns in _selections(city, SELECTIONS, seed=8):
        full = area_summary(city, scope, level)
        got = area_summary(city, scope, level, columns)
        kept = [c for c in full.columns if c not in AREA_SUMMARY_COLUMNS or c in columns]
        pd.testing.assert_frame_equal(got, full[kept], check_exact=True, obj=f"{level} {columns} {scope}")
        nonzero += bool(got[[c for c in kept if c in AREA_SUMMARY_COLUMNS]].to_numpy().sum())
    assert nonzero >= SELECTIONS // 2, nonzero


def test_the_walls_districts_equal_district_today_before_the_change(city):
    checked = 0
    for scope, _, _ in _selections(city, SELECTIONS, seed=9):
        today = replace(scope, start_date=scope.now_at.date(), end_date=scope.now_at.date() + timedelta(days=1),
                        districts=None)
        got = wall_districts(city, today)
        pd.testing.assert_frame_equal(got, old_district_today(city, today)[list(got.columns)], check_exact=True)
        pd.testing.assert_frame_equal(wall.district_today(city, today, MIN_COUNT), got, check_exact=True)
        checked += bool(got.accepted_count.fillna(0).sum())
    assert checked >= 10, checked


def test_one_case_or_one_kpi_daily_count_missing_makes_the_comparison_fail(city):
    today = replace(rules(), start_date=TODAY, end_date=TODAY + timedelta(days=1), access=Access.city("市级"),
                    now_at=datetime.combine(TODAY, time(16)))
    before = old_district_today(city, today)
    case_id = city.execute("SELECT min(case_id) FROM cases WHERE accepted_at >= $d AND accepted_at < $d + 1 "
                           "AND district_code IS NOT NULL AND NOT is_cancelled", {"d": TODAY}).fetchone()[0]
    assert case_id is not None
    with rows_removed(city, "cases", "case_id = $c", {"c": case_id}):
        after = wall_districts(city, today)
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(after, before[list(after.columns)], check_exact=True)
    # the league's 30 days on the publish day read kpi_daily (A - B + C): one due case fewer there shows too
    league = replace(today, start_date=TODAY + timedelta(days=1) - timedelta(days=30))
    full = area_summary(city, league, 1)
    day, district = city.execute("SELECT day, district_code FROM kpi_daily WHERE due_count > 0 AND day >= $s "
                                 "AND day < $d AND district_code IS NOT NULL ORDER BY day LIMIT 1",
                                 {"s": league.start_date, "d": TODAY}).fetchone()
    row = {"r": city.execute("SELECT min(rowid) FROM kpi_daily WHERE day = $day AND district_code = $c AND due_count > 0",
                             {"day": day, "c": district}).fetchone()[0]}
    city.execute("UPDATE kpi_daily SET due_count = due_count - 1 WHERE rowid = $r", row)   # seen by the query's cursor
    try:
        got = area_summary(city, league, 1, wall.LEAGUE_COLUMNS)
    finally:
        city.execute("UPDATE kpi_daily SET due_count = due_count + 1 WHERE rowid = $r", row)
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(got, full[list(got.columns)], check_exact=True)
    pd.testing.assert_frame_equal(area_summary(city, league, 1, wall.LEAGUE_COLUMNS), full[list(got.columns)],
                                  check_exact=True)
