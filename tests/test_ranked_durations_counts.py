"""kpi_counts on the case path with its medians and P90 by rank (queries/kpi_daily.ranked_durations_counts:
counts from kpi_counts.sql, durations from case_durations / case_duration_days) gives exactly the frame of
kpi_counts.sql over random selections — running and ended windows, every grouping, every kind of grant,
district filters; it declines the selections the rank tables cannot answer. One timed case missing from
the rank tables makes it differ. And the previous period's cards of 总览 (queries.kpis.comparison_columns)
take it, with only the columns the arrows read.
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
from queries.kpis import apply_rules, comparison_columns, kpi_columns, kpi_value, registry
from queries.runner import fetch
from queries.scope import Access, Scope
from tests.builders import publish_kpi_daily, seeded_copy
from tests.random_selections import CityCodes, grant, pick, window_end

TODAY = date(2026, 11, 23)
SELECTIONS = 60

pytestmark = pytest.mark.slow   # a seeded city of 2,000 cases with its rank tables: ~30 s to build, ~15 s of checks


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A small seeded city with its rank tables built as a publish on TODAY would (kpi_daily.build)."""
    con = seeded_copy(tmp_path_factory.mktemp("ranked_counts"), n_cases=2000, seed=41, today=TODAY)
    con.execute("UPDATE cases SET district_code = NULL, street_code = NULL WHERE case_id % 97 = 3")
    assert publish_kpi_daily(con, apply_rules(Scope(TODAY, TODAY), load_city()), TODAY) > 0
    yield con
    con.close()


def _selections(con, n: int, seed: int):
    rng = np.random.default_rng(seed)
    codes = CityCodes.of(con)
    rules = apply_rules(Scope(TODAY, TODAY), load_city())
    for _ in range(n):
        kind = str(rng.choice(["running", "ended", "ends_today", "ends_yesterday", "midnight"]))
        now_day = TODAY + timedelta(days=int(rng.choice([0, 0, 1, int(rng.integers(-300, 30))])))
        now_at = datetime.combine(now_day, time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
        if kind == "midnight":
            now_at = datetime.combine(now_day, time(0, int(rng.choice([0, 1, 7]))))
        end = window_end(rng, kind, now_at)
        start = end - timedelta(days=int(rng.choice([1, 7, 30, 31, 92, 365])))
        access = grant(rng, str(rng.choice(["city", "city", "district", "district", "street", "unit"])), codes)
        filters = {"districts": pick(rng, codes.districts, int(rng.integers(1, 3)))} if rng.random() < 0.3 else {}
        by = str(rng.choice(["all", "district", "all", "district", "unit", "street"]))
        durations = tuple(rng.choice(kpi_daily.DURATION_COLUMNS, size=int(rng.integers(1, 4)), replace=False))
        counts = tuple(rng.choice(kpi_daily.COUNT_COLUMNS, size=int(rng.integers(0, 6)), replace=False))
        chosen = set(durations + counts)
        columns = kpi_daily.GROUP_COLUMNS + tuple(c for c in kpi_daily.KPI_COUNTS_COLUMNS if c in chosen)
        yield replace(rules, start_date=start, end_date=end, access=access, now_at=now_at, **filters), by, columns


def test_counts_with_ranked_durations_equal_the_case_path_over_random_selections(city):
    answered = declined = 0
    for scope, by, columns in _selections(city, SELECTIONS, seed=7):
        got = kpi_daily.ranked_durations_counts(city, scope, by, columns)
        if got is None:
            declined += 1
            assert not kpi_daily.ranks_apply(scope, by) or scope.access.sees_nothing, (by, scope)
            continue
        answered += 1
        expected = fetch(city, "kpi_counts", scope, columns=columns, by=by)
        pd.testing.assert_frame_equal(got, expected, check_dtype=True, obj=f"{by} {scope}")
    # every column at once, and no duration asked (declined: nothing to gain)
    scope = replace(apply_rules(Scope(TODAY - timedelta(days=60), TODAY - timedelta(days=30)), load_city()),
                    access=Access.city("市级"), now_at=datetime.combine(TODAY, time(10)))
    pd.testing.assert_frame_equal(kpi_daily.ranked_durations_counts(city, scope, "district"),
                                  fetch(city, "kpi_counts", scope, by="district"))
    assert kpi_daily.ranked_durations_counts(city, scope, "all", ("group_code", "due_count")) is None
    assert answered >= 25 and declined >= 5, (answered, declined)


def test_a_timed_case_missing_from_the_rank_tables_makes_the_check_fail(city, monkeypatch):
    """The comparison above can fail: with one handled case of the window left out of the rank tables
    (its case_durations row and its bucket count), the frame differs from kpi_counts.sql's."""
    scope = replace(apply_rules(Scope(TODAY - timedelta(days=60), TODAY - timedelta(days=30)), load_city()),
                    access=Access.city("市级"), now_at=datetime.combine(TODAY, time(10)))
    columns = kpi_daily.GROUP_COLUMNS + ("due_count", "handle_hours_median", "handle_hours_p90")
    expected = fetch(city, "kpi_counts", scope, columns=columns, by="all")
    assert kpi_daily.ranked_durations_counts(city, scope, "all", columns).equals(expected)
    rows = city.execute("SELECT rowid, day, district_code, bucket FROM case_durations WHERE measure = 'handle' "
                        "AND day >= $s AND day < $e ORDER BY hours, rowid",
                        {"s": scope.start_date, "e": scope.end_date}).fetchall()
    assert len(rows) > 20
    real_fetch = kpi_daily.fetch
    failures = 0
    for rowid, day, district, bucket in (rows[len(rows) // 2], rows[len(rows) * 9 // 10], rows[0], rows[-1]):
        class WithoutOne:   # a reader on which the row is gone (never committed: the cursor closes)
            def cursor(self):
                cur = city.cursor()
                cur.execute("BEGIN")
                cur.execute("DELETE FROM case_durations WHERE rowid = $r", {"r": rowid})
                cur.execute("UPDATE case_duration_days SET case_count = case_count - 1 WHERE measure = 'handle' "
                            "AND day = $d AND district_code IS NOT DISTINCT FROM $c AND bucket = $b",
                            {"d": day, "c": district, "b": bucket})
                return cur

        monkeypatch.setattr(kpi_daily, "fetch", lambda source, name, sc, **kw: real_fetch(
            WithoutOne() if name in ("kpi_duration_counts", "kpi_duration_values") else source, name, sc, **kw))
        failures += not kpi_daily.ranked_durations_counts(city, scope, "all", columns).equals(expected)
    assert failures >= 3


def test_the_previous_period_cards_take_the_rank_tables_with_the_arrows_columns_only(city, monkeypatch):
    """总览's previous period (an ended 30-day window: the case path for its counts) asks only each
    value's numerator and denominator, and its 处置时长 median comes by rank, not from a sort in
    kpi_counts.sql; a street grant (no rank table holds streets) keeps kpi_counts.sql for it. Same frame
    as kpi_counts.sql either way, and every card's previous value reads only those columns."""
    kpis = registry(load_city())
    shown = [kpis[k] for k in ("accepted", "disposal_rate", "on_time_rate", "overdue_open", "handle_hours",
                               "satisfaction_rate")]
    compared = comparison_columns(shown)
    assert set(compared) < set(kpi_columns(shown))
    assert not {"overdue_open_count", "handle_hours_p90", "disposal_pending_count", "handled_count"} & set(compared)
    names, real_fetch = [], kpi_daily.fetch
    monkeypatch.setattr(kpi_daily, "fetch", lambda *a, **k: names.append((a[1], k.get("columns"))) or real_fetch(*a, **k))
    now_at = datetime.combine(TODAY, time(15, 31))
    current = replace(apply_rules(Scope(TODAY - timedelta(days=29), TODAY + timedelta(days=1)), load_city()),
                      access=Access.city("市级"), now_at=now_at)
    district, street = city.execute("SELECT district_code, street_code FROM cases WHERE street_code IS NOT NULL "
                                    "GROUP BY ALL ORDER BY count(*) DESC, 2 LIMIT 1").fetchone()
    for access, by_rank in ((Access.city("市级"), True),
                            (Access(districts=(district,), streets=(street,), label="街道"), False)):
        previous = replace(current, access=access).previous_period()
        names.clear()
        got = kpi_counts(city, previous, "all", compared, live=False)
        read = [n for n, _ in names]
        assert ("kpi_duration_counts" in read) == by_rank, read
        if by_rank:   # the counts' query asks no duration
            assert not any(c in kpi_daily.DURATION_COLUMNS for n, cols in names if n == "kpi_counts" for c in cols)
        pd.testing.assert_frame_equal(got, fetch(city, "kpi_counts", previous,
                                                 columns=kpi_daily.GROUP_COLUMNS + compared, by="all"))
        row = got.iloc[0]
        for kpi in shown:
            if not kpi.is_live:
                kpi_value(row, kpi)   # reads only the compared columns (KeyError otherwise)
