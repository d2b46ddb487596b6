"""Typed functions for the command-hall wall screen (pages/wall.py). No streamlit here.

The wall reads only aggregated, de-identified data: counts, rates, cells of at least
`min_count` cases, and a ticker of cases by category, district and street (never a person, an
address or free text). Breakdown counts below `min_count` are replaced here, before any page
sees them, by NA with a `<column>_suppressed` flag (security.md rule 6).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pandas as pd

from queries import cases as case_queries
from queries.periods import previous_window
from queries.runner import CursorSource, fetch
from queries.scope import Access, Scope

# Names of the side states a ticker case can be in; the steps' own names come from the steps table
# (data/reference/steps.csv) through the query.
SIDE_STATE_LABELS = {"cancel": "作废", "shelve": "挂账", "not_filed": "不予立案"}


@dataclass(frozen=True)
class WallScopes:
    """The windows the wall compares, all for one identity and one moment."""

    today: Scope             # [today, tomorrow)
    pace: Scope              # [yesterday, tomorrow): today so far against yesterday up to the same time
    hours: Scope             # [day before yesterday, tomorrow): the 24-hour trend and the day before
    month: Scope             # [first of this month, tomorrow)
    last_month: Scope        # the same days of last month ([first of last month, + as many days))
    league: Scope            # the last `league_days` days, for the red and black lists


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month_same_days(day: date) -> tuple[date, date]:
    """[first of last month, the same day of last month] (half-open), capped at the end of last month:
    the overview's 本月 comparison too (queries/periods.py)."""
    start, end, _ = previous_window(month_start(day), day + timedelta(days=1), "month")
    return start, end


def wall_scopes(now_at: datetime, access: Access, *, league_days: int, exclude_shelved: bool = True,
                exclude_deferred: bool = True) -> WallScopes:
    today = now_at.date()
    tomorrow = today + timedelta(days=1)
    base = Scope(start_date=today, end_date=tomorrow, access=access, now_at=now_at,
                 exclude_shelved=exclude_shelved, exclude_deferred=exclude_deferred)
    month = replace(base, start_date=month_start(today), period="month")
    return WallScopes(
        today=base,
        pace=replace(base, start_date=today - timedelta(days=1)),
        hours=replace(base, start_date=today - timedelta(days=2)),
        month=month,
        last_month=month.previous_period(),   # to the same day and moment of last month
        league=replace(base, start_date=tomorrow - timedelta(days=league_days)),
    )


def suppress_small(frame: pd.DataFrame, columns: list[str], min_count: int) -> pd.DataFrame:
    """Counts below min_count become NA, with `<column>_suppressed` True; zero stays zero (it
    singles out nobody)."""
    out = frame.copy()
    for col in columns:
        values = out[col].astype("Int64")
        small = (values > 0) & (values < min_count)
        out[col] = values.mask(small)
        out[f"{col}_suppressed"] = small.fillna(False).astype(bool)
    return out


def day_pace(source: CursorSource, scope: Scope) -> pd.Series:
    """accepted/filed/closed _today and _yesterday (up to the same time of day); scope = WallScopes.pace."""
    return fetch(source, "wall_day_pace", scope).iloc[0]


def hourly(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """24 rows: hour_at, accepted_count, closed_count, accepted_day_before_count; scope = WallScopes.hours."""
    return fetch(source, "wall_hourly", scope)


PACE_COLUMNS = ("accepted_today", "accepted_yesterday", "filed_today", "filed_yesterday", "closed_today",
                "closed_yesterday")
HOURLY_COLUMNS = ("hour_at", "accepted_count", "closed_count", "accepted_day_before_count")


def day_hours(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """day_pace's and hourly's figures from one pass over the window's cases (wall_day_hours.sql: at 10M
    cases the two files read the same recent row groups twice); scope = WallScopes.hours. Split with
    pace_of / hourly_of, which give those functions' results exactly (tests/test_wall_day_hours.py)."""
    return fetch(source, "wall_day_hours", scope)


def pace_of(day: pd.DataFrame) -> pd.Series:
    """day_pace(source, WallScopes.pace) from day_hours(source, WallScopes.hours)."""
    return day[list(PACE_COLUMNS)].iloc[0]


def hourly_of(day: pd.DataFrame) -> pd.DataFrame:
    """hourly(source, WallScopes.hours) from day_hours(source, WallScopes.hours)."""
    return day[list(HOURLY_COLUMNS)]


def hotspots(source: CursorSource, scope: Scope, hours: int, cell_degrees: float, min_count: int,
             limit: int = 40) -> pd.DataFrame:
    """Cells (lat, lon at the centre, case_count) with at least min_count cases in the last `hours`."""
    if not 0 < cell_degrees <= 1 or hours < 1:
        raise ValueError(f"bad hot-spot cell {cell_degrees} or hours {hours}")
    return fetch(source, "wall_hotspots", scope, hours=hours, cell_degrees=cell_degrees,
                 min_count=max(1, min_count), limit=limit)


def latest_cases(source: CursorSource, scope: Scope, limit: int) -> pd.DataFrame:
    """Newest cases: case_no, reported_at, category_name, district_name, street_name, step,
    step_label, elapsed_minutes. Nothing that names or locates a person."""
    frame = fetch(source, "wall_latest_cases", scope, limit=limit)
    frame["step_label"] = frame["step_name"].fillna(frame["step"].map(SIDE_STATE_LABELS)).fillna(frame["step"])
    return frame


def people_today(source: CursorSource, scope: Scope) -> pd.Series:
    """checkins_today, volunteers_on_duty, open_whistles, whistle_wait_median_hours,
    whistle_wait_max_hours, calls_waiting, call_wait_max_hours."""
    return fetch(source, "wall_people", scope).iloc[0]


def top_categories(source: CursorSource, scope: Scope, limit: int, min_count: int) -> pd.DataFrame:
    """Most frequent categories accepted in the window up to now; small counts suppressed."""
    frame = fetch(source, "wall_categories", scope, limit=limit)
    return suppress_small(frame, ["case_count"], min_count)


# What the wall shows per district: today's accepted cases and the open overdue cases now (the map, 各区县态势),
# and over the league's days the on-time closing rate (各区县态势). Asking area_summary for these only
# spares the flags nobody reads (10M cases: today 8 columns 0.19 s wall against 0.04 s; docs/performance.md
# section 5c, "Session 8: the wall").
TODAY_COLUMNS = ("accepted_count", case_queries.LIVE_COLUMN)
LEAGUE_COLUMNS = ("due_count", "due_on_time_count")


def suppress_districts(frame: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """area_summary(scope, 1, TODAY_COLUMNS) as the wall may show it: small counts suppressed."""
    return suppress_small(frame, list(TODAY_COLUMNS), min_count)


def district_today(source: CursorSource, scope: Scope, min_count: int) -> pd.DataFrame:
    """Districts with today's accepted cases and their open overdue cases now (area_summary, level 1);
    small counts suppressed. ui/wall.py reads the same through the cache (area_summary with
    TODAY_COLUMNS, whose live count comes from the selection's one entry of the minute)."""
    return suppress_districts(case_queries.area_summary(source, scope, 1, TODAY_COLUMNS), min_count)
