"""趋势's queries made cheaper in session 5 give exactly what they gave, for any window, grain, grant and filter
on a random city: 处置时长 asked for one measure (queries.trends.handling_time(..., measure): DuckDB then skips
the other measure's quantiles) is the full query's columns of that measure (rows, order, values, dtypes), on
durations with repeats and missing values; source_mix counted per source code before naming equals the
query it replaced (kept below), unknown source codes included."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from queries import runner
from queries import trends as tq
from queries.scope import Access, Scope
from tests.builders import add_cases, new_db, refresh_read_columns

NOW = datetime(2026, 12, 20, 10, 0)


@pytest.fixture(scope="module")
def city():
    """~900 cases reported Aug–Dec 2026; most closed, with working hours drawn from a few repeated values
    and a spread, some missing (self-handled: no handling time), some cancelled."""
    rng = random.Random(4242)
    con = new_db()
    repeated = [1.5, 4.0, 8.0, 8.0, 12.25]
    cases = []
    for _ in range(900):
        reported = datetime(2026, 8, 1, 7) + timedelta(minutes=rng.randrange(60 * 24 * 140))
        closed = reported + timedelta(hours=rng.randrange(1, 24 * 20)) if rng.random() < 0.85 else None
        self_handled = rng.random() < 0.1
        hours = rng.choice(repeated) if rng.random() < 0.3 else round(rng.uniform(0.1, 120), rng.choice([0, 2, 4]))
        cases.append({
            "district": rng.choice(["430902", "430903"]), "reported_at": reported, "accepted_at": reported,
            "closed_at": closed, "status": "closed" if closed else "dispatched",
            "is_self_handled": self_handled, "is_cancelled": rng.random() < 0.05,
            "source": rng.choice(["grid", "hotline", "app", "unknown_src"]), "kind": rng.choice(["event", "part"]),
            "unit_code": rng.choice(["D43090201", "D43090301", "C001"]),
            "handle_work_hours": None if self_handled or rng.random() < 0.05 else hours,
            "close_work_hours": None if rng.random() < 0.05 else hours + rng.choice([0.0, 2.5, rng.uniform(0, 40)])})
    add_cases(con, cases)
    refresh_read_columns(con)
    yield con
    con.close()


def selections(n: int) -> list[tuple[Scope, str]]:
    rng = random.Random(99)
    grants = [Access.demo(), Access.city("全市"), Access.for_districts(("430902",), "资阳区"),
              Access.for_units(("D43090301",), "赫山区城管局")]
    filters = [{}, {"districts": ("430903",)}, {"sources": ("hotline", "app")}, {"kinds": ("part",)},
               {"units": ("C001",)}, {"streets": ("430902001",)}]
    out = []
    for _ in range(n):
        start = date(2026, 7, 20) + timedelta(days=rng.randrange(150))
        days = rng.choice([1, 7, 14, 30, 61, 92, 150])
        out.append((Scope(start, start + timedelta(days=days), access=rng.choice(grants), now_at=NOW,
                          **rng.choice(filters)), rng.choice(["day", "week", "month"])))
    return out + [(Scope(date(2026, 1, 1), date(2027, 1, 1), access=Access.city("全市"), now_at=NOW), "month")]


def test_one_measure_is_exactly_the_full_frames_columns_of_that_measure(city):
    compared = 0
    for scope, grain in selections(60):
        full = tq.handling_time(city, scope, grain)
        for measure in tq.HANDLING_MEASURES:
            got = tq.handling_time(city, scope, grain, measure)
            assert list(got.columns) == ["bucket_start", "is_total", "closed_count", f"{measure}_timed_count",
                                         f"{measure}_median_hours", f"{measure}_p90_hours"]
            pd.testing.assert_frame_equal(got, full[list(got.columns)], check_exact=True)
            compared += int(full[f"{measure}_timed_count"].sum() > 0)
    assert compared > 60   # most selections hold timed closures of both measures


def test_the_comparison_sees_one_case_more_or_less(city):
    """Guards the test above: one closed case removed changes the full frame of the year."""
    scope, grain = Scope(date(2026, 1, 1), date(2027, 1, 1), access=Access.city("全市"), now_at=NOW), "month"
    before = tq.handling_time(city, scope, grain, "handle")
    victim = city.execute("SELECT case_id FROM cases WHERE closed_at IS NOT NULL AND handle_work_hours IS NOT NULL "
                          "AND NOT is_cancelled ORDER BY case_id LIMIT 1").fetchone()[0]
    row = city.execute("SELECT * FROM cases WHERE case_id = $c", {"c": victim}).df()
    city.execute("DELETE FROM cases WHERE case_id = $c", {"c": victim})
    try:
        with pytest.raises(AssertionError):
            pd.testing.assert_frame_equal(tq.handling_time(city, scope, grain, "handle"), before, check_exact=True)
    finally:
        city.register("victim_row", row)
        city.execute("INSERT INTO cases SELECT * FROM victim_row")
        city.unregister("victim_row")
    pd.testing.assert_frame_equal(tq.handling_time(city, scope, grain, "handle"), before, check_exact=True)


def test_an_unknown_measure_is_refused(city):
    with pytest.raises(ValueError, match="duration measure"):
        tq.handling_time(city, Scope(date(2026, 11, 1), date(2026, 12, 1), access=Access.demo(), now_at=NOW),
                         "week", "mean")


# source_mix.sql before session 5: the names joined to every accepted case, then grouped with them
SOURCE_MIX_BEFORE = """SELECT date_trunc($grain, f.accepted_at)::DATE AS bucket_start, f.source AS source_code,
       coalesce(s.name_zh, f.source) AS source_name, count(*) AS case_count
FROM case_facts f
LEFT JOIN ref_sources s ON s.source_code = f.source
WHERE f.in_accepted
GROUP BY 1, 2, 3
ORDER BY 1, 2;"""


def test_source_mix_counted_before_naming_equals_the_query_it_replaced(city, monkeypatch):
    city.execute("INSERT INTO sources VALUES ('grid', '网格员上报', false), ('hotline', '12345热线', false) "
                 "ON CONFLICT DO NOTHING")
    load = runner.load_sql

    def before(source, scope, grain):
        monkeypatch.setattr(runner, "load_sql", lambda n: SOURCE_MIX_BEFORE if n == "source_mix_before" else load(n))
        try:
            return runner.fetch(source, "source_mix_before", scope, grain=grain)
        finally:
            monkeypatch.setattr(runner, "load_sql", load)

    compared = 0
    for scope, grain in selections(60):
        want = before(city, scope, grain)
        pd.testing.assert_frame_equal(tq.source_mix(city, scope, grain), want, check_exact=True)
        compared += int(len(want) > 0 and (want.source_name == "unknown_src").any())
    assert compared > 30   # named and unnamed sources both shown
