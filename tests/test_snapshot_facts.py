"""The build probes (what kpi_daily, accepted_daily, expected_stats_day, the calibration and the working
minutes were built with) are asked once per snapshot version: a pinned Snapshot keeps the answer, a
new version asks again, any other source asks every time, and each decision equals the probe's own."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from queries import accepted_daily, expected, kpi_daily, snapshot_facts
from queries.db import Snapshot
from queries.runner import compose, parameters
from queries.scope import Access
from queries.worktime_sql import office_params
from tests.builders import fetched_names, new_db, window_scope


@pytest.fixture()
def con():
    snapshot_facts.clear()
    con = new_db()
    yield con
    con.close()
    snapshot_facts.clear()


def test_every_probe_reads_no_selection_parameter():
    for name in snapshot_facts.PROBES:
        assert parameters(compose(name)) == frozenset(), name


def test_a_query_that_is_not_a_snapshot_fact_is_refused(con):
    with pytest.raises(ValueError):
        snapshot_facts.row(Snapshot("v1", con), "kpi_counts", window_scope())


def test_a_pinned_snapshot_asks_once_per_version_and_a_new_version_sees_the_new_build(con, monkeypatch):
    scope = window_scope(start_date=date(2026, 1, 1), end_date=date(2026, 11, 23))
    names = fetched_names(monkeypatch, kpi_daily)
    v1 = Snapshot("v1", con)
    assert kpi_daily.built_state(v1, scope) == (False, None)
    con.execute("INSERT INTO meta VALUES ('kpi_daily_rules', $r, now())", {"r": kpi_daily.rules_key(scope)})
    con.execute("INSERT INTO meta VALUES ('kpi_daily_unsettled_day', '2026-11-23', now())")
    for _ in range(3):                        # the same version: the answer it gave (no second query)
        assert kpi_daily.built_state(v1, scope) == (False, None)
    assert names == ["kpi_daily_rules"]
    v2 = Snapshot("v2", con)                  # a publish: a new version is asked
    for _ in range(3):
        assert kpi_daily.built_state(v2, scope) == (True, date(2026, 11, 23))
    assert names == ["kpi_daily_rules"] * 2
    assert kpi_daily.built_state(con, scope) == (True, date(2026, 11, 23))   # a connection: asked every time
    assert kpi_daily.built_state(con, scope) == (True, date(2026, 11, 23))
    assert names == ["kpi_daily_rules"] * 4


def test_each_call_site_decides_as_its_probe_does_for_every_build_state(con):
    """Built / not built / built otherwise for each table: the decision on a pinned Snapshot (a new version
    after each change of meta) equals the decision on the connection, which runs the probe every time."""
    scope = window_scope(start_date=date(2026, 1, 1), end_date=date(2026, 11, 23))
    city = window_scope(start_date=date(2026, 1, 1), end_date=date(2026, 11, 23), access=Access.city("全市"))
    office = office_params((("08:30", "12:00"), ("14:00", "17:30")))
    as_of = datetime(2026, 11, 23)
    quarter = (date(2026, 7, 1), date(2026, 10, 1))

    def decisions(source):
        return (kpi_daily.built_state(source, scope), accepted_daily.answers(source, scope),
                expected.clocked_at_publish(source, scope, office),
                expected.built_for(source, city, as_of, 90, office),
                expected.calibration_built_for(source, city, quarter, 90, 30, office))

    states = [{}, {"kpi_daily_rules": kpi_daily.rules_key(scope), "kpi_daily_unsettled_day": "2026-11-22",
                   "accepted_daily_rules": kpi_daily.rules_key(scope), "work_minutes_office": expected.office_key(office),
                   "expected_stats_day_as_of": "2026-11-23", "expected_stats_day_window_days": "90",
                   "expected_stats_day_office": expected.office_key(office),
                   "expected_calibration_q_start": "2026-07-01", "expected_calibration_q_end": "2026-10-01",
                   "expected_calibration_window_days": "90", "expected_calibration_min_volume": "30",
                   "expected_calibration_office": expected.office_key(office)},
              {"kpi_daily_rules": "other", "kpi_daily_unsettled_day": "2026-11-20", "accepted_daily_rules": "other", "work_minutes_office": "0-1",
               "expected_stats_day_as_of": "2026-11-22", "expected_stats_day_window_days": "90",
               "expected_stats_day_office": expected.office_key(office),
               "expected_calibration_q_start": "2026-04-01", "expected_calibration_q_end": "2026-07-01",
               "expected_calibration_window_days": "90", "expected_calibration_min_volume": "30",
               "expected_calibration_office": expected.office_key(office)}]
    seen = set()
    for i, meta in enumerate(states):
        con.execute("DELETE FROM meta")
        for key, value in meta.items():
            con.execute("INSERT INTO meta VALUES ($k, $v, now())", {"k": key, "v": value})
        pinned = Snapshot(f"v{i}", con)
        want = decisions(con)
        assert decisions(pinned) == want and decisions(pinned) == want, meta
        seen.add(want)
    assert len(seen) == 3                      # the three states gave three different answers
