"""Page test: the overview shows the exact KPI values of a small known database."""
from __future__ import annotations

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import add_case, new_db
from tests.pagetools import clear_caches, metric_values, publish_test_db


def closed(con, reported, deadline, closed_at, **kw):
    add_case(con, reported_at=reported, accepted_at=reported, filed_at=reported, dispatched_at=reported,
             handled_at=closed_at, verified_at=closed_at, closed_at=closed_at, deadline_at=deadline, status="closed", **kw)


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    con = new_db()
    # Two districts; window = 近30天 ending 2026-11-23 (pinned now).
    closed(con, datetime(2026, 11, 2, 9), datetime(2026, 11, 4, 17), datetime(2026, 11, 3, 9))
    closed(con, datetime(2026, 11, 3, 9), datetime(2026, 11, 5, 17), datetime(2026, 11, 6, 9))   # late
    closed(con, datetime(2026, 11, 4, 9), datetime(2026, 11, 6, 17), datetime(2026, 11, 5, 9), district="430903")
    add_case(con, reported_at=datetime(2026, 11, 10, 9), accepted_at=datetime(2026, 11, 10, 9),
             filed_at=datetime(2026, 11, 10, 9), dispatched_at=datetime(2026, 11, 10, 10),
             deadline_at=datetime(2026, 11, 12, 17), status="dispatched", district="430903")          # overdue open
    add_case(con, reported_at=datetime(2026, 11, 11, 9), is_cancelled=True, status="cancelled")
    db = tmp_path / "page.duckdb"
    publish_test_db(con, db)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", "2026-11-23T10:00:00")
    clear_caches()
    yield
    clear_caches()


def test_overview_shows_the_exact_kpis_of_the_known_database(app_env):
    at = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    assert not at.exception
    values = metric_values(at)
    assert values["受理数"] == "4"
    assert values["立案数"] == "4"
    assert values["结案数（应结案中）"] == "3"
    assert values["处置率"] == "75.00%"        # 3 closed of 4 filed and dispatched
    assert values["按期结案率"] == "50.00%"    # 2 on time of 4 due
    assert values["超期未处置"] == "1"


def test_choosing_a_district_in_the_url_changes_the_numbers(app_env):
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.query_params["district"] = "430903"
    at.run()
    assert not at.exception
    values = metric_values(at)
    assert values["受理数"] == "2"
    assert values["处置率"] == "50.00%"
    assert values["超期未处置"] == "1"


def test_a_malformed_url_parameter_is_ignored_with_a_notice(app_env):
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.query_params["range"] = "<script>"
    at.query_params["district"] = "abc"
    at.run()
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "无法识别" in notices and "无效" in notices
    assert metric_values(at)["受理数"] == "4"


def test_a_custom_range_works_when_the_clock_is_pinned_to_old_data(app_env, monkeypatch):
    # An imported 2013 city: Streamlit's default date minimum (ten years before the real today)
    # must not exceed the pinned today.
    monkeypatch.setenv("DASHBOARD_NOW", "2013-10-31T03:00:00")
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.query_params["range"] = "custom"
    at.query_params["start"] = "2013-10-01"
    at.query_params["end"] = "2013-10-31"
    at.run()
    assert not at.exception
    assert metric_values(at)["受理数"] == "0"


def test_a_snapshot_from_an_older_version_is_upgraded_on_first_view(app_env, tmp_path):
    import duckdb

    from data.config import published_path
    from data.store import SCHEMA_VERSION

    db = tmp_path / "page.duckdb"
    # As a database written before cases had their activity span: no columns, no schema stamp.
    for path in (db, published_path(db).resolve()):
        con = duckdb.connect(str(path))
        con.execute("ALTER TABLE cases DROP COLUMN first_event_at")
        con.execute("ALTER TABLE cases DROP COLUMN last_event_at")
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")
        con.close()
    at = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    assert not at.exception
    assert metric_values(at)["受理数"] == "4" and metric_values(at)["超期未处置"] == "1"
    assert [s.label for s in at.status] == ["数据库已升级"]
    con = duckdb.connect(str(db), read_only=True)   # the writers' file, which the snapshot copies
    assert con.execute("SELECT count(*) FROM cases WHERE last_event_at IS NOT NULL").fetchone()[0] == 5
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
    con.close()


def test_the_arrows_compare_with_the_previous_period_and_the_live_count_has_none(app_env):
    """The previous period's row holds only the numerators and denominators the arrows read
    (queries.kpis.comparison_columns): the arrows still show the exact changes. Window [11-09, 11-24):
    1 accepted, 1 due (open, late); previous [10-25, 11-09): 3 accepted, 3 due, 2 on time."""
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.query_params["range"] = "custom"
    at.query_params["start"] = "2026-11-09"
    at.query_params["end"] = "2026-11-23"
    at.run()
    assert not at.exception
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["受理数"] == "-2"
    assert deltas["应结案数"] == "-2"
    assert deltas["按期结案率"] == "-66.67 个百分点"
    assert deltas["超期未处置"] == ""          # a count as of now: no comparison
