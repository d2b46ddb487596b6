"""The alert strip's open cases from the working minutes open_cases holds (alert_cases.sql, clocked at publish)
give exactly what clocking each case in the query gives (alert_cases_clocked.sql): the same frames (rows,
order, dtypes, doubles) for random grants, filters, `now` instants (outside office hours, on holidays, outside
the calendar), near-deadline shares and limits, on tests/test_open_cases.py's seeded city. The rules' Python
(case_alerts, detect) gives exactly the frames of the code it replaced (tests/alerts_reference.py)."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from data.alerts_config import AlertsConfig
from data.store import refresh_open_cases
from queries import alerts, anomalies, snapshot_facts
from queries.runner import fetch
from queries.worktime_sql import office_key, office_params
from tests import alerts_reference
from tests.builders import fetched_names, unequal_frames
from tests.test_open_cases import city, scopes  # noqa: F401 - the seeded city fixture and its selections

OTHER_HOURS = (("08:00", "12:00"), ("13:30", "17:30"))


def selections(con, n: int):
    """test_open_cases' random selections, and the same with `now` moved outside office hours, onto a
    weekend or holiday, and past the calendar's end (the clock of now unknown)."""
    rng = random.Random(83)
    out = scopes(con, n)
    for scope, share, limit in list(out[: n // 2]):
        moved = rng.choice([scope.now_at.replace(hour=rng.choice([0, 7, 12, 19, 23]), minute=rng.randrange(60)),
                            datetime(2026, 10, rng.randrange(1, 8), 10, 30),      # 国庆 holidays
                            datetime(2026, 11, 21, 15, 7, 30),                     # a Saturday, with seconds
                            datetime(2027, 1, 4, 9, 0)])                           # past the calendar
        out.append((replace(scope, now_at=moved), share, limit))
    return out


def frames(con, scope_list, name: str) -> list[pd.DataFrame]:
    office = office_params()
    return [fetch(con, name, scope, near_share=share, limit=limit, **office) for scope, share, limit in scope_list]


@pytest.fixture(scope="module")
def clocked(city):  # noqa: F811 - the imported fixture
    scope_list = selections(city, 40)
    return scope_list, frames(city, scope_list, "alert_cases_clocked")


def test_minutes_clocked_at_publish_give_the_clocked_query_exactly(city, clocked):  # noqa: F811
    scope_list, expected = clocked
    assert sum((f["is_overdue"] == True).sum() for f in expected) > 200           # noqa: E712 - NULL is neither
    assert sum((f["is_overdue"] != True).sum() for f in expected) > 20            # noqa: E712
    assert sum(f["overdue_work_hours"].isna().sum() for f in expected) > 0     # deadlines outside the calendar
    assert sum(len(f) == 0 for f in expected) > 3
    assert unequal_frames(zip(frames(city, scope_list, "alert_cases"), expected, strict=True)) == 0


@pytest.mark.parametrize("column", ["deadline_work_minutes", "handle_deadline_work_minutes", "dispatch_work_minutes"])
def test_one_case_clocked_one_minute_off_or_dropped_is_caught(city, clocked, column):  # noqa: F811
    scope_list, expected = clocked
    shown = pd.concat(expected)
    overdue = column == "deadline_work_minutes"
    victim = int(shown.loc[(shown["is_overdue"] == overdue) & shown["overdue_work_hours"].notna() if overdue
                           else shown["is_overdue"] == overdue, "case_id"].min())
    for change in ("{c} = {c} + 1", "{c} = NULL"):
        city.execute(f"UPDATE open_cases SET {change.format(c=column)} WHERE case_id = $v", {"v": victim})  # noqa: S608
        try:
            assert unequal_frames(zip(frames(city, scope_list, "alert_cases"), expected, strict=True)) > 0
        finally:
            refresh_open_cases(city)
    city.execute("DELETE FROM open_cases WHERE case_id = $v", {"v": victim})
    try:
        assert unequal_frames(zip(frames(city, scope_list, "alert_cases"), expected, strict=True)) > 0
    finally:
        refresh_open_cases(city)
    assert unequal_frames(zip(frames(city, scope_list, "alert_cases"), expected, strict=True)) == 0


def test_the_page_path_reads_the_minutes_only_under_the_office_hours_they_were_clocked_with(city, clocked, monkeypatch):  # noqa: F811
    scope_list, expected = clocked
    scope, share, limit = scope_list[0]
    config = AlertsConfig(near_deadline_share=share, max_case_alerts=limit)
    names = fetched_names(monkeypatch, alerts)
    assert city.execute("SELECT value FROM meta WHERE key = 'open_cases_office'").fetchone()[0] == office_key()
    pd.testing.assert_frame_equal(alerts.alert_cases(city, scope, config), expected[0], check_exact=True)
    assert names == ["open_cases_office", "alert_cases"]
    names.clear()
    other = office_params(OTHER_HOURS)
    monkeypatch.setattr(alerts, "office_params", lambda: other)    # city.toml's hours changed after the publish
    got = alerts.alert_cases(city, scope, config)
    assert names == ["open_cases_office", "alert_cases_clocked"]
    pd.testing.assert_frame_equal(got, fetch(city, "alert_cases_clocked", scope, near_share=share, limit=limit, **other),
                                  check_exact=True)
    snapshot_facts.clear()


def test_a_publish_under_other_office_hours_records_them_with_the_minutes(city, monkeypatch):  # noqa: F811
    import queries.worktime_sql as worktime_sql
    from data.config import load_city
    try:
        monkeypatch.setattr(worktime_sql, "load_city", lambda: replace(load_city(), office_periods=OTHER_HOURS))
        refresh_open_cases(city)
        assert city.execute("SELECT value FROM meta WHERE key = 'open_cases_office'").fetchone()[0] \
            == office_key(office_params(OTHER_HOURS))
        scope, share, limit = scopes(city, 1)[0]
        other = office_params(OTHER_HOURS)
        pd.testing.assert_frame_equal(fetch(city, "alert_cases", scope, near_share=share, limit=3000, **other),
                                      fetch(city, "alert_cases_clocked", scope, near_share=share, limit=3000, **other),
                                      check_exact=True)
    finally:
        monkeypatch.undo()
        refresh_open_cases(city)
    assert city.execute("SELECT value FROM meta WHERE key = 'open_cases_office'").fetchone()[0] == office_key()


def test_case_alerts_give_the_former_rows_texts_and_levels(city, clocked):  # noqa: F811
    scope_list, _ = clocked
    pairs, shown = [], 0
    for scope, share, limit in scope_list:
        config = AlertsConfig(near_deadline_share=share, max_case_alerts=limit)
        want = alerts_reference.case_alerts(city, scope, config)
        shown += len(want)
        pairs.append((alerts.case_alerts(city, scope, config), want))
    assert shown > 200 and any(f["detail_zh"].str.contains("（未派遣）").any() for _, f in pairs)
    assert unequal_frames(pairs) == 0
    got, want = next(pair for pair in pairs if len(pair[1]))
    assert unequal_frames([(got.iloc[1:].reset_index(drop=True), want)]) == 1   # one alert dropped is caught


def test_a_near_deadline_case_without_a_closing_deadline_is_a_near_alert(city, clocked):  # noqa: F811
    """is_overdue is NULL for such a case; the former code raised on it ("boolean value of NA is ambiguous")."""
    scope_list, expected = clocked
    at = next(i for i, f in enumerate(expected) if f["is_overdue"].isna().any())
    scope, share, limit = scope_list[at]
    got = alerts.case_alerts(city, scope, AlertsConfig(near_deadline_share=share, max_case_alerts=limit))
    nameless = expected[at].loc[expected[at]["is_overdue"].isna(), "case_id"]
    assert set(got.loc[got["rule"] == "临期", "alert_key"]) >= {f"near:{c}" for c in nameless}


def random_counts(rng: np.random.Generator, n: int, weeks: int) -> pd.DataFrame:
    """anomaly_counts-shaped rows, many with counts far above their baseline."""
    streets = [f"4309020{i:02d}" for i in range(n)]
    return pd.DataFrame({
        "street_code": streets, "category_code": rng.choice(["S0101", "B0201", "S0102"], n),
        "street_name": [None if rng.random() < 0.1 else f"街道{i}" for i in range(n)],
        "district_name": rng.choice(["资阳区", "赫山区"], n), "minor_name": rng.choice(["暴露垃圾", "路灯"], n),
        "today_count": rng.poisson(rng.choice([0.5, 3, 12], n)).astype("int64"),
        "today_baseline_sum": rng.poisson(rng.choice([1, 8, 30], n)).astype("int64"),
        "week_count": rng.poisson(rng.choice([1, 6, 40], n)).astype("int64"),
        "week_baseline_sum": rng.poisson(rng.choice([4, 40, 200], n)).astype("int64"),
        "weeks": np.full(n, weeks, dtype="int32")})


def test_detect_gives_the_former_alarms_in_the_former_order():
    rng = np.random.default_rng(8)
    cases = 0
    for _ in range(30):
        counts = random_counts(rng, int(rng.integers(0, 400)), int(rng.integers(1, 12)))
        p, min_count = float(rng.choice([1e-5, 0.01, 0.2])), int(rng.integers(1, 8))
        want = alerts_reference.detect(counts, p, min_count)
        cases += len(want)
        pd.testing.assert_frame_equal(anomalies.detect(counts, p, min_count), want, check_exact=True)
    assert cases > 500


def test_anomaly_alerts_from_the_city_give_the_former_alarms(city, monkeypatch):  # noqa: F811
    scope, _, _ = scopes(city, 1)[0]
    counts = anomalies.anomaly_counts(city, scope, 8)
    for p, min_count in ((0.5, 1), (0.01, 2), (1e-5, 5)):
        pd.testing.assert_frame_equal(anomalies.detect(counts, p, min_count),
                                      alerts_reference.detect(counts, p, min_count), check_exact=True)


def test_the_screen_skips_only_pairs_whose_exact_tail_is_not_below_p():
    """detect sums poisson_upper_tail only where surely_not_below is False: on a grid of counts, baselines
    and p, every pair it skips has an exact tail of at least p, and it skips most pairs (the point of it)."""
    observed = np.repeat(np.arange(0, 80), 120)
    lams = np.tile(np.concatenate((np.linspace(0.0625, 3, 40), np.linspace(3, 80, 80))), 80)
    skipped_any = 0
    for p in (1e-9, 1e-5, 0.01, 0.2, 0.49):
        screen = anomalies.surely_not_below(observed, lams, p)
        skipped_any += int(screen.sum())
        assert all(anomalies.poisson_upper_tail(int(k), float(lam)) >= p for k, lam in zip(observed[screen], lams[screen]))
    assert skipped_any > 0.15 * 5 * len(observed)


def test_every_rule_together_gives_the_former_alerts_in_the_former_order(city, clocked):  # noqa: F811
    """evaluate (the strip's list) against the former code over the random selections: case alerts of every
    level, whistles, bursts and units where the selection has them; one alert dropped is caught."""
    from data.signals_config import SignalsConfig
    scope_list, _ = clocked
    signals = SignalsConfig(anomaly_p=0.2, anomaly_min_count=1)          # bursts in this small city
    pairs = []
    for scope, share, limit in scope_list[:30]:
        config = AlertsConfig(near_deadline_share=share, max_case_alerts=limit, unit_min_due=1, unit_on_time_min=0.99)
        pairs.append((alerts.evaluate(city, scope, config, signals),
                      alerts_reference.evaluate(city, scope, config, signals)))
    rules = set().union(*(set(want["rule"]) for _, want in pairs))
    assert {"超期", "临期", "异动", "按期结案率偏低"} <= rules and sum(len(w) for _, w in pairs) > 300
    assert unequal_frames(pairs) == 0
    got, want = next(pair for pair in pairs if len(pair[1]) > 2)
    assert unequal_frames([(got.drop(index=1).reset_index(drop=True), want)]) == 1
