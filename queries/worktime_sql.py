"""Working time inside SQL: the parameters that let a query turn two timestamps into working hours.

A query joins ref_workdays (_scoped.sql) on each timestamp's date and computes working minutes as
    workdays_before × $office_day_minutes + (is_workday ? office minutes of that day before t : 0)
with the office periods of city.toml bound as $office_starts / $office_ends (minutes of the day).
The difference of two such values / 60 is the working hours between them: the same figure as
data.worktime.WorkCalendar.work_hours_between (a test checks the two agree).
"""
from __future__ import annotations

from data.config import load_city


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def office_params(periods: tuple[tuple[str, str], ...] | None = None) -> dict:
    """$office_starts, $office_ends (minutes of the day) and $office_day_minutes for a query."""
    periods = periods if periods is not None else load_city().office_periods
    starts = [_minutes(a) for a, _ in periods]
    ends = [_minutes(b) for _, b in periods]
    return {"office_starts": starts, "office_ends": ends,
            "office_day_minutes": sum(e - s for s, e in zip(starts, ends))}


def office_key(params: dict | None = None) -> str:
    """The office hours of `params` (office_params(); default the city's) as one string, e.g.
    '510-720,840-1050': data.store stores it in meta work_minutes_office with the cases' working-minute
    columns, and a reader uses those columns only when its own office hours give the same key."""
    params = params if params is not None else office_params()
    return ",".join(f"{a}-{b}" for a, b in zip(params["office_starts"], params["office_ends"]))
