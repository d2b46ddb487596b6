"""kpi_counts asks whether kpi_daily is built for the scope's KPI rules before it runs the aggregate
query: a city below the build threshold (the demo city, most real ones) never pays that query's
planning, and the case path gives the numbers."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from queries import kpi_daily
from queries.cases import kpi_counts
from tests.builders import add_cases, fetched_names, new_db, window_scope

TODAY = date(2026, 11, 23)


@pytest.fixture()
def con():
    con = new_db()
    add_cases(con, [{"reported_at": datetime(2026, 6, 1, 9) + timedelta(days=i), "accepted_at":
                     datetime(2026, 6, 1, 10) + timedelta(days=i)} for i in range(12)])
    yield con
    con.close()


def _long_window():
    """A window the aggregate path would take (more than MIN_SETTLED_DAYS before the settled day)."""
    scope = window_scope(start_date=date(2026, 1, 1), end_date=TODAY)
    assert kpi_daily.preferred(scope) and kpi_daily.applies(scope, "all")
    return scope


def _queries_run(monkeypatch) -> list[str]:
    return fetched_names(monkeypatch, kpi_daily)


def test_without_kpi_daily_the_aggregate_query_never_runs_and_the_case_path_counts(con, monkeypatch):
    names = _queries_run(monkeypatch)
    scope = _long_window()
    assert kpi_daily.aggregate_counts(con, scope, "all", ("accepted_count",)) is None
    assert names == ["kpi_daily_rules"]
    assert int(kpi_counts(con, scope, "all", ("accepted_count",)).accepted_count.iloc[0]) == 12


def test_kpi_daily_built_under_other_rules_is_not_asked_either(con, monkeypatch):
    scope = _long_window()
    other = kpi_daily.rules_key(window_scope(satisfied_min=scope.satisfied_min + 1))
    con.execute("INSERT INTO meta VALUES ('kpi_daily_rules', $r, now())", {"r": other})
    names = _queries_run(monkeypatch)
    assert kpi_daily.aggregate_counts(con, scope, "all", ("accepted_count",)) is None
    assert names == ["kpi_daily_rules"]


def test_kpi_daily_built_under_the_scope_rules_is_read(con, monkeypatch):
    scope = _long_window()
    con.execute("INSERT INTO meta VALUES ('kpi_daily_rules', $r, now())", {"r": kpi_daily.rules_key(scope)})
    names = _queries_run(monkeypatch)
    kpi_daily.aggregate_counts(con, scope, "all", ("accepted_count",))
    assert names[:2] == ["kpi_daily_rules", "kpi_daily_counts"]
