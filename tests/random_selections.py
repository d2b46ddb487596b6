"""Pieces of the random selections that the equivalence tests of the tables built at publish draw
(tests/test_kpi_daily.py, tests/test_accepted_daily.py): a city's codes, a window's end for a kind of
window, and a grant. Each draws from the caller's generator in a fixed order, so a seed gives the
same selections as before these were shared."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from queries.scope import Access

RUNNING_KINDS = ("running", "before_data", "midnight")   # windows that end after now's day


def codes(con, sql: str) -> list[str]:
    return [r[0] for r in con.execute(sql).fetchall()]


@dataclass(frozen=True)
class CityCodes:
    districts: list[str]
    streets: list[tuple[str, str]]   # (street, its district)
    units: list[str]
    first_day: date                  # the day of the first event

    @classmethod
    def of(cls, con) -> "CityCodes":
        return cls(
            codes(con, "SELECT DISTINCT district_code FROM cases WHERE district_code IS NOT NULL ORDER BY 1"),
            con.execute("SELECT DISTINCT street_code, district_code FROM cases WHERE street_code IS NOT NULL "
                        "ORDER BY 1").fetchall(),
            codes(con, "SELECT DISTINCT unit_code FROM cases WHERE unit_code IS NOT NULL ORDER BY 1"),
            con.execute("SELECT min(first_event_at)::DATE FROM cases").fetchone()[0])


def pick(rng: np.random.Generator, values, k: int) -> tuple:
    """k distinct values (all when fewer), sorted."""
    return tuple(sorted(rng.choice(values, size=min(k, len(values)), replace=False).tolist()))


def window_end(rng: np.random.Generator, kind: str, now_at: datetime) -> date:
    """The end (exclusive day) of a window of this kind seen at now_at."""
    if kind in RUNNING_KINDS:
        return now_at.date() + timedelta(days=int(rng.integers(1, 10)))
    if kind == "ends_today":
        return now_at.date()
    if kind == "ends_yesterday":
        return now_at.date() - timedelta(days=1)
    return now_at.date() - timedelta(days=int(rng.integers(2, 400)))


def grant(rng: np.random.Generator, kind: str, city: CityCodes) -> Access:
    """A random grant of this kind: city, district (1–2), street (2) or unit (1–3)."""
    if kind == "city":
        return Access.city("市级")
    if kind == "district":
        return Access.for_districts(pick(rng, city.districts, int(rng.integers(1, 3))), "区县")
    if kind == "street":
        chosen = [city.streets[i] for i in rng.choice(len(city.streets), size=2, replace=False)]
        return Access.for_streets(tuple(s for s, _ in chosen), tuple(d for _, d in chosen), "街道")
    return Access.for_units(pick(rng, city.units, int(rng.integers(1, 4))), "单位")
