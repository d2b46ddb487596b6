"""open_cases (built at publish) read through scoped_open_cases gives exactly what the original
alert_cases.sql and overdue_counts.sql gave over every scoped case (kept in tests/open_cases_reference.py):
the same frames (rows, order, dtypes) for random grants, filters, `now` instants, near-deadline shares
and limits, on a seeded city of open, closed, cancelled, shelved and 不予立案 cases with NULL codes,
missing deadlines and deadlines outside the calendar."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pandas as pd
import pytest

from data.store import refresh_open_cases
from queries.cases import SETS_GROUPINGS, overdue_count_sets, overdue_slice
from queries.runner import fetch, load_sql, split_ctes
from queries.scope import Access, Scope
from queries.worktime_sql import office_params
from tests.builders import add_calendar, add_cases, new_db, rows_removed, unequal_frames
from tests.open_cases_reference import original_open_case_queries

GROUPINGS = ("all", "unit", "district", "street", "community", "grid")
UNITS = ["C001", "D43090201", "D43090301", None]
CATEGORIES = [("event", "S0101", "S01"), ("component", "B0201", "B02")]


def _at(rng: random.Random, base: datetime, days: int) -> datetime:
    return base + timedelta(minutes=rng.randrange(60 * 24 * days))


@pytest.fixture(scope="module")
def city():
    """~600 cases reported Sep–Dec 2026 (a few deadlines in 2025, outside the calendar), every status."""
    rng = random.Random(1352)
    con = new_db()
    add_calendar(con)
    cases = []
    for case_id in range(1, 601):
        reported = _at(rng, datetime(2026, 9, 1), 110)
        kind, category, major = rng.choice(CATEGORIES)
        dispatched = reported + timedelta(hours=rng.randrange(1, 72)) if rng.random() < 0.8 else None
        handled = dispatched + timedelta(hours=rng.randrange(1, 200)) if dispatched and rng.random() < 0.4 else None
        handle_deadline = (dispatched + timedelta(hours=rng.randrange(2, 480))
                           if dispatched and rng.random() < 0.9 else None)
        deadline = reported + timedelta(hours=rng.randrange(24, 24 * 30)) if rng.random() < 0.9 else None
        if deadline and rng.random() < 0.03:
            deadline = _at(rng, datetime(2025, 6, 1), 60)          # outside the calendar: hours unknown
        closed = reported + timedelta(hours=rng.randrange(2, 24 * 40)) if rng.random() < 0.45 else None
        place = rng.random()
        unplaced = ({"district_code": None, "street_code": None, "community_code": None, "grid_code": None}
                    if place < 0.05 else {"street_code": None, "grid_code": None} if place < 0.08 else {})
        cases.append(unplaced | {
            "case_id": case_id, "reported_at": reported, "district": rng.choice(["430902", "430903"]),
            "kind": kind, "category_code": category, "major_code": major,
            "source": rng.choice(["grid", "hotline", "supervision"]), "unit_code": rng.choice(UNITS),
            "status": rng.choice(["reported", "filed", "dispatched", "handled", "closed", "not_filed"]),
            "is_cancelled": rng.random() < 0.06, "is_shelved": rng.random() < 0.06,
            "dispatched_at": dispatched, "handled_at": handled, "handle_deadline_at": handle_deadline,
            "deadline_at": deadline, "closed_at": closed,
        })
    add_cases(con, cases)     # refreshes open_cases as a publish does
    opened = con.execute("SELECT count(*), count(*) FILTER (WHERE deadline_at IS NULL) FROM open_cases").fetchone()
    assert 150 < opened[0] < 450 and opened[1] > 5     # the data exercises every rule
    return con


def scopes(con, n: int) -> list[tuple[Scope, float, int]]:
    """n random (scope, near share, limit); half the instants fall late in some open case's handling
    time, so the 临期 rule fires, the rest anywhere in Sep–Dec."""
    rng = random.Random(52)
    handling = con.execute("SELECT dispatched_at, handle_deadline_at FROM open_cases WHERE handled_at IS NULL "
                           "AND handle_deadline_at > dispatched_at ORDER BY case_id").fetchall()
    grants = [Access.demo(), Access.city("全市"), Access.for_districts(("430902",), "资阳区"),
              Access.for_streets(("430903001",), ("430903",), "桃花仑街道"),
              Access.for_units(("D43090201",), "资阳区城管局"), Access.for_units(("C001", "D43090301"), "两单位"),
              Access.for_districts((), "空授权")]
    filters = [{}, {}, {"districts": ("430903",)}, {"streets": ("430902001",)},
               {"communities": ("430903001001",)}, {"grids": ("430902001001001",)}, {"kinds": ("component",)},
               {"majors": ("S01",)}, {"categories": ("B0201",)}, {"sources": ("hotline", "supervision")},
               {"units": ("D43090301", "C001")}, {"units": ()}, {"districts": ("430902",), "sources": ("grid",)}]
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            dispatched, due = rng.choice(handling)
            now = dispatched + (due - dispatched) * rng.uniform(0.5, 0.99)
            now = now.replace(microsecond=0)
        else:
            now = _at(rng, datetime(2026, 9, 15), 120)
        start = now.date() - timedelta(days=rng.choice([1, 7, 30, 730]))
        scope = Scope(start, now.date() + timedelta(days=1), access=rng.choice(grants), now_at=now,
                      **rng.choice(filters))
        out.append((scope, rng.choice([0.5, 0.8, 0.95]), rng.choice([3, 10, 3000, 3000, 3000])))
    return out


def results(con, scope_list) -> list[pd.DataFrame]:
    office = office_params()
    out = []
    for scope, share, limit in scope_list:
        out.append(fetch(con, "alert_cases", scope, near_share=share, limit=limit, **office))
        out += [fetch(con, "overdue_counts", scope, by=by) for by in GROUPINGS]
    return out


def reference_results(con, scope_list) -> list[pd.DataFrame]:
    with original_open_case_queries():
        return results(con, scope_list)


def mismatches(con, scope_list, expected) -> int:
    return unequal_frames(zip(results(con, scope_list), expected, strict=True))


@pytest.fixture(scope="module")
def reference(city):
    scope_list = scopes(city, 50)
    return scope_list, reference_results(city, scope_list)


def test_open_cases_give_the_original_alerts_and_live_overdue_counts_for_random_scopes_and_instants(city, reference):
    scope_list, expected = reference
    alerts = expected[::len(GROUPINGS) + 1]
    assert sum(f["is_overdue"].sum() for f in alerts) > 300 and sum((~f["is_overdue"]).sum() for f in alerts) > 20
    assert sum(f["overdue_work_hours"].isna().sum() for f in alerts) > 0   # deadlines outside the calendar
    assert sum(len(f) == 0 for f in alerts) > 3                            # scopes that see nothing
    assert mismatches(city, scope_list, expected) == 0


@pytest.mark.parametrize("overdue", [True, False], ids=["overdue", "near deadline"])
def test_a_case_missing_from_open_cases_is_caught(city, reference, overdue):
    scope_list, expected = reference
    alerts = pd.concat(expected[::len(GROUPINGS) + 1])
    victim = int(alerts.loc[alerts["is_overdue"] == overdue, "case_id"].min())
    with rows_removed(city, "open_cases", "case_id = $c", {"c": victim}):
        assert mismatches(city, scope_list, expected) > 0
    assert mismatches(city, scope_list, expected) == 0


def test_open_cases_hold_exactly_the_open_counted_cases_and_a_rebuild_replaces_every_row(city):
    rule = ("SELECT list(case_id ORDER BY case_id) FROM cases WHERE closed_at IS NULL AND NOT is_cancelled "
            "AND NOT is_shelved AND status <> 'not_filed'")
    built = "SELECT list(case_id ORDER BY case_id) FROM open_cases"
    whole = "SELECT list(o ORDER BY case_id) FROM open_cases o"
    before = city.execute(whole).fetchall()
    assert city.execute(built).fetchone() == city.execute(rule).fetchone()
    refresh_open_cases(city)
    refresh_open_cases(city)
    assert city.execute(whole).fetchall() == before


def test_scoped_open_cases_applies_the_very_access_and_filter_predicate_of_scoped_cases():
    """_scoped.sql is the one enforcement point; scoped_open_cases repeats scoped_cases' predicate (SQL
    has no way to share a WHERE between two tables). This fails the moment the two drift apart."""
    relations = dict(split_ctes(load_sql("_scoped")))

    def where_lines(name: str) -> list[str]:
        body = relations[name].split("WHERE", 1)[1]
        return [" ".join(line.split()) for line in body.strip().splitlines() if line.strip()]

    cases = where_lines("scoped_cases")
    assert cases[0].startswith("($access_all") and sum(line.startswith("AND ($") for line in cases) == 9   # 9 filters
    assert where_lines("scoped_open_cases") == cases
    assert "FROM open_cases" in relations["scoped_open_cases"]


def sliced_mismatches(con, scope_list, expected) -> int:
    """Groupings whose overdue_slice of overdue_count_sets differs from `expected` (overdue_counts frames)."""
    got = [overdue_slice(overdue_count_sets(con, scope), by) for scope, _, _ in scope_list for by in SETS_GROUPINGS]
    return unequal_frames(zip(got, expected, strict=True))


@pytest.fixture(scope="module")
def per_grouping(city):
    scope_list = scopes(city, 30)
    return scope_list, [fetch(city, "overdue_counts", scope, by=by) for scope, _, _ in scope_list
                        for by in SETS_GROUPINGS]


def test_every_grouping_from_one_query_equals_overdue_counts_for_random_scopes_and_instants(city, per_grouping):
    """overdue_counts_sets.sql (ui/cache.py asks it once per selection and minute) sliced by grouping (all,
    district, unit) gives
    overdue_counts.sql's frame exactly: rows, order, dtypes (population NULL for units, the city nameless,
    scopes that see nothing)."""
    scope_list, expected = per_grouping
    assert sum(len(f) for f in expected) > 60 and sum(len(f) == 0 for f in expected) > 10
    assert sum(f["population"].isna().any() for f in expected) > 5
    assert sliced_mismatches(city, scope_list, expected) == 0


def test_one_overdue_case_missing_from_the_grouping_sets_is_caught(city, per_grouping):
    scope_list, expected = per_grouping
    # overdue at every instant drawn, and seen by the city-wide grants
    victim = int(city.execute("SELECT case_id FROM open_cases WHERE district_code IS NOT NULL AND deadline_at IS NOT NULL "
                              "ORDER BY deadline_at, case_id LIMIT 1").fetchone()[0])
    with rows_removed(city, "open_cases", "case_id = $c", {"c": victim}):
        assert sliced_mismatches(city, scope_list, expected) > 0
    assert sliced_mismatches(city, scope_list, expected) == 0
