"""Clock-free cache keys (queries/clock_keys.py): a result cached without the minute must equal the
result computed at the real minute, for every query the cache keys that way, on cases that straddle
every deadline (open, closed late, due later that day, overdue since before the window)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from queries import cases as q
from queries import clock_keys
from queries.kpis import kpi_columns, registry
from queries.scope import Access, Scope
from data.config import load_city
from tests.builders import add_cases, new_db
from ui.cache import QUERIES

KPIS = registry(load_city())
START, END = date(2026, 11, 1), date(2026, 11, 24)
NOWS = [datetime(2026, 11, 24, 10, 31), datetime(2026, 12, 20, 16, 5),
        datetime(2027, 3, 1, 9, 0)]
SOME = kpi_columns([KPIS[k] for k in ("accepted", "on_time_rate", "disposal_rate", "overdue_open")])
# name -> argument tuples to try
CALLS = {
    "case_kpis": [(), (SOME,), (kpi_columns([KPIS["accepted"]]),)],
    "area_kpis": [(1,), (2, SOME)],
    "unit_kpis": [(), (SOME,)],
    "area_summary": [(1,), (2,)],
    "unit_league": [(1,)],
    "daily_trend": [()],
    "trend_series": [("day", "accepted"), ("week", "closed")],
    "top_categories": [(5,)],
    "hour_weekday": [()],
    "source_mix": [("day",)],
    "handling_time": [("week",)],
}


def _random_cases(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    base = datetime(2026, 9, 15, 8, 0)
    for i in range(n):
        reported = base + timedelta(hours=float(rng.uniform(0, 24 * 95)))
        deadline = reported + timedelta(hours=float(rng.choice([4, 30, 80, 200, 900])))
        fate = rng.choice(["open", "closed", "late", "cancelled", "shelved", "not_filed"])
        closed_at = None
        if fate in ("closed", "late"):
            closed_at = reported + timedelta(hours=float(rng.uniform(1, 60 if fate == "closed" else 600)))
        row = dict(reported_at=reported, accepted_at=reported, filed_at=reported + timedelta(hours=1),
                   dispatched_at=reported + timedelta(hours=2), handle_deadline_at=deadline - timedelta(hours=2),
                   handled_at=closed_at, closed_at=closed_at, deadline_at=deadline,
                   close_work_hours=(closed_at - reported).total_seconds() / 3600 if closed_at else None,
                   handle_work_hours=(closed_at - reported).total_seconds() / 7200 if closed_at else None,
                   status={"open": "dispatched", "not_filed": "not_filed"}.get(fate, "closed" if closed_at else "filed"),
                   is_cancelled=fate == "cancelled", is_shelved=fate == "shelved",
                   dispatch_count=1, district=str(rng.choice(["430902", "430903"])))
        if closed_at and closed_at > datetime(2026, 12, 21):
            row.update(closed_at=None, handled_at=None, close_work_hours=None, handle_work_hours=None,
                       status="dispatched")
        out.append(row)
    return out


@pytest.fixture(scope="module")
def con():
    c = new_db()
    add_cases(c, _random_cases(400, 13))
    yield c
    c.close()


def _assembled(con, name: str, scope: Scope, args: tuple):
    fn = QUERIES[name]
    return clock_keys.assemble(name, scope, args,
                               lambda key, live: fn(con, key, *args) if live else fn(con, key, *args, live=False),
                               lambda live_scope, by: q.overdue_counts(con, live_scope, by))


def _same(a, b) -> None:
    if isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_dtype=False)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    else:
        assert a == b


@pytest.mark.parametrize("name", sorted(CALLS))
def test_an_ended_window_cached_without_the_minute_equals_the_result_at_the_minute(con, name):
    for now_at in NOWS:
        for districts in (None, ("430903",)):
            scope = Scope(START, END, Access.demo(), now_at, districts=districts)
            assert scope.has_ended()
            for args in CALLS[name]:
                _same(_assembled(con, name, scope, args), QUERIES[name](con, scope, *args))


def test_the_cases_exercise_the_live_count_and_the_period_end():
    rows = _random_cases(400, 13)
    assert sum(r["closed_at"] is None and not r["is_cancelled"] for r in rows) > 50


def test_the_live_count_differs_between_minutes_so_the_check_above_means_something(con):
    counts = {now_at: int(q.case_kpis(con, Scope(START, END, Access.demo(), now_at)).overdue_open_count)
              for now_at in NOWS}
    assert len(set(counts.values())) >= 3


def test_a_running_window_keys_on_the_minute_and_an_ended_one_on_its_end():
    running = Scope(START, END, Access.demo(), datetime(2026, 11, 23, 10, 0))
    assert not running.has_ended() and clock_keys.key_scope("case_kpis", running) is running
    a, b = (Scope(START, END, Access.demo(), datetime(2026, 11, 25, h, m)) for h, m in ((9, 0), (17, 42)))
    assert clock_keys.key_scope("case_kpis", a) == clock_keys.key_scope("case_kpis", b)
    assert clock_keys.key_scope("case_list", a) is a   # not declared: the minute stays in the key
    assert clock_keys.key_scope("area_options", running) == clock_keys.key_scope(
        "area_options", Scope(START, END, Access.demo(), datetime(2026, 11, 23, 18, 0)))
    assert a.live() == Scope(date(2020, 1, 1), date(2020, 1, 2), Access.demo(), a.now_at).live()


@pytest.mark.parametrize("name,args", [("area_options", ()), ("unit_options", ()), ("category_options", ()),
                                       ("source_options", ()), ("area_shapes", (1,)), ("data_years", ())])
def test_clock_free_queries_do_not_read_the_minute(con, name, args):
    results = [QUERIES[name](con, Scope(START, END, Access.demo(), now_at), *args) for now_at in NOWS]
    for other in results[1:]:
        _same(results[0], other)


# The parameters through which a query could read the window or the clock.
TIME_PARAMETERS = {"start", "end", "now", "span_start", "span_end"}


@pytest.mark.parametrize("name", sorted(clock_keys.WINDOW_FREE))
def test_window_free_queries_read_neither_the_window_nor_the_clock(name):
    from queries.runner import compose, parameters

    assert not parameters(compose(name)) & TIME_PARAMETERS


@pytest.mark.parametrize("name,args", [("area_options", ()), ("unit_options", ()), ("category_options", ()),
                                       ("source_options", ()), ("area_shapes", (1,)), ("area_shapes", (2,))])
def test_a_window_free_query_computed_on_its_key_equals_the_selection_itself(con, name, args):
    """What the cache computes on the key scope (fixed window and minute, no filters for the option
    lists) is what the selection gets when computed directly, for every window, minute and filter."""
    for start, end, now_at, districts in ((START, END, NOWS[0], None), (date(2025, 1, 1), date(2026, 1, 1), NOWS[2], None),
                                          (START, END, NOWS[1], ("430902",)), (START, END, NOWS[0], ("430903",))):
        for access in (Access.demo(), Access.for_districts(("430903",), "赫山区")):
            scope = Scope(start, end, access, now_at, districts=districts)
            _same(QUERIES[name](con, clock_keys.key_scope(name, scope), *args), QUERIES[name](con, scope, *args))


def test_option_lists_share_one_entry_per_grant_and_never_across_grants():
    city, district = Access.demo(), Access.for_districts(("430903",), "赫山区")
    keys = {clock_keys.key_scope("area_options", Scope(start, end, access, now_at, districts=d, streets=s))
            for start, end in ((START, END), (date(2026, 1, 1), date(2027, 1, 1)))
            for now_at in NOWS for d, s in ((None, None), (("430902",), None), (("430902",), ("430902001",)))
            for access in (city, district)}
    assert {k.access for k in keys} == {city, district}
    assert len(keys) == 2          # one per grant: every window, minute and area filter shares it
    # The map's polygons drop the window but keep the area filter: a district's map is its own.
    a, b = (clock_keys.key_scope("area_shapes", Scope(START, END, city, NOWS[0], districts=(d,)))
            for d in ("430902", "430903"))
    assert a != b
    assert a == clock_keys.key_scope("area_shapes", Scope(date(2025, 3, 1), date(2025, 4, 1), city, NOWS[2],
                                                         districts=("430902",), period="month"))


def test_a_district_user_after_a_city_user_gets_only_its_own_areas_from_the_shared_store(con, monkeypatch):
    """Through ui.cache.get and the process's result store: the city user fills the option list,
    then the district user asks with every other part of the selection equal."""
    from ui import cache as ui_cache
    from ui.result_cache import ResultCache

    class Snap:
        version = "v1"

        def cursor(self):
            return con.cursor()

    store = ResultCache(max_bytes=2 ** 24, ttl_seconds=900)
    monkeypatch.setattr(ui_cache, "results", lambda: store)
    monkeypatch.setattr(ui_cache, "snapshot", lambda: Snap())
    city = ui_cache.get("area_options", Scope(START, END, Access.demo(), NOWS[0]))
    assert set(city.area_code) >= {"430902", "430903"}
    got = ui_cache.get("area_options", Scope(START, END, Access.for_districts(("430903",), "赫山区"), NOWS[0],
                                             districts=("430903",)))
    leaked = [c for c in got.area_code if not c.startswith("430903")]
    assert leaked == [] and "430903" in set(got.area_code)
    again = ui_cache.get("area_options", Scope(date(2026, 1, 1), date(2026, 2, 1), Access.demo(), NOWS[1],
                                               districts=("430902",)))
    assert store.hits >= 1 and set(again.area_code) == set(city.area_code)


def _live_apart(con, name: str, scope: Scope, args: tuple, overdue=None):
    """What ui/cache.py computes for a running window: the query without its live count, the count from
    the selection's overdue_counts_sets entry of that minute (clock_keys.compute_live)."""
    fn = QUERIES[name]
    overdue = overdue or (lambda by: q.overdue_slice(q.overdue_count_sets(con, scope.live()), by)
                          if by in q.SETS_GROUPINGS else q.overdue_counts(con, scope.live(), by))
    return clock_keys.compute_live(
        name, args, lambda live: fn(con, scope, *args) if live else fn(con, scope, *args, live=False), overdue)


def _running_scopes():
    for now_at in NOWS:
        for days_back, districts in ((20, None), (60, ("430903",)), (1, None)):
            scope = Scope(now_at.date() - timedelta(days=days_back), now_at.date() + timedelta(days=3), Access.demo(),
                          now_at, districts=districts)
            assert not scope.has_ended()
            yield scope


@pytest.mark.parametrize("name", sorted(clock_keys.LIVE_BY))
def test_a_running_window_with_its_live_count_from_the_grouping_sets_equals_the_result_at_the_minute(con, name):
    for scope in _running_scopes():
        for args in CALLS[name]:
            _same(_live_apart(con, name, scope, args), QUERIES[name](con, scope, *args))


def test_a_running_window_without_its_live_count_differs_so_the_check_above_means_something(con):
    none = q.overdue_slice(q.overdue_count_sets(con, Scope(START, END, Access.demo(), NOWS[0]).live()), "all").iloc[:0]
    differs = 0
    for name in sorted(clock_keys.LIVE_BY):
        for scope in _running_scopes():
            for args in CALLS[name]:
                try:
                    _same(_live_apart(con, name, scope, args, lambda by: none), QUERIES[name](con, scope, *args))
                except AssertionError:
                    differs += 1
    assert differs >= 20
