"""Typed functions over the case query files: (source, scope, ...) -> DataFrame. No streamlit here."""
from __future__ import annotations

import pandas as pd

from data.config import load_city
from queries.kpis import registry
from queries.league import unit_league as rank_units
from queries.runner import CursorSource, fetch
from queries.scope import Scope

# Groupings of kpi_counts.sql: a dict of allowed values, never user text.
KPI_GROUPS = ("all", "unit", "district", "street", "community", "grid")
AREA_GROUP_BY_LEVEL = {1: "district", 2: "street", 3: "community", 4: "grid"}


def kpi_counts(source: CursorSource, scope: Scope, by: str) -> pd.DataFrame:
    """Every KPI count and duration statistic per group (see queries/kpis.py for what each means)."""
    if by not in KPI_GROUPS:
        raise ValueError(f"by must be one of {KPI_GROUPS}, got {by!r}")
    return fetch(source, "kpi_counts", scope, by=by)


def case_kpis(source: CursorSource, scope: Scope) -> pd.Series:
    """One row of headline counts for the whole selection; zeros (and no durations) when it is empty."""
    frame = kpi_counts(source, scope, "all")
    if not frame.empty:
        return frame.iloc[0]
    return pd.Series({c: (None if c.endswith(("_median", "_p90")) or c in ("name", "peer_group", "parent_code",
                                                                             "population") else 0)
                      for c in frame.columns} | {"group_code": "all"})


def area_kpis(source: CursorSource, scope: Scope, level: int) -> pd.DataFrame:
    """kpi_counts per area of one level (1..4); only areas with cases in scope."""
    if level not in AREA_GROUP_BY_LEVEL:
        raise ValueError(f"level must be 1..4, got {level}")
    return kpi_counts(source, scope, AREA_GROUP_BY_LEVEL[level])


def unit_kpis(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """kpi_counts per responsible unit (the unit a case was last dispatched to)."""
    return kpi_counts(source, scope, "unit")


def data_years(source: CursorSource, scope: Scope) -> tuple[int, ...]:
    """Calendar years the case data (timestamps and deadlines) spans, for the calendar warning."""
    row = fetch(source, "data_span", scope.unfiltered()).iloc[0]
    if pd.isna(row.first_at) or pd.isna(row.last_at):
        return ()
    return tuple(range(pd.Timestamp(row.first_at).year, pd.Timestamp(row.last_at).year + 1))


def daily_trend(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "daily_trend", scope)


def area_summary(source: CursorSource, scope: Scope, level: int) -> pd.DataFrame:
    if level not in (1, 2, 3, 4):
        raise ValueError(f"level must be 1..4, got {level}")
    return fetch(source, "area_summary", scope, level=level)


def area_shapes(source: CursorSource, scope: Scope, level: int) -> pd.DataFrame:
    return fetch(source, "area_shapes", scope, level=level)


def unit_league(source: CursorSource, scope: Scope, min_volume: int) -> pd.DataFrame:
    """Units ranked by on-time closing rate across all groups (the overview's 红黑榜); the rule is
    queries/league.py's. Columns of kpi_counts plus value (= on_time_rate), volume, is_ranked, rank."""
    kpis = registry(load_city())
    league = rank_units(unit_kpis(source, scope), kpis["on_time_rate"], kpis, min_volume)
    return league.assign(on_time_rate=league["value"])


def area_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "area_options", scope.unfiltered())


def unit_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "unit_options", scope.unfiltered())


def category_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "category_options", scope.unfiltered())


def source_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "source_options", scope.unfiltered())
