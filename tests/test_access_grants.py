"""The access predicate of queries/sql/_scoped.sql for every kind of grant, over every scoped
relation: given a small city with records in two districts and three units, exactly the rows each
grant may see (street, unit, district, city, nobody, admin)."""
from __future__ import annotations

import pytest

from queries.runner import execute_text
from queries.scope import Access
from tests.builders import new_db, window_scope
from tests.test_party_queries import build_city

# relation -> the key column whose set of values we compare
RELATIONS = {
    "scoped_cases": "case_id", "scoped_case_steps": "case_id", "scoped_people": "person_id",
    "scoped_pairings": "pairing_id", "scoped_checkins": "checkin_id", "scoped_activities": "activity_id",
    "scoped_whistles": "whistle_id", "scoped_whistle_calls": "whistle_id", "scoped_wishes": "wish_id",
    "scoped_needs": "need_id", "scoped_projects": "project_id", "scoped_resources": "resource_id",
    "scoped_supervision_orders": "order_id", "scoped_units": "unit_code", "scoped_areas": "area_code",
}


def visible(con, access: Access, relation: str, **filters) -> set:
    sql = f"SELECT DISTINCT {RELATIONS[relation]} AS k FROM {relation}"  # noqa: S608 - constant names
    return {r[0] for r in execute_text(con, sql, window_scope(access=access, **filters)).fetchall()}


@pytest.fixture(scope="module")
def con():
    c = new_db()
    build_city(c)   # cases 1,2 in 资阳区 (unit D43090201), case 3 in 赫山区 (unit D43090301)
    c.execute("UPDATE cases SET unit_code = 'C001' WHERE district_code = '430902' AND status = 'closed'")
    yield c
    c.close()


def case_ids(con, where: str) -> set:
    return {r[0] for r in con.execute(f"SELECT case_id FROM cases WHERE {where}").fetchall()}  # noqa: S608 - test


def test_a_street_grant_sees_only_the_cases_and_areas_of_its_street(con):
    street = Access.for_streets(("430902001",), ("430902",), "汽车路街道")
    assert visible(con, street, "scoped_cases") == case_ids(con, "street_code = '430902001'")
    assert visible(con, street, "scoped_areas") == {"430902", "430902001", "430902001001", "430902001001001"}
    # the units that handled its cases, not every office of the district
    assert visible(con, street, "scoped_units") == set(con.execute(
        "SELECT DISTINCT unit_code FROM cases WHERE street_code = '430902001'").df().unit_code)
    # a filter naming another street or district narrows to nothing, never widens
    assert visible(con, street, "scoped_cases", districts=("430903",)) == set()
    assert visible(con, street, "scoped_cases", streets=("430903001",)) == set()


def test_a_unit_grant_sees_its_dispatched_cases_anywhere_and_only_its_own_people_records(con):
    unit = Access.for_units(("C001",), "市城管局")
    assert visible(con, unit, "scoped_cases") == case_ids(con, "unit_code = 'C001'")
    assert visible(con, unit, "scoped_units") == {"C001"}
    assert visible(con, unit, "scoped_people") == {1, 3, 4}
    assert visible(con, unit, "scoped_pairings") == {1}
    assert visible(con, unit, "scoped_activities") == {1, 3}
    assert visible(con, unit, "scoped_whistles") == {1, 2, 4}
    assert visible(con, unit, "scoped_wishes") == {1, 4}
    assert visible(con, unit, "scoped_needs") == {1}
    assert visible(con, unit, "scoped_projects") == {1}
    assert visible(con, unit, "scoped_resources") == {1}
    assert visible(con, unit, "scoped_supervision_orders") == {1, 3, 4}
    calls = execute_text(con, "SELECT DISTINCT unit_code FROM scoped_whistle_calls", window_scope(access=unit)).fetchall()
    assert {r[0] for r in calls} == {"C001"}


def test_another_units_grant_sees_none_of_the_first_units_records(con):
    other = Access.for_units(("D43090301",), "赫山区城管局")
    assert visible(con, other, "scoped_cases") == case_ids(con, "unit_code = 'D43090301'")
    assert visible(con, other, "scoped_people") == {2}
    assert visible(con, other, "scoped_supervision_orders") == {2}


def test_no_grant_sees_nothing_in_any_relation_and_only_admins_see_the_import_files(con):
    for relation in RELATIONS:
        if relation != "scoped_units":   # city-wide units are reference rows, but no case reaches them
            assert visible(con, Access(), relation) == set(), relation
    assert visible(con, Access(), "scoped_cases") == set()
    city = Access.city("市级领导")
    assert visible(con, city, "scoped_cases") == case_ids(con, "true")
    assert city.admin is False and Access.demo().admin is True


def test_a_unit_grant_cannot_be_combined_with_an_area_grant():
    with pytest.raises(ValueError):
        Access(all_districts=True, units=("C001",))
    with pytest.raises(ValueError):
        Access(streets=("430902001",))
