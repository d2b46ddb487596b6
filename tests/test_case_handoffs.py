"""case_handoffs and case_dispatches (built at publish) read through scoped_handoffs and
scoped_case_dispatches give exactly what the original definitions (window functions over every scoped
dispatch step, filtered afterwards; dispatches counted from every scoped step) gave: the same
handoff_units and handoff_pairs frames (rows, order, dtypes) for random windows, grants and filters
on random histories with returns (A → B → A), repeats and rework after handling."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from queries.handoffs import handoff_pairs, unit_handoffs
from queries.scope import Access, Scope
from tests.builders import add_calendar, add_cases, new_db, refresh_case_handoffs, rows_removed, unequal_frames
from tests.handoffs_reference import original_scoped_handoffs

DISTRICTS = {"430902": "430902001", "430903": "430903001"}
EXTRA_UNITS = [("D43090202", "资阳区住建局", "district_bureau", "区县部门", "430902"),
               ("D43090302", "赫山区住建局", "district_bureau", "区县部门", "430903"),
               ("S430902001", "汽车路街道办", "street_office", "街道", "430902")]
UNITS = ["C001", "D43090201", "D43090301"] + [u[0] for u in EXTRA_UNITS]
# kind / 大类 / 小类 vary, so the filters on them (scoped_cases' predicate on the built tables' codes) are tested
CATEGORIES = [{"kind": "event", "major_code": "S01", "category_code": "S0101"},
              {"kind": "event", "major_code": "S02", "category_code": "S0201"},
              {"kind": "part", "major_code": "P01", "category_code": "P0101"}]


@pytest.fixture(scope="module")
def city():
    """~400 cases over Oct–Nov 2026, each with a random chain of dispatches (repeats, returns), some
    handled part-way and dispatched again afterwards (rework), a few with a NULL-unit dispatch."""
    rng = random.Random(1307)
    con = new_db()
    add_calendar(con)
    con.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)", EXTRA_UNITS)
    cases, steps = [], []
    for case_id in range(1, 401):
        district = rng.choice(list(DISTRICTS))
        at = datetime(2026, 10, 1, 8, 0) + timedelta(minutes=rng.randrange(60 * 24 * 55))
        units = [rng.choice(UNITS) for _ in range(rng.randint(1, 6))]
        if len(units) >= 3 and rng.random() < 0.4:
            units[2] = units[0]                                  # A → B → A
        cases.append({"case_id": case_id, "district": district, "reported_at": at, "unit_code": units[-1],
                      "source": rng.choice(["grid", "hotline"]), "status": "dispatched",
                      "dispatch_count": len(units), **rng.choice(CATEGORIES)})
        seq = 1
        steps.append((case_id, seq, "report", None, at))
        handle_after = rng.randrange(len(units) + 1) if rng.random() < 0.5 else None
        for i, unit in enumerate(units):
            at += timedelta(minutes=rng.randrange(10, 60 * 30))
            seq += rng.randint(1, 2)                             # gaps in seq are allowed
            if handle_after == i:
                steps.append((case_id, seq, "handle", unit, at))
                at += timedelta(minutes=rng.randrange(10, 600))
                seq += 1
            steps.append((case_id, seq, "dispatch", None if rng.random() < 0.03 else unit, at))
    add_cases(con, cases)
    con.executemany("INSERT INTO case_steps (case_id, seq, step, unit_code, step_at) VALUES (?, ?, ?, ?, ?)", steps)
    refresh_case_handoffs(con)
    built = con.execute("SELECT count(*), count(*) FILTER (WHERE is_return) FROM case_handoffs").fetchone()
    rework = con.execute(
        "SELECT count(*) FROM case_steps d JOIN (SELECT case_id, min(step_at) AS h FROM case_steps "
        "WHERE step = 'handle' GROUP BY case_id) x USING (case_id) WHERE d.step = 'dispatch' AND d.step_at > x.h"
    ).fetchone()[0]
    assert built[0] > 300 and built[1] > 30 and rework > 50    # the data exercises every rule
    return con


def scopes(n: int) -> list[Scope]:
    rng = random.Random(77)
    grants = [Access.demo(), Access.city("全市"), Access.for_districts(("430902",), "资阳区"),
              Access.for_streets(("430903001",), ("430903",), "桃花仑街道"),
              Access.for_units(("D43090201",), "资阳区城管局"), Access.for_units(("C001", "D43090302"), "两单位")]
    filters = [{}, {"districts": ("430903",)}, {"streets": ("430902001",)}, {"units": ("D43090301", "C001")},
               {"sources": ("hotline",)}, {"units": ()}, {"kinds": ("part",)}, {"majors": ("S02",)},
               {"categories": ("S0101", "P0101")}, {"communities": ("430902001001",)},
               {"grids": ("430903001001001",)}, {"districts": ("430902",), "sources": ("grid",), "kinds": ("event",)}]
    out = []
    for _ in range(n):
        start = date(2026, 9, 25) + timedelta(days=rng.randrange(70))
        out.append(Scope(start, start + timedelta(days=rng.choice([1, 3, 7, 30, 90])), access=rng.choice(grants),
                         now_at=datetime(2026, 12, 20, 10, 0), **rng.choice(filters)))
    return out + [Scope(date(2026, 9, 1), date(2027, 1, 1), access=a, now_at=datetime(2026, 12, 20)) for a in grants]


def reference_results(con, scope_list):
    """handoff_units / handoff_pairs for each scope with the original scoped_handoffs."""
    with original_scoped_handoffs():
        return [(unit_handoffs(con, s), handoff_pairs(con, s, limit=50)) for s in scope_list]


def mismatches(con, scope_list, expected) -> int:
    return unequal_frames(pair for s, (units, pairs) in zip(scope_list, expected)
                          for pair in ((unit_handoffs(con, s), units), (handoff_pairs(con, s, limit=50), pairs)))


def test_built_handoffs_give_the_original_results_for_random_windows_grants_and_filters(city):
    scope_list = scopes(80)
    expected = reference_results(city, scope_list)
    assert sum(len(p) for _u, p in expected) > 100 and sum(u["returned_cases"].sum() for u, _p in expected) > 20
    assert mismatches(city, scope_list, expected) == 0


@pytest.mark.parametrize("table", ["case_handoffs", "case_dispatches"])
def test_a_case_missing_from_a_built_table_is_caught(city, table):
    scope_list = scopes(40)
    expected = reference_results(city, scope_list)
    victim = city.execute("SELECT case_id FROM case_handoffs WHERE is_return ORDER BY case_id LIMIT 1").fetchone()[0]
    with rows_removed(city, table, "case_id = $c", {"c": victim}):
        assert mismatches(city, scope_list, expected) > 0
    assert mismatches(city, scope_list, expected) == 0


def test_a_rebuild_replaces_every_row(city):
    query = ("SELECT (SELECT list(h ORDER BY case_id, hop) FROM case_handoffs h), "
             "(SELECT list(d ORDER BY case_id, dispatched_at) FROM case_dispatches d)")
    before = city.execute(query).fetchall()
    refresh_case_handoffs(city)
    refresh_case_handoffs(city)
    assert city.execute(query).fetchall() == before


def test_built_tables_apply_the_very_access_and_filter_predicate_of_scoped_cases():
    """_scoped.sql is the one enforcement point; scoped_handoffs and scoped_case_dispatches repeat
    scoped_cases' predicate on the case's codes the built tables hold (SQL cannot share a WHERE between
    tables). Fails the moment they drift apart, e.g. a grant rule or a filter changed in one place only."""
    from queries.runner import load_sql, split_ctes

    relations = dict(split_ctes(load_sql("_scoped")))

    def where_lines(name: str) -> list[str]:
        body = relations[name].rsplit("WHERE", 1)[1]
        return [" ".join(line.split()) for line in body.strip().splitlines() if line.strip()]

    cases = where_lines("scoped_cases")
    assert len(cases) == 14 and cases[0].startswith("($access_all")
    assert where_lines("scoped_handoffs") == cases
    assert where_lines("scoped_case_dispatches") == cases


@pytest.mark.parametrize(("table", "column", "case_code"), [
    ("case_handoffs", "district_code", "district_code"), ("case_dispatches", "case_unit_code", "unit_code"),
    ("case_dispatches", "category_code", "category_code")])
def test_a_wrong_code_in_a_built_table_is_caught(city, table, column, case_code):
    """The copied codes decide who sees a row: one case's code differing from cases must change results."""
    scope_list = scopes(40)
    expected = reference_results(city, scope_list)
    victim = city.execute(  # a case whose code a grant or filter of scopes() names
        f"SELECT h.case_id FROM case_handoffs h JOIN cases c ON c.case_id = h.case_id WHERE h.is_return "  # noqa: S608 - test
        f"AND c.{case_code} IN ('430902', 'C001', 'D43090201', 'S0101') ORDER BY 1 LIMIT 1").fetchone()[0]
    old = city.execute(f"SELECT any_value({column}) FROM {table} WHERE case_id = $c", {"c": victim}).fetchone()[0]  # noqa: S608 - test
    city.execute(f"UPDATE {table} SET {column} = 'X' WHERE case_id = $c", {"c": victim})  # noqa: S608 - test
    try:
        assert mismatches(city, scope_list, expected) > 0
    finally:
        city.execute(f"UPDATE {table} SET {column} = $v WHERE case_id = $c", {"c": victim, "v": old})  # noqa: S608 - test
    assert mismatches(city, scope_list, expected) == 0
