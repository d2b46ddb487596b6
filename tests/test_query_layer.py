"""SQL unit tests for the query layer: given a few rows, the exact result."""
from __future__ import annotations

import re
from datetime import date, datetime

import duckdb
import pytest

from data.config import load_city
from queries import cases as q
from queries.db import SnapshotReader, connect_readonly
from queries.runner import SQL_DIR, compose, parameters
from queries.scope import Access, Scope
from tests.builders import add_case, new_db

CITY = load_city()
NOW = datetime(2026, 11, 23, 10, 0)


def scope(**kw) -> Scope:
    base = dict(start_date=date(2026, 11, 1), end_date=date(2026, 11, 23), access=Access.demo(), now_at=NOW)
    base.update(kw)
    return Scope(**base)


@pytest.fixture
def con():
    c = new_db()
    yield c
    c.close()


def closed_case(con, reported_at, *, deadline_at, closed_at, district="430902", **kw):
    return add_case(con, district=district, reported_at=reported_at, accepted_at=reported_at, filed_at=reported_at,
                    dispatched_at=reported_at, handled_at=closed_at, verified_at=closed_at, closed_at=closed_at,
                    deadline_at=deadline_at, status="closed", **kw)


def test_kpis_count_each_step_inside_the_half_open_window(con):
    closed_case(con, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 3, 9), closed_at=datetime(2026, 11, 2, 15))
    # accepted exactly at the exclusive end: not in the window
    add_case(con, reported_at=datetime(2026, 11, 23, 0, 0), accepted_at=datetime(2026, 11, 23, 0, 0), status="accepted")
    # accepted at the inclusive start: in the window
    add_case(con, reported_at=datetime(2026, 11, 1, 0, 0), accepted_at=datetime(2026, 11, 1, 0, 0), status="accepted")
    row = q.case_kpis(con, scope())
    assert (row.accepted_count, row.filed_count, row.dispatched_count, row.closed_count) == (2, 1, 1, 1)


def test_open_overdue_case_counts_against_the_unit_at_once(con):
    add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9),
             filed_at=datetime(2026, 11, 2, 9), dispatched_at=datetime(2026, 11, 2, 10),
             deadline_at=datetime(2026, 11, 4, 17), status="dispatched")
    closed_case(con, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 4, 17), closed_at=datetime(2026, 11, 5, 9))
    closed_case(con, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 4, 17), closed_at=datetime(2026, 11, 3, 9))
    row = q.case_kpis(con, scope())
    assert row.due_count == 3
    assert row.due_closed_count == 2
    assert row.due_on_time_count == 1
    assert row.overdue_open_count == 1


def test_cancelled_shelved_and_deferred_cases_leave_the_due_denominator(con):
    for flag in ("is_cancelled", "is_shelved", "is_deferred"):
        add_case(con, reported_at=datetime(2026, 11, 2, 9), filed_at=datetime(2026, 11, 2, 9),
                 deadline_at=datetime(2026, 11, 5, 9), **{flag: True})
    closed_case(con, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 5, 9), closed_at=datetime(2026, 11, 4, 9))
    row = q.case_kpis(con, scope())
    assert row.due_count == 1
    assert row.filed_count == 2  # the deferred one and the closed one; shelved is excluded from 立案数
    assert row.overdue_open_count == 1  # the deferred case is still open and past its deadline


def test_disposal_rate_counts_filed_and_dispatched_or_self_handled(con):
    closed_case(con, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 5, 9), closed_at=datetime(2026, 11, 4, 9))
    add_case(con, reported_at=datetime(2026, 11, 2, 9), filed_at=datetime(2026, 11, 2, 9),
             dispatched_at=datetime(2026, 11, 2, 10), deadline_at=datetime(2026, 11, 30, 9), status="dispatched")
    add_case(con, reported_at=datetime(2026, 11, 2, 9), filed_at=datetime(2026, 11, 2, 9), is_self_handled=True,
             handled_at=datetime(2026, 11, 2, 9, 30), closed_at=datetime(2026, 11, 2, 10), status="closed")
    add_case(con, reported_at=datetime(2026, 11, 2, 9), filed_at=datetime(2026, 11, 2, 9), status="filed")  # not dispatched yet
    row = q.case_kpis(con, scope())
    assert (row.disposal_num, row.disposal_den) == (2, 3)


def test_empty_window_gives_zero_counts_not_an_error(con):
    row = q.case_kpis(con, scope(start_date=date(2020, 1, 1), end_date=date(2020, 1, 2)))
    assert int(row.accepted_count) == 0 and int(row.due_count) == 0


def test_daily_trend_fills_days_without_cases_with_zero(con):
    add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    add_case(con, reported_at=datetime(2026, 11, 2, 11), accepted_at=datetime(2026, 11, 2, 11),
             closed_at=datetime(2026, 11, 4, 9))
    trend = q.daily_trend(con, scope(start_date=date(2026, 11, 1), end_date=date(2026, 11, 5)))
    assert trend.day.astype(str).tolist() == ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"]
    assert trend.accepted_count.tolist() == [0, 2, 0, 0]
    assert trend.closed_count.tolist() == [0, 0, 0, 1]


def test_area_summary_lists_every_area_of_the_level_with_its_counts(con):
    add_case(con, district="430903", reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    summary = q.area_summary(con, scope(), 1)
    assert summary.set_index("area_code").accepted_count.to_dict() == {"430902": 0, "430903": 1}
    streets = q.area_summary(con, scope(districts=("430903",)), 2)
    assert streets.area_code.tolist() == ["430903001"]


def test_unit_league_ranks_only_units_above_the_minimum_volume_and_breaks_ties_by_volume(con):
    for _ in range(3):
        closed_case(con, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 5, 9), closed_at=datetime(2026, 11, 4, 9))
    for _ in range(2):
        closed_case(con, datetime(2026, 11, 2, 9), district="430903", deadline_at=datetime(2026, 11, 5, 9),
                    closed_at=datetime(2026, 11, 4, 9))
    closed_case(con, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 5, 9), closed_at=datetime(2026, 11, 4, 9),
                unit_code="C001")
    league = q.unit_league(con, scope(), 2)
    assert league[["unit_code", "due_count", "is_ranked"]].values.tolist() == [
        ["D43090201", 3, True], ["D43090301", 2, True], ["C001", 1, False]]
    assert league["rank"].tolist()[:2] == [1, 2]
    assert league.on_time_rate.tolist()[:2] == [1.0, 1.0]


def test_access_to_one_district_hides_the_other_everywhere(con):
    add_case(con, district="430902", reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    add_case(con, district="430903", reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    only = scope(access=Access.for_districts(("430902",), "资阳区"))
    assert q.case_kpis(con, only).accepted_count == 1
    assert set(q.area_options(con, only).area_code.str[:6]) == {"430902"}
    # a filter naming another district narrows to nothing instead of widening access
    assert q.case_kpis(con, scope(access=only.access, districts=("430903",))).accepted_count == 0
    assert set(q.unit_options(con, only).unit_code) == {"C001", "D43090201"}


def test_no_identity_sees_nothing(con):
    add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    nobody = scope(access=Access())
    assert q.case_kpis(con, nobody).accepted_count == 0
    assert q.area_options(con, nobody).empty


def test_query_files_read_only_the_scoped_relations():
    raw = re.compile(r"\b(FROM|JOIN)\s+(cases|case_steps|case_private|areas|units|checkins|whistles|wishes|"
                     r"activities|pairings|people|needs|projects|resources|supervision_orders|open_cases|expected_stats_day|expected_calibration_closed|expected_calibration_open|"
                     r"case_durations|case_duration_days|community_due_daily|anomaly_daily|"
                     r"categories|sources|time_limits|steps|calendar|area_levels|meta)\b", re.IGNORECASE)
    offenders = [p.name for p in SQL_DIR.glob("*.sql") if p.name != "_scoped.sql" and raw.search(p.read_text())]
    assert offenders == []


def test_compose_merges_a_leading_with_into_the_scope_prefix():
    sql = compose("kpi_counts")
    assert sql.count("WITH ") == 1 and "per_group AS (" in sql


def test_compose_keeps_the_shared_relations_a_query_reads_and_the_relations_they_read():
    def relations(name):
        return set(re.findall(r"(?:^|WITH )([a-z_]+) AS (?:NOT MATERIALIZED )?\(", compose(name), re.MULTILINE))

    for name in ("kpi_counts", "kpi_daily_counts", "overdue_counts"):
        assert {"kpi_group_names", "scoped_units", "scoped_areas"} <= relations(name), name
    for name in ("case_count", "case_list", "case_search", "case_rows"):
        assert {"listed_cases", "case_facts", "overdue_open_cases", "scoped_cases"} <= relations(name), name
    assert not {"listed_cases", "kpi_group_names"} & relations("daily_trend")


def test_a_relation_named_only_in_a_comment_is_not_pulled_in(monkeypatch):
    from queries import runner

    prefix = ("WITH win AS (SELECT $now::TIMESTAMP AS now_at),\n"
              "scoped_x AS (\n    -- unlike win, this reads no clock\n    SELECT 1 AS a /* nor win */ WHERE 'win--' <> ''\n),\n"
              "scoped_y AS (SELECT now_at FROM win)")
    bodies = {"_scoped": prefix, "q_x": "SELECT a FROM scoped_x", "q_y": "SELECT now_at FROM scoped_y"}
    monkeypatch.setattr(runner, "load_sql", bodies.__getitem__)
    runner.compose.cache_clear()
    try:
        assert "win AS" not in runner.compose("q_x") and "scoped_x AS" in runner.compose("q_x")
        assert "win AS" in runner.compose("q_y")     # a real read still pulls the relation in
    finally:
        runner.compose.cache_clear()


@pytest.mark.parametrize("name, own", [("recurrence_rates", {"start": "2026-11-01", "end": "2026-11-08", "days": 30, "meters": 100, "by": "district"}),
                                        ("daily_trend", {})])
def test_a_query_reading_scoped_cases_twice_does_not_copy_the_scoped_cases_first(con, name, own):
    """scoped_cases is NOT MATERIALIZED: read twice (case_facts and overdue_open_cases), DuckDB otherwise
    copied every column of every scoped case before either reader ran (0.47 s at 10M, two years, in the
    pairing scorecard, which now counts its live overdue cases from scoped_open_cases)."""
    sql = compose(name)
    assert len(re.findall(r"\bFROM scoped_cases\b", sql)) >= 2, "the query no longer reads it twice"
    params = {k: v for k, v in scope().params().items() if k in parameters(sql)} | own
    plan = "\n".join(row[1] for row in con.execute("EXPLAIN " + sql, params).fetchall())
    assert "CTE Name: scoped_cases" not in plan


def test_reader_memory_limit_is_set_from_the_environment_and_stays_locked(tmp_path, monkeypatch):
    db = tmp_path / "m.duckdb"
    new_db(db).close()
    monkeypatch.setenv("DASHBOARD_DUCKDB_MEMORY_MB", "300")
    con = connect_readonly(db)
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"   # 300 MB
    with pytest.raises(duckdb.Error):
        con.execute("SET memory_limit = '10GB'")
    con.close()
    monkeypatch.setenv("DASHBOARD_DUCKDB_MEMORY_MB", "8")
    with pytest.raises(ValueError):
        connect_readonly(tmp_path / "other.duckdb")


def test_dashboard_connection_refuses_files_extensions_and_settings(tmp_path):
    db = tmp_path / "x.duckdb"
    new_db(db).close()
    (tmp_path / "secret.csv").write_text("a\n1\n")
    con = connect_readonly(db)
    probes = [
        f"SELECT * FROM read_csv('{tmp_path}/secret.csv')",
        f"SELECT * FROM read_text('{tmp_path}/secret.csv')",
        f"SELECT * FROM glob('{tmp_path}/*')",
        f"COPY (SELECT 1) TO '{tmp_path}/out.csv'",
        f"ATTACH '{tmp_path}/other.duckdb' AS other",
        "INSTALL spatial",
        "LOAD spatial",
        "SET enable_external_access = true",
        "CREATE TABLE t AS SELECT 1",
    ]
    for probe in probes:
        with pytest.raises(duckdb.Error):
            con.execute(probe)
    assert not (tmp_path / "out.csv").exists()


def test_snapshot_reader_sees_each_publish_and_keeps_the_last_good_one_when_missing(tmp_path):
    from data.config import published_path
    from data.store import publish

    db = tmp_path / "snap.duckdb"
    writer = new_db(db)
    publish(writer, db)
    reader = SnapshotReader(published_path(db))
    v1 = reader.version
    assert reader.cursor().execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    add_case(writer, reported_at=datetime(2026, 11, 2, 9))
    publish(writer, db)
    assert reader.version != v1
    assert reader.cursor().execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    published_path(db).unlink()
    assert reader.cursor().execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    assert "不可用" in reader.last_error
    writer.close()


def test_a_case_closed_after_the_window_does_not_count_as_closed_in_it(con):
    # due and dispatched in October, closed in November: October's closing rate stays as reported then
    add_case(con, reported_at=datetime(2026, 10, 20, 9), accepted_at=datetime(2026, 10, 20, 9),
             filed_at=datetime(2026, 10, 20, 9), dispatched_at=datetime(2026, 10, 20, 10),
             deadline_at=datetime(2026, 10, 28, 17), closed_at=datetime(2026, 11, 2, 9), status="closed")
    october = q.case_kpis(con, scope(start_date=date(2026, 10, 1), end_date=date(2026, 11, 1)))
    assert (october.due_count, october.due_closed_count, october.disposal_den, october.disposal_num) == (1, 0, 1, 0)


def test_a_case_active_for_years_counts_in_the_window_of_its_late_closure_span_or_no_span(con):
    # reported two years ago, closed this month: only its closure is inside November
    closed_case(con, datetime(2024, 11, 5, 9), deadline_at=datetime(2024, 11, 12, 17),
                closed_at=datetime(2026, 11, 9, 9))
    closed_case(con, datetime(2024, 11, 5, 9), deadline_at=datetime(2024, 11, 12, 17),
                closed_at=datetime(2024, 11, 9, 9))   # all of it long before November: no set
    assert con.execute("SELECT first_event_at, last_event_at FROM cases ORDER BY case_id").fetchall() == [
        (datetime(2024, 11, 5, 9), datetime(2026, 11, 9, 9)), (datetime(2024, 11, 5, 9), datetime(2024, 11, 12, 17))]
    november = q.case_kpis(con, scope())
    assert (november.closed_count, november.verified_count, november.due_count) == (1, 1, 0)
    # rows nobody has refreshed yet (span NULL) are still counted, never dropped
    con.execute("UPDATE cases SET first_event_at = NULL, last_event_at = NULL")
    again = q.case_kpis(con, scope())
    assert (again.closed_count, again.verified_count, again.due_count) == (1, 1, 0)


def test_publish_sets_the_span_of_rows_any_writer_left_without_one_and_of_changed_rows(tmp_path):
    from data.config import published_path
    from data.store import writer as open_writer

    db = tmp_path / "span.duckdb"
    writer = new_db(db)
    writer.execute("ALTER TABLE cases DROP COLUMN first_event_at")   # a database older than the column
    writer.execute("ALTER TABLE cases DROP COLUMN last_event_at")
    writer.close()
    with open_writer(db) as con:                                      # apply_schema adds them back
        con.execute("INSERT INTO cases BY NAME SELECT * FROM (VALUES (1, 'E0101202611020001', 'grid', 'event', "
                    "'S0101', 'S01', 'closed', TIMESTAMP '2026-11-02 09:00', TIMESTAMP '2026-11-03 09:00', "
                    "TIMESTAMP '2026-11-06 17:00', DATE '2026-11-02', DATE '2026-11-01', 9, TIMESTAMP '2026-11-03', "
                    "'test')) t(case_id, case_no, source, kind, category_code, major_code, status, reported_at, "
                    "closed_at, deadline_at, reported_date, reported_month, reported_hour, updated_at, origin)")
    span = "SELECT first_event_at, last_event_at FROM cases"
    reader = connect_readonly(published_path(db))
    assert reader.execute(span).fetchall() == [(datetime(2026, 11, 2, 9), datetime(2026, 11, 6, 17))]
    reader.close()
    with open_writer(db) as con:
        con.execute("UPDATE cases SET callback_at = TIMESTAMP '2026-11-20 10:00'")
    reader = connect_readonly(published_path(db))
    assert reader.execute(span).fetchall() == [(datetime(2026, 11, 2, 9), datetime(2026, 11, 20, 10))]
    reader.close()


def test_compose_with_the_prefix_split_once_equals_splitting_it_for_every_query():
    """runner._prefix_relations splits _scoped.sql once per process (it cost 20-30 ms per query name);
    every query file must compose to exactly the text of the split-per-call algorithm below."""
    from queries import runner

    def reference(body: str) -> str:
        ctes = runner.split_ctes(runner.load_sql("_scoped").rstrip())
        uses = {n: runner._words(text) - {n} for n, text in ctes}
        wanted, todo = set(), [w for w in runner._words(body) if w in uses]
        while todo:
            n = todo.pop()
            if n not in wanted:
                wanted.add(n)
                todo += [w for w in uses[n] if w in uses]
        kept = [text for n, text in ctes if n in wanted]
        match = runner._LEADING_WITH.match(body)
        if not kept:
            return body
        head = "WITH " + ",\n".join(kept)
        return head + ",\n" + body[match.end():] if match else head + "\n" + body

    names = sorted(p.stem for p in SQL_DIR.glob("*.sql") if p.stem != "_scoped")
    assert len(names) > 50
    for name in names:
        body = runner.load_sql(name)
        assert runner.compose_text(body) == reference(body), name
