"""The default case list (in_reported, no search) reads scoped_cases without case_facts' flags
(case_list_reported.sql, case_count_reported.sql): the same ids in the same order, and the same total,
as case_list.sql / case_count.sql with $set = 'in_reported', over random windows, grants, filters,
sorts and pages of a small seeded city."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from data.config import load_city
from queries import case_records
from queries.case_records import REPORTED_SET, SORTS
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Scope
from tests.builders import fetched_names, seeded_copy
from tests.random_selections import CityCodes, grant, pick

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 30)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    con = seeded_copy(tmp_path_factory.mktemp("case_list_reported"), n_cases=2500, seed=17, today=TODAY)
    con.execute("UPDATE cases SET district_code = NULL, street_code = NULL WHERE case_id % 89 = 5")
    yield con
    con.close()


def _selections(con, n: int):
    rng = np.random.default_rng(5)
    codes = CityCodes.of(con)
    rules = apply_rules(Scope(TODAY, TODAY), load_city())
    for i in range(n):
        end = TODAY + timedelta(days=1) - timedelta(days=int(rng.integers(0, 60)))
        start = end - timedelta(days=int(rng.choice([1, 7, 30, 90, 365, 800])))
        scope = replace(rules, start_date=start, end_date=end, now_at=NOW,
                        access=grant(rng, ("city", "district", "street", "unit")[i % 4], codes))
        if i % 3 == 1:
            scope = replace(scope, districts=pick(rng, codes.districts, 1))
        if i % 5 == 2:
            scope = replace(scope, kinds=("event",), sources=("hotline", "app", "patrol"))
        yield scope, str(rng.choice(list(SORTS))), bool(rng.integers(0, 2)), int(rng.choice([20, 50])), \
            int(rng.choice([0, 0, 0, 20, 100, 5000]))


def test_the_default_list_from_scoped_cases_equals_the_list_from_case_facts(city):
    nonempty = 0
    for scope, sort, descending, limit, offset in _selections(city, 60):
        page = dict(sort=sort, descending=descending, limit=limit, offset=offset)
        want = fetch(city, "case_list", scope, set=REPORTED_SET, **page).case_id.tolist()
        got = fetch(city, "case_list_reported", scope, **page).case_id.tolist()
        assert got == want, (scope, page)
        total = int(fetch(city, "case_count", scope, set=REPORTED_SET).total_count.iloc[0])
        assert int(fetch(city, "case_count_reported", scope).total_count.iloc[0]) == total, scope
        nonempty += bool(want)
    assert nonempty >= 20                      # the selections do list cases (2,500 cases over two years)


def test_the_case_list_reads_the_default_list_from_the_new_files_and_the_others_from_case_facts(city, monkeypatch):
    names = fetched_names(monkeypatch, case_records)
    scope = replace(apply_rules(Scope(TODAY - timedelta(days=29), TODAY + timedelta(days=1)), load_city()),
                    now_at=NOW, access=grant(np.random.default_rng(1), "city", CityCodes.of(city)))
    shown = case_records.case_list(city, scope, REPORTED_SET, "", "reported_at", True, 1, 20)
    assert names == ["case_count_reported", "case_list_reported", "case_rows"] and shown.total > 20
    names.clear()
    case_records.case_list(city, scope, "is_overdue_open", "", "reported_at", True, 1, 20)
    assert names == ["case_count", "case_list", "case_rows"]
