"""The pairing scorecard with its due counts from community_due_daily (queries/community_due_daily.py) gives
exactly the frame of the case path over random selections of a seeded city: windows of 1 to 730 days,
running and ended, ending today or yesterday, now on the publish day, the day after or long before;
city / district / street / unit grants; district / street / community / unit filters, and kinds or
categories (which must take the case path); the KPI rules toggled with the tables rebuilt. A table built
without one case makes the check fail; the access predicate of scoped_community_due_daily is pinned.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest

from data.config import load_city
from queries import community_due_daily, party
from queries.kpis import apply_rules
from queries.runner import fetch
from queries.scope import Access, Scope
from tests.builders import publish_kpi_daily, seeded_copy
from tests.random_selections import CityCodes, grant, pick, window_end

TODAY = date(2026, 11, 23)
RULE_SETS = [{}, dict(exclude_shelved_due=False, exclude_deferred=False, exclude_cancelled=False)]
SELECTIONS_PER_RULE_SET = 32

pytestmark = pytest.mark.slow   # ~64 selections × 2 scorecards on a seeded city of 2,500 cases


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A writable copy of a small seeded city's snapshot, some cases without a street, community or unit
    (the access predicate must drop them the case path's way), the tables built as a publish on TODAY."""
    con = seeded_copy(tmp_path_factory.mktemp("community_due"), n_cases=2500, seed=47, today=TODAY)
    con.execute("UPDATE cases SET street_code = NULL, community_code = NULL WHERE case_id % 89 = 5")
    con.execute("UPDATE cases SET unit_code = NULL WHERE case_id % 97 = 7")
    # every community with cases paired (the seeder pairs a fifth of them), some since recently, some ended
    con.execute("""INSERT INTO pairings (pairing_id, unit_code, community_code, since_date, until_date)
                   SELECT 10000 + row_number() OVER (ORDER BY c.community_code), u.unit_code, c.community_code,
                          DATE '2026-11-23' - (c.n * 37 % 900)::INTEGER,
                          CASE WHEN c.n % 5 = 0 THEN DATE '2026-11-23' - (c.n * 11 % 200)::INTEGER END
                   FROM (SELECT community_code, row_number() OVER (ORDER BY community_code) AS n
                         FROM (SELECT DISTINCT community_code FROM cases WHERE community_code IS NOT NULL)
                         WHERE community_code NOT IN (SELECT community_code FROM pairings)) c
                   JOIN (SELECT unit_code, row_number() OVER (ORDER BY unit_code) AS k
                         FROM (SELECT DISTINCT unit_code FROM pairings)) u
                     ON u.k = 1 + c.n % (SELECT count(DISTINCT unit_code) FROM pairings)""")
    publish_kpi_daily(con, apply_rules(Scope(TODAY, TODAY), load_city()), TODAY)
    yield con
    con.close()


def _communities(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT community_code FROM pairings ORDER BY 1").fetchall()]


def _selections(con, rules: Scope, n: int, seed: int) -> list[Scope]:
    """Random selections; the filters mostly drawn inside the grant (codes nest: a community's code starts
    with its street's, a street's with its district's), so that most have paired communities to count."""
    rng = np.random.default_rng(seed)
    city = CityCodes.of(con)
    communities = _communities(con)
    pairing_units = [r[0] for r in con.execute("SELECT DISTINCT unit_code FROM pairings ORDER BY 1").fetchall()]
    out = []
    while len(out) < n:
        kind = str(rng.choice(["running"] * 4 + ["ends_today", "ended", "ends_yesterday", "before_data"]))
        now_day = TODAY + timedelta(days=int(rng.choice([0, 0, 0, 0, 0, 1, 2, int(rng.integers(-400, 0))])))
        now_at = datetime.combine(now_day, time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
        if kind == "before_data":
            now_at = datetime.combine(city.first_day - timedelta(days=int(rng.integers(0, 30))), time(9, 17))
        span = int(rng.integers(1, 731))
        end = window_end(rng, kind, now_at)
        grant_kind = str(rng.choice(["city", "city", "district", "district", "street", "unit"]))
        if grant_kind == "unit" and rng.random() < 0.7:   # a unit with pairings (its own records)
            access = Access.for_units(pick(rng, pairing_units, int(rng.integers(1, 3))), "单位")
        else:
            access = grant(rng, grant_kind, city)
        inside = tuple(access.streets or access.districts) if not access.all_districts else ("",)
        near = [c for c in communities if c.startswith(inside)] or communities
        filters = {}
        if rng.random() < 0.25:
            filters["districts"] = tuple(sorted({c[:6] for c in pick(rng, near, int(rng.integers(1, 3)))}))
        if rng.random() < 0.15:
            filters["streets"] = tuple(sorted({c[:9] for c in pick(rng, near, int(rng.integers(1, 4)))}))
        if rng.random() < 0.2:
            filters["communities"] = pick(rng, near, int(rng.integers(1, 8)))
        if rng.random() < 0.1:
            filters["units"] = pick(rng, city.units + pairing_units, int(rng.integers(1, 4)))
        if rng.random() < 0.08:
            filters["kinds"] = ("event",)
        if rng.random() < 0.05:
            filters["categories"] = tuple(r[0] for r in con.execute(
                "SELECT DISTINCT category_code FROM cases ORDER BY 1 LIMIT 3").fetchall())
        out.append(replace(rules, start_date=end - timedelta(days=span), end_date=end, access=access,
                           now_at=now_at, **filters))
    return out


def _case_path(con, scope: Scope) -> pd.DataFrame:
    return fetch(con, "party_pairing_scorecard", scope, from_community_due_daily=False)


def _equal(got: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True, obj=what)


def test_the_scorecard_from_the_table_equals_the_case_path_over_random_selections_and_rules(city):
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    answered, declined, due_seen = 0, 0, 0
    try:
        for i, overrides in enumerate(RULE_SETS):
            rules = replace(base, **overrides)
            publish_kpi_daily(city, rules, TODAY)
            for scope in _selections(city, rules, SELECTIONS_PER_RULE_SET, seed=700 + i):
                got = party.pairing_scorecard(city, scope)
                if community_due_daily.settled_before(city, scope) is None:
                    declined += 1
                    assert (scope.kinds or scope.categories or scope.access.sees_nothing
                            or not scope.start_date < TODAY <= min(datetime.combine(scope.end_date, time()),
                                                                   scope.now_at).date()), scope
                else:
                    answered += 1
                    due_seen += int(got["due_count"].sum() > 0)
                _equal(got, _case_path(city, scope), f"scorecard {scope}")
            # a scope under other rules than the tables were built with reads the cases
            other = replace(rules, exclude_deferred=not rules.exclude_deferred, access=Access.city("市级"),
                            start_date=TODAY - timedelta(days=60), end_date=TODAY + timedelta(days=1),
                            now_at=datetime.combine(TODAY, time(15)))
            assert community_due_daily.settled_before(city, other) is None
    finally:
        publish_kpi_daily(city, base, TODAY)
    assert answered >= 35 and declined >= 15 and due_seen >= 30, (answered, declined, due_seen)


def test_a_case_missing_from_the_table_changes_the_scorecard(city):
    """Built without one settled due case (its counts taken off its row), the table's path differs."""
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    scope = replace(base, start_date=TODAY - timedelta(days=400), end_date=TODAY + timedelta(days=1),
                    access=Access.city("市级"), now_at=datetime.combine(TODAY, time(15)))
    assert community_due_daily.settled_before(city, scope) == datetime.combine(TODAY, time())
    _equal(party.pairing_scorecard(city, scope), _case_path(city, scope), "before")
    day, community = city.execute(
        """SELECT day, community_code FROM community_due_daily
           WHERE due_closed_count > 0 AND community_code IN (SELECT community_code FROM pairings)
             AND day >= $d ORDER BY day, community_code LIMIT 1""", {"d": TODAY - timedelta(days=300)}).fetchone()
    rowid = city.execute("SELECT min(rowid) FROM community_due_daily WHERE day = $d AND community_code = $c",
                         {"d": day, "c": community}).fetchone()[0]
    city.execute("""UPDATE community_due_daily SET due_count = due_count - 1, due_closed_count = due_closed_count - 1
                    WHERE rowid = $r""", {"r": rowid})
    try:
        with pytest.raises(AssertionError):
            _equal(party.pairing_scorecard(city, scope), _case_path(city, scope), "one case dropped")
    finally:
        publish_kpi_daily(city, base, TODAY)


def test_the_case_path_reads_only_the_cases_the_table_does_not_hold(city):
    """With the table's rows counted, case_facts must start at the table's day: read from the window's start
    instead, the settled cases would count twice (the table's part is not a correction)."""
    base = apply_rules(Scope(TODAY, TODAY), load_city())
    scope = replace(base, start_date=TODAY - timedelta(days=200), end_date=TODAY + timedelta(days=1),
                    access=Access.city("市级"), now_at=datetime.combine(TODAY, time(15)))
    doubled = fetch(city, "party_pairing_scorecard", scope, from_community_due_daily=True)
    assert (doubled["due_count"] > _case_path(city, scope)["due_count"]).any()


def test_community_due_daily_applies_the_very_access_and_filter_predicate_of_scoped_cases():
    """scoped_community_due_daily repeats scoped_cases' predicate word for word on the codes it holds; with a
    filter on any other code it is empty. Fails the moment the two drift apart."""
    from queries.runner import load_sql, split_ctes

    relations = dict(split_ctes(load_sql("_scoped")))

    def where_lines(name: str) -> list[str]:
        body = relations[name].split("WHERE", 1)[1]
        return [" ".join(line.split()) for line in body.strip().splitlines() if line.strip()]

    cases, built = where_lines("scoped_cases"), where_lines("scoped_community_due_daily")
    assert built[:4] == cases[:4] and cases[0].startswith("($access_all") and "access_units" in cases[3]
    held = [line for line in cases[4:] if any(f"${f}::" in line for f in ("districts", "streets", "communities", "units"))]
    assert len(held) == 4 and built[4:8] == held
    others = " ".join(built[8:])
    for name in community_due_daily.TABLE_LACKS:
        assert f"${name}::VARCHAR[] IS NULL" in others
    assert "FROM community_due_daily" in relations["scoped_community_due_daily"]
