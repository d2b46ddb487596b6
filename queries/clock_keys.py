"""How each cached query's result depends on the clock (Scope.now_at), so caches key on the minute
only where the result truly moves with it. No streamlit here; ui/cache.py applies it.

- CLOCK_FREE: never reads now (option lists, polygons, a case's history, the import ledger).
- SETTLES: reads now only as "by period end" = least(window end, now) (queries/sql/_scoped.sql,
  case_facts). Once the window has ended, every figure is the same at any later minute: the result
  depends on the snapshot and the selection only.
- LIVE_BY: SETTLES queries that also carry the live overdue count (overdue_open_count, which moves
  with now whatever the window). Computed with `live=False` for the settled key, the count is then
  put in from overdue_counts, cached apart on (selection, now) and shared by every window.
- Anything else (the wall, case lists and detail, people pages) keys on the minute, as before.

tests/test_clock_keys.py checks, on rows that straddle every deadline, that the settled result with
the live count put back equals the result computed at the real now.
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from queries.cases import AREA_GROUP_BY_LEVEL, LIVE_COLUMN, with_overdue
from queries.scope import Scope

CLOCK_FREE = frozenset({
    "area_options", "unit_options", "category_options", "source_options", "area_shapes",
    "case_timeline", "import_ledger", "import_rejects", "import_flags", "data_years",
})
SETTLES = frozenset({
    "case_kpis", "area_kpis", "unit_kpis", "area_summary", "unit_league", "daily_trend",
    "trend_series", "top_categories", "hour_weekday", "source_mix", "handling_time",
})
# name -> the overdue_counts grouping of its result, from the call's arguments
LIVE_BY: dict[str, Callable[[tuple], str]] = {
    "case_kpis": lambda args: "all",
    "unit_kpis": lambda args: "unit",
    "area_kpis": lambda args: AREA_GROUP_BY_LEVEL[args[0]],
    "area_summary": lambda args: AREA_GROUP_BY_LEVEL[args[0]],
}


# Queries whose text reads neither the window nor the clock (no $start, $end, $now, $span_*:
# tests/test_clock_keys.py checks the composed SQL): keyed on one fixed window and minute, so the
# sidebar's lists and the map's polygons of a selection are computed once for every time range.
# expected_stats (预计办结) takes its as-of day as an argument: one entry per grant and day, not per
# window and minute (76 ms of CPU at 219k cases on every first view of 排行榜 and 案件).
WINDOW_FREE = frozenset({"area_options", "unit_options", "category_options", "source_options", "area_shapes",
                         "expected_stats"})
# Queries that run on scope.unfiltered() whatever the filters (queries/cases.py: the filter option
# lists, which only access narrows): keyed without the filters too, so every district and street a
# user picks reads one entry per grant. The access stays in the key: two grants never share one.
UNFILTERED = frozenset({"area_options", "unit_options", "category_options", "source_options"})


def key_scope(name: str, scope: Scope) -> Scope:
    """The scope to key (and compute) query `name` with: now_at moved to the window's end when the
    result cannot depend on the minute, the window and minute fixed when it reads neither, the
    filters left out when the query drops them anyway; else `scope` itself."""
    if name in WINDOW_FREE:
        scope = scope.unfiltered() if name in UNFILTERED else scope
        return scope.without_window()
    if name in CLOCK_FREE:
        return scope.at_window_end()
    if name in SETTLES and scope.has_ended():
        return scope.at_window_end()
    return scope


def assemble(name: str, scope: Scope, args: tuple, run: Callable[[Scope, bool], Any],
             run_overdue: Callable[[Scope, str], pd.DataFrame]) -> Any:
    """Result of query `name` for `scope` from its parts: `run(key_scope, live)` computes the query
    (live=False: without its live count) and `run_overdue(live_scope, by)` the live overdue counts.
    ui/cache.py passes cached functions, so each part is kept under its own key."""
    key = key_scope(name, scope)
    if name in LIVE_BY and key is not scope:
        return add_live(run(key, False), run_overdue(scope.live(), LIVE_BY[name](args)))
    return run(key, True)


def compute_live(name: str, args: tuple, compute: Callable[[bool], Any],
                 overdue: Callable[[str], pd.DataFrame]) -> Any:
    """Result of query `name` at its scope's minute: `compute(live)` runs the query; a LIVE_BY query
    runs without its live count, which comes from `overdue(by)` (the overdue_counts rows of its
    grouping: ui/cache.py reads them from one cached query of every grouping, so the cards, the area
    and the unit tables of one selection and minute share one pass over the open cases)."""
    if name in LIVE_BY:
        result = compute(False)
        shown = result.index if isinstance(result, pd.Series) else result.columns
        # asked only where the result shows it (a comparison's columns leave it out)
        return add_live(result, overdue(LIVE_BY[name](args))) if LIVE_COLUMN in shown else result
    return compute(True)


def add_live(result: Any, overdue: pd.DataFrame) -> Any:
    """`result` of a LIVE_BY query computed with live=False (its overdue_open_count all 0) with the
    live counts of `overdue` (overdue_counts rows of the same grouping) put in: a case_kpis Series,
    a kpi_counts frame (by group_code; groups with only overdue cases are added) or an area_summary
    frame (by area_code)."""
    counts = dict(zip(overdue["group_code"], overdue[LIVE_COLUMN]))
    if isinstance(result, pd.Series):
        if LIVE_COLUMN not in result.index:
            return result
        if result.get("population", pd.NA) is None and "all" in counts:
            # case_kpis' zeros for a window without cases (population None there; a row has NA): at the
            # minute, kpi_counts' row is then the live count's own row, as with_overdue makes it
            window = pd.DataFrame(columns=[c for c in result.index if c != LIVE_COLUMN])
            return with_overdue(window, overdue, tuple(result.index)).iloc[0]
        out = result.copy()
        out[LIVE_COLUMN] = int(counts.get("all", 0))
        return out
    if LIVE_COLUMN not in result.columns:
        return result
    if "area_code" in result.columns:
        return result.assign(**{LIVE_COLUMN: result["area_code"].map(counts).fillna(0).astype("int64")})
    return with_overdue(result.drop(columns=LIVE_COLUMN), overdue, tuple(result.columns))
