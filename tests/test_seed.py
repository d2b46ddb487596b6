"""The demo generator: deterministic, every table filled, and the records obey the case lifecycle."""
from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd
import pytest

from data import seed
from data.worktime import WorkCalendar, limits_for, load_time_limits

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("seed") / "demo.duckdb"
    counts = seed.build(db, n_cases=6000, seed=11, today=TODAY, progress=lambda _m: None)
    con = duckdb.connect(str(db), read_only=True)
    yield con, counts, db
    con.close()


# Audit records are written by people opening case details on the dashboard (data/audit/*.jsonl,
# loaded into audit_log by an operator job); a freshly generated database has had no viewer yet.
# scrubbed_text, case_handoffs, case_dispatches and open_cases fill when a snapshot is published (the counts are taken before the
# first publish; tests/test_case_handoffs.py and tests/test_open_cases.py build and check them).
# kpi_daily (and kpi_daily_unsettled) is built at publish only for a city of data.store.KPI_DAILY_MIN_CASES cases or more
# (tests/test_kpi_daily.py builds and checks it); so are expected_stats_day (tests/test_expected_stats_day.py)
# and expected_calibration_closed / _open (tests/test_expected_calibration_built.py), case_durations /
# case_duration_days and community_due_daily, built with kpi_daily (tests/test_kpi_duration_ranks.py,
# tests/test_community_due_daily.py), accepted_daily (tests/test_accepted_daily.py) and anomaly_daily
# (tests/test_anomaly_daily.py).
TABLES_FILLED_BY_USE = {"audit_log", "scrubbed_text", "kpi_daily", "kpi_daily_unsettled", "case_handoffs",
                        "case_dispatches", "open_cases", "expected_stats_day", "expected_calibration_closed",
                        "expected_calibration_open", "case_durations", "case_duration_days", "accepted_daily",
                        "community_due_daily", "anomaly_daily"}


def test_every_table_of_the_schema_has_rows(demo):
    _, counts, _ = demo
    empty = [t for t, n in counts.items() if not t.startswith("_") and n == 0]
    assert empty == sorted(TABLES_FILLED_BY_USE)


def test_the_same_seed_and_day_give_the_same_cases(demo, tmp_path):
    con, _, _ = demo
    again = tmp_path / "again.duckdb"
    seed.build(again, n_cases=6000, seed=11, today=TODAY, progress=lambda _m: None)
    digest = "SELECT sum(hash(case_no, reported_at, closed_at, unit_code, grid_code)) FROM cases"
    other = duckdb.connect(str(again), read_only=True)
    assert other.execute(digest).fetchone() == con.execute(digest).fetchone()
    other.close()


def test_steps_happen_in_lifecycle_order_and_never_after_now(demo):
    con, _, _ = demo
    disorder = con.execute("""
        SELECT count(*) FROM cases WHERE accepted_at < reported_at OR filed_at < accepted_at
            OR dispatched_at < filed_at OR handled_at < filed_at OR verified_at < handled_at OR closed_at < verified_at
    """).fetchone()[0]
    assert disorder == 0
    as_of = datetime.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'data_as_of'").fetchone()[0])
    latest = con.execute("SELECT max(greatest(reported_at, accepted_at, filed_at, dispatched_at, handled_at, "
                         "verified_at, closed_at, callback_at)) FROM cases").fetchone()[0]
    assert latest <= as_of


def test_step_history_follows_time_within_every_case(demo):
    con, _, _ = demo
    backwards = con.execute("""
        SELECT count(*) FROM (SELECT step_at, lag(step_at) OVER (PARTITION BY case_id ORDER BY seq) AS prev
                              FROM case_steps) WHERE step_at < prev
    """).fetchone()[0]
    assert backwards == 0
    bounced = con.execute("SELECT count(*) FROM cases WHERE dispatch_count > 1 AND origin = 'demo'").fetchone()[0]
    redispatch_rows = con.execute("SELECT count(*) FROM case_steps WHERE step = 'redispatch'").fetchone()[0]
    assert bounced == redispatch_rows > 0


def test_a_reworked_case_is_checked_against_the_deadline_from_its_second_reply(demo):
    con, _, _ = demo
    cal = WorkCalendar.from_config()
    limits = load_time_limits()
    rows = con.execute("""
        SELECT c.case_id, c.category_code, c.verify_deadline_at, c.verified_at,
               list(s.step_at ORDER BY s.seq) FILTER (WHERE s.step IN ('handle', 'rework')) AS replies,
               list(s.step ORDER BY s.seq) FILTER (WHERE s.step IN ('handle', 'rework')) AS steps
        FROM cases c JOIN case_steps s USING (case_id)
        WHERE c.rework_count > 0 AND c.origin = 'demo'
        GROUP BY ALL""").fetchall()
    assert len(rows) > 20
    for case_id, category, verify_deadline, verified, replies, steps in rows:
        assert steps == ["handle", "rework", "handle"], case_id
        first, failed, second = replies
        assert first < failed < second < verified
        amount, unit = limits_for(limits, np.array([category], dtype=object), "verify")
        expected = cal.add(np.array([second], "datetime64[us]"), amount, unit)[0]
        assert verify_deadline == pd.Timestamp(expected).to_pydatetime(), case_id


def test_case_numbers_are_unique_and_in_the_standard_form(demo):
    con, _, _ = demo
    n, distinct, bad = con.execute(
        "SELECT count(*), count(DISTINCT case_no), "
        "count(*) FILTER (WHERE NOT regexp_matches(case_no, '^[BS][0-9]{4}[0-9]{8}[0-9]{5}$')) FROM cases "
        "WHERE origin = 'demo'"
    ).fetchone()
    assert n == distinct and bad == 0


def test_shapes_match_the_published_ranges(demo):
    con, _, _ = demo
    filed_share, rework_share, satisfied_share, open_overdue = con.execute("""
        SELECT count(filed_at) / count(accepted_at),
               avg((rework_count > 0)::INT) FILTER (WHERE dispatched_at IS NOT NULL),
               avg((satisfaction >= 4)::INT),
               count(*) FILTER (WHERE closed_at IS NULL AND deadline_at < (SELECT max(reported_at) FROM cases)
                                  AND NOT is_cancelled AND NOT is_shelved)
        FROM cases
    """).fetchone()
    assert 0.96 < filed_share < 0.995
    assert 0.005 < rework_share < 0.04
    assert 0.82 < satisfied_share < 0.96
    assert open_overdue > 0


def test_the_published_snapshot_is_what_readers_open(demo):
    from data.config import published_path
    _, _, db = demo
    link = published_path(db)
    assert link.is_symlink() and link.resolve().parent.name.endswith(".published.d")


def test_the_demo_shows_a_real_import_with_rejected_and_flagged_rows(demo):
    con, _, _ = demo
    status, read, accepted, rejected = con.execute(
        "SELECT status, rows_read, accepted, rejected FROM import_ledger").fetchone()
    assert (status, read, accepted, rejected) == ("complete", 44, 41, 3)
    reasons = {r for (r,) in con.execute("SELECT reason_code FROM import_rejects").fetchall()}
    assert reasons == {"date_unparseable", "phone_digits_lost", "date_future"}
    assert con.execute("SELECT count(*) FROM import_flags").fetchone()[0] >= 1
