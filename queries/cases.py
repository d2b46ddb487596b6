"""Typed functions over the case query files: (source, scope, ...) -> DataFrame. No streamlit here."""
from __future__ import annotations

import pandas as pd

from queries.runner import CursorSource, fetch
from queries.scope import Scope


def case_kpis(source: CursorSource, scope: Scope) -> pd.Series:
    """One row of headline counts (see queries/kpis.py for what each means)."""
    return fetch(source, "case_kpis", scope).iloc[0]


def daily_trend(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "daily_trend", scope)


def area_summary(source: CursorSource, scope: Scope, level: int) -> pd.DataFrame:
    if level not in (1, 2, 3, 4):
        raise ValueError(f"level must be 1..4, got {level}")
    return fetch(source, "area_summary", scope, level=level)


def area_shapes(source: CursorSource, scope: Scope, level: int) -> pd.DataFrame:
    return fetch(source, "area_shapes", scope, level=level)


def unit_league(source: CursorSource, scope: Scope, min_volume: int) -> pd.DataFrame:
    return fetch(source, "unit_league", scope, min_volume=min_volume)


def area_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "area_options", scope.unfiltered())


def unit_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "unit_options", scope.unfiltered())


def category_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "category_options", scope.unfiltered())


def source_options(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "source_options", scope.unfiltered())
