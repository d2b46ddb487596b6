"""Typed functions over the case query files: (source, scope, ...) -> DataFrame. No streamlit here."""
from __future__ import annotations

import pandas as pd

from data.config import load_city
from queries import accepted_daily, kpi_daily
from queries.kpis import kpi_columns, registry
from queries.league import unit_league as rank_units
from queries.runner import CursorSource, fetch
from queries.scope import Scope

# Groupings of kpi_counts.sql: a dict of allowed values, never user text.
KPI_GROUPS = ("all", "unit", "district", "street", "community", "grid")
AREA_GROUP_BY_LEVEL = {1: "district", 2: "street", 3: "community", 4: "grid"}
# Columns of every kpi_counts row that name the group (cheap joins; always fetched).
GROUP_COLUMNS = ("group_code", "name", "peer_group", "parent_code", "population")
# Counts that maps and area tables show per area (area_summary).
# The one count that moves with the clock whatever the window (overdue_counts.sql).
LIVE_COLUMN = "overdue_open_count"
AREA_SUMMARY_COLUMNS = ("accepted_count", "due_count", "due_on_time_count", "disposal_den", "disposal_num",
                        "handle_due_count", "handle_due_handled_count", "overdue_open_count")


def kpi_counts(source: CursorSource, scope: Scope, by: str, columns: tuple[str, ...] | None = None, *,
               live: bool = True) -> pd.DataFrame:
    """KPI counts and duration statistics per group (see queries/kpis.py for what each means).
    `columns`: only these counts (plus GROUP_COLUMNS) — a view showing a few KPIs passes
    queries.kpis.kpi_columns(...) and pays only for those; None computes every one.
    The live overdue count (overdue_counts.sql) is joined in when asked for; `live=False` leaves it
    at 0, for a caller that caches the window's counts apart from it (queries/clock_keys.py)."""
    if by not in KPI_GROUPS:
        raise ValueError(f"by must be one of {KPI_GROUPS}, got {by!r}")
    order = None
    if columns is not None:
        order = GROUP_COLUMNS + tuple(c for c in columns if c not in GROUP_COLUMNS)
        columns = tuple(c for c in order if c != LIVE_COLUMN)
    # Counts whose flags no window end or clock changes (趋势's cards), for the whole selection: sums of
    # kpi_daily over the window's days (queries/accepted_daily.py: identical frame).
    window = (accepted_daily.time_free_counts(source, scope, columns)
              if by == "all" and columns is not None else None)
    # Pre-aggregated for long windows, and for running ones on the publish day, where the selection
    # allows (queries/kpi_daily.py: identical numbers), else per case.
    if window is None and kpi_daily.candidate(scope, columns):
        window = kpi_daily.aggregate_counts(source, scope, by, columns, compute_b=kpi_daily.preferred(scope))
    # Per case; medians and P90 by rank where the rank tables answer (identical numbers).
    if window is None:
        window = kpi_daily.ranked_durations_counts(source, scope, by, columns)
    if window is None:
        window = fetch(source, "kpi_counts", scope, columns=columns, by=by)
    if columns is not None and LIVE_COLUMN not in order:
        return window
    overdue = overdue_counts(source, scope, by) if live else _NO_OVERDUE
    return with_overdue(window, overdue, order)


_NO_OVERDUE = pd.DataFrame({c: pd.Series(dtype=object) for c in GROUP_COLUMNS}
                           | {LIVE_COLUMN: pd.Series(dtype="int64")})


def overdue_counts(source: CursorSource, scope: Scope, by: str) -> pd.DataFrame:
    """The live overdue count per group (GROUP_COLUMNS + overdue_open_count); depends on
    scope.now_at and the selection, not on the window."""
    if by not in KPI_GROUPS:
        raise ValueError(f"by must be one of {KPI_GROUPS}, got {by!r}")
    return fetch(source, "overdue_counts", scope, by=by)


# The groupings of overdue_counts that 总览 and 指挥大屏 ask in one minute (the cards, the district and the
# unit tables): overdue_counts_sets.sql counts them in one pass; the map's levels stay one query each.
SETS_GROUPINGS = ("all", "district", "unit")


def overdue_count_sets(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """The live overdue counts of every grouping in SETS_GROUPINGS at once (overdue_counts_sets.sql:
    grouped_by + the columns of overdue_counts); overdue_slice takes one grouping out of it."""
    return fetch(source, "overdue_counts_sets", scope)


def overdue_slice(sets: pd.DataFrame, by: str) -> pd.DataFrame:
    """The frame overdue_counts(source, scope, by) gives (rows, order, columns and dtypes), taken
    from overdue_count_sets(source, scope). A nullable integer column (population: NULL for units and
    the city) and the text columns come as DuckDB gives them to pandas: an integer column nullable only
    where the rows hold a NULL, a text column `object` of None where they hold nothing else (the city's
    name; no rows at all)."""
    if by not in SETS_GROUPINGS:
        raise ValueError(f"by must be one of {SETS_GROUPINGS}, got {by!r}")
    rows = sets[sets["grouped_by"] == by].drop(columns="grouped_by").reset_index(drop=True)
    for col in rows.columns:
        dtype, missing = rows[col].dtype, rows[col].isna()
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu" and not missing.any():
            rows[col] = rows[col].astype(dtype.numpy_dtype)
        elif isinstance(dtype, pd.StringDtype) and missing.all():
            rows[col] = pd.Series([None] * len(rows), dtype=object)
    return rows


def with_overdue(window: pd.DataFrame, overdue: pd.DataFrame, order: tuple[str, ...] | None = None) -> pd.DataFrame:
    """kpi_counts rows of the window joined with overdue_counts rows: a group in either appears,
    with 0 for the counts it lacks (and no durations), ordered by group_code. Columns in `order`,
    or (None) the window's counts, the overdue count, then the group columns."""
    counts = [c for c in window.columns if c not in GROUP_COLUMNS]
    live_only = overdue[~overdue.group_code.isin(window.group_code)]
    groups = window[list(GROUP_COLUMNS)]
    if not live_only.empty:
        groups = pd.concat([groups.astype(object), live_only[list(GROUP_COLUMNS)].astype(object)],
                           ignore_index=True).infer_objects()
    merged = groups.merge(window[["group_code", *counts]], on="group_code", how="left") \
        .merge(overdue[["group_code", LIVE_COLUMN]], on="group_code", how="left")
    fill = {c: 0 for c in counts if not c.endswith(("_median", "_p90"))} | {LIVE_COLUMN: 0}
    merged = merged.fillna(fill).astype({c: "int64" for c in fill})
    if order is None:
        order = tuple(counts) + (LIVE_COLUMN,) + tuple(c for c in window.columns if c in GROUP_COLUMNS)
    return merged[list(order)].sort_values("group_code", ignore_index=True)


def case_kpis(source: CursorSource, scope: Scope, columns: tuple[str, ...] | None = None, *,
              live: bool = True) -> pd.Series:
    """One row of counts for the whole selection (all, or `columns` as in kpi_counts); zeros (and
    no durations) when it is empty. `live` as in kpi_counts."""
    frame = kpi_counts(source, scope, "all", columns, live=live)
    if not frame.empty:
        return frame.iloc[0]
    return pd.Series({c: (None if c.endswith(("_median", "_p90")) or c in GROUP_COLUMNS else 0)
                      for c in frame.columns} | {"group_code": "all"})


def area_kpis(source: CursorSource, scope: Scope, level: int, columns: tuple[str, ...] | None = None, *,
              live: bool = True) -> pd.DataFrame:
    """kpi_counts per area of one level (1..4); only areas with cases in scope."""
    if level not in AREA_GROUP_BY_LEVEL:
        raise ValueError(f"level must be 1..4, got {level}")
    return kpi_counts(source, scope, AREA_GROUP_BY_LEVEL[level], columns, live=live)


def unit_kpis(source: CursorSource, scope: Scope, columns: tuple[str, ...] | None = None, *,
              live: bool = True) -> pd.DataFrame:
    """kpi_counts per responsible unit (the unit a case was last dispatched to)."""
    return kpi_counts(source, scope, "unit", columns, live=live)


def data_years(source: CursorSource, scope: Scope) -> tuple[int, ...]:
    """Calendar years the case data (timestamps and deadlines) spans, for the calendar warning."""
    row = fetch(source, "data_span", scope.unfiltered()).iloc[0]
    if pd.isna(row.first_at) or pd.isna(row.last_at):
        return ()
    return tuple(range(pd.Timestamp(row.first_at).year, pd.Timestamp(row.last_at).year + 1))


def daily_trend(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """Cases accepted and closed per day of the window (daily_trend.sql); from kpi_daily where the
    selection allows (queries/kpi_daily.py: identical numbers), else per case."""
    days = kpi_daily.daily_trend(source, scope)
    return days if days is not None else fetch(source, "daily_trend", scope)


def area_summary(source: CursorSource, scope: Scope, level: int,
                 columns: tuple[str, ...] = AREA_SUMMARY_COLUMNS, *, live: bool = True) -> pd.DataFrame:
    """Every area of one level inside the scope (those without cases too, with zeros) with the
    AREA_SUMMARY_COLUMNS counts, for maps and area tables. One row per area, by code. `columns`: only
    these of them (a view showing two counts pays only for those: 指挥大屏's district panels)."""
    if not columns or not set(columns) <= set(AREA_SUMMARY_COLUMNS):
        raise ValueError(f"columns must be some of {AREA_SUMMARY_COLUMNS}, got {columns!r}")
    columns = tuple(c for c in AREA_SUMMARY_COLUMNS if c in columns)
    areas = fetch(source, "area_list", scope, level=level)
    counts = area_kpis(source, scope, level, columns, live=live)[["group_code", *columns]]
    out = areas.merge(counts.rename(columns={"group_code": "area_code"}), on="area_code", how="left")
    return out.fillna({c: 0 for c in columns}).astype({c: "int64" for c in columns})


def area_shapes(source: CursorSource, scope: Scope, level: int) -> pd.DataFrame:
    return fetch(source, "area_shapes", scope, level=level)


def unit_league(source: CursorSource, scope: Scope, min_volume: int) -> pd.DataFrame:
    """Units ranked by on-time closing rate across all groups (the overview's 红黑榜); the rule is
    queries/league.py's. GROUP_COLUMNS and the KPI's counts plus value (= on_time_rate), volume,
    is_ranked, rank."""
    kpis = registry(load_city())
    kpi = kpis["on_time_rate"]
    league = rank_units(unit_kpis(source, scope, kpi_columns([kpi])), kpi, kpis, min_volume)
    return league.assign(on_time_rate=league["value"])


def area_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "area_options", scope.unfiltered())


def unit_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "unit_options", scope.unfiltered())


def category_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "category_options", scope.unfiltered())


def source_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "source_options", scope.unfiltered())


def overdue_backlog(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """Per unit, cases overdue and open at the window's end: period_overdue_count (due inside the
    window), carried_overdue_count (遗留超期: due before it), overdue_count; most first."""
    return fetch(source, "overdue_backlog", scope)
