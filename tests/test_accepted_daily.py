"""趋势's counts from the tables built at publish (queries/accepted_daily.py) give exactly the case queries'
frames over random selections of a seeded city: source_mix, hour_weekday and top_categories from
accepted_daily, trend_series from kpi_daily, and kpi_counts' time-free counts for the whole selection
(趋势's cards) as sums of kpi_daily — running and ended windows, windows ending today or yesterday, now
before the data, every grain and measure, every kind of grant, district / street / unit / kind filters,
and the KPI rules toggled (both tables rebuilt). A table built without one case makes the check fail;
the page's functions take the built path exactly where it answers.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest

from data.config import load_city
from data.store import set_meta
from queries import accepted_daily, kpi_daily, trends
from queries.cases import case_kpis
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Access, Scope
from tests.builders import publish_kpi_daily, seeded_copy
from tests.random_selections import CityCodes, grant, pick, window_end

TODAY = date(2026, 11, 23)
RULE_SETS = [{}, dict(exclude_cancelled=False, exclude_shelved=False)]
SELECTIONS_PER_RULE_SET = 40
GROUP_COLUMNS = kpi_daily.GROUP_COLUMNS

pytestmark = pytest.mark.slow   # ~80 selections × 5 queries on a seeded city: ~20 s on a quiet machine


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A writable copy of a small seeded city's snapshot, some cases without a district (kept as a group
    by accepted_daily; the access predicate must drop them for district grants), both tables built."""
    con = seeded_copy(tmp_path_factory.mktemp("accepted_daily"), n_cases=3000, seed=31, today=TODAY)
    con.execute("UPDATE cases SET district_code = NULL, street_code = NULL WHERE case_id % 97 = 3")
    _rebuild(con, apply_rules(Scope(TODAY, TODAY), load_city()))
    yield con
    con.close()


def _rebuild(con, rules: Scope) -> None:
    """As a publish on TODAY under `rules`: kpi_daily (with B for TODAY) and accepted_daily."""
    publish_kpi_daily(con, rules, TODAY)
    key, rows = accepted_daily.build(con, rules)
    set_meta(con, "accepted_daily_rules", key)
    assert rows > 0


def _selections(con, rules: Scope, n: int, seed: int):
    rng = np.random.default_rng(seed)
    city = CityCodes.of(con)
    districts, streets, units = city.districts, city.streets, city.units
    out = []
    while len(out) < n:
        kind = rng.choice(["running", "ended", "ends_today", "ends_yesterday", "before_data", "running"])
        now_day = TODAY + timedelta(days=int(rng.choice([0, 0, 1, int(rng.integers(-420, 40))])))
        now_at = datetime.combine(now_day, time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
        if kind == "before_data":
            now_at = datetime.combine(city.first_day - timedelta(days=int(rng.integers(0, 30))), time(9, 17))
        span = int(rng.choice([1, 2, 7, 30, 31, 92, 365, 730]))
        end = window_end(rng, kind, now_at)
        access = grant(rng, str(rng.choice(["city", "city", "district", "district", "street", "unit"])), city)
        filters = {}
        if rng.random() < 0.35:
            filters["districts"] = pick(rng, districts, int(rng.integers(1, 3)))
        for name, values in (("streets", [s for s, _ in streets]), ("units", units), ("kinds", ["event", "component"])):
            if rng.random() < 0.1:
                filters[name] = pick(rng, values, 1)
        grain = str(rng.choice(list(trends.GRAINS)))
        measure = str(rng.choice(list(trends.TREND_MEASURES)))
        out.append((replace(rules, start_date=end - timedelta(days=span), end_date=end, access=access,
                            now_at=now_at, **filters), grain, measure))
    return out


def _equal(got: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, obj=what)


def _compare(con, scope: Scope, grain: str, measure: str, counts: dict) -> None:
    """Each built path against its case branch, where the routing lets it answer; counts what answered."""
    prev = scope.previous_period()
    wide_categories = replace(scope, start_date=prev.start_date)
    if accepted_daily.answers(con, scope):
        counts["accepted_daily"] += 1
        for name, params in (("source_mix", dict(grain=grain)), ("hour_weekday", {})):
            _equal(fetch(con, name, scope, from_accepted_daily=True, **params),
                   fetch(con, name, scope, from_accepted_daily=False, **params), f"{name} {grain} {scope}")
        params = dict(split=datetime.combine(scope.start_date, time()),
                      previous_end=datetime.combine(prev.end_date, time()), top_n=5)
        _equal(fetch(con, "top_categories", wide_categories, from_accepted_daily=True, **params),
               fetch(con, "top_categories", wide_categories, from_accepted_daily=False, **params),
               f"top_categories {scope}")
    else:
        counts["cases"] += 1
        assert not accepted_daily.holds(scope) or scope.exclude_cancelled != counts["built_cancelled"], scope
    wide = replace(scope, start_date=scope.start_date - timedelta(days=400))
    if accepted_daily.trend_counts_from_kpi_daily(con, wide):
        counts["trend_series"] += 1
        params = dict(grain=grain, measure=measure, series_start=datetime.combine(scope.start_date, time()),
                      data_start=date(2025, 1, 1))
        _equal(fetch(con, "trend_series", wide, from_kpi_daily=True, **params),
               fetch(con, "trend_series", wide, from_kpi_daily=False, **params), f"trend_series {grain} {scope}")
    columns = GROUP_COLUMNS + (f"{measure}_count",) + tuple(   # a quarter of the others, varying by window
        c for j, c in enumerate(accepted_daily.TIME_FREE_COUNTS) if (scope.start_date.toordinal() + j) % 4 == 0
        and c != f"{measure}_count")
    got = accepted_daily.time_free_counts(con, scope, columns)
    if got is not None:
        counts["time_free"] += 1
        _equal(got, fetch(con, "kpi_counts", scope, columns=columns, by="all"), f"time-free counts {scope}")


def test_the_built_paths_equal_the_case_queries_over_random_selections_and_rule_settings(city):
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    counts = {"accepted_daily": 0, "cases": 0, "trend_series": 0, "time_free": 0}
    try:
        for i, overrides in enumerate(RULE_SETS):
            rules = replace(base, **overrides)
            _rebuild(city, rules)
            counts["built_cancelled"] = rules.exclude_cancelled
            for scope, grain, measure in _selections(city, rules, SELECTIONS_PER_RULE_SET, seed=300 + i):
                _compare(city, scope, grain, measure, counts)
            # a scope under other rules than the tables were built with reads the cases
            other = replace(rules, exclude_cancelled=not rules.exclude_cancelled, access=Access.city("市级"))
            assert not accepted_daily.answers(city, other)
            assert not accepted_daily.trend_counts_from_kpi_daily(city, other)
            assert accepted_daily.time_free_counts(city, other, GROUP_COLUMNS + ("accepted_count",)) is None
    finally:
        _rebuild(city, base)
    assert counts["accepted_daily"] >= 35 and counts["cases"] >= 15, counts
    assert counts["trend_series"] >= 50 and counts["time_free"] >= 30, counts


def _drop_one_case(con, case_id: int) -> None:
    """accepted_daily and kpi_daily as a build without case `case_id` (accepted, not cancelled) would hold
    them: its count taken off the rows it was counted in."""
    day, district, source, kind, category, weekday, hour, street, unit = con.execute(
        "SELECT accepted_at::DATE, district_code, source, kind, category_code, isodow(reported_at), reported_hour, "
        "street_code, unit_code FROM cases WHERE case_id = $id", {"id": case_id}).fetchone()
    con.execute("""UPDATE accepted_daily SET case_count = case_count - 1
                   WHERE day = $day AND district_code = $district
                     AND ((dimension = 'source' AND source = $source)
                          OR (dimension = 'category' AND kind = $kind AND category_code = $category)
                          OR (dimension = 'hour' AND weekday = $weekday AND hour = $hour))""",
                dict(day=day, district=district, source=source, kind=kind, category=category,
                     weekday=weekday, hour=hour))
    con.execute("""UPDATE kpi_daily SET accepted_count = accepted_count - 1
                   WHERE day = $day AND district_code = $district AND street_code = $street AND unit_code = $unit""",
                dict(day=day, district=district, street=street, unit=unit))


def test_a_case_missing_from_the_built_tables_makes_every_check_fail(city):
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    case_id, day = city.execute(
        "SELECT case_id, accepted_at::DATE FROM cases WHERE NOT is_cancelled AND district_code IS NOT NULL "
        "AND street_code IS NOT NULL AND unit_code IS NOT NULL AND accepted_at::DATE < $d ORDER BY case_id LIMIT 1",
        {"d": TODAY - timedelta(days=40)}).fetchone()
    scope = replace(base, start_date=day - timedelta(days=3), end_date=day + timedelta(days=4),
                    access=Access.city("市级"), now_at=datetime.combine(TODAY, time(10)))
    counts = {"accepted_daily": 0, "cases": 0, "trend_series": 0, "time_free": 0, "built_cancelled": True}
    _compare(city, scope, "day", "accepted", counts)      # equal before
    _drop_one_case(city, case_id)
    try:
        for name in ("source_mix", "hour_weekday"):
            params = dict(grain="day") if name == "source_mix" else {}
            with pytest.raises(AssertionError):
                _equal(fetch(city, name, scope, from_accepted_daily=True, **params),
                       fetch(city, name, scope, from_accepted_daily=False, **params), name)
        prev = scope.previous_period()
        wide = replace(scope, start_date=prev.start_date)
        params = dict(split=datetime.combine(scope.start_date, time()),
                      previous_end=datetime.combine(prev.end_date, time()), top_n=50)
        with pytest.raises(AssertionError):
            _equal(fetch(city, "top_categories", wide, from_accepted_daily=True, **params),
                   fetch(city, "top_categories", wide, from_accepted_daily=False, **params), "top_categories")
        wide = replace(scope, start_date=scope.start_date - timedelta(days=400))
        params = dict(grain="day", measure="accepted", series_start=datetime.combine(scope.start_date, time()),
                      data_start=None)
        with pytest.raises(AssertionError):
            _equal(fetch(city, "trend_series", wide, from_kpi_daily=True, **params),
                   fetch(city, "trend_series", wide, from_kpi_daily=False, **params), "trend_series")
        columns = GROUP_COLUMNS + ("accepted_count",)
        with pytest.raises(AssertionError):
            _equal(accepted_daily.time_free_counts(city, scope, columns),
                   fetch(city, "kpi_counts", scope, columns=columns, by="all"), "time-free counts")
    finally:
        _rebuild(city, base)


class _Spy:
    """Records (query name, the from_* flags) of every fetch the trend functions make."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple[str, dict]] = []
        real = accepted_daily.fetch

        def fetch_spy(source, name, scope, **params):
            self.calls.append((name, {k: v for k, v in params.items() if k.startswith("from_")}))
            return real(source, name, scope, **params)

        for module in (trends, accepted_daily, kpi_daily):
            monkeypatch.setattr(module, "fetch", fetch_spy)
        import queries.cases
        monkeypatch.setattr(queries.cases, "fetch", fetch_spy)

    def flags(self, name: str) -> list[dict]:
        return [f for n, f in self.calls if n == name]


def test_trends_take_the_built_tables_exactly_where_they_answer(city, monkeypatch):
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    running = replace(base, start_date=TODAY - timedelta(days=29), end_date=TODAY + timedelta(days=1),
                      now_at=datetime.combine(TODAY, time(16)))
    district = city.execute("SELECT min(district_code) FROM cases").fetchone()[0]
    street, street_district = city.execute(
        "SELECT street_code, district_code FROM cases WHERE street_code IS NOT NULL LIMIT 1").fetchone()
    built = [replace(running, access=Access.city("市级")),
             replace(running, access=Access.for_districts((district,), "区县")),
             replace(running, access=Access.city("市级"), districts=(district,))]
    cases_only = [replace(running, access=Access.for_streets((street,), (street_district,), "街道")),
                  replace(running, access=Access.city("市级"), kinds=("event",)),
                  replace(running, access=Access.city("市级"), streets=(street,))]
    for scope in built + cases_only:
        spy = _Spy(monkeypatch)
        trends.source_mix(city, scope, "day")
        trends.hour_weekday(city, scope)
        trends.top_categories(city, scope)
        expected = scope in built
        assert [f["from_accepted_daily"] for n in ("source_mix", "hour_weekday", "top_categories")
                for f in spy.flags(n)] == [expected] * 3, scope
    # trend_series and the cards read kpi_daily for street grants too, not with a kind filter
    for scope, expected in ((cases_only[0], True), (cases_only[1], False), (built[0], True)):
        spy = _Spy(monkeypatch)
        trends.trend_series(city, scope, "day", "accepted")
        assert spy.flags("trend_series") == [{"from_kpi_daily": expected}], scope
        value = case_kpis(city, scope, ("accepted_count",))["accepted_count"]
        assert bool(spy.flags("kpi_daily_sums")) == expected and bool(spy.flags("kpi_counts")) != expected, scope
        assert value == fetch(city, "kpi_counts", scope, columns=GROUP_COLUMNS + ("accepted_count",),
                              by="all")["accepted_count"].iloc[0]
    # 趋势's three cards of 近30天 (本期, 上期, 去年同期: running and ended windows) from kpi_daily, not the cases
    spy = _Spy(monkeypatch)
    for window in (built[0], built[0].previous_period(), built[0].year_ago()):
        case_kpis(city, window, ("accepted_count",))
    assert len(spy.flags("kpi_daily_sums")) == 3 and not spy.flags("kpi_counts")
    # a count that moves with the clock (应结案) keeps kpi_counts' own routing
    spy = _Spy(monkeypatch)
    case_kpis(city, built[0], ("accepted_count", "due_count"))
    assert not spy.flags("kpi_daily_sums")
    # without the rules key (a city below the build threshold) every view reads the cases
    city.execute("DELETE FROM meta WHERE key IN ('accepted_daily_rules', 'kpi_daily_rules')")
    try:
        spy = _Spy(monkeypatch)
        trends.source_mix(city, built[0], "day")
        trends.trend_series(city, built[0], "day", "accepted")
        assert spy.flags("source_mix") == [{"from_accepted_daily": False}]
        assert spy.flags("trend_series") == [{"from_kpi_daily": False}]
    finally:
        _rebuild(city, base)


def test_publish_builds_accepted_daily_only_for_a_city_large_enough(city, monkeypatch):
    from data.store import refresh_accepted_daily

    monkeypatch.setenv("DASHBOARD_KPI_DAILY_MIN_CASES", "1000000")
    assert refresh_accepted_daily(city) == 0
    assert city.execute("SELECT count(*) FROM accepted_daily").fetchone()[0] == 0
    assert city.execute("SELECT count(*) FROM meta WHERE key = 'accepted_daily_rules'").fetchone()[0] == 0
    monkeypatch.setenv("DASHBOARD_KPI_DAILY_MIN_CASES", "0")
    assert refresh_accepted_daily(city) > 0
    assert accepted_daily.answers(city, replace(apply_rules(Scope(TODAY - timedelta(days=30), TODAY), load_city()),
                                                access=Access.city("市级")))


def test_accepted_daily_applies_the_very_access_and_filter_predicate_of_scoped_cases():
    """scoped_accepted_daily repeats scoped_cases' predicate word for word on the codes it holds (street and
    unit are NULL there: a grant or filter on them sees no row); fails the moment the two drift apart."""
    from queries.runner import load_sql, split_ctes

    relations = dict(split_ctes(load_sql("_scoped")))

    def where_lines(name: str) -> list[str]:
        body = relations[name].split("WHERE", 1)[1]
        return [" ".join(line.split()) for line in body.strip().splitlines() if line.strip()]

    cases, built = where_lines("scoped_cases"), where_lines("scoped_accepted_daily")
    assert built[:4] == cases[:4] and cases[0].startswith("($access_all") and "access_units" in cases[3]
    held = [line for line in cases[4:] if any(f"${f}::" in line for f in ("districts", "streets", "units"))]
    assert len(held) == 3 and built[4:7] == held
    others = " ".join(built[7:])
    for name in ("communities", "grids", "kinds", "majors", "categories", "sources"):
        assert f"${name}::VARCHAR[] IS NULL" in others
    assert "NULL::VARCHAR AS street_code, NULL::VARCHAR AS unit_code" in relations["scoped_accepted_daily"]
