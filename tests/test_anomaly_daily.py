"""异动's counts with the days no week boundary cuts read from anomaly_daily (built at publish,
queries/anomalies.py) equal the former query over the cases exactly (rows, order, values, dtypes), over
random selections of a seeded city — grants city / district / street / unit, filters on districts, streets,
大类, 小类, kinds and communities, clock times at midnight, with seconds and microseconds, in the middle of
the data and past its end, 1..8 weeks of baseline. One report missing from the table makes the check fail;
the table is read only where it answers; scoped_anomaly_daily repeats scoped_cases' predicate word for word.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest

from data.store import refresh_anomaly_daily, set_meta
from queries import anomalies
from queries.runner import execute_text, fetch
from queries.scope import Access, Scope
from tests.builders import seeded_copy, unequal_frames
from tests.random_selections import CityCodes, grant, pick

TODAY = date(2026, 11, 23)
SELECTIONS = 60

# anomaly_counts.sql as it was before anomaly_daily (every report of the span read from the cases).
FORMER_QUERY = """WITH spans AS (
    SELECT now_at, date_trunc('day', now_at) AS day_start_at FROM win
),
recent AS (
    SELECT c.street_code, c.category_code,
           -- whole weeks back from now (0 = the current 7 days)
           floor(date_diff('second', c.reported_at, s.now_at) / 604800.0)::INTEGER AS weeks_back,
           (c.reported_at + to_days(7 * floor(date_diff('second', c.reported_at, s.now_at) / 604800.0)::INTEGER))
               >= s.day_start_at AS in_day_span
    FROM scoped_cases c, spans s
    WHERE NOT c.is_cancelled AND c.street_code IS NOT NULL
      -- bounds on $now itself, not on the window's column: compared with a constant, the scan skips the
      -- row groups reported earlier (a comparison with a joined column is not pushed into the scan)
      AND c.reported_at < $now::TIMESTAMP AND c.reported_at >= $now::TIMESTAMP - to_days(7 * ($weeks::INTEGER + 1))
),
counts AS (
    SELECT street_code, category_code,
           count(*) FILTER (WHERE weeks_back = 0 AND in_day_span) AS today_count,
           count(*) FILTER (WHERE weeks_back > 0 AND in_day_span) AS today_baseline_sum,
           count(*) FILTER (WHERE weeks_back = 0) AS week_count,
           count(*) FILTER (WHERE weeks_back > 0) AS week_baseline_sum
    FROM recent
    GROUP BY street_code, category_code
)
SELECT k.street_code, k.category_code, a.name AS street_name, d.name AS district_name, cat.minor_name,
       k.today_count, k.today_baseline_sum, k.week_count, k.week_baseline_sum, $weeks::INTEGER AS weeks
FROM counts k
LEFT JOIN scoped_areas a ON a.area_code = k.street_code
LEFT JOIN scoped_areas d ON d.area_code = a.district_code AND d.level = 1
LEFT JOIN ref_categories cat ON cat.category_code = k.category_code
WHERE k.today_count > 0 OR k.week_count > 0
ORDER BY k.street_code, k.category_code;
"""


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A writable copy of a small seeded city's snapshot, some cases without a street (left out by both
    paths) or cancelled, anomaly_daily built as a publish builds it."""
    con = seeded_copy(tmp_path_factory.mktemp("anomaly_daily"), n_cases=3000, seed=47, today=TODAY)
    con.execute("UPDATE cases SET district_code = NULL, street_code = NULL WHERE case_id % 97 = 3")
    # two thirds of the reports moved into the ten weeks before TODAY + 1 day, at any microsecond, so the
    # baselines are not thin (the seeded city spreads 3,000 cases over years)
    con.execute("UPDATE cases SET reported_at = $end - to_microseconds((hash(case_id) % $span)::BIGINT) "
                "WHERE case_id % 3 <> 0", {"end": datetime.combine(TODAY + timedelta(days=1), time()),
                                            "span": 71 * 86_400_000_000})
    assert refresh_anomaly_daily(con, force=True) > 0
    yield con
    con.close()


def _former(con, scope: Scope, weeks: int) -> pd.DataFrame:
    return execute_text(con, FORMER_QUERY, scope, weeks=weeks).df()


def _selections(con, n: int, seed: int) -> list[tuple[Scope, int]]:
    rng = np.random.default_rng(seed)
    city = CityCodes.of(con)
    majors = [r[0] for r in con.execute("SELECT DISTINCT major_code FROM cases ORDER BY 1").fetchall()]
    categories = [r[0] for r in con.execute("SELECT DISTINCT category_code FROM cases ORDER BY 1").fetchall()]
    communities = [r[0] for r in con.execute(
        "SELECT DISTINCT community_code FROM cases WHERE community_code IS NOT NULL ORDER BY 1").fetchall()]
    out = []
    for _ in range(n):
        day = TODAY + timedelta(days=int(rng.choice([0, 0, -1, 1, int(rng.integers(-60, 0))])))
        clock = str(rng.choice(["midnight", "minute", "second", "micro"]))
        at = datetime.combine(day, time())
        if clock != "midnight":
            at += timedelta(hours=int(rng.integers(0, 24)), minutes=int(rng.integers(0, 60)))
        if clock in ("second", "micro"):
            at += timedelta(seconds=int(rng.integers(0, 60)))
        if clock == "micro":
            at += timedelta(microseconds=int(rng.integers(1, 1_000_000)))
        access = grant(rng, str(rng.choice(["city", "city", "district", "district", "street", "unit"])), city)
        filters = {}
        if rng.random() < 0.25:
            filters["districts"] = pick(rng, city.districts, int(rng.integers(1, 3)))
        if rng.random() < 0.15:
            filters["streets"] = pick(rng, [s for s, _ in city.streets], int(rng.integers(1, 4)))
        if rng.random() < 0.15:
            filters["majors"] = pick(rng, majors, 2)
        if rng.random() < 0.15:
            filters["categories"] = pick(rng, categories, 5)
        for name, values in (("kinds", ["event", "component"]), ("communities", communities)):
            if rng.random() < 0.08:
                filters[name] = pick(rng, values, 1)
        scope = Scope(day - timedelta(days=30), day + timedelta(days=1), now_at=at, access=access, **filters)
        out.append((scope, int(rng.integers(1, 9))))
    return out


def test_anomaly_counts_equal_the_former_query_over_random_selections(city):
    selections = _selections(city, SELECTIONS, seed=5)
    pairs = [(anomalies.anomaly_counts(city, s, w), _former(city, s, w)) for s, w in selections]
    assert unequal_frames(pairs) == 0
    # the table answered most of them, and they were not all empty
    read_table = [anomalies.holds_selection(s) and len(want) > 0 for (s, _), (_, want) in zip(selections, pairs)]
    assert sum(read_table) >= SELECTIONS // 3
    assert sum(int(want.week_baseline_sum.sum()) for _, want in pairs) > 1000


def _one_table_report(con) -> tuple[Scope, int, tuple]:
    """A city-wide view at 10:30 on TODAY with 4 weeks of baseline, and a row of anomaly_daily it reads from the
    table (a day no week boundary cuts)."""
    weeks = 4
    scope = Scope(TODAY - timedelta(days=30), TODAY + timedelta(days=1),
                  now_at=datetime.combine(TODAY, time(10, 30)), access=Access.city("市级"))
    row = con.execute(
        "SELECT report_day, street_code, category_code FROM anomaly_daily "
        "WHERE report_day < $d AND report_day > $d - 7 * ($w + 1) AND date_diff('day', report_day, $d) % 7 <> 0 "
        "ORDER BY report_day DESC, street_code, category_code LIMIT 1", {"d": TODAY, "w": weeks}).fetchone()
    assert row is not None
    return scope, weeks, row


def test_one_report_missing_from_the_table_makes_the_check_fail(city):
    scope, weeks, key = _one_table_report(city)
    where = "report_day = $d AND street_code = $s AND category_code = $c"
    params = dict(zip("dsc", key))
    assert unequal_frames([(anomalies.anomaly_counts(city, scope, weeks), _former(city, scope, weeks))]) == 0
    city.execute(f"UPDATE anomaly_daily SET reports = reports - 1 WHERE {where}", params)  # noqa: S608 - constants
    try:
        assert unequal_frames([(anomalies.anomaly_counts(city, scope, weeks), _former(city, scope, weeks))]) == 1
        # not built (meta unset, as during a publish): the cases answer, whatever the table holds
        city.execute("DELETE FROM meta WHERE key = 'anomaly_daily_built'")
        assert unequal_frames([(anomalies.anomaly_counts(city, scope, weeks), _former(city, scope, weeks))]) == 0
    finally:
        city.execute(f"UPDATE anomaly_daily SET reports = reports + 1 WHERE {where}", params)  # noqa: S608
        set_meta(city, "anomaly_daily_built", "1")


def test_the_table_is_read_only_where_it_answers(city, monkeypatch):
    flags = []
    real = anomalies.fetch

    def spy(source, name, scope, **params):
        if name == "anomaly_counts":
            flags.append(params["from_anomaly_daily"])
        return real(source, name, scope, **params)

    monkeypatch.setattr(anomalies, "fetch", spy)
    base = Scope(TODAY, TODAY + timedelta(days=1), now_at=datetime.combine(TODAY, time(9)), access=Access.city("市级"))
    answered = [base, replace(base, access=Access.for_districts(("430902",), "区县")),
                replace(base, districts=("430902",), majors=("01",), categories=("0101",))]
    not_answered = [replace(base, access=Access.for_units(("U1",), "单位")), replace(base, units=("U1",)),
                    replace(base, kinds=("event",)), replace(base, sources=("12345",)),
                    replace(base, communities=("C1",)), replace(base, grids=("G1",)),
                    replace(base, access=Access())]
    for scope in answered + not_answered:
        anomalies.anomaly_counts(city, scope, 4)
    assert flags == [True] * len(answered) + [False] * len(not_answered)


def test_publish_builds_anomaly_daily_only_for_a_city_large_enough(city, monkeypatch):
    import data.store
    monkeypatch.setattr(data.store, "kpi_daily_min_cases", lambda: 10**9)
    try:
        assert refresh_anomaly_daily(city) == 0
        assert city.execute("SELECT count(*) FROM anomaly_daily").fetchone()[0] == 0
        assert city.execute("SELECT count(*) FROM meta WHERE key = 'anomaly_daily_built'").fetchone()[0] == 0
    finally:
        assert refresh_anomaly_daily(city, force=True) > 0
    assert city.execute("SELECT value FROM meta WHERE key = 'anomaly_daily_built'").fetchone()[0] == "1"


def test_anomaly_daily_applies_the_very_access_and_filter_predicate_of_scoped_cases():
    """scoped_anomaly_daily repeats scoped_cases' predicate word for word on the codes it holds (unit_code
    is NULL there: a unit grant or filter sees no row; the filters on columns it lacks see none either)."""
    from queries.runner import load_sql, split_ctes

    relations = dict(split_ctes(load_sql("_scoped")))

    def where_lines(name: str) -> list[str]:
        body = relations[name].split("WHERE", 1)[1]
        return [" ".join(line.split()) for line in body.strip().splitlines() if line.strip()]

    cases, built = where_lines("scoped_cases"), where_lines("scoped_anomaly_daily")
    assert built[:4] == cases[:4] and cases[0].startswith("($access_all") and "access_units" in cases[3]
    held = [line for line in cases[4:]
            if any(f"${f}::" in line for f in ("districts", "streets", "majors", "categories", "units"))]
    assert len(held) == 5 and built[4:9] == held
    others = " ".join(built[9:])
    for name in anomalies.DAY_TABLE_MISSING_FILTERS:
        if name != "units":
            assert f"${name}::VARCHAR[] IS NULL" in others
    assert "NULL::VARCHAR AS unit_code FROM anomaly_daily" in relations["scoped_anomaly_daily"]
