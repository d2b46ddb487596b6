"""The pre-aggregated path of kpi_counts (queries/kpi_daily.py: kpi_daily + the cases not settled) gives
exactly the case path's result — every column, every group, same types — over random selections of a
seeded city: running and ended windows, windows ending today or yesterday, now at odd minutes (just
after midnight, before the data's first day), every grouping, every kind of grant, district / street /
unit filters, and the KPI rules of city.toml [kpi] toggled (kpi_daily rebuilt for each). Also: the
selections really exercise both corrections (B and C): without either the check fails.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest

from data.config import load_city
from queries import kpi_daily
from queries.cases import kpi_counts
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Access, Scope
from tests.builders import publish_kpi_daily, seeded_copy
from tests.random_selections import CityCodes, codes, grant, pick, window_end

TODAY = date(2026, 11, 23)
RULE_SETS = [
    {},   # the city's own rules (city.toml)
    dict(exclude_cancelled=False, exclude_shelved=False, exclude_deferred=False, satisfied_min=5),
    dict(exclude_shelved_due=False, public_sources=("hotline",), satisfied_min=3),
]
SELECTIONS_PER_RULE_SET = 110

pytestmark = pytest.mark.slow   # ~300 comparisons on a seeded city: about a minute on a quiet machine


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A writable copy of a small seeded city's snapshot, with some cases given no district, no
    street or no unit (kpi_daily keeps NULL codes as groups; the access predicate must drop them)."""
    con = seeded_copy(tmp_path_factory.mktemp("kpi_daily"), n_cases=3000, seed=29, today=TODAY)
    con.execute("UPDATE cases SET district_code = NULL, street_code = NULL WHERE case_id % 97 = 3")
    con.execute("UPDATE cases SET street_code = NULL WHERE case_id % 89 = 5")
    con.execute("UPDATE cases SET unit_code = NULL WHERE case_id % 83 = 7")
    _rebuild(con, apply_rules(Scope(TODAY, TODAY), load_city()))   # as the next publish would
    yield con
    con.close()


def _rebuild(con, rules: Scope) -> None:
    """As a publish on TODAY: kpi_daily, and B precomputed for D = TODAY (kpi_daily_unsettled)."""
    assert publish_kpi_daily(con, rules, TODAY) > 0
    assert con.execute("SELECT count(*) FROM kpi_daily_unsettled").fetchone()[0] > 0


def _selections(con, rules: Scope, n: int, seed: int):
    """n random (scope, by, columns) the aggregate path applies to, plus some it does not."""
    rng = np.random.default_rng(seed)
    city = CityCodes.of(con)
    districts, streets, units = city.districts, city.streets, city.units
    out = []
    while len(out) < n:
        kind = rng.choice(["running", "ended", "ends_today", "ends_yesterday", "before_data", "midnight",
                           "running", "midnight"])
        # Half the time on the publish day (B precomputed for D = TODAY when the window runs), some
        # just after the midnight that follows it, the rest any day.
        now_day = TODAY + timedelta(days=int(rng.choice([0, 0, 0, 1, int(rng.integers(-420, 40))])))
        now_at = datetime.combine(now_day, time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
        if kind == "before_data":
            now_at = datetime.combine(city.first_day - timedelta(days=int(rng.integers(0, 30))), time(9, 17))
        if kind == "midnight":
            now_at = datetime.combine(now_day, time(0, int(rng.choice([0, 1, 7]))))
        span = int(rng.choice([1, 2, 7, 30, 31, 92, 365, 730, 800]))
        end = window_end(rng, kind, now_at)
        start = end - timedelta(days=span)
        access = grant(rng, str(rng.choice(["city", "district", "street", "unit"])), city)
        filters = {}
        for name, values in (("districts", districts), ("streets", [s for s, _ in streets]), ("units", units)):
            if rng.random() < 0.25:
                filters[name] = pick(rng, values, int(rng.integers(1, 4)))
        by = str(rng.choice(["all", "unit", "district", "street", "all", "unit", "district", "street",
                             "community", "grid"]))
        if rng.random() < 0.05:
            filters["categories"] = pick(rng, codes(con, "SELECT DISTINCT category_code FROM cases ORDER BY 1"), 2)
        columns = None
        if rng.random() < 0.6:
            chosen = list(rng.choice(kpi_daily.COUNT_COLUMNS + kpi_daily.DURATION_COLUMNS,
                                     size=int(rng.integers(1, 8)), replace=False))
            columns = kpi_daily.GROUP_COLUMNS + tuple(c for c in kpi_daily.KPI_COUNTS_COLUMNS if c in chosen)
        scope = replace(rules, start_date=start, end_date=end, access=access, now_at=now_at, **filters)
        out.append((scope, by, columns))
    return out


def _compare(con, scope, by, columns) -> bool:
    """True when the aggregate path answered (and equalled the case path); False when it declined."""
    expected = fetch(con, "kpi_counts", scope, columns=columns, by=by)
    got = kpi_daily.aggregate_counts(con, scope, by, columns)
    if got is None:
        return False
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, obj=f"{by} {scope}")
    # Without computing B from the cases it answers exactly when B is precomputed for this D (a running
    # window viewed on the publish day).
    precomputed = kpi_daily.aggregate_counts(con, scope, by, columns, compute_b=False)
    assert (precomputed is not None) == (kpi_daily.settled_day(scope) == TODAY == scope.now_at.date()), scope
    if precomputed is not None:
        pd.testing.assert_frame_equal(precomputed, expected, check_dtype=True, obj=f"precomputed B {by} {scope}")
    return True


def _compare_trend(con, scope) -> bool:
    """True when kpi_daily answered daily_trend (and equalled the case path); False when it declined."""
    got = kpi_daily.daily_trend(con, scope)
    if got is None:
        return False
    pd.testing.assert_frame_equal(got, fetch(con, "daily_trend", scope), check_dtype=True, obj=f"trend {scope}")
    return True


def test_the_aggregate_path_equals_the_case_path_over_random_selections_and_rule_settings(city):
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    answered = declined = on_publish_day = other_day = 0
    trends = {"answered": 0, "declined": 0}
    try:
        for i, overrides in enumerate(RULE_SETS):
            rules = replace(base, **overrides)
            _rebuild(city, rules)
            for scope, by, columns in _selections(city, rules, SELECTIONS_PER_RULE_SET, seed=100 + i):
                # daily_trend from kpi_daily: declined only without exclude_cancelled or with a filter it lacks
                if _compare_trend(city, scope):
                    trends["answered"] += 1
                else:
                    trends["declined"] += 1
                    assert not scope.exclude_cancelled or scope.categories is not None, scope
                if _compare(city, scope, by, columns):
                    answered += 1
                    if kpi_daily.settled_day(scope) == TODAY == scope.now_at.date():
                        on_publish_day += 1
                    else:
                        other_day += 1
                else:
                    declined += 1   # only where it must: a grouping or filter kpi_daily lacks, no counts
                    assert not kpi_daily.applies(scope, by) or not set(columns or ()) & set(kpi_daily.COUNT_COLUMNS)
            # a scope with other rules than kpi_daily was built with takes the case path
            other = replace(rules, exclude_cancelled=not rules.exclude_cancelled,
                            start_date=TODAY - timedelta(days=60), end_date=TODAY,
                            now_at=datetime.combine(TODAY, time(10)), access=Access.city("市级"))
            assert kpi_daily.aggregate_counts(city, other, "all") is None
    finally:
        _rebuild(city, base)
    assert answered >= 200 and declined >= 10
    assert on_publish_day >= 60 and other_day >= 100
    assert trends["answered"] >= 150 and trends["declined"] >= 100, trends


def test_kpi_counts_takes_the_aggregate_path_and_keeps_its_column_order(city):
    scope = replace(apply_rules(Scope(TODAY, TODAY), load_city()), start_date=TODAY - timedelta(days=400),
                    end_date=TODAY + timedelta(days=1), access=Access.city("市级"),
                    now_at=datetime.combine(TODAY, time(15, 31)))
    assert kpi_daily.aggregate_counts(city, scope, "unit") is not None
    whole = kpi_counts(city, scope, "unit")
    assert tuple(whole.columns[:len(kpi_daily.KPI_COUNTS_COLUMNS) - 5]) == tuple(
        c for c in kpi_daily.KPI_COUNTS_COLUMNS if c not in kpi_daily.GROUP_COLUMNS)
    assert tuple(fetch(city, "kpi_counts", scope, by="unit").columns) == kpi_daily.KPI_COUNTS_COLUMNS
    assert whole.accepted_count.sum() > 500


def test_without_either_correction_for_the_unsettled_cases_the_check_fails(city, monkeypatch):
    """B (the unbounded counts of unsettled cases, subtracted) and C (their real-window counts, added)
    both matter on these selections: dropping either makes the aggregate path differ from the case path."""
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    selections = [s for s in _selections(city, base, 60, seed=7) if kpi_daily.applies(s[0], s[1])
                  and set(s[2] or kpi_daily.COUNT_COLUMNS) & set(kpi_daily.COUNT_COLUMNS)]
    real_fetch = kpi_daily.fetch

    def without_b(source, name, scope, **kw):
        if name == "kpi_daily_counts":   # no case is "not settled": B is empty
            kw = kw | {"span_start": kpi_daily.UNBOUNDED_END, "span_end": kpi_daily.UNBOUNDED_END}
        return real_fetch(source, name, scope, **kw)

    def without_c(source, name, scope, **kw):
        if name == "kpi_counts" and "span_start" in kw:   # C over no case
            kw = kw | {"span_start": kpi_daily.UNBOUNDED_END}
        return real_fetch(source, name, scope, **kw)

    for broken in (without_b, without_c):
        monkeypatch.setattr(kpi_daily, "fetch", broken)
        if broken is without_b:   # and no precomputed B either (the publish day's)
            city.execute("DELETE FROM kpi_daily_unsettled")
        failures = 0
        for scope, by, columns in selections:
            try:
                _compare(city, scope, by, columns)
            except AssertionError:
                failures += 1
        assert failures >= 5, broken.__name__
        _rebuild(city, base)
    monkeypatch.setattr(kpi_daily, "fetch", real_fetch)
    assert sum(_compare(city, *s) for s in selections) == len(selections)


def test_a_case_missing_from_the_precomputed_b_makes_the_check_fail(city):
    """kpi_daily_unsettled (B for the publish day) built without one case not settled at TODAY's
    midnight: the running windows viewed on TODAY then differ from the case path."""
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    at = datetime.combine(TODAY, time())
    case_id = city.execute(
        "SELECT case_id FROM cases WHERE first_event_at < $at AND last_event_at >= $at AND accepted_at >= $since "
        "AND district_code IS NOT NULL AND NOT is_cancelled ORDER BY case_id LIMIT 1",
        {"at": at, "since": at - timedelta(days=20)}).fetchone()[0]
    city.execute("BEGIN")
    city.execute("DELETE FROM cases WHERE case_id = $id", {"id": case_id})
    kpi_daily.build(city, base, TODAY)
    without_one = city.execute("SELECT * FROM kpi_daily_unsettled").df()
    city.execute("ROLLBACK")
    try:
        city.execute("DELETE FROM kpi_daily_unsettled")
        city.execute("INSERT INTO kpi_daily_unsettled SELECT * FROM without_one")
        failures = 0
        for span in (1, 7, 30, 31, 92, 365):
            for by in ("all", "district"):
                scope = replace(base, start_date=TODAY - timedelta(days=span), end_date=TODAY + timedelta(days=1),
                                access=Access.city("市级"), now_at=datetime.combine(TODAY, time(15, 31)))
                try:
                    _compare(city, scope, by, None)
                except AssertionError:
                    failures += 1
        assert failures >= 6
    finally:
        _rebuild(city, base)
    assert _compare(city, scope, "district", None)


def test_a_case_missing_from_kpi_daily_makes_the_daily_trend_differ(city):
    """kpi_daily built without one case: every window holding the day it was accepted or closed then
    gives a daily trend different from the case path's (so the comparison above can fail)."""
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    case_id, accepted_on = city.execute(
        "SELECT case_id, accepted_at::DATE FROM cases WHERE NOT is_cancelled AND accepted_at < $at "
        "AND district_code IS NOT NULL ORDER BY case_id LIMIT 1 OFFSET 100",
        {"at": datetime.combine(TODAY, time())}).fetchone()
    city.execute("BEGIN")
    city.execute("DELETE FROM cases WHERE case_id = $id", {"id": case_id})
    kpi_daily.build(city, base, TODAY)
    without_one = city.execute("SELECT * FROM kpi_daily").df()
    city.execute("ROLLBACK")
    try:
        city.execute("DELETE FROM kpi_daily")
        city.execute("INSERT INTO kpi_daily SELECT * FROM without_one")
        failures = 0
        for span in (1, 7, 30, 365):
            scope = replace(base, start_date=accepted_on, end_date=accepted_on + timedelta(days=span),
                            access=Access.city("市级"), now_at=datetime.combine(TODAY, time(15, 31)))
            try:
                _compare_trend(city, scope)
            except AssertionError:
                failures += 1
        assert failures == 4
    finally:
        _rebuild(city, base)
    assert _compare_trend(city, scope)


def test_a_case_missing_from_the_durations_makes_the_cards_differ(city, monkeypatch):
    """The cards of a running 30-day window take counts from kpi_daily and 处置时长 from the durations'
    own queries (kpi_counts with durations from MIN_SETTLED_DAYS_PRECOMPUTED_B_DURATIONS settled days):
    kpi_durations.sql, or the rank tables (case_durations, case_duration_days) when the window is long
    enough for them: with one handled case of the window left out of what those queries read, the cards
    differ from the case path."""
    base = replace(apply_rules(Scope(TODAY, TODAY), load_city()), access=Access.city("市级"),
                   start_date=TODAY - timedelta(days=29), end_date=TODAY + timedelta(days=1),
                   now_at=datetime.combine(TODAY, time(15, 31)))
    columns = kpi_daily.GROUP_COLUMNS + ("accepted_count", "filed_count", "due_count", "due_closed_count",
                                         "due_on_time_count", "handle_hours_median", "handled_count", "handle_hours_p90")
    expected = fetch(city, "kpi_counts", base, columns=columns, by="district")
    assert kpi_daily.candidate(base, columns)   # counts from kpi_daily, durations from their own queries
    assert kpi_counts(city, base, "district", columns, live=False).equals(expected)
    ids = [r[0] for r in city.execute(
        "SELECT case_id FROM cases WHERE handled_at >= $s AND handled_at < $e AND handle_work_hours IS NOT NULL "
        "AND NOT is_cancelled AND district_code IS NOT NULL ORDER BY case_id",
        {"s": datetime.combine(base.start_date, time()), "e": base.now_at}).fetchall()]
    assert len(ids) > 20
    real_fetch = kpi_daily.fetch
    failures = 0
    for case_id in ids[::len(ids) // 5][:5]:
        class WithoutOne:   # a reader on which the case is deleted (never committed: the cursor closes)
            def cursor(self, case_id=case_id):
                cur = city.cursor()
                cur.execute("BEGIN")
                day, hours, district = cur.execute(
                    "SELECT handled_at::DATE, handle_work_hours, district_code FROM cases WHERE case_id = $id",
                    {"id": case_id}).fetchone()
                timed = cur.execute("SELECT rowid, bucket FROM case_durations WHERE measure = 'handle' AND day = $d "
                                    "AND hours = $h AND district_code = $c LIMIT 1",
                                    {"d": day, "h": hours, "c": district}).fetchone()
                if timed:   # its row in the rank tables too
                    cur.execute("DELETE FROM case_durations WHERE rowid = $r", {"r": timed[0]})
                    cur.execute("UPDATE case_duration_days SET case_count = case_count - 1 WHERE measure = 'handle' "
                                "AND day = $d AND district_code = $c AND bucket = $b",
                                {"d": day, "c": district, "b": timed[1]})
                cur.execute("DELETE FROM cases WHERE case_id = $id", {"id": case_id})
                return cur

        def without_one(source, name, scope, **kw):
            durations = name in ("kpi_durations", "kpi_duration_counts", "kpi_duration_values")
            return real_fetch(WithoutOne() if durations else source, name, scope, **kw)

        monkeypatch.setattr(kpi_daily, "fetch", without_one)
        got = kpi_counts(city, base, "district", columns, live=False)
        failures += not got.equals(expected)
        pd.testing.assert_series_equal(got.handled_count, expected.handled_count)   # counts: kpi_daily's
    assert failures >= 4


def test_daily_trend_takes_kpi_daily_where_it_can(city, monkeypatch):
    """queries/cases.daily_trend answers from kpi_daily for a district filter, from the cases for a
    category filter; same numbers as the case path either way."""
    from queries.cases import daily_trend

    base = replace(apply_rules(Scope(TODAY, TODAY), load_city()), access=Access.city("市级"),
                   start_date=TODAY - timedelta(days=30), end_date=TODAY + timedelta(days=1),
                   now_at=datetime.combine(TODAY, time(9, 5)))
    district = codes(city, "SELECT min(district_code) FROM cases")[0]
    category = codes(city, "SELECT min(category_code) FROM cases")[0]
    names = []
    real_fetch = kpi_daily.fetch
    monkeypatch.setattr(kpi_daily, "fetch", lambda *a, **k: names.append(a[1]) or real_fetch(*a, **k))
    for filters, aggregate in (({"districts": (district,)}, True), ({"categories": (category,)}, False)):
        names.clear()
        scope = replace(base, **filters)
        got = daily_trend(city, scope)
        assert ("kpi_daily_trend" in names) == aggregate
        pd.testing.assert_frame_equal(got, fetch(city, "daily_trend", scope))
        assert got.accepted_count.sum() > 0


def test_kpi_counts_takes_the_precomputed_b_for_running_windows_on_the_publish_day_only(city, monkeypatch):
    """queries/cases.kpi_counts: a running window of more than MIN_SETTLED_DAYS_PRECOMPUTED_B settled
    days viewed on the publish day is answered by the aggregate path for counts, and for durations too
    from MIN_SETTLED_DAYS_PRECOMPUTED_B_DURATIONS; a shorter window with durations, after the following
    midnight (B not precomputed for that D), or a 7-day one, by the case path — same numbers."""
    answers = []
    real = kpi_daily.aggregate_counts

    def spy(*args, **kw):
        answers.append(real(*args, **kw) is not None)
        return real(*args, **kw)

    monkeypatch.setattr(kpi_daily, "aggregate_counts", spy)
    names, real_fetch = [], kpi_daily.fetch

    def named(source, name, scope, **kw):
        names.append(name)
        return real_fetch(source, name, scope, **kw)

    monkeypatch.setattr(kpi_daily, "fetch", named)
    base = replace(apply_rules(Scope(TODAY, TODAY), load_city()), access=Access.city("市级"))
    after_midnight = datetime.combine(TODAY + timedelta(days=1), time(0, 5))
    counts = kpi_daily.GROUP_COLUMNS + ("accepted_count", "due_count", "satisfied_count")
    for days, now_at, end, columns, aggregate in (
            (30, datetime.combine(TODAY, time(9, 5)), TODAY + timedelta(days=1), counts, True),
            # with durations: from 近30天 (29 settled days) on, not for 20 days
            (30, datetime.combine(TODAY, time(9, 5)), TODAY + timedelta(days=1), None, True),
            (20, datetime.combine(TODAY, time(9, 5)), TODAY + timedelta(days=1), None, False),
            (30, datetime.combine(TODAY, time(9, 5)), TODAY + timedelta(days=1),
             counts + ("filed_count", "due_closed_count", "handled_count", "handle_hours_median"), True),
            # fewer than COUNTS_PER_MEASURE counts per duration measure: the case path
            (30, datetime.combine(TODAY, time(9, 5)), TODAY + timedelta(days=1),
             counts + ("handle_hours_median", "handled_count", "handle_hours_p90"), False),
            (30, after_midnight, TODAY + timedelta(days=2), counts, False),
            (7, datetime.combine(TODAY, time(9, 5)), TODAY + timedelta(days=1), counts, False),
            (400, after_midnight, TODAY + timedelta(days=2), None, True),
            # ended at the publish day's midnight: D = the publish day, but B from the cases, once
            (400, after_midnight, TODAY, counts, True)):
        answers.clear()
        names.clear()
        scope = replace(base, start_date=end - timedelta(days=days), end_date=end, now_at=now_at)
        got = kpi_counts(city, scope, "district", columns, live=False)
        # B precomputed (a running window on the publish day): read by the file that plans no case
        # relation; otherwise B from the cases, or no A − B at all (the case path)
        running_today = now_at.date() == TODAY and end > TODAY
        assert ("kpi_daily_counts_precomputed" in names) == (aggregate and running_today), (days, now_at, names)
        assert ("kpi_daily_counts" in names) == (aggregate and not running_today), (days, now_at, names)
        monkeypatch.setattr(kpi_daily, "aggregate_counts", lambda *a, **k: None)
        pd.testing.assert_frame_equal(got, kpi_counts(city, scope, "district", columns, live=False))
        monkeypatch.setattr(kpi_daily, "aggregate_counts", spy)
        assert any(answers) == aggregate, (days, now_at)


def test_publish_builds_kpi_daily_only_for_a_city_large_enough_to_gain_from_it(city, monkeypatch):
    """Below DASHBOARD_KPI_DAILY_MIN_CASES (default 3M) a publish empties kpi_daily and leaves its rules
    unset, so every selection takes the case path (measured faster there); at or above it, it builds."""
    from data.store import KPI_DAILY_MIN_CASES, refresh_kpi_daily

    scope = replace(apply_rules(Scope(TODAY, TODAY), load_city()), start_date=TODAY - timedelta(days=400),
                    end_date=TODAY + timedelta(days=1), access=Access.city("市级"),
                    now_at=datetime.combine(TODAY, time(15, 31)))
    cases = city.execute("SELECT count(*) FROM cases").fetchone()[0]
    assert cases < KPI_DAILY_MIN_CASES
    monkeypatch.delenv("DASHBOARD_KPI_DAILY_MIN_CASES", raising=False)
    assert refresh_kpi_daily(city) == 0
    assert city.execute("SELECT count(*) FROM kpi_daily").fetchone()[0] == 0
    assert city.execute("SELECT count(*) FROM meta WHERE key = 'kpi_daily_rules'").fetchone()[0] == 0
    assert kpi_daily.aggregate_counts(city, scope, "all") is None
    case_path = kpi_counts(city, scope, "district")

    monkeypatch.setenv("DASHBOARD_KPI_DAILY_MIN_CASES", str(cases + 1))
    assert refresh_kpi_daily(city) == 0
    monkeypatch.setenv("DASHBOARD_KPI_DAILY_MIN_CASES", str(cases))
    assert refresh_kpi_daily(city) > 0
    assert kpi_daily.aggregate_counts(city, scope, "all") is not None
    pd.testing.assert_frame_equal(kpi_counts(city, scope, "district"), case_path)

    monkeypatch.setenv("DASHBOARD_KPI_DAILY_MIN_CASES", "三百万")
    with pytest.raises(ValueError, match="DASHBOARD_KPI_DAILY_MIN_CASES"):
        refresh_kpi_daily(city)
    monkeypatch.setenv("DASHBOARD_KPI_DAILY_MIN_CASES", "0")
    assert refresh_kpi_daily(city) > 0     # left built for any test after this one


def test_kpi_daily_applies_the_very_access_and_filter_predicate_of_scoped_cases():
    """_scoped.sql is the one enforcement point; scoped_kpi_daily repeats scoped_cases' predicate on the
    codes it holds (SQL has no way to share a WHERE between two tables). This fails the moment the two
    drift apart, e.g. a grant rule changed in one place only."""
    from queries.runner import load_sql, split_ctes

    relations = dict(split_ctes(load_sql("_scoped")))

    def where_lines(name: str) -> list[str]:
        body = relations[name].split("WHERE", 1)[1]
        return [" ".join(line.split()) for line in body.strip().splitlines() if line.strip()]

    cases, daily = where_lines("scoped_cases"), where_lines("scoped_kpi_daily")
    access = cases[:4]
    assert access[0].startswith("($access_all") and "access_units" in access[3]
    assert daily[:4] == access
    held = [line for line in cases[4:] if any(f"${f}::" in line for f in ("districts", "streets", "units"))]
    assert len(held) == 3 and daily[4:7] == held
    others = " ".join(daily[7:])
    for name in kpi_daily.CASE_ONLY_FILTERS:
        assert f"${name}::VARCHAR[] IS NULL" in others
    assert where_lines("scoped_kpi_daily_unsettled") == daily   # B precomputed: the same predicate
    assert where_lines("scoped_case_durations") == daily        # durations by rank: the same predicate


def test_the_precomputed_b_of_another_day_is_never_subtracted(city):
    """kpi_daily_counts_precomputed.sql reads kpi_daily_unsettled only for the day it was built for:
    asked with another $day_to (a publish between the rules question and the query) it says invalid,
    so the caller takes the case path instead of subtracting the wrong day's B."""
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    _rebuild(city, base)   # as a publish on TODAY (an earlier test may have published on the clock's day)
    scope = replace(base, start_date=TODAY - timedelta(days=30), end_date=TODAY + timedelta(days=1),
                    access=Access.city("市级"), now_at=datetime.combine(TODAY, time(15, 31)))
    asked = {"columns": kpi_daily.GROUP_COLUMNS + ("accepted_count", kpi_daily.PRESENCE, kpi_daily.VALID),
             "by": "all", "day_from": scope.start_date, "kpi_rules": kpi_daily.rules_key(scope)}
    assert fetch(city, "kpi_daily_counts_precomputed", scope, day_to=TODAY, **asked)[kpi_daily.VALID].all()
    other = fetch(city, "kpi_daily_counts_precomputed", scope, day_to=TODAY - timedelta(days=1), **asked)
    assert not other[kpi_daily.VALID].any()
