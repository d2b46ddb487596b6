"""The only place with st.cache_*: one snapshot reader per process, and cached aggregates.

Cached results (ui/result_cache.py, byte-capped) are keyed by (query name, Scope, data version, arguments): the Scope carries the
identity's access, so two users share a result only when they may see the same data, and the data
version changes with every published snapshot. Cache aggregates only, never raw tables.

One snapshot per run (security.md rule 15): the first read of a script run (a full run or one
fragment rerun, e.g. a wall refresh) pins the published version, and every read of that run, cached
or not, comes from it, even when a writer publishes halfway through the render. `snapshot()` is that
pinned handle; outside a Streamlit run, `with pinned():` gives the same guarantee to a block.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import streamlit as st

from data.config import db_path, load_city, published_path
from data.worktime import WorkCalendar, read_overrides
from queries import cases as case_queries
from queries import maps as map_queries
from queries import trends as trend_queries
from queries import wall as wall_queries
from queries import imports as import_queries
from queries import case_records
from queries import alerts, anomalies, expected, handoffs, recurrence, reporters
from queries import topics as topic_queries
from queries import party
from queries import clock_keys
from queries.db import Snapshot, SnapshotReader
from queries.engines import open_reader
from queries.kpis import registry
from queries.scope import Scope
from queries.scores import ScoreConfig, load_scores
from ui.result_cache import ResultCache

# Every cacheable query: name -> function(source, scope, *args). Pages call get("name", scope, ...).
QUERIES: dict[str, Callable[..., Any]] = {
    "case_kpis": case_queries.case_kpis,
    "unit_kpis": case_queries.unit_kpis,
    "area_kpis": case_queries.area_kpis,
    "overdue_counts": case_queries.overdue_counts,   # live, window ignored: keyed by Scope.live()
    # overdue_counts' groupings all / district / unit in one pass (queries.cases.SETS_GROUPINGS)
    "overdue_counts_sets": case_queries.overdue_count_sets,
    "data_years": case_queries.data_years,
    "daily_trend": case_queries.daily_trend,
    "area_summary": case_queries.area_summary,
    "area_shapes": case_queries.area_shapes,
    "unit_league": case_queries.unit_league,
    "area_options": case_queries.area_options,
    "unit_options": case_queries.unit_options,
    "category_options": case_queries.category_options,
    "source_options": case_queries.source_options,
    "case_points": map_queries.case_points,
    "case_hexbins": map_queries.case_hexbins,
    "trend_series": trend_queries.trend_series,
    "top_categories": trend_queries.top_categories,
    "hour_weekday": trend_queries.hour_weekday,
    "source_mix": trend_queries.source_mix,
    "handling_time": trend_queries.handling_time,
    "wall_day_pace": wall_queries.day_pace,      # no page reads these two since wall_day_hours; the
    "wall_hourly": wall_queries.hourly,          # engines' golden test (tests/engine_golden.py) still does
    "wall_day_hours": wall_queries.day_hours,
    "wall_hotspots": wall_queries.hotspots,
    "wall_latest_cases": wall_queries.latest_cases,
    "wall_people": wall_queries.people_today,
    "wall_categories": wall_queries.top_categories,
    "wall_districts": wall_queries.district_today,
    "import_ledger": import_queries.import_ledger,
    "import_rejects": import_queries.import_rejects,
    "import_flags": import_queries.import_flags,
    # case records (pages/cases.py): a bounded page, one case, one timeline; masked in SQL / scrubbed
    "case_count": case_records.case_count,     # one count per list: every page and sort reuses it
    "case_list": case_records.case_list,
    "case_export": case_records.case_export,   # through fresh(), never cached
    "case_detail": case_records.case_detail,
    "case_timeline": case_records.case_timeline,
    # people stream (pages/party.py)
    "party_checkin_trend": party.checkin_trend,
    "party_service_by_community": party.service_by_community,
    "party_service_by_unit": party.service_by_unit,
    "party_pairing_scorecard": party.pairing_scorecard,
    "party_whistles": party.whistles,
    "party_wishes": party.wishes,
    "party_three_lists": party.three_lists,
    "party_supervision": party.supervision,
    "party_secretary_visits": party.secretary_visits,
    # signals (pages/signals.py, issue 16): parameters from city.toml [signals] passed as arguments
    "handoff_units": handoffs.unit_handoffs,
    "handoff_rates": handoffs.unit_handoff_rates,   # the unit league's 推诿率 (handoff_units without delays)
    "handoff_pairs": handoffs.handoff_pairs,
    "expected_stats": expected.expected_stats,
    "expected_calibration": expected.calibration,
    "recurrence_pairs": recurrence.recurrence_pairs,
    "recurrence_rates": recurrence.recurrence_rates,
    "recurrence_flag": recurrence.recurrence_flag,
    "same_issue": reporters.same_issue,
    "repeat_reporters": reporters.repeat_reporters,
    "anomalies": anomalies.anomalies,
    "rising_categories": anomalies.rising_categories,
    "alerts": alerts.evaluate,
    "topic_monthly": topic_queries.monthly,
    "topic_versus": topic_queries.versus_previous,
}


@st.cache_resource(show_spinner=False)
def reader() -> SnapshotReader:
    """The published snapshot on the engine of DASHBOARD_ENGINE (DuckDB unless set; docs/engines.md)."""
    return open_reader(published_path(db_path()))


@st.cache_resource(show_spinner=False)
def calendar() -> WorkCalendar:
    """The working-time calendar of city.toml (office hours, chinesecalendar, operator overrides)."""
    city = load_city()
    return WorkCalendar(city.office_periods, read_overrides(city.calendar_overrides_path))


@st.cache_resource(show_spinner=False)
def score_config() -> ScoreConfig:
    """Composite-score presets and grades (data/reference/scores.toml), validated against the registry."""
    city = load_city()
    return load_scores(city.scores_path, registry(city))


_PIN_ATTR = "_dashboard_snapshot_pin"
_local = threading.local()


def _run_context():
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    return get_script_run_ctx(suppress_warning=True)


def snapshot() -> Snapshot:
    """The published version this run reads. Pinned at the run's first call and kept to its end.

    A run is recognised by the per-run state Streamlit renews at the start of every run and of
    every fragment rerun (ScriptRunContext.reset gives it a new `cursors` dict), so a new run never
    sees the previous run's pin, and nothing has to remember to unpin."""
    explicit = getattr(_local, "pin", None)
    if explicit is not None:
        return explicit
    ctx = _run_context()
    if ctx is None:                   # plain Python (scripts, tests): each call looks again
        return reader().pin()
    token = ctx.cursors
    pin = getattr(ctx, _PIN_ATTR, None)
    if pin is None or pin[0] is not token:
        pin = (token, reader().pin())
        setattr(ctx, _PIN_ATTR, pin)
    return pin[1]


def repin() -> Snapshot:
    """Moves this run to the newest published version: only for a run that published one itself
    (ui.app's schema upgrade) and reads nothing from before it afterwards."""
    snap = reader().pin()
    if getattr(_local, "pin", None) is not None:
        _local.pin = snap
    ctx = _run_context()
    if ctx is not None:
        setattr(ctx, _PIN_ATTR, (ctx.cursors, snap))
    return snap


@contextmanager
def pinned() -> Iterator[Snapshot]:
    """Outside a Streamlit run (benchmarks, background jobs): every read in the block, on this
    thread, comes from one version."""
    previous = getattr(_local, "pin", None)
    _local.pin = previous or reader().pin()
    try:
        yield _local.pin
    finally:
        _local.pin = previous


@st.cache_resource(show_spinner=False)
def results() -> ResultCache:
    """Query results of this process, all sessions (ui/result_cache.py): at most DASHBOARD_CACHE_MB
    megabytes (default 256), each for at most 15 minutes; emptied with st.cache_resource.clear()."""
    return ResultCache(max_bytes=int(os.environ.get("DASHBOARD_CACHE_MB", "256")) * 2 ** 20, ttl_seconds=900)


def _frozen(value: Any) -> Any:
    """Arguments as a hashable key (lists and dicts, e.g. a list of codes, become tuples)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, set):
        return tuple(sorted(value))
    return value


def _store() -> ResultCache:
    """The result store: results(), or the one this thread was handed (`handed`: prefetch threads and the
    alert ticker call no Streamlit API, st.cache_resource included)."""
    handed = getattr(_local, "store", None)
    return handed if handed is not None else results()


def _run(name: str, scope: Scope, version: str, args: tuple, _snap: Snapshot) -> Any:
    """Query `name` at scope.now_at; a clock_keys.LIVE_BY query takes its live overdue count from the
    selection's one overdue_counts_sets entry of that minute (clock_keys.compute_live)."""
    return _store().get((name, scope, version, _frozen(args), True),
                         lambda: clock_keys.compute_live(
                             name, args,
                             lambda live: (QUERIES[name](_snap, scope, *args) if live
                                           else QUERIES[name](_snap, scope, *args, live=False)),
                             lambda by: _overdue(scope.live(), by, version, _snap)))


def _overdue(live_scope: Scope, by: str, version: str, _snap: Snapshot) -> Any:
    """overdue_counts(live_scope, by); the groupings 总览 and 指挥大屏 ask together (the cards, districts,
    units) from one cached query of the three per selection and minute instead of one query each."""
    if by in case_queries.SETS_GROUPINGS:
        return case_queries.overdue_slice(_run("overdue_counts_sets", live_scope, version, (), _snap), by)
    return _run("overdue_counts", live_scope, version, (by,), _snap)


def _run_window(name: str, scope: Scope, version: str, args: tuple, _snap: Snapshot) -> Any:
    """A clock_keys.LIVE_BY query of an ended window without its live count (scope at the window's end)."""
    return _store().get((name, scope, version, _frozen(args), False),
                         lambda: QUERIES[name](_snap, scope, *args, live=False))


def get(name: str, scope: Scope, *args: Any) -> Any:
    """Cached result of query `name` for `scope` on this run's snapshot. Keyed on the minute only
    where the result moves with it (queries/clock_keys.py): an ended window's figures are cached on
    (snapshot, selection), and the live overdue count apart on (snapshot, selection, minute)."""
    snap = snapshot()
    if name == "overdue_counts":   # the live count alone (指挥大屏's tile): the window never matters
        return _overdue(scope.live(), *args, snap.version, snap)
    return clock_keys.assemble(
        name, scope, args,
        lambda key, live: (_run if live else _run_window)(name, key, snap.version, args, snap),
        lambda live_scope, by: _overdue(live_scope, by, snap.version, snap))


def prefetch(*calls: tuple) -> None:
    """Starts `get(name, scope, *args)` for each call `(name, scope, *args)` on the process's prefetch
    threads and returns at once. The page's own get() of the same call later takes the stored result,
    waits for the computation under way (ResultCache: one computation per key), or, when no thread has
    started it yet, computes it itself (the thread then finds it stored). DuckDB runs a query without
    holding the GIL, so the independent queries of a cold view overlap on the machine's cores instead
    of running one after another while the page's own thread draws. Every call reads this run's
    snapshot. A call that fails here is dropped: the page's own call runs it again and shows the error.
    List the calls slowest first, and only calls the page then makes with exactly these arguments; a
    None in their place is skipped (a call the page makes only under a condition that does not hold)."""
    pool = _prefetch_pool()
    if pool is None:
        return
    snap, store = snapshot(), results()
    for name, scope, *args in filter(None, calls):
        pool.submit(_prefetched, store, snap, name, scope, tuple(args))


def _prefetched(store: ResultCache, snap: Snapshot, name: str, scope: Scope, args: tuple) -> None:
    with handed(snap, store):
        try:
            get(name, scope, *args)
        except Exception:   # noqa: BLE001 - the page's own call raises it (see prefetch)
            pass


@contextmanager
def handed(snap: Snapshot, store: ResultCache) -> Iterator[None]:
    """For a thread outside any Streamlit run (a prefetch thread, the alert ticker): every get() and
    derived() of this thread in the block reads `snap` and keeps its results in `store` — results()
    and snapshot() as a page's thread sees them, handed over by one, since Streamlit supports no call
    (st.cache_resource included) outside a script's thread."""
    previous = getattr(_local, "pin", None), getattr(_local, "store", None)
    _local.pin, _local.store = snap, store
    try:
        yield
    finally:
        _local.pin, _local.store = previous


_POOL_LOCK = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _prefetch_pool() -> ThreadPoolExecutor | None:
    """DASHBOARD_PREFETCH_THREADS threads per process (default 3; 0 turns prefetching off: every
    query then runs on the page's thread, in the page's order)."""
    global _pool
    threads = int(os.environ.get("DASHBOARD_PREFETCH_THREADS", "3") or 0)
    if threads <= 0:
        return None
    with _POOL_LOCK:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="prefetch")
        return _pool


def derived(name: str, scope: Scope, args: tuple, build: Callable[[], Any]) -> Any:
    """A value built in Python from this run's query results (a league table, a figure), kept with
    them in the byte-capped store so that a rerun does not build it again. Keyed on `name`, the whole
    Scope (access, filters, window, now_at: a running window's value lives for its minute), the
    snapshot's version and `args`, which must hold every input of `build` that is not a function of
    (scope, snapshot), e.g. a chosen metric or a chart's height. `build` reads through get(), so what
    it reads comes from the same snapshot as the key says."""
    snap = snapshot()
    return _store().get(("derived", name, scope, snap.version, _frozen(args)), build)


def from_files(name: str, paths: tuple[Path, ...], build: Callable[[], Any]) -> Any:
    """A value built from reference files alone (no snapshot, no scope: e.g. every 小类's time
    limits), kept in the store until one of the files changes (keyed on their modification times)."""
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    return _store().get(("files", name, stamp), build)


def fresh(name: str, scope: Scope, *args: Any) -> Any:
    """Result of query `name` computed now and not kept: for large one-off results such as a
    download of thousands of case rows (the cache holds aggregates and pages only)."""
    return QUERIES[name](snapshot(), scope, *args)


@st.cache_data(ttl=3600, max_entries=50, show_spinner=False)
def _run_reference(name: str, scope: Scope, args: tuple, _snap: Snapshot) -> Any:
    return QUERIES[name](_snap, scope, *args)


def get_reference(name: str, scope: Scope, *args: Any) -> Any:
    """Cached result of a query over reference data that the live feed never changes (area
    polygons), NOT keyed on the data version: a feed publishing every few seconds would otherwise
    refetch and re-cache it each time. Changes by a re-seed show within the hour. Callers pass a
    scope whose now_at does not tick (e.g. midnight), or every minute makes a new entry."""
    return _run_reference(name, scope, args, snapshot())


@st.cache_data(ttl=30, show_spinner=False)
def _meta(version: str, _snap: Snapshot) -> dict[str, str]:
    cur = _snap.cursor()
    try:
        return dict(cur.execute("SELECT key, value FROM meta").fetchall())
    finally:
        cur.close()


def data_years(scope: Scope) -> tuple[int, ...]:
    """Calendar years the case data spans (for the calendar warning): from meta, set at every publish
    (data/sql/meta_data_span.sql), so no page scans the case table for it; a snapshot published
    before meta held it falls back to the scan over what `scope` may see."""
    facts = meta()
    first, last = facts.get("data_first_at"), facts.get("data_last_at")
    if first is None or last is None:
        return get("data_years", scope.unfiltered())
    if not first or not last:
        return ()
    return tuple(range(int(first[:4]), int(last[:4]) + 1))


def meta() -> dict[str, str]:
    """Facts about the database (city, demo flag, last write time); not scoped, holds no records."""
    snap = snapshot()
    return _meta(snap.version, snap)


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _known_codes(version: str, _snap: Snapshot):
    from data.authz import known_codes

    cur = _snap.cursor()
    try:
        return known_codes(cur)
    finally:
        cur.close()


def known_codes():
    """District, street and unit codes and names of the snapshot (reference data), to check grants."""
    snap = snapshot()
    return _known_codes(snap.version, snap)
