"""The anomalies planted in the demo (data/demo_anomalies.py) are found, and nothing else is: no
alarm fires on the quiet baseline of the weeks before them."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import duckdb
import pytest

from data import seed
from data.signals_config import load_signals
from queries.anomalies import anomalies
from queries.reporters import repeat_reporters, same_issue
from queries.scope import Access, Scope

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 30)     # seed.build's "now" for a day that is not today


@pytest.fixture(scope="module")
def demo(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("DASHBOARD_REPORTER_SALT", "demo-test")
    db = tmp_path_factory.mktemp("anomalies") / "demo.duckdb"
    seed.build(db, n_cases=20000, seed=11, today=TODAY, progress=lambda _m: None)
    con = duckdb.connect(str(db), read_only=True)
    planted = json.loads(con.execute("SELECT value FROM meta WHERE key = 'demo_anomalies'").fetchall()[0][0])
    yield con, planted
    con.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def scope_at(now: datetime) -> Scope:
    return Scope(start_date=now.date() - timedelta(days=30), end_date=now.date() + timedelta(days=1),
                 access=Access.demo(), now_at=now)


def alarms_at(con, now: datetime):
    config = load_signals()
    return anomalies(con, scope_at(now), config.anomaly_weeks, config.anomaly_p, config.anomaly_min_count)


@pytest.mark.slow
def test_the_planted_rain_burst_and_night_market_are_the_alarms_of_today(demo):
    con, planted = demo
    found = {(r.street_code, r.category_code, r.span) for r in alarms_at(con, NOW).itertuples()}
    rain, noise = planted["rain"], planted["night_market"]
    assert found == {(rain["street_code"], "B0102", "today"), (rain["street_code"], "B0102", "week"),
                     (noise["street_code"], "S0703", "week")}


@pytest.mark.slow
def test_no_alarm_on_the_quiet_weeks_before_them(demo):
    con, _ = demo
    fired = []
    for days_back in range(8, 64):
        for hour in (10, 18):
            now = (NOW - timedelta(days=days_back)).replace(hour=hour, minute=0)
            fired += [(now, r.street_name, r.minor_name, r.observed) for r in alarms_at(con, now).itertuples()]
    assert fired == []


@pytest.mark.slow
def test_the_night_market_callers_show_as_many_reporters_and_one_repeat_caller(demo):
    con, planted = demo
    config = load_signals()
    episodes = same_issue(con, scope_at(NOW), config.same_issue_hours, config.same_issue_reporters)
    noise = episodes[episodes.category_code == "S0703"]
    assert len(noise) == 1 and noise.grid_code.iloc[0] == planted["night_market"]["grid_code"]
    assert noise.reporters.iloc[0] >= 10
    repeat = repeat_reporters(con, scope_at(NOW), config.repeat_reports)
    assert repeat[["reports", "top_minor_name"]].values.tolist() == [[4, "噪音扰民"]]
